import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { Construct } from "constructs";
import { ChatPlatform, ChatPlatformFeatures, ChatPlatformProps, DeveloperPrincipal } from "../constructs/chat-platform";
import { resolveChatPlatform } from "../constructs/chat-platform-config";
import { ChatStack } from "../app/chat-stack";
import { StandaloneChatStack } from "../app/standalone-stack";
import { ValidationError, ValidationErrors } from "../constructs/errors";
import { AuditResult, audit } from "../guardrails/audit";
import { partyOf } from "../guardrails/azure";
import { flowAudit } from "../guardrails/rules/flow-audit";
import { FLOW_IDS, FlowId, Party } from "../catalogue/flows";
import { PlatformFlow } from "../constructs/rbac/implied-flows";
import { credentialReferences, inlineCredential, isKeySettingName, isKeyVaultReference, isSecretSettingName, keyShapedRun, literalText } from "../catalogue/secrets";
import { AUTH_MODES, AuthMode } from "../constructs/settings/profile";
import { BUILT_IN_PROFILE_NAMES, BuiltInProfileName } from "../constructs/settings/profiles";
import { NETWORK_MODES, NetworkMode, NetworkProps } from "../constructs/platform-network";

/**
 * Every ChatPlatform feature combination, for the promise "no configuration the
 * platform accepts can deploy an unauthorized flow" (__tests__/testing/combinations.test.ts,
 * scripts/combinations.ts).
 *
 * Dimensions, in name order:
 *   1. auth mode            AUTH_MODES                   keyless | keys
 *   2. features             FEATURE_DIMENSIONS (below)   oyd, ingest, vec, cmk, appsearch, appblobs
 *   3. user-assigned id     userAssignedIdentity         uami
 *   4. settings profile     BUILT_IN_PROFILE_NAMES       searchOpenAIDemo | sampleApp | openai
 *   5. developers present   developers                   devs
 *   6. network mode         NETWORK_MODES                (public) | private
 *   7. models               MODEL_CHOICES                (default) | eudz
 *
 * A combination is named by spelling out its options in that order, omitting the
 * features that are off: `keys-oyd-ingest-vec-cmk-uami-sampleApp-devs`,
 * `keyless-appsearch-appblobs-searchOpenAIDemo`, `keyless-appsearch-appblobs-searchOpenAIDemo-private-eudz`
 * (public, the default network mode, and the default models are not spelled out). Every
 * feature is passed explicitly (true or false), so no combination depends on a default;
 * the defaults resolve to one of the explicit ones. "Today" is fixed (COMBINATION_TODAY):
 * which models Azure deploys changes with the date, the sweep's verdicts must not.
 *
 * Each combination is built as the ready app builds it (a ChatStack) and synthesized
 * with its validations: the outcome is accepted (with the JSON), rejected (a
 * ValidationError, the platform refusing an unsupported combination on purpose) or
 * crashed (anything else: a bug). CHECKS lists what must hold for every accepted one;
 * runCombinations does both in one pass and keeps only compact results.
 */

/** How a boolean feature appears in a combination's name and in tables. */
export interface FeatureDimension {
  /** Name token, lower-case letters only. */
  readonly token: string;
  readonly title: string;
}

/**
 * One entry per key of ChatPlatformFeatures, in name order. Adding a feature to the
 * props type is a compile error here until it is enumerated (and removing one, too).
 */
export const FEATURE_DIMENSIONS = {
  onYourData: { token: "oyd", title: "On Your Data" },
  ingestion: { token: "ingest", title: "indexer reads Storage" },
  integratedVectorization: { token: "vec", title: "Search vectorizes" },
  agenticRetrieval: { token: "agentic", title: "agentic retrieval" },
  customerManagedKey: { token: "cmk", title: "customer-managed key" },
  appQueriesSearch: { token: "appsearch", title: "app queries Search" },
  appReadsBlobs: { token: "appblobs", title: "app reads blobs" },
} as const satisfies Record<keyof ChatPlatformFeatures, FeatureDimension>;

export type FeatureName = keyof ChatPlatformFeatures;
export const FEATURE_NAMES = Object.keys(FEATURE_DIMENSIONS) as FeatureName[];

/**
 * How each top-level prop of ChatPlatformProps is covered: a dimension of the
 * enumeration, or fixed (with why it does not change which flows exist). A new prop is
 * a compile error here until someone decides.
 */
