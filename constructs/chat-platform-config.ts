import type { IConstruct } from "constructs";
import type { ChatModelProps, ChatPlatformFeatures, ChatPlatformProps } from "./chat-platform";
import { MODEL_NAME, type ModelDeploymentProps } from "./openai-account";
import type { KeyVaultProps } from "./key-vault";
import type { SearchSku, SemanticSearch } from "./search-service";
import type { StorageAccountProps } from "./storage-account";
import type { WebAppProps, WebAppRuntime } from "./web-app";
import { type ResolvedSignIn, WEB_APP_ACCESS, type WebAppAccess, resolveSignIn } from "./sign-in";
import { ProblemCollector, ValidationError } from "./errors";
import { checkName } from "./naming";
import { tagProblems, mergeTags } from "./tags";
import { checkGuid, checkIntRange, checkOneOf, checkRegion, checkUnique, parseDuration } from "./validate";
import { PRINCIPAL_TYPES, type PrincipalType } from "./rbac/principal";
import { AUTH_MODES, type AuthMode, type KeyedService, SEARCH_QUERY_TYPES, type SearchQueryType, type SettingsProfile } from "./settings/profile";
import { BUILT_IN_PROFILES, BUILT_IN_PROFILE_NAMES } from "./settings/profiles";
import { type AppSettingPolicy, REDACTED, isSecretSetting, judgeAppSetting } from "../catalogue/secrets";
import { SETTING_NAME, checkProfileContract, keyVariables } from "./settings/contract";
import { CURRENT_DEFAULTS, type ModelVersion, SERVICES, judgeDeployment, modelListCommand, modelVersion, serviceRetired, stageOf, versionsOf } from "../catalogue/lifecycle";
import { type Today, resolveToday } from "../catalogue/today";

/**
 * Resolve, then build: ChatPlatformProps in, a complete and validated configuration
 * out. Every default of the platform is stated here once and every refusal of a
 * combination is here, in the order a reader checks them; the ChatPlatform constructor
 * only builds, grants and derives settings from the result. Pure: it creates nothing,
 * so the unit tests and the combination test call it directly for refusals.
 * Problems in parts that do not depend on each other are all reported in one run
 * (ValidationErrors), not one per run.
 * (The resource constructs still check their own props: a KeyVault used on its own
 * refuses a bad name without the platform.)
 */

/** The longest rolePropagationDelay accepted (see resolveChatPlatform). */
const MAX_ROLE_PROPAGATION_SECONDS = 30 * 60;

/** A developer (F10), validated. */
export interface ResolvedDeveloper {
  readonly objectId: string;
  readonly type: PrincipalType;
  /** Shown in the access matrix; undefined for the object id. */
  readonly label?: string;
}

/** What the chat is grounded in, and how it is queried. */
export interface ResolvedSearchQuery {
  readonly indexName: string;
  readonly queryType: SearchQueryType;
  /** Validated only when On Your Data is on (it is On Your Data's top_n_documents). */
  readonly topK: number;
  readonly semanticConfiguration?: string;
  readonly vectorColumns?: readonly string[];
  /** Agentic retrieval's knowledge base; undefined when the feature is off. */
  readonly knowledgeBaseName?: string;
}

/** A model deployment with the catalogue's facts about it. */
export interface ResolvedModel extends ModelDeploymentProps {
  readonly skuName: NonNullable<ModelDeploymentProps["skuName"]>;
  readonly capacity: number;
  readonly existingCustomer: boolean;
  /** The lifecycle catalogue's row, when it lists the version. */
  readonly facts?: ModelVersion;
}

