import { append } from "./values";
import { BuiltInRole, Roles, roleFromDefinitionId, roleFromName } from "../catalogue/roles";
import { isCredentialAttribute, isKeyVaultReference } from "../catalogue/secrets";
import type { ResourceParty } from "../catalogue/flows";
import { StackModel } from "./model";
import { Reference, TfResource, block, blocks, bool, referencesIn, str } from "./terraform-json";
import { addressType, replaceInterpolations } from "./traversal";

/**
 * What the rules know about Azure resources in Terraform JSON: types, identities,
 * app settings, role assignments and scopes. Facts derived from the whole stack are
 * memoised on the model so every rule shares one computation.
 */

export const TYPES = Object.freeze({
  cognitiveAccount: "azurerm_cognitive_account",
  customerManagedKey: "azurerm_cognitive_account_customer_managed_key",
  search: "azurerm_search_service",
  storage: "azurerm_storage_account",
  keyVault: "azurerm_key_vault",
  keyVaultKey: "azurerm_key_vault_key",
  keyVaultSecret: "azurerm_key_vault_secret",
  roleAssignment: "azurerm_role_assignment",
  userAssignedIdentity: "azurerm_user_assigned_identity",
  resourceGroup: "azurerm_resource_group",
  timeSleep: "time_sleep",
  clientConfig: "data.azurerm_client_config",
  cognitiveDeployment: "azurerm_cognitive_deployment",
  keyVaultAccessPolicy: "azurerm_key_vault_access_policy",
  containerAppEnvironment: "azurerm_container_app_environment",
});

/**
 * App Service web apps and their slots, which carry `app_settings`, `identity`,
 * `site_config` and App Service Authentication. `azurerm_app_service` (azurerm 2.x/3.x,
 * removed in 4.0) is still in older samples.
 */
export const WEB_APP_TYPES = Object.freeze([
  "azurerm_linux_web_app",
  "azurerm_windows_web_app",
  "azurerm_linux_web_app_slot",
  "azurerm_windows_web_app_slot",
  "azurerm_app_service",
  "azurerm_app_service_slot",
]);

/** Function Apps: App Service sites too (settings, identity, site_config), with HTTP triggers behind function keys. */
export const FUNCTION_APP_TYPES = Object.freeze([
  "azurerm_linux_function_app",
  "azurerm_windows_function_app",
  "azurerm_linux_function_app_slot",
  "azurerm_windows_function_app_slot",
  "azurerm_function_app_flex_consumption",
  "azurerm_function_app",
]);

/** Container Apps: `env` and `secret` instead of app settings, sign-in through `authConfigs`. */
export const CONTAINER_APP_TYPES = Object.freeze(["azurerm_container_app"]);

/** Every resource that runs the app's code and calls the services: the callers of F1, F7, F8, F11. */
export const APP_TYPES = Object.freeze([...WEB_APP_TYPES, ...FUNCTION_APP_TYPES, ...CONTAINER_APP_TYPES]);

export type AppKind = "webApp" | "functionApp" | "containerApp";

/**
 * Kinds that serve Azure OpenAI models. "AIServices" (Azure AI Foundry) exposes the same
 * OpenAI endpoints and the same On Your Data behaviour.
 */
const OPENAI_KINDS = new Set(["openai", "aiservices"]);

export function isOpenAiAccount(r: TfResource): boolean {
  return r.type === TYPES.cognitiveAccount && OPENAI_KINDS.has((str(r.values.kind) ?? "").toLowerCase());
}

/** App Service web apps and slots (not Function Apps or Container Apps). */
export function isWebApp(r: TfResource): boolean {
  return WEB_APP_TYPES.includes(r.type);
}

/** Any resource that runs the app: a web app, a Function App or a Container App. */
export function isApp(r: TfResource): boolean {
  return APP_TYPES.includes(r.type);
}

export function appKind(r: TfResource): AppKind | undefined {
  if (WEB_APP_TYPES.includes(r.type)) return "webApp";
  if (FUNCTION_APP_TYPES.includes(r.type)) return "functionApp";
  if (CONTAINER_APP_TYPES.includes(r.type)) return "containerApp";
  return undefined;
}