export const PROP_COVERAGE = {
  environment: 'fixed: "dev" (a name; no flow depends on it)',
  prefix: "fixed: default (a name)",
  location: "fixed: default (a region)",
  today: "fixed: COMBINATION_TODAY (lifecycle verdicts must not change with the clock)",
  nameSeed: "fixed: none (a name hash input)",
  resourceGroupName: "fixed: a new group (where, not who may call what)",
  authMode: "dimension: AUTH_MODES",
  features: "dimension: FEATURE_DIMENSIONS, each explicitly true or false",
  developers: "dimension: none or one developer (F10 is per developer, the same for each)",
  userAssignedIdentity: "dimension: off or on",
  profile: "dimension: BUILT_IN_PROFILE_NAMES (custom profiles are user code)",
  openai: "dimension: MODEL_CHOICES (the defaults, or the EU data-zone choice); embeddingModel null only rejects vectorization",
  search: "fixed: default sku basic (free rejects every identity flow)",
  storage: "fixed: default",
  keyVault: "fixed: default (created when something uses it)",
  webApp: "fixed: default (sign-in with a created, secretless registration; a brought client secret implies F7, not enumerated)",
  protectStatefulResources: "fixed: default (lifecycle only)",
  rolePropagationDelay: "fixed: default (timing only)",
  tags: "fixed: default",
  network: "dimension: NETWORK_MODES (private: default subnets, a deployer IP range for the keys mode's secrets)",
} as const satisfies Record<keyof ChatPlatformProps, string>;

/** The day every combination is judged on. */
export const COMBINATION_TODAY = "2026-12-06";

/** The model choices the README documents: the defaults, and EU data-zone processing. */
export const MODEL_CHOICES = {
  default: {},
  euDataZone: {
    chatModel: { modelName: "gpt-5.4", modelVersion: "2026-03-05", skuName: "DataZoneStandard" },
    embeddingModel: { modelName: "text-embedding-3-large", modelVersion: "1", skuName: "DataZoneStandard" },
  },
} as const satisfies Record<string, NonNullable<ChatPlatformProps["openai"]>>;
export type ModelChoice = keyof typeof MODEL_CHOICES;
export const MODEL_CHOICE_NAMES = Object.keys(MODEL_CHOICES) as ModelChoice[];

/** The developer of combinations with developers present. */
export const COMBINATION_DEVELOPER: DeveloperPrincipal = { objectId: "00000000-0000-4000-8000-00000000d001", name: "dev1" };

/**
 * The network of private combinations: default subnets and a deployer IP range, so
 * the keys mode's secrets (F9) have a path and the combination is judged on its flows.
 */
export const COMBINATION_PRIVATE_NETWORK: NetworkProps = { mode: "private", deployer: { ipRanges: ["203.0.113.10"] } };

/** One point of the feature space. */
export interface Combination {
  /** e.g. `keys-oyd-ingest-vec-cmk-uami-sampleApp-devs` */
  readonly name: string;
  readonly authMode: AuthMode;
  readonly features: Readonly<Record<FeatureName, boolean>>;
  readonly userAssignedIdentity: boolean;
  readonly profile: BuiltInProfileName;
  readonly developers: boolean;
  readonly network: NetworkMode;
  readonly models: ModelChoice;
  /** What ChatPlatform receives. */
  readonly props: ChatPlatformProps;
}

/** The name of a combination (see the file comment for the order). */
export function combinationName(c: Omit<Combination, "name" | "props">): string {
  return [
    c.authMode,
    ...FEATURE_NAMES.filter((f) => c.features[f]).map((f) => FEATURE_DIMENSIONS[f].token),
    ...(c.userAssignedIdentity ? ["uami"] : []),
    c.profile,
    ...(c.developers ? ["devs"] : []),
    ...(c.network === "private" ? ["private"] : []),
    ...(c.models === "euDataZone" ? ["eudz"] : []),
  ].join("-");
}

/**
 * Every combination, in a stable order (auth mode, then each feature off before on,
 * then identity, profile, developers, network): |AUTH_MODES| x 2^|features| x 2 x
 * |BUILT_IN_PROFILE_NAMES| x 2 x |NETWORK_MODES|.
 */
export function enumerateCombinations(): Combination[] {
  const featureSets: Record<FeatureName, boolean>[] = [{} as Record<FeatureName, boolean>];
  for (const f of FEATURE_NAMES) {
    const next: Record<FeatureName, boolean>[] = [];
    for (const set of featureSets) for (const on of [false, true]) next.push({ ...set, [f]: on });
    featureSets.splice(0, featureSets.length, ...next);
  }
  const out: Combination[] = [];
  for (const authMode of AUTH_MODES) {
    for (const features of featureSets) {
      for (const userAssignedIdentity of [false, true]) {
        for (const profile of BUILT_IN_PROFILE_NAMES) {
          for (const developers of [false, true]) {
            for (const network of NETWORK_MODES) {
              for (const models of MODEL_CHOICE_NAMES) {
                const dims = { authMode, features, userAssignedIdentity, profile, developers, network, models };
                out.push({
                  ...dims,
                  name: combinationName(dims),
                  props: {
                    environment: "dev",
                    today: COMBINATION_TODAY,
                    authMode,
                    profile,
                    features: { ...features },
                    userAssignedIdentity,
                    developers: developers ? [COMBINATION_DEVELOPER] : [],
                    network: network === "private" ? COMBINATION_PRIVATE_NETWORK : { mode: "public" },
                    openai: MODEL_CHOICES[models],
                  },
                });
              }
            }
          }
        }
      }
    }
  }
  return out;
}

