import type { IConstruct } from "constructs";
import type { ChatModelProps, ChatPlatformFeatures, ChatPlatformProps } from "./chat-platform";
import type { ModelDeploymentProps } from "./openai-account";
import type { KeyVaultProps } from "./key-vault";
import type { SearchSku, SemanticSearch } from "./search-service";
import type { StorageAccountProps } from "./storage-account";
import type { WebAppProps, WebAppRuntime } from "./web-app";
import { type ResolvedSignIn, WEB_APP_ACCESS, type WebAppAccess, resolveSignIn } from "./sign-in";
import { ValidationError } from "./errors";
import { checkName } from "./naming";
import { tagProblems, mergeTags } from "./tags";
import { checkGuid, checkIntRange, checkOneOf, checkRegion, checkUnique, parseDuration } from "./validate";
import { PRINCIPAL_TYPES, type PrincipalType } from "./rbac/principal";
import { AUTH_MODES, type AuthMode, SEARCH_QUERY_TYPES, type SearchQueryType, type SettingsProfile } from "./settings/profile";
import { BUILT_IN_PROFILES, BUILT_IN_PROFILE_NAMES } from "./settings/profiles";
import { REDACTED, isKeyVaultReference, isSecretSetting, isSecretSettingName, looksLikeSecretLiteral } from "../catalogue/secrets";

/**
 * Resolve, then build: ChatPlatformProps in, a complete and validated configuration
 * out. Every default of the platform is stated here once and every refusal of a
 * combination is here, in the order a reader checks them; the ChatPlatform constructor
 * only builds, grants and derives settings from the result. Pure: it creates nothing,
 * so the unit tests and the combination test call it directly for refusals.
 * (The resource constructs still check their own props: a KeyVault used on its own
 * refuses a bad name without the platform.)
 */

/** The sample app's image, as its "Deploy to Azure" template runs it (microsoft/sample-app-aoai-chatGPT, infrastructure/deployment.json). */
export const SAMPLE_APP_IMAGE: WebAppRuntime = { kind: "container", registry: "sampleappaoaichatgpt.azurecr.io", image: "sample-app-aoai-chatgpt", tag: "latest" };

/** The longest rolePropagationDelay accepted (see resolveChatPlatform). */
const MAX_ROLE_PROPAGATION_SECONDS = 30 * 60;

/** A developer (F10), validated. */
export interface ResolvedDeveloper {
  readonly objectId: string;
  readonly type: PrincipalType;
  /** Shown in the access matrix; undefined for the object id. */
  readonly label?: string;
}

/** What On Your Data queries, and how. */
export interface ResolvedSearchQuery {
  readonly indexName: string;
  readonly queryType: SearchQueryType;
  /** Validated only when On Your Data is on (it is On Your Data's top_n_documents). */
  readonly topK: number;
  readonly semanticConfiguration?: string;
  readonly vectorColumns?: readonly string[];
}