/** ChatPlatformProps with every default applied and every combination checked. */
export interface ChatPlatformConfig {
  readonly environment: string;
  readonly prefix: string;
  readonly location: string;
  readonly nameSeed?: string;
  /** An existing resource group; undefined to create one. */
  readonly resourceGroupName?: string;
  /** The day lifecycle checks judged on, and where it came from. */
  readonly today: Today;
  readonly authMode: AuthMode;
  readonly profile: SettingsProfile;
  readonly features: Required<ChatPlatformFeatures>;
  /** The services the app calls with a key (keys mode, and the profile takes that key); the others with its identity. */
  readonly appKeys: readonly KeyedService[];
  /** How every app setting is judged as a secret (catalogue/secrets.ts judgeAppSetting): the auth mode and the app's key variables. */
  readonly settingsPolicy: AppSettingPolicy;
  readonly developers: readonly ResolvedDeveloper[];
  readonly userAssignedIdentity: boolean;
  readonly rolePropagationDelay: string;
  readonly tags: Record<string, string>;
  readonly openai: {
    readonly name?: string;
    readonly publicNetworkAccessEnabled?: boolean;
    readonly chatModel: ResolvedModel;
    /** Undefined when `openai.embeddingModel` is null. */
    readonly embeddingModel?: ResolvedModel;
    /** The embedding vector length; undefined without an embedding model. */
    readonly embeddingDimensions?: number;
  };
  readonly search: {
    readonly name?: string;
    readonly sku: SearchSku;
    readonly replicaCount?: number;
    readonly partitionCount?: number;
    readonly semanticSearch: SemanticSearch;
    /** The free tier has none; the platform refuses free whenever a flow needs it. */
    readonly systemIdentity: boolean;
    readonly query: ResolvedSearchQuery;
  };
  readonly storage: Pick<StorageAccountProps, "name" | "replicationType" | "containers">;
  readonly keyVault: Pick<KeyVaultProps, "name" | "skuName" | "softDeleteRetentionDays"> & {
    /** Why the platform has a vault; empty: none is created. */
    readonly reasons: readonly string[];
  };
  readonly webApp: Pick<WebAppProps, "name" | "planSku" | "healthCheckPath"> & {
    readonly runtime: WebAppRuntime;
    readonly access: WebAppAccess;
    /** Undefined when access is "open". */
    readonly signIn?: ResolvedSignIn;
    readonly extraSettings: Readonly<Record<string, string>>;
    /** Setting name -> secret name in the platform's vault (webApp.vaultSecrets). */
    readonly vaultSecrets: Readonly<Record<string, string>>;
  };
  readonly protectStatefulResources: boolean;
}

const ENV_NAME = /^[a-z][a-z0-9]{0,11}$/;
const PREFIX = /^[a-z][a-z0-9]{0,9}$/;

/** What a web app runs when neither the configuration nor the profile says. */
const DEFAULT_RUNTIME: WebAppRuntime = { kind: "python", version: "3.11" };

interface ModelDefaults {
  readonly model: string;
  readonly version: string;
  readonly sku: NonNullable<ModelDeploymentProps["skuName"]>;
  readonly capacity: number;
}
const CHAT_MODEL: ModelDefaults = { ...CURRENT_DEFAULTS.chat, capacity: 10 };
const EMBEDDING_MODEL: ModelDefaults = { ...CURRENT_DEFAULTS.embedding, capacity: 30 };

/**
 * The configuration `props` stand for, or a ValidationError (ValidationErrors for
 * several) naming `scope`'s path, the field, the value and the fix.
 * @param scope where errors point (the ChatPlatform being built)
 */