/** A combination's option in each dimension, in name order (see the file comment). */
function optionsOf(c: Combination): string[] {
  return [c.authMode, ...FEATURE_NAMES.map((f) => String(c.features[f])), String(c.userAssignedIdentity), c.profile, String(c.developers), c.network, c.models];
}

/**
 * A few combinations in which every pair of options occurs at least once (any two
 * dimensions, any value of each, as far as `all` holds that pair): pairwise coverage,
 * picked greedily (the combination covering the most uncovered pairs, the first in
 * `all` on a tie), so the subset is stable. A bug that takes two options to show is
 * caught by it; the full sweep (`COMBINATIONS=all`, scripts/check.sh) catches the rest.
 */
export function pairwiseCombinations(all: readonly Combination[] = enumerateCombinations()): Combination[] {
  // Each pair (dimension i = option a, dimension j = option b) is one integer, so the greedy
  // passes over thousands of combinations count array entries instead of building strings.
  const options = all.map(optionsOf);
  const dims = options[0]?.length ?? 0;
  const codes = Array.from({ length: dims }, () => new Map<string, number>());
  const encoded = options.map((o) => o.map((v, d) => codes[d].get(v) ?? codes[d].set(v, codes[d].size).get(v)!));
  const offsets: number[][] = Array.from({ length: dims }, () => []);
  let size = 0;
  for (let i = 0; i < dims; i++) {
    for (let j = i + 1; j < dims; j++) {
      offsets[i][j] = size;
      size += codes[i].size * codes[j].size;
    }
  }
  const pairs = encoded.map((e) => {
    const ids: number[] = [];
    for (let i = 0; i < dims; i++) for (let j = i + 1; j < dims; j++) ids.push(offsets[i][j] + e[i] * codes[j].size + e[j]);
    return ids;
  });
  const uncovered = new Uint8Array(size);
  let left = 0;
  for (const ids of pairs) for (const id of ids) if (!uncovered[id]) [uncovered[id], left] = [1, left + 1];
  const chosen: number[] = [];
  while (left > 0) {
    let best = 0;
    let gain = -1;
    for (let c = 0; c < pairs.length; c++) {
      let g = 0;
      for (const id of pairs[c]) g += uncovered[id];
      if (g > gain) [best, gain] = [c, g];
    }
    chosen.push(best);
    for (const id of pairs[best]) if (uncovered[id]) [uncovered[id], left] = [0, left - 1];
  }
  return chosen.sort((a, b) => a - b).map((i) => all[i]);
}

/** Terraform JSON as synthesized (with cdktf's `"//"` metadata, like cdk.tf.json). */
export type TerraformJson = {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, Record<string, unknown>>;
  [block: string]: unknown;
};

export interface Accepted {
  readonly kind: "accepted";
  readonly combination: Combination;
  readonly stack: ChatStack;
  readonly platform: ChatPlatform;
  readonly json: TerraformJson;
  /** Milliseconds spent constructing and synthesizing. */
  readonly ms: number;
}

export interface Rejected {
  readonly kind: "rejected";
  readonly combination: Combination;
  /** The first of the problems found (the table lists it; its message counts the rest). */
  readonly error: ValidationError;
  /** `field = value problem`, the message without construct path and fix. */
  readonly reason: string;
  readonly ms: number;
}

/** Anything thrown that is not a ValidationError: a bug in the platform. */
export interface Crashed {
  readonly kind: "crashed";
  readonly combination: Combination;
  readonly error: unknown;
  readonly ms: number;
}

export type Outcome = Accepted | Rejected | Crashed;

/** The short reason of a ValidationError: its message minus the construct path and the fix. */
export function rejectionReason(e: ValidationError): string {
  const at = e.message.indexOf(`${e.field} = `);
  const fix = e.message.lastIndexOf(". Fix: ");
  return e.message.slice(Math.max(at, 0), fix < 0 ? undefined : fix);
}

/**
 * Builds the combination as the ready app does (a ChatStack: provider, local backend,
 * outputs, one ChatPlatform; `Stack` picks the class, StandaloneChatStack for the
 * standalone check) in its own App, and synthesizes it as `cdktf synth` does,
 * through cdktf's public API only: `app.synth()` runs the aspects, every validation
 * (the guardrails among them) and writes cdk.tf.json, which is read back with its
 * `"//"` metadata. The output directory is temporary and removed.
 */