/** ChatPlatformProps with every default applied and every combination checked. */
export interface ChatPlatformConfig {
  readonly environment: string;
  readonly prefix: string;
  readonly location: string;
  readonly nameSeed?: string;
  /** An existing resource group; undefined to create one. */
  readonly resourceGroupName?: string;
  readonly authMode: AuthMode;
  readonly profile: SettingsProfile;
  readonly features: Required<ChatPlatformFeatures>;
  readonly developers: readonly ResolvedDeveloper[];
  readonly userAssignedIdentity: boolean;
  readonly rolePropagationDelay: string;
  readonly tags: Record<string, string>;
  readonly openai: {
    readonly name?: string;
    readonly publicNetworkAccessEnabled?: boolean;
    readonly chatModel: ModelDeploymentProps;
    /** Undefined when `openai.embeddingModel` is null. */
    readonly embeddingModel?: ModelDeploymentProps;
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
  readonly keyVault: Pick<KeyVaultProps, "name" | "skuName" | "softDeleteRetentionDays">;
  readonly webApp: Pick<WebAppProps, "name" | "planSku" | "healthCheckPath"> & {
    readonly runtime?: WebAppRuntime;
    readonly access: WebAppAccess;
    /** Undefined when access is "open". */
    readonly signIn?: ResolvedSignIn;
    readonly extraSettings: Readonly<Record<string, string>>;
  };
  readonly protectStatefulResources: boolean;
}

const ENV_NAME = /^[a-z][a-z0-9]{0,11}$/;
const PREFIX = /^[a-z][a-z0-9]{0,9}$/;

const CHAT_MODEL: Required<ChatModelProps> = { deploymentName: "gpt-4o", modelName: "gpt-4o", modelVersion: "2024-11-20", skuName: "GlobalStandard", capacity: 10 };
const EMBEDDING_MODEL: Required<ChatModelProps> = {
  deploymentName: "text-embedding-3-small",
  modelName: "text-embedding-3-small",
  modelVersion: "1",
  skuName: "Standard",
  capacity: 30,
};

/**
 * The configuration `props` stand for, or a ValidationError naming `scope`'s path, the
 * field, the value and the fix.
 * @param scope where errors point (the ChatPlatform being built)
 */
export function resolveChatPlatform(scope: IConstruct, props: ChatPlatformProps): ChatPlatformConfig {
  // --- names and place ----------------------------------------------------------------
  const prefix = props.prefix ?? "chat";
  if (!PREFIX.test(prefix)) throw new ValidationError(scope, "prefix", prefix, "is not a valid prefix", "use 1-10 lower-case letters and digits, starting with a letter");
  if (!ENV_NAME.test(props.environment ?? ""))
    throw new ValidationError(
      scope,
      "environment",
      props.environment,
      "is not a valid environment name",
      'use 1-12 lower-case letters and digits, starting with a letter, e.g. "dev"',
    );
  const location = checkRegion(scope, "location", props.location ?? "swedencentral");
  const badTag = tagProblems(props.tags ?? {})[0];
  if (badTag) throw new ValidationError(scope, badTag.tag === undefined ? "tags" : `tags.${badTag.tag}`, badTag.value, badTag.problem, badTag.fix);

  // --- auth mode, profile, features -----------------------------------------------------
  const authMode = checkOneOf(scope, "authMode", props.authMode ?? "keyless", AUTH_MODES);
  const profile = resolveProfile(scope, props.profile);
  const features = resolveFeatures(scope, props, profile);
  const rolePropagationDelay = props.rolePropagationDelay ?? "120s";
  const delaySeconds = parseDuration(rolePropagationDelay);
  if (delaySeconds === undefined) {
    throw new ValidationError(scope, "rolePropagationDelay", props.rolePropagationDelay, "is not a duration", 'use a number with s, m or h, e.g. "120s"');
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
  checkLocalAuth(scope, authMode, "openai.localAuthEnabled", props.openai?.localAuthEnabled);
  checkLocalAuth(scope, authMode, "search.localAuthEnabled", props.search?.localAuthEnabled);
  const developers = resolveDevelopers(scope, props.developers ?? []);
  const resourceGroupName = props.resourceGroupName !== undefined ? checkName(scope, "resourceGroupName", "resourceGroup", props.resourceGroupName) : undefined;
  const access = checkOneOf(scope, "webApp.access", props.webApp?.access ?? "signIn", WEB_APP_ACCESS);

  // --- models ---------------------------------------------------------------------------
  const chatModel = modelProps(props.openai?.chatModel, CHAT_MODEL);
  const embeddingModel = props.openai?.embeddingModel !== null ? modelProps(props.openai?.embeddingModel, EMBEDDING_MODEL) : undefined;
  if (features.integratedVectorization && !embeddingModel) {
    throw new ValidationError(
      scope,
      "features.integratedVectorization",
      true,
      "needs an embedding deployment, but openai.embeddingModel is null",
      "configure openai.embeddingModel or set integratedVectorization: false",
    );
  }

  // --- Search ---------------------------------------------------------------------------
  const sku = props.search?.sku ?? "basic";
  // The free tier has no managed identity and no RBAC data plane for On Your Data.
  const needsMoreThanFree = [
    features.ingestion && "the ingestion indexer reads Storage with Search's identity (F4)",
    features.integratedVectorization && "vectorization calls OpenAI with Search's identity (F5)",
    features.onYourData && "On Your Data with RBAC needs basic or higher (F2)",
    developers.length > 0 && "developers get Search data roles (F10)",
  ].filter((reason): reason is string => typeof reason === "string");
  if (sku === "free" && needsMoreThanFree.length > 0) {
    throw new ValidationError(
      scope,
      "search.sku",
      "free",
      `cannot serve this platform: the free tier has no managed identity and no RBAC data plane, but ${needsMoreThanFree.join("; ")}`,
      'use sku "basic" or higher',
    );
  }
  // SearchService's own default, stated here because the query type depends on it.
  const semanticSearch = props.search?.semanticSearch ?? (sku === "free" ? "disabled" : "free");
  const query = resolveSearchQuery(scope, props, features, semanticSearch !== "disabled", embeddingModel !== undefined);

  return {
    environment: props.environment,
    prefix,
    location,
    nameSeed: props.nameSeed,
    resourceGroupName,
    authMode,
    profile,
    features,
    developers,
    userAssignedIdentity: props.userAssignedIdentity ?? false,
    rolePropagationDelay,
    tags: mergeTags({ environment: props.environment, "managed-by": "cdktf" }, props.tags),
    openai: { name: props.openai?.name, publicNetworkAccessEnabled: props.openai?.publicNetworkAccessEnabled, chatModel, embeddingModel },
    search: {
      name: props.search?.name,
      sku,
      replicaCount: props.search?.replicaCount,
      partitionCount: props.search?.partitionCount,
      semanticSearch,
      systemIdentity: sku !== "free",
      query,
    },
    storage: { name: props.storage?.name, replicationType: props.storage?.replicationType, containers: props.storage?.containers },
    keyVault: { name: props.keyVault?.name, skuName: props.keyVault?.skuName, softDeleteRetentionDays: props.keyVault?.softDeleteRetentionDays },
    webApp: {
      name: props.webApp?.name,
      planSku: props.webApp?.planSku,
      runtime: props.webApp?.runtime ?? (profile.name === "sampleApp" ? SAMPLE_APP_IMAGE : undefined),
      healthCheckPath: props.webApp?.healthCheckPath,
      access,
      signIn: resolveSignIn(scope, access, props.webApp?.signIn),
      extraSettings: checkExtraSettings(scope, props.webApp?.extraSettings ?? {}, authMode, props.userAssignedIdentity ?? false),
    },
    protectStatefulResources: props.protectStatefulResources ?? false,
  };
}

function resolveProfile(scope: IConstruct, profile: ChatPlatformProps["profile"]): SettingsProfile {
  if (profile === undefined) return BUILT_IN_PROFILES.sampleApp();
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

function resolveFeatures(scope: IConstruct, props: ChatPlatformProps, profile: SettingsProfile): Required<ChatPlatformFeatures> {
  const f = props.features ?? {};
  const onYourData = f.onYourData ?? profile.onYourData ?? false;
  if (onYourData && !profile.onYourData) {
    throw new ValidationError(
      scope,
      "features.onYourData",
      true,
      `is not something profile "${profile.name}" does (its app never sends On Your Data requests, so the grants would authorize a call nobody makes)`,
      'use profile "sampleApp" (or a profile with onYourData: true), or set onYourData: false',
    );
  }
  const features = {
    onYourData,
    ingestion: f.ingestion ?? onYourData,
    integratedVectorization: f.integratedVectorization ?? (props.openai?.embeddingModel !== null && onYourData),
    customerManagedKey: f.customerManagedKey ?? false,
    appQueriesSearch: f.appQueriesSearch ?? false,
    appReadsBlobs: f.appReadsBlobs ?? false,
  };
  if (features.ingestion && !features.onYourData) {
    throw new ValidationError(scope, "features.ingestion", true, "is On Your Data ingestion, but onYourData is false", "set onYourData: true, or ingestion: false");
  }
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
  return {
    indexName,
    queryType,
    topK,
    semanticConfiguration: queryType.includes("semantic") ? (s.semanticConfiguration ?? "default") : undefined,
    vectorColumns: s.vectorColumns,
  };
}

/**
 * Extra settings the app may receive. Whether one overrides a derived setting is found
 * when the settings are derived (ChatPlatform), everything else here.
 */
function checkExtraSettings(scope: IConstruct, extra: Readonly<Record<string, string>>, authMode: AuthMode, userAssignedIdentity: boolean): Readonly<Record<string, string>> {
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(extra)) {
    const field = `webApp.extraSettings.${name}`;
    // Never echo a secret: errors land in terminals and CI logs. An empty value shows nothing.
    const shown = value !== "" && isSecretSetting(name, value) ? REDACTED : value;
    const same = seen.get(name.toUpperCase());
    if (same !== undefined) {
      throw new ValidationError(scope, field, shown, `is the same App Service setting as ${same} (setting names are case-insensitive)`, `keep one of ${same} and ${name}`);
    }
    seen.set(name.toUpperCase(), name);
    // https://learn.microsoft.com/azure/app-service/configure-common#configure-app-settings:
    // "App setting names can contain only letters, numbers (0-9), periods (.), and underscores (_)".
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) {
      throw new ValidationError(
        scope,
        field,
        shown,
        "has a name App Service cannot pass as an environment variable",
        "use letters, digits, periods and underscores, starting with a letter or underscore",
      );
    }
    if (isSecretSettingName(name) && authMode === "keyless") {
      throw new ValidationError(
        scope,
        field,
        shown,
        "is a key or secret variable in keyless mode (a present or empty key can switch the app to key auth)",
        `remove ${name}; the app authenticates with its managed identity`,
      );
    }
    if (looksLikeSecretLiteral(value) || (isSecretSettingName(name) && !isKeyVaultReference(value))) {
      throw new ValidationError(
        scope,
        field,
        REDACTED,
        "is a literal secret in app settings (visible in the portal, the plan and state)",
        "store it in Key Vault and pass @Microsoft.KeyVault(SecretUri=...) instead",
      );
    }
    if (name === "AZURE_CLIENT_ID" && !userAssignedIdentity) {
      throw new ValidationError(
        scope,
        field,
        shown,
        "selects a user-assigned identity, but the app runs as its system-assigned identity (DefaultAzureCredential would ask for an identity the app does not have)",
        "remove AZURE_CLIENT_ID, or set userAssignedIdentity: true (the platform then sets it)",
      );
    }
  }
  return extra;
}

function modelProps(given: ChatModelProps | undefined, defaults: Required<ChatModelProps>): ModelDeploymentProps {
  return {
    name: given?.deploymentName ?? defaults.deploymentName,
    modelName: given?.modelName ?? defaults.modelName,
    modelVersion: given?.modelVersion ?? defaults.modelVersion,
    skuName: given?.skuName ?? defaults.skuName,
    capacity: given?.capacity ?? defaults.capacity,
  };
}