export function resolveChatPlatform(scope: IConstruct, props: ChatPlatformProps): ChatPlatformConfig {
  const problems = new ProblemCollector();
  const attempt = <T>(check: () => T) => problems.attempt(check);

  // --- names and place ----------------------------------------------------------------
  const prefix = props.prefix ?? "chat";
  if (!PREFIX.test(prefix)) problems.add(new ValidationError(scope, "prefix", prefix, "is not a valid prefix", "use 1-10 lower-case letters and digits, starting with a letter"));
  if (!ENV_NAME.test(props.environment ?? ""))
    problems.add(
      new ValidationError(scope, "environment", props.environment, "is not a valid environment name", 'use 1-12 lower-case letters and digits, starting with a letter, e.g. "dev"'),
    );
  const location = attempt(() => checkRegion(scope, "location", props.location ?? "swedencentral"));
  const badTag = tagProblems(props.tags ?? {})[0];
  if (badTag) problems.add(new ValidationError(scope, badTag.tag === undefined ? "tags" : `tags.${badTag.tag}`, badTag.value, badTag.problem, badTag.fix));
  const today = attempt(() => resolveTodayFor(scope, props.today));

  // --- auth mode, profile, features -----------------------------------------------------
  const authMode = attempt(() => checkOneOf(scope, "authMode", props.authMode ?? "keyless", AUTH_MODES));
  const profile = attempt(() => resolveProfile(scope, props.profile));
  const rolePropagationDelay = attempt(() => resolveRolePropagationDelay(scope, props.rolePropagationDelay));
  if (authMode) {
    attempt(() => checkLocalAuth(scope, authMode, "openai.localAuthEnabled", props.openai?.localAuthEnabled));
    attempt(() => checkLocalAuth(scope, authMode, "search.localAuthEnabled", props.search?.localAuthEnabled));
  }
  const developers = attempt(() => resolveDevelopers(scope, props.developers ?? [])) ?? [];
  const resourceGroupName = attempt(() => (props.resourceGroupName !== undefined ? checkName(scope, "resourceGroupName", "resourceGroup", props.resourceGroupName) : undefined));
  const access = attempt(() => checkOneOf(scope, "webApp.access", props.webApp?.access ?? "signIn", WEB_APP_ACCESS));

  // --- models: what Azure deploys today (catalogue/lifecycle.ts) ------------------------------
  const chatModel = attempt(() => resolveModel(scope, "openai.chatModel", props.openai?.chatModel, CHAT_MODEL, "chat"));
  const embeddingModel =
    props.openai?.embeddingModel !== null
      ? attempt(() => resolveModel(scope, "openai.embeddingModel", props.openai?.embeddingModel ?? undefined, EMBEDDING_MODEL, "embedding"))
      : undefined;
  if (location && today) {
    for (const [field, model] of [
      ["openai.chatModel", chatModel],
      ["openai.embeddingModel", embeddingModel],
    ] as const) {
      if (model) for (const e of lifecycleErrors(scope, field, model, location, today)) problems.add(e);
    }
  }
  const embeddingDimensions = embeddingModel ? attempt(() => resolveDimensions(scope, props.openai?.embeddingModel ?? undefined, embeddingModel)) : undefined;
  if (props.openai?.chatModel?.dimensions !== undefined) {
    problems.add(
      new ValidationError(
        scope,
        "openai.chatModel.dimensions",
        props.openai.chatModel.dimensions,
        "applies to embedding models only",
        "remove it; set openai.embeddingModel.dimensions instead",
      ),
    );
  }

  // Everything below needs the profile and the auth mode; report what was found so far first.
  if (!profile || !authMode) problems.throwIfAny();
  const features = attempt(() => resolveFeatures(scope, props, profile!, today, embeddingModel !== undefined));
  if (profile?.sendsMaxTokens && chatModel?.facts?.reasoning) {
    problems.add(
      new ValidationError(
        scope,
        "openai.chatModel",
        `${chatModel.modelName} ${chatModel.modelVersion}`,
        `is a reasoning model, which rejects max_tokens ("Use 'max_completion_tokens' instead"), and profile "${profile.name}" sends max_tokens with every chat message: its first answer would fail`,
        `use profile "searchOpenAIDemo" (it sends max_output_tokens), or a chat model the app can call, which for a new subscription is none today: only a subscription that already deploys e.g. gpt-4.1 2025-04-14 can keep it (existingCustomer: true) until it retires`,
      ),
    );
  }
  const acceptedKeys = profile ? attempt(() => checkProfileContract(scope, profile)) : undefined;
  const appKeys = authMode === "keys" && acceptedKeys ? acceptedKeys : [];
  if (authMode === "keys" && profile && appKeys.length === 0) {
    problems.add(
      new ValidationError(
        scope,
        "authMode",
        "keys",
        `has nothing to do: profile "${profile.name}" takes no API key, so the app calls every service with its identity`,
        'use authMode "keyless" (the default)',
      ),
    );
  }

  // --- Search ---------------------------------------------------------------------------
  const sku = props.search?.sku ?? "basic";
  // The free tier has no managed identity and no RBAC data plane.
  if (features) {
    const needsMoreThanFree = [
      features.ingestion && "the indexer reads Storage with Search's identity (F4)",
      features.integratedVectorization && "vectorization calls OpenAI with Search's identity (F5)",
      features.agenticRetrieval && "the knowledge base calls OpenAI with Search's identity (F5)",
      features.onYourData && "On Your Data with RBAC needs basic or higher (F2)",
      features.appQueriesSearch && authMode === "keyless" && "the app queries the index with its identity (F8)",
      developers.length > 0 && "developers get Search data roles (F10)",
    ].filter((reason): reason is string => typeof reason === "string");
    if (sku === "free" && needsMoreThanFree.length > 0) {
      problems.add(
        new ValidationError(
          scope,
          "search.sku",
          "free",
          `cannot serve this platform: the free tier has no managed identity and no RBAC data plane, but ${needsMoreThanFree.join("; ")}`,
          'use sku "basic" or higher',
        ),
      );
    }
  }
  // SearchService's own default, stated here because the query type depends on it.
  const semanticSearch = props.search?.semanticSearch ?? (sku === "free" ? "disabled" : "free");
  if (features?.agenticRetrieval && semanticSearch === "disabled") {
    problems.add(
      new ValidationError(
        scope,
        "features.agenticRetrieval",
        true,
        "needs the semantic ranker (a knowledge base ranks with it), but search.semanticSearch is disabled",
        'set search.semanticSearch to "free" or "standard", or agenticRetrieval: false',
      ),
    );
  }
  const query = features ? attempt(() => resolveSearchQuery(scope, props, features, semanticSearch !== "disabled", embeddingModel !== undefined)) : undefined;
  const signIn = access ? attempt(() => resolveSignIn(scope, access, props.webApp?.signIn)) : undefined;
  const settingsPolicy: AppSettingPolicy = {
    keyless: authMode === "keyless",
    keyVariables: profile && features ? keyVariables(profile, acceptedKeys ?? [], features.appQueriesSearch || features.onYourData) : new Map(),
  };
  const extraSettings = authMode ? attempt(() => checkExtraSettings(scope, props.webApp?.extraSettings ?? {}, settingsPolicy, props.userAssignedIdentity ?? false)) : undefined;
  const vaultSecrets = attempt(() => checkVaultSecrets(scope, props.webApp?.vaultSecrets ?? {}, props.webApp?.extraSettings ?? {}, settingsPolicy));
  const keyVaultReasons = features ? attempt(() => resolveKeyVault(scope, props, appKeys, features, signIn, vaultSecrets ?? {})) : undefined;
  problems.throwIfAny();

  return {
    environment: props.environment,
    prefix,
    location: location!,
    nameSeed: props.nameSeed,
    resourceGroupName,
    today: today!,
    authMode: authMode!,
    profile: profile!,
    features: features!,
    appKeys,
    settingsPolicy,
    developers,
    userAssignedIdentity: props.userAssignedIdentity ?? false,
    rolePropagationDelay: rolePropagationDelay!,
    tags: mergeTags({ environment: props.environment, "managed-by": "cdktf" }, props.tags),
    openai: { name: props.openai?.name, publicNetworkAccessEnabled: props.openai?.publicNetworkAccessEnabled, chatModel: chatModel!, embeddingModel, embeddingDimensions },
    search: {
      name: props.search?.name,
      sku,
      replicaCount: props.search?.replicaCount,
      partitionCount: props.search?.partitionCount,
      semanticSearch,
      systemIdentity: sku !== "free",
      query: query!,
    },
    storage: { name: props.storage?.name, replicationType: props.storage?.replicationType, containers: props.storage?.containers },
    keyVault: { name: props.keyVault?.name, skuName: props.keyVault?.skuName, softDeleteRetentionDays: props.keyVault?.softDeleteRetentionDays, reasons: keyVaultReasons! },
    webApp: {
      name: props.webApp?.name,
      planSku: props.webApp?.planSku,
      runtime: props.webApp?.runtime ?? profile!.runtime ?? DEFAULT_RUNTIME,
      healthCheckPath: props.webApp?.healthCheckPath,
      access: access!,
      signIn,
      extraSettings: extraSettings!,
      vaultSecrets: vaultSecrets!,
    },
    protectStatefulResources: props.protectStatefulResources ?? false,
  };
}