export function synthesizeCombination(combination: Combination, Stack: typeof ChatStack = ChatStack): Outcome {
  const started = performance.now();
  const ms = () => Math.round((performance.now() - started) * 10) / 10;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "combination-"));
  try {
    const app = new App({ outdir, stackTraces: false });
    // Every refusal is resolve's: a combination it refuses is never built.
    resolveChatPlatform(new Construct(app, `${combination.name}-props`), combination.props);
    // Findings are read from the audit result below; printing 512 stacks' warnings is noise.
    const stack = new Stack(app, combination.name, { platform: combination.props, guardrails: { warn: () => {} } });
    app.synth();
    const json = JSON.parse(fs.readFileSync(path.join(outdir, app.manifest.forStack(stack).synthesizedStackPath), "utf8")) as TerraformJson;
    return { kind: "accepted", combination, stack, platform: stack.platform, json, ms: ms() };
  } catch (error) {
    if (error instanceof ValidationError) return { kind: "rejected", combination, error, reason: rejectionReason(error), ms: ms() };
    if (error instanceof ValidationErrors) {
      const [first, ...more] = error.errors;
      return { kind: "rejected", combination, error: first, reason: `${rejectionReason(first)}${more.length ? ` (+${more.length} more)` : ""}`, ms: ms() };
    }
    return { kind: "crashed", combination, error, ms: ms() };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------
// What must hold for every accepted combination

/** The invariants checked on each accepted combination, by id, with what they promise. */
export const CHECKS = {
  audit: "the guardrails audit of the JSON has no error finding and no AZ-FLOW-001 finding",
  grantsPresent: "every implied flow's role assignments exist: principal, role id and scope",
  grantsExact: "every role assignment belongs to an implied flow, once",
  auditFlows: "every flow the audit infers from the JSON is a flow the platform implies",
  authSettings: "keyless: no key or secret setting, local auth off, no secret; keys: keys only as Key Vault references",
  keyMaterial: "no key material outside Key Vault secret values (references to key attributes, literal keys)",
  deployments: "the app settings name deployments that exist",
  appIdentity: "a user-assigned identity is attached to the app and named by AZURE_CLIENT_ID; none otherwise",
  network:
    "private: public access off on every service, the app in the VNet with route-all, one private endpoint per private-endpoint path and per service developers reach, the OpenAI endpoint after the model deployments; public: no VNet",
  standalone: "the ready app's StandaloneChatStack, without cdktf's preparing pass, synthesizes the same JSON",
} as const;
export type CheckId = keyof typeof CHECKS;
export const CHECK_IDS = Object.keys(CHECKS) as CheckId[];

type Json = Record<string, unknown>;

/** `type.name` of every resource of `type`. */
function addresses(json: TerraformJson, type: string): string[] {
  return Object.keys(json.resource?.[type] ?? {}).map((name) => `${type}.${name}`);
}

function values(json: TerraformJson, address: string): Json {
  const dot = address.indexOf(".");
  return (json.resource?.[address.slice(0, dot)]?.[address.slice(dot + 1)] ?? {}) as Json;
}

const ref = (expression: string) => `\${${expression}}`;

/** Settings naming deployments, and the deployment variable each profile must set. */
const DEPLOYMENT_SETTINGS = [
  "AZURE_OPENAI_MODEL",
  "AZURE_OPENAI_CHATGPT_DEPLOYMENT",
  "AZURE_OPENAI_EMBEDDING_NAME",
  "AZURE_OPENAI_EMB_DEPLOYMENT",
  "AZURE_OPENAI_KNOWLEDGEBASE_DEPLOYMENT",
];
const CHAT_DEPLOYMENT_SETTING: Record<BuiltInProfileName, string> = {
  searchOpenAIDemo: "AZURE_OPENAI_CHATGPT_DEPLOYMENT",
  sampleApp: "AZURE_OPENAI_MODEL",
  openai: "AZURE_OPENAI_CHATGPT_DEPLOYMENT",
};

/** Every string in `value` with its JSON path, skipping cdktf's `"//"` metadata. */
function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === "string") yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], `${path}[${i}]`);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) if (k !== "//") yield* strings(v, path ? `${path}.${k}` : k);
  }
}