/** A model deployment read the same way whether written as azurerm, azapi or ARM. */
export interface CognitiveDeployment {
  /** `azurerm_cognitive_deployment.x`, `azapi_resource.x`, or a template's resource. */
  readonly resource: TfResource;
  /** The account it deploys into (`cognitive_account_id`), when it is in the configuration. */
  readonly account?: TfResource;
  /** The account's region: its `location`, or its resource group's when it names that. */
  readonly location?: string;
  readonly model: { readonly format?: string; readonly name?: string; readonly version?: string };
  readonly sku: { readonly name?: string; readonly capacity?: number };
}

/**
 * Every model deployment with its account and region. azapi
 * `Microsoft.CognitiveServices/accounts/deployments` and ARM template deployments are
 * already `azurerm_cognitive_deployment` here (normalize.ts), with `cognitive_account_id`
 * naming the parent account and the azurerm `model` / `sku` blocks.
 */
export function cognitiveDeployments(model: StackModel): readonly CognitiveDeployment[] {
  return model.derive("cognitiveDeployments", (m) =>
    m.ofType(TYPES.cognitiveDeployment).map((resource) => {
      const account = m.referenced(resource, ["cognitive_account_id"], [TYPES.cognitiveAccount])[0];
      const modelBlock = block(resource.values.model) ?? {};
      const sku = block(resource.values.sku) ?? {};
      const capacity = sku.capacity;
      return {
        resource,
        account,
        location: account ? locationOf(m, account) : undefined,
        model: { format: str(modelBlock.format), name: str(modelBlock.name), version: str(modelBlock.version) },
        sku: { name: str(sku.name), capacity: typeof capacity === "number" ? capacity : typeof capacity === "string" && /^\d+$/.test(capacity) ? Number(capacity) : undefined },
      };
    }),
  );
}

/**
 * A resource's region as a literal (`swedencentral`), following `location =
 * azurerm_resource_group.x.location` to the group; undefined when it is known only at
 * apply. Azure compares regions without case or spaces ("Sweden Central").
 */
export function locationOf(model: StackModel, r: TfResource): string | undefined {
  const literal = str(r.values.location);
  if (literal !== undefined && !literal.includes("${")) return literal;
  for (const ref of model.refs(r, "location")) {
    const group = model.get(ref.address);
    const groupLocation = group && ref.attribute === "location" ? str(group.values.location) : undefined;
    if (groupLocation !== undefined && !groupLocation.includes("${")) return groupLocation;
  }
  return undefined;
}

export function openAiAccounts(model: StackModel): TfResource[] {
  return model.derive("openai", (m) => m.ofType(TYPES.cognitiveAccount).filter(isOpenAiAccount));
}

/** Every app: web apps, Function Apps and Container Apps. */
export function apps(model: StackModel): readonly TfResource[] {
  return model.ofType(...APP_TYPES);
}

/** The ARM property behind an azurerm argument, for resources written as azapi or ARM (normalize.ts). */
const ARM_PROPERTY: Readonly<Record<string, string>> = {
  custom_subdomain_name: "properties.customSubDomainName",
  local_auth_enabled: "properties.disableLocalAuth",
  local_authentication_enabled: "properties.disableLocalAuth",
  authentication_failure_mode: "properties.authOptions.aadOrApiKey.aadAuthFailureMode",
  public_network_access_enabled: "properties.publicNetworkAccess",
  network_rule_bypass_option: "properties.networkRuleSet.bypass",
  shared_access_key_enabled: "properties.allowSharedKeyAccess",
  allow_nested_items_to_be_public: "properties.allowBlobPublicAccess",
  rbac_authorization_enabled: "properties.enableRbacAuthorization",
  purge_protection_enabled: "properties.enablePurgeProtection",
  https_only: "properties.httpsOnly",
  app_settings: "properties.siteConfig.appSettings",
};

/**
 * How a message names an argument of `r`: azurerm's name, or for a resource written as
 * azapi or ARM the property that holds it (`body.properties.customSubDomainName`).
 */
export function argument(r: TfResource, name: string): string {
  const property = r.origin ? ARM_PROPERTY[name] : undefined;
  if (!property) return name;
  return r.origin?.via === "azapi" ? `body.${property}` : property;
}

/** Human name for messages: `azurerm_cognitive_account.openai (dev/platform/openai)`. */
export function describe(r: TfResource): string {
  return r.constructPath ? `${r.address} (${r.constructPath})` : r.address;
}

// ---------------------------------------------------------------------------------
// Identity