function resolveTodayFor(scope: IConstruct, given: string | undefined): Today {
  try {
    return resolveToday(given);
  } catch {
    throw new ValidationError(
      scope,
      "today",
      given ?? process.env.CHAT_PLATFORM_TODAY,
      "is not a date",
      'write it as YYYY-MM-DD, e.g. "2026-12-06", or leave it out to use the clock',
    );
  }
}

function resolveRolePropagationDelay(scope: IConstruct, given: string | undefined): string {
  const rolePropagationDelay = given ?? "120s";
  const delaySeconds = parseDuration(rolePropagationDelay);
  if (delaySeconds === undefined) {
    throw new ValidationError(scope, "rolePropagationDelay", given, "is not a duration", 'use a number with s, m or h, e.g. "120s"');
  }
  // Every deploy waits this long. Azure documents role assignments taking effect within
  // 10 minutes, 30 at most (https://learn.microsoft.com/azure/role-based-access-control/troubleshooting):
  // longer is a typo ("600m" for "600s") that stalls each deploy past CI's job limits.
  if (delaySeconds > MAX_ROLE_PROPAGATION_SECONDS) {
    throw new ValidationError(
      scope,
      "rolePropagationDelay",
      rolePropagationDelay,
      "is longer than the 30 minutes Azure documents for role assignments to take effect, so every deploy would wait for nothing",
      'use at most "30m" (the default "120s" covers most changes)',
    );
  }
  return rolePropagationDelay;
}