/** What a combination grants, as `principal|roleId|scope` keys, with where each comes from. */
function expectedGrants(a: Accepted, json: TerraformJson): { expected: Map<string, string>; problems: string[] } {
  const problems: string[] = [];
  const one = (type: string): string | undefined => {
    const all = addresses(json, type);
    if (all.length !== 1) problems.push(`expected one ${type}, found ${all.length}`);
    return all[0];
  };
  const webApp = one("azurerm_linux_web_app");
  const openai = one("azurerm_cognitive_account");
  const search = one("azurerm_search_service");
  const storage = one("azurerm_storage_account");
  // Created only when something uses it.
  const keyVault = addresses(json, "azurerm_key_vault")[0];
  if ((keyVault !== undefined) !== (a.platform.keyVault !== undefined))
    problems.push(`the platform has ${a.platform.keyVault ? "a" : "no"} Key Vault, the JSON ${keyVault ? "one" : "none"}`);
  const runtime = runtimeIdentities(json);
  if (a.combination.userAssignedIdentity && runtime.length !== 1) problems.push(`expected one azurerm_user_assigned_identity the app runs as, found ${runtime.length}`);
  const uami = a.combination.userAssignedIdentity ? runtime[0] : undefined;
  const clientConfig = Object.keys(json.data?.azurerm_client_config ?? {})[0];

  const principals: Partial<Record<Party, string[]>> = {
    webApp: [uami ? ref(`${uami}.principal_id`) : ref(`${webApp}.identity[0].principal_id`)],
    openai: [ref(`${openai}.identity[0].principal_id`)],
    search: [ref(`${search}.identity[0].principal_id`)],
    deployer: [ref(`data.azurerm_client_config.${clientConfig}.object_id`)],
    developers: a.combination.developers ? [COMBINATION_DEVELOPER.objectId] : [],
  };
  const scopes: Partial<Record<Party, string>> = {
    openai: ref(`${openai}.id`),
    search: ref(`${search}.id`),
    storage: ref(`${storage}.id`),
    ...(keyVault ? { keyVault: ref(`${keyVault}.id`) } : {}),
  };
  const expected = new Map<string, string>();
  for (const f of a.platform.flows) {
    const scope = scopes[f.target];
    const callers = principals[f.caller];
    if (!scope || !callers) {
      problems.push(`${f.flow} ${f.caller} -> ${f.target}: not a caller/target pair of the platform`);
      continue;
    }
    if (callers.length === 0) problems.push(`${f.flow} is implied but ${f.caller} has no principals`);
    for (const principal of callers) {
      for (const role of f.roles)
        expected.set(`${principal}|${role.id}|${scope}`, `${f.flow} ${f.caller} -> ${f.target}: "${role.name}" (${role.id}) for ${principal} on ${scope}`);
    }
  }
  return { expected, problems };
}

function checkGrants(a: Accepted, json: TerraformJson): { present: string[]; exact: string[]; count: number } {
  const { expected, problems } = expectedGrants(a, json);
  const actual = new Map<string, string[]>();
  const assignments = addresses(json, "azurerm_role_assignment");
  for (const address of assignments) {
    const v = values(json, address);
    const key = `${String(v.principal_id)}|${String(v.role_definition_id).split("/").pop()}|${String(v.scope)}`;
    actual.set(key, [...(actual.get(key) ?? []), address]);
  }
  const present = [...problems];
  for (const [key, what] of expected) if (!actual.has(key)) present.push(`missing: ${what}`);
  const exact: string[] = [];
  for (const [key, where] of actual) {
    const [principal, role, scope] = key.split("|");
    if (!expected.has(key)) exact.push(`${where.join(", ")}: role ${role} for ${principal} on ${scope} belongs to no implied flow`);
    if (where.length > 1) exact.push(`${where.join(", ")}: the same role assignment ${where.length} times (Azure refuses the second: RoleAssignmentExists)`);
  }
  return { present, exact, count: assignments.length };
}

/** Flows the audit infers from the JSON (flow, caller party, target party) that the platform does not imply. */
function checkAuditFlows(a: Accepted, result: AuditResult): string[] {
  const implied = new Set(a.platform.flows.map((f) => `${f.flow}|${f.caller}|${f.target}`));
  const impliedAnyTarget = new Set(a.platform.flows.map((f) => `${f.flow}|${f.caller}`));
  const out: string[] = [];
  for (const c of result.flows) {
    const f = c.implied;
    const caller = f.flow.caller === "deployer" ? "deployer" : f.caller ? partyOf(f.caller) : undefined;
    const target = f.target ? partyOf(f.target) : undefined;
    const ok = target ? implied.has(`${f.flow.id}|${caller}|${target}`) : impliedAnyTarget.has(`${f.flow.id}|${caller}`);
    if (!ok) out.push(`the audit infers ${f.flow.id} ${caller ?? "?"} -> ${target ?? "?"} (${f.because.join("; ")}), which the platform does not imply`);
  }
  return out;
}