export interface IdentityInfo {
  /** An `identity` block exists. */
  readonly declared: boolean;
  readonly type?: string;
  readonly systemAssigned: boolean;
  /** `identity_ids` given (user-assigned identities attached). */
  readonly userAssigned: boolean;
  /** The user-assigned identity resources attached, when referenced. */
  readonly userAssignedRefs: readonly Reference[];
}

export function identityOf(model: StackModel, r: TfResource): IdentityInfo {
  const identity = block(r.values.identity);
  const type = str(identity?.type);
  const ids = identity?.identity_ids;
  const userAssignedRefs = model.refs(r, "identity", "identity_ids");
  return {
    declared: identity !== undefined,
    type,
    systemAssigned: /SystemAssigned/i.test(type ?? ""),
    userAssigned: (Array.isArray(ids) && ids.length > 0) || (typeof ids === "string" && ids !== "") || userAssignedRefs.length > 0,
    userAssignedRefs,
  };
}

// ---------------------------------------------------------------------------------
// App settings

export interface AppSetting {
  readonly name: string;
  /** The value as written; undefined when known only after apply (plans) or held by a secret. */
  readonly value: string | undefined;
  readonly refs: readonly Reference[];
  /** Where it is written, for messages: `app_settings.X`, `connection_string "X"`, `env X`. */
  readonly where: string;
  /** A Container App `env` backed by a Key Vault secret (`secret { key_vault_secret_id }`): resolved with the app's identity, like a Key Vault reference. */
  readonly keyVault?: boolean;
}

/**
 * What the app's code reads from its environment: App Service `app_settings` and
 * `connection_string` blocks, a Container App's `env` (a `secret_name` stands for the
 * secret's value).
 */
export function appSettings(model: StackModel, app: TfResource): readonly AppSetting[] {
  return model.derive(`settings:${app.address}`, (m) => (appKind(app) === "containerApp" ? containerEnv(m, app) : siteSettings(m, app)));
}