function resolveProfile(scope: IConstruct, profile: ChatPlatformProps["profile"]): SettingsProfile {
  if (profile === undefined) return BUILT_IN_PROFILES.searchOpenAIDemo();
  if (typeof profile === "string") {
    checkOneOf(scope, "profile", profile, BUILT_IN_PROFILE_NAMES);
    return BUILT_IN_PROFILES[profile]();
  }
  if (typeof profile.settings !== "function" || !profile.name) {
    throw new ValidationError(
      scope,
      "profile",
      profile.name,
      "is not a settings profile",
      `use one of ${BUILT_IN_PROFILE_NAMES.join(", ")} or an object with a name and a settings(facts) function`,
    );
  }
  return profile;
}

/**
 * The features, each defaulted from the profile and checked against it and against
 * today (On Your Data's retirement). Every problem in one pass.
 */
function resolveFeatures(scope: IConstruct, props: ChatPlatformProps, profile: SettingsProfile, today: Today | undefined, hasEmbedding: boolean): Required<ChatPlatformFeatures> {
  const f = props.features ?? {};
  const problems = new ProblemCollector();
  const onYourData = f.onYourData ?? profile.onYourData ?? false;
  const appSide = profile.appSideRetrieval ?? false;
  const features = {
    onYourData,
    ingestion: f.ingestion ?? onYourData,
    integratedVectorization: f.integratedVectorization ?? (hasEmbedding && onYourData),
    agenticRetrieval: f.agenticRetrieval ?? false,
    customerManagedKey: f.customerManagedKey ?? false,
    appQueriesSearch: f.appQueriesSearch ?? appSide,
    appReadsBlobs: f.appReadsBlobs ?? appSide,
  };
  const oyd = SERVICES.onYourData;
  if (onYourData && today && serviceRetired(oyd, today.date)) {
    const source = oyd.sources[0];
    problems.add(
      new ValidationError(
        scope,
        f.onYourData === undefined ? `profile ("${profile.name}" turns features.onYourData on)` : "features.onYourData",
        true,
        `is ${oyd.name}, retired on ${oyd.retires} (${source.where}, ${source.date}): ${oyd.effect}`,
        `move to ${oyd.move}, i.e. set profile "searchOpenAIDemo"${profile.name === "sampleApp" ? "; or keep the sample app for ungrounded chat only with features.onYourData: false" : ""}`,
      ),
    );
  }
  if (onYourData && !profile.onYourData) {
    problems.add(
      new ValidationError(
        scope,
        "features.onYourData",
        true,
        `is not something profile "${profile.name}" does (its app never sends On Your Data requests, so the grants would authorize a call nobody makes)`,
        "set onYourData: false",
      ),
    );
  }
  if (appSide) {
    for (const name of ["appQueriesSearch", "appReadsBlobs"] as const) {
      if (f[name] === false) {
        problems.add(
          new ValidationError(
            scope,
            `features.${name}`,
            false,
            `contradicts profile "${profile.name}": its app retrieves itself, querying Search (F8) and reading the cited blobs (F11) with its identity`,
            `remove features.${name}; the profile needs it`,
          ),
        );
      }
    }
  }
  if (features.agenticRetrieval && !profile.agenticRetrieval) {
    problems.add(
      new ValidationError(
        scope,
        "features.agenticRetrieval",
        true,
        `is not something profile "${profile.name}" does (its app never queries a knowledge base)`,
        'use profile "searchOpenAIDemo", or set agenticRetrieval: false',
      ),
    );
  }
  if (features.integratedVectorization && !hasEmbedding) {
    problems.add(
      new ValidationError(
        scope,
        "features.integratedVectorization",
        true,
        "needs an embedding deployment, but openai.embeddingModel is null",
        "configure openai.embeddingModel or set integratedVectorization: false",
      ),
    );
  }
  problems.throwIfAny();
  return features;
}

function checkLocalAuth(scope: IConstruct, authMode: AuthMode, field: string, given: boolean | undefined): void {
  const wanted = authMode === "keys";
  if (given !== undefined && given !== wanted) {
    throw new ValidationError(
      scope,
      field,
      given,
      `contradicts authMode "${authMode}" (${wanted ? "keys mode needs API keys on" : "keyless mode turns API keys off"})`,
      `remove ${field}; authMode decides it`,
    );
  }
}

function resolveDevelopers(scope: IConstruct, developers: NonNullable<ChatPlatformProps["developers"]>): ResolvedDeveloper[] {
  checkUnique(
    scope,
    "developers[].objectId",
    developers.map((d) => d.objectId),
  );
  return developers.map((d, i) => ({
    objectId: checkGuid(scope, `developers[${i}].objectId`, d.objectId, "developer's object id"),
    type: checkOneOf(scope, `developers[${i}].type`, d.type ?? "User", PRINCIPAL_TYPES),
    label: d.name ? `developer ${d.name}` : undefined,
  }));
}