function checkAuthSettings(a: Accepted, json: TerraformJson, settings: Record<string, string>): string[] {
  const out: string[] = [];
  if (a.combination.authMode === "keyless") {
    for (const name of Object.keys(settings)) {
      if (isKeySettingName(name) || isSecretSettingName(name)) out.push(`app setting ${name} is a key or secret variable in keyless mode`);
    }
    for (const address of addresses(json, "azurerm_cognitive_account"))
      if (values(json, address).local_auth_enabled !== false) out.push(`${address}.local_auth_enabled is not false in keyless mode`);
    for (const address of addresses(json, "azurerm_search_service"))
      if (values(json, address).local_authentication_enabled !== false) out.push(`${address}.local_authentication_enabled is not false in keyless mode`);
    for (const address of addresses(json, "azurerm_key_vault_secret")) out.push(`${address} stores a secret in keyless mode`);
  } else {
    for (const [name, value] of Object.entries(settings)) {
      if (isKeySettingName(name) && !isKeyVaultReference(value)) out.push(`app setting ${name} is a key but not a Key Vault reference`);
    }
  }
  for (const address of addresses(json, "azurerm_storage_account"))
    if (values(json, address).shared_access_key_enabled !== false) out.push(`${address}.shared_access_key_enabled is not false (Storage is keyless in both modes)`);
  return out;
}

function checkKeyMaterial(json: TerraformJson): string[] {
  const out: string[] = [];
  for (const [block, content] of Object.entries(json)) {
    if (block === "//") continue;
    const scan = block === "resource" ? Object.fromEntries(Object.entries(content as Json).filter(([type]) => type !== "azurerm_key_vault_secret")) : content;
    for (const [path, text] of strings(scan, block)) {
      for (const r of credentialReferences(text)) out.push(`${path} = ${r.expression}: references the credential attribute ${r.attribute}`);
      const literal = literalText(text);
      const marker = inlineCredential(literal);
      if (marker) out.push(`${path}: embeds a credential (${marker})`);
      else if (keyShapedRun(literal)) out.push(`${path}: contains a literal key-shaped string`);
    }
  }
  return out;
}

function checkDeployments(a: Accepted, json: TerraformJson, settings: Record<string, string>): string[] {
  const names = new Set(addresses(json, "azurerm_cognitive_deployment").map((d) => String(values(json, d).name)));
  const out: string[] = [];
  const required = CHAT_DEPLOYMENT_SETTING[a.combination.profile];
  if (!(required in settings)) out.push(`profile ${a.combination.profile} sets no ${required}`);
  for (const name of DEPLOYMENT_SETTINGS) {
    if (name in settings && !names.has(settings[name]))
      out.push(`${name} = ${JSON.stringify(settings[name])} names no azurerm_cognitive_deployment (have ${[...names].join(", ")})`);
  }
  return out;
}

/**
 * User-assigned identities other than the sign-in one (named by the app's
 * OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID setting: App Service Authentication's
 * credential, never the code's).
 */
function runtimeIdentities(json: TerraformJson): string[] {
  const signIn = new Set(
    Object.values(json.resource?.azurerm_linux_web_app ?? {}).map(
      (app) => ((app as Json).app_settings as Record<string, string> | undefined)?.OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID,
    ),
  );
  return addresses(json, "azurerm_user_assigned_identity").filter((u) => !signIn.has(ref(`${u}.client_id`)));
}

function checkAppIdentity(a: Accepted, json: TerraformJson, webApp: Json, settings: Record<string, string>): string[] {
  const uamis = runtimeIdentities(json);
  const identity = ([] as Json[]).concat((webApp.identity as Json | Json[] | undefined) ?? [])[0] ?? {};
  const out: string[] = [];
  if (a.combination.userAssignedIdentity) {
    if (uamis.length !== 1) return [`expected one azurerm_user_assigned_identity, found ${uamis.length}`];
    const [uami] = uamis;
    if (!String(identity.type ?? "").includes("UserAssigned")) out.push(`the web app's identity.type is ${JSON.stringify(identity.type)}, not UserAssigned`);
    if (!([] as unknown[]).concat(identity.identity_ids ?? []).includes(ref(`${uami}.id`))) out.push(`the web app's identity_ids do not hold ${uami}`);
    if (settings.AZURE_CLIENT_ID !== ref(`${uami}.client_id`)) out.push(`AZURE_CLIENT_ID = ${JSON.stringify(settings.AZURE_CLIENT_ID)}, not ${ref(`${uami}.client_id`)}`);
  } else {
    if (uamis.length > 0) out.push(`${uamis.join(", ")} exists without userAssignedIdentity`);
    if ("AZURE_CLIENT_ID" in settings) out.push("AZURE_CLIENT_ID is set without a user-assigned identity");
    if (!String(identity.type ?? "").includes("SystemAssigned")) out.push(`the web app's identity.type is ${JSON.stringify(identity.type)}, not SystemAssigned`);
  }
  return out;
}

const PRIVATE_LINK_SUBRESOURCES: Record<string, string> = { openai: "account", search: "searchService", storage: "blob", keyVault: "vault" };