function scalar(v: unknown): string | undefined {
  // Numbers and booleans are settings too; lists and objects are not values App Service accepts.
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

function siteSettings(model: StackModel, app: TfResource): AppSetting[] {
  const raw = block(app.values.app_settings) ?? {};
  const names = new Set(Object.keys(raw));
  // Plans omit unknown map entries from values; after_unknown still names them.
  for (const path of app.unknown) if (path.startsWith("app_settings.")) names.add(path.slice("app_settings.".length));
  const out: AppSetting[] = [...names].map((name) => ({ name, value: scalar(raw[name]), refs: model.refs(app, "app_settings", name), where: `app_settings.${name}` }));
  for (const c of blocks(app.values.connection_string)) {
    const name = str(c.name);
    if (name !== undefined) out.push({ name, value: scalar(c.value), refs: referencesIn(c.value), where: `connection_string ${JSON.stringify(name)}` });
  }
  return out;
}

function containerEnv(model: StackModel, app: TfResource): AppSetting[] {
  const secrets = new Map(containerSecrets(model, app).map((s) => [s.name, s]));
  const out: AppSetting[] = [];
  for (const template of blocks(app.values.template)) {
    for (const container of blocks(template.container)) {
      for (const env of blocks(container.env)) {
        const name = str(env.name);
        if (name === undefined) continue;
        const secretName = str(env.secret_name);
        const secret = secretName !== undefined ? secrets.get(secretName) : undefined;
        if (secret) out.push({ name, value: undefined, refs: secret.refs, where: `env ${name} (secret ${JSON.stringify(secretName)})`, keyVault: secret.keyVault });
        else out.push({ name, value: scalar(env.value), refs: referencesIn(env.value), where: `env ${name}` });
      }
    }
  }
  return out;
}

/** A Container App's `secret` blocks: a value, or a Key Vault secret the app reads with its identity. */
export function containerSecrets(model: StackModel, app: TfResource): readonly AppSetting[] {
  return model.derive(`secrets:${app.address}`, () =>
    blocks(app.values.secret).flatMap((s) => {
      const name = str(s.name);
      if (name === undefined) return [];
      const keyVault = s.key_vault_secret_id !== undefined && s.key_vault_secret_id !== null;
      const source = keyVault ? s.key_vault_secret_id : s.value;
      return [{ name, value: keyVault ? undefined : scalar(s.value), refs: referencesIn(source), where: `secret ${JSON.stringify(name)}`, keyVault }];
    }),
  );
}

export function setting(model: StackModel, app: TfResource, name: string): AppSetting | undefined {
  return appSettings(model, app).find((s) => s.name.toUpperCase() === name.toUpperCase());
}

// What a secret, a key setting and a Key Vault reference are: one definition for the
// constructs, the rules and the review (catalogue/secrets.ts).
export { isKeySettingName, isKeyVaultReference } from "../catalogue/secrets";

export type KeyedService = "openai" | "search" | "storage";

/**
 * Whose key a setting carries, by the evidence in its value (catalogue/secrets.ts judges
 * what a credential is): a service's key attribute (`${azurerm_cognitive_account.x.primary_access_key}`
 * under any name, AZURE_API_KEY included), or a Key Vault reference to a secret whose
 * value is one. Undefined when the value says nothing; names are judged in
 * declarations.ts, and only for apps without a settings contract.
 */
export function keyEvidence(model: StackModel, s: AppSetting): { service: KeyedService; account: TfResource } | undefined {
  const viaVault = s.keyVault === true || isKeyVaultReference(s.value);
  for (const ref of s.refs) {
    const target = model.get(ref.address);
    if (!target) continue;
    const own = serviceKey(target, ref.attribute);
    if (own) return own;
    if (target.type === TYPES.keyVaultSecret && (viaVault || ref.attribute === "value")) {
      for (const inner of model.refs(target, "value")) {
        const account = model.get(inner.address);
        const held = account ? serviceKey(account, inner.attribute) : undefined;
        if (held) return held;
      }
    }
  }
  return undefined;
}

function serviceKey(target: TfResource, attribute: string): { service: KeyedService; account: TfResource } | undefined {
  if (!isCredentialAttribute(target.type, attribute)) return undefined;
  const party = partyOf(target);
  return party === "openai" || party === "search" || party === "storage" ? { service: party, account: target } : undefined;
}

/** Which service a setting name is about, by the naming the sample apps use. */
export function serviceOfSetting(name: string): "openai" | "search" | "storage" | undefined {
  if (/OPENAI|AOAI/i.test(name)) return "openai";
  // BING_SEARCH_KEY is Bing's (a Microsoft.Bing account), not Azure AI Search's.
  if (/SEARCH/i.test(name) && !/BING/i.test(name)) return "search";
  if (/STORAGE|BLOB/i.test(name)) return "storage";
  return undefined;
}

/** Which party of the flow table (catalogue/flows.ts) a resource is. */
export function partyOf(r: TfResource): ResourceParty | undefined {
  if (isOpenAiAccount(r)) return "openai";
  if (r.type === TYPES.search) return "search";
  if (r.type === TYPES.storage) return "storage";
  if (r.type === TYPES.keyVault) return "keyVault";
  if (isApp(r)) return "webApp";
  return undefined;
}

/**
 * The platform resources a setting points at: through `${...}` references, or through
 * a literal endpoint/name that matches a resource in the stack
 * (`https://oai-dev.openai.azure.com/`, `srch-dev`), so hand-written settings count too.
 */
export function settingTargets(model: StackModel, s: AppSetting): TfResource[] {
  const out: TfResource[] = [];
  const push = (r: TfResource | undefined) => {
    if (r && partyOf(r) && partyOf(r) !== "webApp" && !out.includes(r)) out.push(r);
  };
  for (const ref of s.refs) {
    const r = model.get(ref.address);
    push(r);
    // A Key Vault secret stands for its vault.
    if (r?.type === TYPES.keyVaultSecret) for (const v of model.referenced(r, ["key_vault_id"], [TYPES.keyVault])) push(v);
  }
  if (s.value && !s.value.includes("${")) {
    const names = literalNameIndex(model);
    const candidates = new Set<string>([s.value.trim().toLowerCase()]);
    for (const m of s.value.matchAll(/https?:\/\/([a-z0-9-]+)\./gi)) candidates.add(m[1].toLowerCase());
    for (const m of s.value.matchAll(/(?:VaultName|AccountName)=([a-z0-9-]+)/gi)) candidates.add(m[1].toLowerCase());
    for (const c of candidates) for (const r of names.get(c) ?? []) push(r);
  } else if (s.value) {
    // Names computed at plan time (`chat-dev-oai-${local.name_suffix_chat_dev}`) are no
    // literals to look up, but a setting that spells the same expression, on a name
    // boundary, names the same resource.
    for (const [name, resources] of computedNameIndex(model)) {
      let at = s.value.indexOf(name);
      while (at >= 0 && /[A-Za-z0-9-]/.test(s.value[at - 1] ?? "")) at = s.value.indexOf(name, at + 1);
      if (at >= 0 && !/[A-Za-z0-9-]/.test(s.value[at + name.length] ?? "")) for (const r of resources) push(r);
    }
  }
  return out;
}

function computedNameIndex(model: StackModel): Map<string, TfResource[]> {
  return model.derive("computedNames", (m) => {
    const index = new Map<string, TfResource[]>();
    for (const r of m.ofType(TYPES.cognitiveAccount, TYPES.search, TYPES.storage, TYPES.keyVault)) {
      for (const name of new Set([r.values.name, r.values.custom_subdomain_name])) {
        if (typeof name === "string" && name.includes("${")) append(index, name, r);
      }
    }
    return index;
  });
}

function literalNameIndex(model: StackModel): Map<string, TfResource[]> {
  return model.derive("names", (m) => {
    const index = new Map<string, TfResource[]>();
    const add = (name: unknown, r: TfResource) => {
      if (typeof name !== "string" || name.includes("${") || name === "") return;
      const key = name.toLowerCase();
      const list = index.get(key);
      if (list) list.push(r);
      else index.set(key, [r]);
    };
    for (const r of m.ofType(TYPES.cognitiveAccount, TYPES.search, TYPES.storage, TYPES.keyVault)) {
      add(r.values.name, r);
      if (r.values.custom_subdomain_name !== r.values.name) add(r.values.custom_subdomain_name, r);
    }
    return index;
  });
}

// ---------------------------------------------------------------------------------
// Role assignments

/**
 * Role id -> the ids of roles whose permissions include it, so an assignment of the
 * broader role also authorizes a flow.
 * Source: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
 */
const SATISFIED_BY: ReadonlyMap<string, readonly string[]> = new Map([
  [Roles.CognitiveServicesOpenAIUser.id, [Roles.CognitiveServicesOpenAIContributor.id]],
  [Roles.SearchIndexDataReader.id, [Roles.SearchIndexDataContributor.id]],
  [Roles.StorageBlobDataReader.id, [Roles.StorageBlobDataContributor.id, Roles.StorageBlobDataOwner.id]],
  [Roles.StorageBlobDataContributor.id, [Roles.StorageBlobDataOwner.id]],
  [Roles.KeyVaultSecretsUser.id, [Roles.KeyVaultSecretsOfficer.id, Roles.KeyVaultAdministrator.id]],
  [Roles.KeyVaultSecretsOfficer.id, [Roles.KeyVaultAdministrator.id]],
  [Roles.KeyVaultCryptoOfficer.id, [Roles.KeyVaultAdministrator.id]],
  [Roles.KeyVaultCryptoServiceEncryptionUser.id, [Roles.KeyVaultCryptoOfficer.id, Roles.KeyVaultAdministrator.id]],
]);

export function roleSatisfies(assignedRoleId: string | undefined, required: BuiltInRole): boolean {
  if (!assignedRoleId) return false;
  return assignedRoleId === required.id || (SATISFIED_BY.get(required.id) ?? []).includes(assignedRoleId);
}

export type Principal =
  | { readonly kind: "system"; readonly resource: TfResource }
  | { readonly kind: "userAssigned"; readonly resource: TfResource }
  | { readonly kind: "deployer"; readonly address: string }
  | { readonly kind: "other"; readonly text: string };

/**
 * How much an assignment's scope reaches, broadest first. `unknown` when the scope is an
 * expression the audit cannot place (`${var.scope}`): never assumed to be narrow.
 * Scope formats: https://learn.microsoft.com/azure/role-based-access-control/scope-overview
 */
export type ScopeLevel = "root" | "managementGroup" | "subscription" | "resourceGroup" | "resource" | "unknown";

export interface RoleAssignment {
  readonly resource: TfResource;
  /** Lower-case role GUID when it could be resolved. */
  readonly roleId?: string;
  /** Display name, or the raw id/name as written when unknown. */
  readonly roleLabel: string;
  readonly principal: Principal;
  readonly scopeText: string;
  readonly scopeRefs: readonly Reference[];
  readonly scopeLevel: ScopeLevel;
}

export function roleAssignments(model: StackModel): readonly RoleAssignment[] {
  return model.derive("roleAssignments", (m) => m.ofType(TYPES.roleAssignment).map((r) => toRoleAssignment(m, r)));
}

/** Role assignments the loader could not expand: never judged themselves, but they may hold a role a flow needs. */
export function unexpandedRoleAssignments(model: StackModel): readonly RoleAssignment[] {
  return model.derive("unexpandedRoleAssignments", (m) => m.unexpanded.filter((r) => r.type === TYPES.roleAssignment).map((r) => toRoleAssignment(m, r)));
}

function toRoleAssignment(model: StackModel, r: TfResource): RoleAssignment {
  const { roleId, roleLabel } = resolveRole(model, r);
  const scopeText = str(r.values.scope) ?? "";
  const scopeRefs = model.refs(r, "scope");
  return { resource: r, roleId, roleLabel, principal: resolvePrincipal(model, r), scopeText, scopeRefs, scopeLevel: scopeLevel(model, scopeText, scopeRefs) };
}

const GUID_AT_END = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function resolveRole(model: StackModel, r: TfResource): { roleId?: string; roleLabel: string } {
  const byName = (name: string) => {
    const role = roleFromName(name);
    return role ? { roleId: role.id, roleLabel: role.name } : { roleId: undefined, roleLabel: name };
  };
  const byId = (id: string) => {
    const role = roleFromDefinitionId(id);
    if (role) return { roleId: role.id, roleLabel: role.name };
    // A role outside the catalogue: keep its GUID so equality checks still work.
    const guid = id.trim().toLowerCase().split("/").pop() ?? "";
    return { roleId: GUID_AT_END.test(guid) ? guid : undefined, roleLabel: id };
  };
  const name = str(r.values.role_definition_name);
  if (name && !name.includes("${")) return byName(name);
  const id = str(r.values.role_definition_id);
  if (id && GUID_AT_END.test(id.trim())) return byId(id);
  // `${data.azurerm_role_definition.x.id}`: read the data source's name or id.
  for (const ref of [...model.refs(r, "role_definition_id"), ...model.refs(r, "role_definition_name")]) {
    const def = model.get(ref.address);
    if (def?.type !== "azurerm_role_definition") continue;
    const defName = str(def.values.name);
    if (defName) return byName(defName);
    const defId = str(def.values.role_definition_id);
    if (defId) return byId(defId);
  }
  return { roleLabel: name ?? id ?? "(unknown role)" };
}

function resolvePrincipal(model: StackModel, r: TfResource): Principal {
  for (const ref of model.refs(r, "principal_id")) {
    // The principal running terraform, in the root module or any other.
    if (addressType(ref.address) === TYPES.clientConfig) return { kind: "deployer", address: ref.address };
    const target = model.get(ref.address);
    if (!target) continue;
    if (target.type === TYPES.userAssignedIdentity) return { kind: "userAssigned", resource: target };
    if (/^identity(\[\d+\])?\.principal_id$/.test(ref.attribute) || ref.attribute === "identity") return { kind: "system", resource: target };
  }
  // Plans and states of existing resources carry the GUID itself, not a reference.
  const literal = str(r.values.principal_id)?.trim().toLowerCase();
  const owner = literal ? principalIndex(model).get(literal) : undefined;
  if (owner) return owner;
  return { kind: "other", text: str(r.values.principal_id) ?? "(unknown)" };
}

/** Known principal ids (from plan or state values) -> whose identity they are. */
function principalIndex(model: StackModel): ReadonlyMap<string, Principal> {
  return model.derive("principalIds", (m) => {
    const index = new Map<string, Principal>();
    for (const r of m.resources) {
      if (r.type === TYPES.userAssignedIdentity) {
        const id = str(r.values.principal_id);
        if (id) index.set(id.toLowerCase(), { kind: "userAssigned", resource: r });
        continue;
      }
      const id = str(block(r.values.identity)?.principal_id);
      if (id && !index.has(id.toLowerCase())) index.set(id.toLowerCase(), { kind: "system", resource: r });
    }
    return index;
  });
}

function scopeLevel(model: StackModel, text: string, refs: readonly Reference[]): ScopeLevel {
  const template = replaceInterpolations(text, "X").trim();
  // Plans leave an unknown scope empty; configuration then names what it references.
  if ((template === "X" || template === "") && refs.length === 1) {
    const t = model.get(refs[0].address)?.type ?? refs[0].address.split(".").slice(0, -1).join(".");
    if (t.endsWith("azurerm_resource_group")) return "resourceGroup";
    if (t.endsWith("azurerm_subscription")) return "subscription";
    if (t.endsWith("azurerm_management_group")) return "managementGroup";
    return model.get(refs[0].address) ? "resource" : "unknown";
  }
  return scopeLevelOfId(template);
}

/** The level of a literal scope id; `X` stands for an interpolated segment. */
export function scopeLevelOfId(id: string): ScopeLevel {
  const parts = id.split("/").filter((p) => p !== "");
  if (id.startsWith("/") && parts.length === 0) return "root";
  const lower = parts.map((p) => p.toLowerCase());
  if (lower[0] === "providers" && lower[1] === "microsoft.management" && lower[2] === "managementgroups") return lower.length === 4 ? "managementGroup" : "unknown";
  if (lower[0] !== "subscriptions" || parts.length < 2) return "unknown";
  if (parts.length === 2) return "subscription";
  if (lower[2] === "resourcegroups") return parts.length === 4 ? "resourceGroup" : parts.length > 4 ? "resource" : "unknown";
  return "resource";
}

/** How a role assignment's scope covers `target`, or undefined when it does not. */
export function scopeCovers(model: StackModel, a: RoleAssignment, target: TfResource): "resource" | "child" | ScopeLevel | undefined {
  for (const ref of a.scopeRefs) {
    if (model.is(ref, target)) return replaceInterpolations(a.scopeText, "").trim() === "" ? "resource" : "child";
    const child = model.get(ref.address);
    if (child && isChildOf(model, child, target)) return "child";
  }
  const targetId = str(target.values.id);
  if (targetId && a.scopeText?.toLowerCase().startsWith(targetId.toLowerCase())) return a.scopeText.length === targetId.length ? "resource" : "child";
  if (a.scopeLevel === "subscription" || a.scopeLevel === "managementGroup" || a.scopeLevel === "root") return a.scopeLevel;
  if (a.scopeLevel === "resourceGroup" && sameResourceGroup(model, a, target)) return "resourceGroup";
  return undefined;
}

const PARENT_ARGS = ["key_vault_id", "storage_account_id", "storage_account_name", "cognitive_account_id", "search_service_id"];

function isChildOf(model: StackModel, child: TfResource, parent: TfResource): boolean {
  return PARENT_ARGS.some((arg) => model.refs(child, arg).some((r) => model.is(r, parent)));
}

function sameResourceGroup(model: StackModel, a: RoleAssignment, target: TfResource): boolean {
  const targetRgRefs = model.refs(target, "resource_group_name").map((r) => r.address);
  const targetRgName = str(target.values.resource_group_name);
  for (const ref of a.scopeRefs) {
    const rg = model.get(ref.address);
    if (rg && targetRgRefs.some((t) => model.get(t) === rg)) return true;
    if (rg && targetRgName && str(rg.values.name) === targetRgName) return true;
  }
  const m = /\/resourceGroups\/([^/]+)\/?$/i.exec(a.scopeText);
  return !!m && !!targetRgName && m[1].toLowerCase() === targetRgName.toLowerCase();
}

/**
 * Whether the assignment's principal is `caller`'s identity: its system-assigned one,
 * or (unless `systemOnly`) a user-assigned identity attached to it.
 */
export function principalIs(model: StackModel, a: RoleAssignment, caller: TfResource, systemOnly: boolean): boolean {
  if (a.principal.kind === "system") return a.principal.resource === caller;
  if (a.principal.kind === "userAssigned" && !systemOnly) {
    const uami = a.principal.resource;
    return identityOf(model, caller).userAssignedRefs.some((r) => model.is(r, uami));
  }
  return false;
}

/** Whether `caller` (a resource) has an identity fit for a flow. */
export function identityFits(model: StackModel, caller: TfResource, systemOnly: boolean): boolean {
  const id = identityOf(model, caller);
  return id.systemAssigned || (!systemOnly && id.userAssigned);
}

export function isFalse(value: unknown): boolean {
  return bool(value) === false;
}
export function isTrue(value: unknown): boolean {
  return bool(value) === true;
}