/**
 * A model with its defaults: the default model's version for the default model; for
 * another model the one version the catalogue lists as open to new customers, else the
 * version must be given (nothing would vouch for a guess).
 */
function resolveModel(scope: IConstruct, field: string, given: ChatModelProps | undefined, defaults: ModelDefaults, kind: "chat" | "embedding"): ResolvedModel {
  const modelName = given?.modelName ?? defaults.model;
  if (!MODEL_NAME.test(modelName)) {
    throw new ValidationError(scope, `${field}.modelName`, modelName, "is not a model name", `use the model name Azure lists, e.g. "${defaults.model}"`);
  }
  let version = given?.modelVersion;
  if (version === undefined) {
    if (modelName === defaults.model) version = defaults.version;
    else {
      const open = versionsOf(modelName).filter((v) => v.closesToNewCustomers === undefined);
      if (open.length !== 1) {
        throw new ValidationError(
          scope,
          `${field}.modelVersion`,
          undefined,
          `is required for ${modelName}${open.length > 1 ? ` (the catalogue lists ${open.map((v) => v.version).join(", ")})` : ""}`,
          `name the version to deploy (${modelListCommand()} lists them)`,
        );
      }
      version = open[0].version;
    }
  }
  const facts = modelVersion(modelName, version);
  if (facts && facts.kind !== kind) {
    throw new ValidationError(
      scope,
      `${field}.modelName`,
      modelName,
      `is ${facts.kind === "chat" ? "a chat" : "an embedding"} model, not ${kind === "chat" ? "a chat" : "an embedding"} model`,
      `use ${kind === "chat" ? `a chat model, e.g. "${CHAT_MODEL.model}"` : `an embedding model, e.g. "${EMBEDDING_MODEL.model}"`}`,
    );
  }
  return {
    name: given?.deploymentName ?? modelName,
    modelName,
    modelVersion: version,
    skuName: given?.skuName ?? defaults.sku,
    capacity: given?.capacity ?? defaults.capacity,
    existingCustomer: given?.existingCustomer ?? false,
    facts,
  };
}

/**
 * The catalogue's refusals of one deployment on `today`, one ValidationError each
 * (warnings are the guardrails' to print: AZ-MODEL-004, AZ-MODEL-005). An existing
 * customer's closed version is not refused; retirement always is.
 */
function lifecycleErrors(scope: IConstruct, field: string, model: ResolvedModel, location: string, today: Today): ValidationError[] {
  const verdicts = judgeDeployment(
    { model: model.modelName, version: model.modelVersion, sku: model.skuName, region: location, existingCustomer: model.existingCustomer },
    today.date,
  );
  const shown = `${model.modelName} ${model.modelVersion} ${model.skuName} in ${location} (deployment "${model.name}")`;
  const judged = today.source === "clock" ? `judged on ${today.date}` : `judged on ${today.date}, fixed by ${today.source === "configuration" ? "today" : today.source}`;
  const errors = verdicts
    .filter((v) => v.severity === "error")
    .map((v) => new ValidationError(scope, v.kind === "skuNotOffered" ? `${field}.skuName` : field, shown, `${v.problem} (${judged})`, v.fix));
  if (model.existingCustomer && model.facts && stageOf(model.facts, today.date) === "available") {
    errors.push(
      new ValidationError(
        scope,
        `${field}.existingCustomer`,
        true,
        `is only for a version closed to new customers, and ${model.modelName} ${model.modelVersion} is open to every subscription`,
        "remove existingCustomer",
      ),
    );
  }
  return errors;
}

/** The embedding vector length: given (within the model's range), else the catalogue's. */
function resolveDimensions(scope: IConstruct, given: ChatModelProps | undefined, model: ResolvedModel): number {
  const native = model.facts?.dimensions;
  if (given?.dimensions === undefined) {
    if (native === undefined) {
      throw new ValidationError(
        scope,
        "openai.embeddingModel.dimensions",
        undefined,
        `is required: the catalogue does not know how long ${model.modelName} ${model.modelVersion}'s vectors are, and the app and the index must agree on it`,
        "give the model's vector length, e.g. 1536",
      );
    }
    return native;
  }
  // Only the text-embedding-3 models take a `dimensions` parameter (the app sends it to no other).
  const shortens = /^text-embedding-3-/.test(model.modelName);
  const max = native ?? 16000;
  if (!shortens && native !== undefined && given.dimensions !== native) {
    throw new ValidationError(
      scope,
      "openai.embeddingModel.dimensions",
      given.dimensions,
      `does not match ${model.modelName}, which always returns ${native}`,
      `remove it, or use ${native}`,
    );
  }
  return checkIntRange(scope, "openai.embeddingModel.dimensions", given.dimensions, 1, max, `${model.modelName} returns at most ${max}`);
}