function checkNetwork(a: Accepted, json: TerraformJson, webApp: Json): string[] {
  const out: string[] = [];
  const vnets = addresses(json, "azurerm_virtual_network");
  const endpoints = addresses(json, "azurerm_private_endpoint").map((e) => values(json, e));
  if (a.combination.network === "public") {
    if (vnets.length > 0 || endpoints.length > 0) out.push(`public mode has ${vnets.length} VNet(s) and ${endpoints.length} private endpoint(s)`);
    return out;
  }
  for (const type of ["azurerm_cognitive_account", "azurerm_search_service", "azurerm_storage_account", "azurerm_key_vault"]) {
    for (const address of addresses(json, type)) {
      const v = values(json, address);
      const deployerDoor = type === "azurerm_key_vault" && a.platform.flows.some((f) => f.flow === "F9");
      if (v.public_network_access_enabled !== false && !deployerDoor)
        out.push(`${address}.public_network_access_enabled is ${JSON.stringify(v.public_network_access_enabled)} in private mode`);
    }
  }
  const siteConfig = (webApp.site_config ?? {}) as Json;
  if (!webApp.virtual_network_subnet_id || siteConfig.vnet_route_all_enabled !== true) out.push("the web app is not VNet-integrated with route-all in private mode");
  const have = endpoints.flatMap((e) => ((e.private_service_connection as Json)?.subresource_names as string[]) ?? []).sort();
  // One endpoint per private-endpoint path's target, and per service developers reach (F10).
  const want = [...new Set(a.platform.network.paths.filter((p) => p.kind === "privateEndpoint" || p.flow === "F10").map((p) => PRIVATE_LINK_SUBRESOURCES[p.target]))].sort();
  if (JSON.stringify(have) !== JSON.stringify(want)) out.push(`private endpoints ${JSON.stringify(have)} do not match the private-endpoint paths ${JSON.stringify(want)}`);
  // An OpenAI endpoint waits for the model deployments (AccountProvisioningStateInvalid otherwise).
  const deployments = addresses(json, "azurerm_cognitive_deployment");
  for (const e of endpoints) {
    const sub = ((e.private_service_connection as Json)?.subresource_names as string[]) ?? [];
    if (sub.includes("account") && !deployments.every((d) => ((e.depends_on as string[] | undefined) ?? []).includes(d)))
      out.push(`the OpenAI private endpoint does not depend on every model deployment (${deployments.join(", ")})`);
  }
  return out;
}

/** What one accepted combination holds, compact (no stack or JSON retained). */
export interface AcceptedReport {
  /** Implied flow ids, in table order. */
  readonly flows: readonly FlowId[];
  readonly roleAssignments: number;
  readonly auditErrors: number;
  readonly auditWarnings: number;
  /** Broken invariants by check; every list empty when the combination is safe. */
  readonly violations: Readonly<Record<CheckId, readonly string[]>>;
}

/** Runs every check of CHECKS on an accepted combination. */
export function checkAccepted(a: Accepted): AcceptedReport {
  const json = a.json;
  const result = audit(json, { source: `${a.combination.name}/cdk.tf.json` });
  const webApps = addresses(json, "azurerm_linux_web_app");
  const webApp = webApps.length === 1 ? values(json, webApps[0]) : {};
  const settings = (webApp.app_settings ?? {}) as Record<string, string>;
  const grants = checkGrants(a, json);
  const violations: Record<CheckId, string[]> = {
    audit: result.findings.filter((f) => f.severity === "error" || f.ruleId === flowAudit.id).map((f) => `[${f.ruleId}] ${f.message}`),
    grantsPresent: grants.present,
    grantsExact: grants.exact,
    auditFlows: checkAuditFlows(a, result),
    authSettings: checkAuthSettings(a, json, settings),
    keyMaterial: checkKeyMaterial(json),
    deployments: checkDeployments(a, json, settings),
    appIdentity: checkAppIdentity(a, json, webApp, settings),
    network: checkNetwork(a, json, webApp),
    standalone: checkStandalone(a, json),
  };
  if (webApps.length !== 1) violations.appIdentity.unshift(`expected one azurerm_linux_web_app, found ${webApps.length}`);
  return {
    flows: flowIdsOf(a.platform.flows),
    roleAssignments: grants.count,
    auditErrors: result.errors,
    auditWarnings: result.warnings,
    violations,
  };
}

/**
 * The combination synthesized again as the ready app synthesizes its stacks
 * (app/standalone-stack.ts): every difference from `json` is a path that cdktf's
 * preparing pass would have changed, which the ready app's skipping of it must never do.
 */
function checkStandalone(a: Accepted, json: TerraformJson): string[] {
  const standalone = synthesizeCombination(a.combination, StandaloneChatStack);
  if (standalone.kind !== "accepted") return [`StandaloneChatStack: ${standalone.kind}: ${String(standalone.error)}`];
  return differingPaths(json, standalone.json).map((p) => `StandaloneChatStack differs at ${p}`);
}