function resolveSearchQuery(
  scope: IConstruct,
  props: ChatPlatformProps,
  features: Required<ChatPlatformFeatures>,
  semanticOn: boolean,
  hasEmbedding: boolean,
): ResolvedSearchQuery {
  const s = props.search ?? {};
  const queryType = checkOneOf(scope, "search.queryType", s.queryType ?? (semanticOn ? "semantic" : "simple"), SEARCH_QUERY_TYPES);
  if (queryType.includes("semantic") && !semanticOn) {
    throw new ValidationError(
      scope,
      "search.queryType",
      queryType,
      "needs the semantic ranker, but search.semanticSearch is disabled",
      'set search.semanticSearch to "free" or "standard", or use queryType "simple"',
    );
  }
  if (queryType.startsWith("vector") && !hasEmbedding) {
    throw new ValidationError(
      scope,
      "search.queryType",
      queryType,
      "needs an embedding deployment, but openai.embeddingModel is null",
      "configure openai.embeddingModel or use a non-vector query type",
    );
  }
  if (queryType.startsWith("vector") && !s.vectorColumns?.length) {
    throw new ValidationError(
      scope,
      "search.vectorColumns",
      s.vectorColumns,
      `is required for queryType "${queryType}"`,
      'name the index\'s vector fields, e.g. ["contentVector"]',
    );
  }
  const indexName = s.indexName ?? "documents-index";
  checkName(scope, "search.indexName", "searchIndex", indexName);
  for (const [i, column] of (s.vectorColumns ?? []).entries()) checkName(scope, `search.vectorColumns[${i}]`, "searchField", column);
  const topK = s.topK ?? 5;
  if (features.onYourData) checkIntRange(scope, "search.topK", topK, 1, 20, "On Your Data's top_n_documents");
  if (s.knowledgeBaseName !== undefined && !features.agenticRetrieval) {
    throw new ValidationError(
      scope,
      "search.knowledgeBaseName",
      s.knowledgeBaseName,
      "is set, but features.agenticRetrieval is off, so it would be ignored",
      "remove it, or set agenticRetrieval: true",
    );
  }
  const knowledgeBaseName = features.agenticRetrieval ? (s.knowledgeBaseName ?? `${indexName}-kb`) : undefined;
  if (knowledgeBaseName !== undefined) checkName(scope, "search.knowledgeBaseName", "searchIndex", knowledgeBaseName);
  return {
    indexName,
    queryType,
    topK,
    semanticConfiguration: queryType.includes("semantic") ? (s.semanticConfiguration ?? "default") : undefined,
    vectorColumns: s.vectorColumns,
    knowledgeBaseName,
  };
}

/**
 * Why the platform needs a Key Vault: keys the app reads as references, a
 * customer-managed key, a sign-in client secret. None: no vault is created, unless
 * `keyVault.enabled` keeps one for the user's own secrets.
 */
function resolveKeyVault(
  scope: IConstruct,
  props: ChatPlatformProps,
  appKeys: readonly KeyedService[],
  features: Required<ChatPlatformFeatures>,
  signIn: ResolvedSignIn | undefined,
  vaultSecrets: Readonly<Record<string, string>>,
): string[] {
  const secrets = Object.keys(vaultSecrets);
  const reasons = [
    appKeys.length > 0 &&
      `holds the ${appKeys.map((k) => (k === "openai" ? "Azure OpenAI" : "Search")).join(" and ")} key${appKeys.length > 1 ? "s" : ""} the app reads as Key Vault references (F7)`,
    features.customerManagedKey && "holds the customer-managed key of the OpenAI account (F6)",
    signIn?.kind === "brought" && signIn.clientSecret && `holds the sign-in client secret "${signIn.clientSecret.name}" (F7)`,
    secrets.length > 0 && `holds the app's own secret${secrets.length > 1 ? "s" : ""} ${secrets.join(", ")} (webApp.vaultSecrets, F7)`,
  ].filter((r): r is string => typeof r === "string");
  const enabled = props.keyVault?.enabled;
  if (enabled === false && reasons.length > 0) {
    throw new ValidationError(scope, "keyVault.enabled", false, `contradicts the configuration: the vault ${reasons.join("; ")}`, "remove keyVault.enabled");
  }
  if (enabled === true && reasons.length === 0) return ["kept by keyVault.enabled: true (nothing in the platform uses it)"];
  if (reasons.length === 0) {
    const set = (["name", "skuName", "softDeleteRetentionDays"] as const).filter((k) => props.keyVault?.[k] !== undefined);
    if (set.length > 0) {
      throw new ValidationError(
        scope,
        `keyVault.${set[0]}`,
        props.keyVault?.[set[0]],
        "is set, but nothing in this configuration uses a Key Vault (no keys, no customer-managed key, no sign-in secret), so none is created",
        "remove keyVault, or set keyVault.enabled: true to keep a vault for your own secrets",
      );
    }
  }
  return reasons;
}

/**
 * Secrets of the app's own in the platform's vault: valid setting and secret names, no
 * clash with an extra setting, and the one secrets rule (the app's key variable is no
 * place for them in keyless mode).
 */
function checkVaultSecrets(
  scope: IConstruct,
  secrets: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>>,
  policy: AppSettingPolicy,
): Readonly<Record<string, string>> {
  const problems = new ProblemCollector();
  const extraNames = new Set(Object.keys(extra).map((n) => n.toUpperCase()));
  for (const [name, secretName] of Object.entries(secrets)) {
    const field = `webApp.vaultSecrets.${name}`;
    if (!SETTING_NAME.test(name)) {
      problems.add(
        new ValidationError(
          scope,
          field,
          secretName,
          "has a name App Service cannot pass as an environment variable",
          "use letters, digits, periods and underscores, starting with a letter or underscore",
        ),
      );
      continue;
    }
    if (extraNames.has(name.toUpperCase())) {
      problems.add(new ValidationError(scope, field, secretName, `is also in webApp.extraSettings`, `keep ${name} in one of the two`));
      continue;
    }
    problems.attempt(() => checkName(scope, field, "keyVaultObject", secretName));
    const verdict = judgeAppSetting(name, `@Microsoft.KeyVault(SecretName=${secretName})`, policy);
    if (verdict) problems.add(new ValidationError(scope, field, secretName, `${verdict.problem} ${verdict.why}`, verdict.fix));
  }
  problems.throwIfAny();
  return secrets;
}

/**
 * Extra settings the app may receive. Whether one overrides a derived setting is found
 * when the settings are derived (ChatPlatform), everything else here.
 */
function checkExtraSettings(scope: IConstruct, extra: Readonly<Record<string, string>>, policy: AppSettingPolicy, userAssignedIdentity: boolean): Readonly<Record<string, string>> {
  const problems = new ProblemCollector();
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(extra)) {
    const field = `webApp.extraSettings.${name}`;
    // Never echo a secret: errors land in terminals and CI logs. An empty value shows nothing.
    const shown = value !== "" && isSecretSetting(name, value) ? REDACTED : value;
    const same = seen.get(name.toUpperCase());
    seen.set(name.toUpperCase(), name);
    if (same !== undefined) {
      problems.add(new ValidationError(scope, field, shown, `is the same App Service setting as ${same} (setting names are case-insensitive)`, `keep one of ${same} and ${name}`));
      continue;
    }
    // https://learn.microsoft.com/azure/app-service/configure-common#configure-app-settings:
    // "App setting names can contain only letters, numbers (0-9), periods (.), and underscores (_)".
    if (!SETTING_NAME.test(name)) {
      problems.add(
        new ValidationError(
          scope,
          field,
          shown,
          "has a name App Service cannot pass as an environment variable",
          "use letters, digits, periods and underscores, starting with a letter or underscore",
        ),
      );
      continue;
    }
    // The one secrets rule every setting meets (a Key Vault reference to another secret is fine in both modes).
    const verdict = judgeAppSetting(name, value, policy);
    if (verdict) {
      problems.add(
        new ValidationError(scope, field, verdict.redact ? REDACTED : value, `${verdict.problem}${verdict.literal ? " in app settings" : ""} ${verdict.why}`, verdict.fix),
      );
      continue;
    }
    if (name.toUpperCase() === "AZURE_CLIENT_ID" && !userAssignedIdentity) {
      problems.add(
        new ValidationError(
          scope,
          field,
          shown,
          "selects a user-assigned identity, but the app runs as its system-assigned identity (DefaultAzureCredential would ask for an identity the app does not have)",
          "remove AZURE_CLIENT_ID, or set userAssignedIdentity: true (the platform then sets it)",
        ),
      );
    }
  }
  problems.throwIfAny();
  return extra;
}