/** Paths (`resource.azurerm_x.y.name`) where two JSON values differ: a changed leaf, or a key only one has. */
function differingPaths(a: unknown, b: unknown): string[] {
  const out: string[] = [];
  const pending: [string, unknown, unknown][] = [["(root)", a, b]];
  while (pending.length > 0) {
    const [at, x, y] = pending.pop()!;
    const objects = typeof x === "object" && x !== null && typeof y === "object" && y !== null && Array.isArray(x) === Array.isArray(y);
    if (!objects) {
      if (JSON.stringify(x) !== JSON.stringify(y)) out.push(at);
      continue;
    }
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const k of keys) pending.push([at === "(root)" ? k : `${at}.${k}`, (x as Json)[k], (y as Json)[k]]);
  }
  return out.sort();
}

/** Unique flow ids in table order. */
export function flowIdsOf(flows: readonly PlatformFlow[]): FlowId[] {
  const ids = new Set(flows.map((f) => f.flow));
  return FLOW_IDS.filter((id) => ids.has(id));
}

// ---------------------------------------------------------------------------------
// Running them all

/** One line of the combinations table. */
export interface CombinationResult {
  readonly combination: Combination;
  readonly kind: Outcome["kind"];
  /** Rejected: the ValidationError's short reason. Crashed: the error's message. */
  readonly reason?: string;
  /** Rejected or crashed: what was thrown. */
  readonly error?: unknown;
  /** Accepted: what it implies and what holds. */
  readonly report?: AcceptedReport;
  /** Milliseconds to construct and synthesize (checks excluded). */
  readonly ms: number;
}

export interface RunOptions {
  /** @default enumerateCombinations() */
  readonly combinations?: readonly Combination[];
  /** Called with each accepted combination before its stack is dropped (e.g. to write its JSON). */
  readonly onAccepted?: (accepted: Accepted) => void;
}

/**
 * Synthesizes every combination once, checks the accepted ones and keeps only the
 * compact results, so memory stays flat over hundreds of stacks.
 */
export function runCombinations(options: RunOptions = {}): CombinationResult[] {
  const results: CombinationResult[] = [];
  for (const combination of options.combinations ?? enumerateCombinations()) {
    const outcome = synthesizeCombination(combination);
    switch (outcome.kind) {
      case "accepted":
        options.onAccepted?.(outcome);
        results.push({ combination, kind: "accepted", report: checkAccepted(outcome), ms: outcome.ms });
        break;
      case "rejected":
        results.push({ combination, kind: "rejected", reason: outcome.reason, error: outcome.error, ms: outcome.ms });
        break;
      case "crashed":
        results.push({
          combination,
          kind: "crashed",
          reason: outcome.error instanceof Error ? `${outcome.error.name}: ${outcome.error.message}` : String(outcome.error),
          error: outcome.error,
          ms: outcome.ms,
        });
        break;
    }
  }
  return results;
}

/** Counts for the summary: accepted, rejected by reason, crashed, and accepted combinations per flow set. */
export interface CombinationSummary {
  readonly total: number;
  readonly accepted: number;
  readonly rejected: Readonly<Record<string, number>>;
  readonly crashed: number;
  /** Accepted combinations that break at least one check. */
  readonly unsafe: number;
  /** How many accepted combinations imply each flow. */
  readonly flowCounts: Readonly<Record<string, number>>;
  /** Fewest and most flows implied by an accepted combination. */
  readonly flowsPerCombination: { readonly min: number; readonly max: number };
}

export function summarize(results: readonly CombinationResult[]): CombinationSummary {
  const accepted = results.filter((r) => r.kind === "accepted");
  const rejected: Record<string, number> = {};
  for (const r of results) if (r.kind === "rejected") rejected[r.reason!] = (rejected[r.reason!] ?? 0) + 1;
  const flowCounts: Record<string, number> = Object.fromEntries(FLOW_IDS.map((id) => [id, 0]));
  for (const r of accepted) for (const f of r.report!.flows) flowCounts[f]++;
  const sizes = accepted.map((r) => r.report!.flows.length);
  return {
    total: results.length,
    accepted: accepted.length,
    rejected: Object.fromEntries(Object.entries(rejected).sort(([a], [b]) => a.localeCompare(b))),
    crashed: results.filter((r) => r.kind === "crashed").length,
    unsafe: accepted.filter((r) => CHECK_IDS.some((c) => r.report!.violations[c].length > 0)).length,
    flowCounts,
    flowsPerCombination: { min: sizes.length ? Math.min(...sizes) : 0, max: sizes.length ? Math.max(...sizes) : 0 },
  };
}
