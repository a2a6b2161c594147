import { append } from "./values";
import { FLOWS, type FlowDefinition, type FlowId } from "../catalogue/flows";
import { type BuiltInRole, Roles } from "../catalogue/roles";
import {
  type AppSetting,
  type KeyedService,
  type RoleAssignment,
  TYPES,
  appKind,
  appSettings,
  apps,
  describe,
  identityFits,
  identityOf,
  isFalse,
  isKeyVaultReference,
  keyEvidence,
  partyOf,
  roleAssignments,
  roleSatisfies,
  scopeCovers,
  settingTargets,
} from "./azure";
import { type PolicyNeed, missingPermissions, unexpandedPolicies, usesRbac } from "./key-vault";
import type { StackModel } from "./model";
import { declares, inferDeclaredFlows, keyServiceOf } from "./declarations";
import { type TfResource, str } from "./terraform-json";
import { SERVICES, serviceRetired } from "../catalogue/lifecycle";

/** The flows that served only Azure OpenAI On Your Data (catalogue/flows.ts). */
export const ON_YOUR_DATA_FLOWS: readonly FlowId[] = ["F2", "F3"];

export { usesRbac } from "./key-vault";

/**
 * Flow inference, shared by the flow audit rule (rules/flow-audit.ts), the review and
 * the combination harness: which access flows (F1-F11, see catalogue/flows.ts) the
 * Terraform implies, from evidence (settings that point at a service, role assignments,
 * customer-managed keys, vault writes), and whether each is authorized: the caller has
 * an identity of the right kind and that identity holds every required role at the
 * target (or a narrower child, or a broader scope that contains it).
 *
 * Works on any Terraform JSON, so raw provider resources are audited like ours.
 * Source for the flows and roles:
 * https://learn.microsoft.com/azure/ai-services/openai/how-to/on-your-data-configuration#role-assignments
 */

/** One flow the configuration implies, between two concrete resources. */
export interface ImpliedFlow {
  readonly flow: FlowDefinition;
  /** The calling resource; undefined for the deployer when no `azurerm_client_config` is read. */
  readonly caller?: TfResource;
  /** How the caller is named in messages. */
  readonly callerLabel: string;
  /** The target; undefined when it lives outside this stack (only the identity can be checked). */
  readonly target?: TfResource;
  readonly roles: readonly BuiltInRole[];
  /** Only the system-assigned identity can make this call. */
  readonly systemOnly: boolean;
  /** Why the flow is implied, for messages and the review. */
  readonly because: readonly string[];
}

export interface FlowCheck {
  readonly implied: ImpliedFlow;
  /** Undefined when the caller's identity fits the flow. */
  readonly identityProblem?: string;
  readonly missingRoles: readonly BuiltInRole[];
  /**
   * Into an access-policy vault, which authorizes with its policies, not roles: the
   * permissions no policy for the caller grants (`secret Get`). Empty otherwise.
   */
  readonly missingPermissions: readonly string[];
  /** Access policies of the target the loader could not expand (they may grant what is missing). */
  readonly unexpandedPolicies: readonly string[];
  /** Roles held only through a resource-group or subscription scope. */
  readonly broadRoles: readonly BuiltInRole[];
  /** The principal_id expression that a fix should assign roles to. */
  readonly principalHint: string;
}

export function inferFlows(model: StackModel): readonly ImpliedFlow[] {
  return model.derive("flows", infer);
}

/** Every implied flow with its verdict; cached on the model for the review. */
export function checkFlows(model: StackModel): readonly FlowCheck[] {
  return model.derive("flowChecks", (m) => inferFlows(m).map((f) => check(m, f)));
}

/** The principal_id expression a fix should use for the caller. */
export function principalHint(model: StackModel, f: ImpliedFlow): string {
  if (!f.caller || f.flow.caller === "deployer") return "data.azurerm_client_config.<name>.object_id";
  const id = identityOf(model, f.caller);
  if (!f.systemOnly && !id.systemAssigned && id.userAssignedRefs.length > 0) return `${id.userAssignedRefs[0].address}.principal_id`;
  return `${f.caller.address}.identity[0].principal_id`;
}

/**
 * The role assignments `caller`'s identities hold (the deployer's when undefined), from
 * an index built once: a stack may hold thousands of callers and assignments.
 */
function heldBy(model: StackModel, caller: TfResource | undefined, systemOnly: boolean): readonly RoleAssignment[] {
  const index = model.derive("assignmentsByPrincipal", (m) => {
    const byResource = new Map<TfResource, RoleAssignment[]>();
    const deployer: RoleAssignment[] = [];
    for (const a of roleAssignments(m)) {
      if (a.principal.kind === "deployer") deployer.push(a);
      else if (a.principal.kind === "system" || a.principal.kind === "userAssigned") append(byResource, a.principal.resource, a);
    }
    return { byResource, deployer };
  });
  if (!caller) return index.deployer;
  const own = (index.byResource.get(caller) ?? []).filter((a) => a.principal.kind === "system");
  if (systemOnly) return own;
  const attached = identityOf(model, caller).userAssignedRefs.flatMap((ref) => {
    const uami = model.get(ref.address);
    return uami ? (index.byResource.get(uami) ?? []).filter((a) => a.principal.kind === "userAssigned") : [];
  });
  return [...own, ...attached];
}

function check(model: StackModel, f: ImpliedFlow): FlowCheck {
  let identityProblem: string | undefined;
  // The deployer is whoever runs terraform (a user or pipeline principal), not a resource with an identity block.
  if (f.caller && f.flow.caller !== "deployer" && !identityFits(model, f.caller, f.systemOnly)) {
    const id = identityOf(model, f.caller);
    const actual = id.declared ? `identity.type = ${JSON.stringify(id.type ?? "")}` : "no identity block";
    identityProblem = f.systemOnly
      ? `${describe(f.caller)} has ${actual}: no system-assigned identity (ManagedIdentityIsNotEnabled)`
      : `${describe(f.caller)} has ${actual}: no managed identity to authenticate with`;
  }
  const missingRoles: BuiltInRole[] = [];
  const broadRoles: BuiltInRole[] = [];
  const need = f.target?.type === TYPES.keyVault && !usesRbac(f.target) ? policyNeed(f.roles) : undefined;
  if (f.target && need) {
    const caller = f.caller && f.flow.caller !== "deployer" ? f.caller : undefined;
    const missing = missingPermissions(model, f.target, caller, f.systemOnly, need);
    return {
      implied: f,
      identityProblem,
      missingRoles,
      missingPermissions: missing,
      unexpandedPolicies: missing.length > 0 ? unexpandedPolicies(model, f.target).map((r) => r.address) : [],
      broadRoles,
      principalHint: principalHint(model, f),
    };
  }
  if (f.target) {
    const target = f.target;
    const assignments = heldBy(model, f.caller && f.flow.caller !== "deployer" ? f.caller : undefined, f.systemOnly);
    for (const role of f.roles) {
      const covering = assignments
        .filter((a) => roleSatisfies(a.roleId, role))
        .map((a) => scopeCovers(model, a, target))
        .filter((s) => s !== undefined);
      if (covering.length === 0) missingRoles.push(role);
      else if (!covering.some((s) => s === "resource" || s === "child")) broadRoles.push(role);
    }
  }
  return { implied: f, identityProblem, missingRoles, missingPermissions: [], unexpandedPolicies: [], broadRoles, principalHint: principalHint(model, f) };
}

/**
 * The access-policy permissions (azurerm's names) that do what a flow's Key Vault role
 * does. Key Vault references: secret Get
 * (https://learn.microsoft.com/azure/app-service/app-service-key-vault-references);
 * customer-managed keys: get, wrap key, unwrap key
 * (https://learn.microsoft.com/azure/ai-services/openai/encrypt-data-at-rest); Terraform
 * writing secrets and keys: Set, Create (the azurerm key_vault_secret and key_vault_key examples).
 */
const POLICY_FOR_ROLE: ReadonlyMap<string, PolicyNeed> = new Map([
  [Roles.KeyVaultSecretsUser.id, { secret: ["Get"] }],
  [Roles.KeyVaultSecretsOfficer.id, { secret: ["Set"] }],
  [Roles.KeyVaultCryptoOfficer.id, { key: ["Create"] }],
  [Roles.KeyVaultCryptoServiceEncryptionUser.id, { key: ["Get", "WrapKey", "UnwrapKey"] }],
]);

function policyNeed(roles: readonly BuiltInRole[]): PolicyNeed {
  const secret = new Set<string>();
  const key = new Set<string>();
  for (const role of roles) {
    const need = POLICY_FOR_ROLE.get(role.id);
    for (const p of need?.secret ?? []) secret.add(p);
    for (const p of need?.key ?? []) key.add(p);
  }
  return { secret: [...secret], key: [...key] };
}

// ---------------------------------------------------------------------------------
// Inference

/** Reasons listed per flow; the rest are counted. */
const MAX_REASONS = 5;

function infer(model: StackModel): ImpliedFlow[] {
  const flows = new Map<string, ImpliedFlow>();
  // Mutable while inferring: thousands of assignments may imply the same flow.
  const more = new Map<string, number>();
  const add = (
    id: FlowId,
    caller: TfResource | undefined,
    target: TfResource | undefined,
    because: string,
    opts: { roles?: readonly BuiltInRole[]; systemOnly?: boolean; callerLabel?: string } = {},
  ) => {
    const flow = FLOWS[id];
    const key = `${id}|${caller?.address ?? "deployer"}|${target?.address ?? "?"}`;
    const existing = flows.get(key);
    const roles = opts.roles ?? flow.targets.flatMap((t) => ((target && t.target === partyOf(target)) || !target ? t.roles : []));
    if (existing) {
      const known = existing.roles as BuiltInRole[];
      for (const r of roles) if (!known.includes(r)) known.push(r);
      const reasons = existing.because as string[];
      if (reasons.includes(because)) return;
      if (reasons.length < MAX_REASONS) reasons.push(because);
      else more.set(key, (more.get(key) ?? 0) + 1);
    } else {
      flows.set(key, {
        flow,
        caller,
        callerLabel: opts.callerLabel ?? (caller ? describe(caller) : "the deployer"),
        target,
        roles: [...roles],
        systemOnly: opts.systemOnly ?? flow.requiresSystemIdentity,
        because: [because],
      });
    }
  };

  for (const app of apps(model)) inferFromApp(model, app, add);
  inferDeclaredFlows(model, add);
  inferFromCustomerManagedKeys(model, add);
  inferFromVaultWrites(model, add);
  inferFromRoleAssignments(model, add);
  inferIngestion(model, [...flows.values()], add);
  for (const [key, n] of more) (flows.get(key)!.because as string[]).push(`${n} more like these`);
  return [...flows.values()];
}

type Add = (
  id: FlowId,
  caller: TfResource | undefined,
  target: TfResource | undefined,
  because: string,
  opts?: { roles?: readonly BuiltInRole[]; systemOnly?: boolean; callerLabel?: string },
) => void;

/**
 * The app's setting that holds an API key for `service`, if any: by its settings
 * contract, by the evidence in its value, and, for an app without a contract, by the
 * sample apps' naming (AZURE_OPENAI_KEY, AZURE_SEARCH_KEY...): declarations.ts. An empty
 * key is keyless (and AZ-APP-001 flags it).
 */
function hasKey(model: StackModel, app: TfResource, settings: readonly AppSetting[], service: KeyedService): AppSetting | undefined {
  // The app's settings contract and the values decide; names only for apps without a contract (declarations.ts).
  return settings.find((s) => keyServiceOf(model, app, s) === service && (s.value === undefined || s.value.trim() !== ""));
}

function inferFromApp(model: StackModel, app: TfResource, add: Add): void {
  const settings = appSettings(model, app);
  const word = appKind(app) === "containerApp" ? "env" : "app settings";
  const uses = new Map<TfResource, AppSetting[]>();
  for (const s of settings) {
    for (const t of settingTargets(model, s)) append(uses, t, s);
  }
  const used = (party: string) => [...uses.keys()].filter((t) => partyOf(t) === party);
  const names = (t: TfResource) => (uses.get(t) ?? []).map((s) => s.name).join(", ");

  const openAiKey = hasKey(model, app, settings, "openai");
  const openais = used("openai");
  for (const account of openais) {
    if (!openAiKey) add("F1", app, account, `${app.address} ${word} ${names(account)} point at ${account.address} and no OpenAI key setting is present`);
    else if (isFalse(account.values.local_auth_enabled))
      add("F1", app, account, `${account.address} has local_auth_enabled = false, so the app's ${openAiKey.name} cannot be used`);
  }

  const searchKey = hasKey(model, app, settings, "search");
  const searches = used("search");
  const onYourData = searchKey ? undefined : onYourDataEvidence(model, app, settings, searches, openais, names);
  if (onYourData && onYourDataRetired(model)) {
    // Retired: the call no longer happens, so there is no flow to authorize; the
    // on-your-data-retired rule reports the app instead.
  } else if (onYourData) {
    // The chat resource calls Search; the embedding resource is only called by it.
    const chat = openais.filter((a) => (uses.get(a) ?? []).some((s) => !/EMBEDDING/i.test(s.name)));
    const callers = chat.length > 0 ? chat : openais;
    const because = `${onYourData} (On Your Data with keyless search: Azure OpenAI calls Search with its own identity)`;
    for (const account of callers) {
      if (searches.length === 0) add("F2", account, undefined, because);
      for (const search of searches) add("F2", account, search, because);
    }
  } else if (!searchKey) {
    for (const search of searches)
      add("F8", app, search, `${app.address} ${word} ${names(search)} point at ${search.address} without a search key, so the app queries the index with its identity`);
  }

  if (!hasKey(model, app, settings, "storage")) {
    for (const storage of used("storage")) {
      const viaKey = (uses.get(storage) ?? []).some(
        (s) => keyEvidence(model, s)?.account === storage || s.refs.some((r) => model.is(r, storage) && /connection_string/i.test(r.attribute)),
      );
      if (!viaKey) add("F11", app, storage, `${app.address} ${word} ${names(storage)} point at ${storage.address} without a key`);
    }
  }

  for (const s of settings.filter((x) => x.keyVault || isKeyVaultReference(x.value))) {
    const vaults = settingTargets(model, s).filter((t) => t.type === TYPES.keyVault);
    const because = s.keyVault
      ? `${app.address} ${s.where} is a Key Vault secret, read by Container Apps with the app's identity`
      : `${app.address} app setting ${s.name} is a Key Vault reference, resolved by App Service with the app's identity`;
    if (vaults.length === 0) add("F7", app, undefined, because);
    for (const v of vaults) add("F7", app, v, because);
  }
}

/** Every app whose settings configure On Your Data, with the evidence; with or without a search key. */
export function onYourDataApps(model: StackModel): readonly { readonly app: TfResource; readonly evidence: string }[] {
  return model.derive("onYourDataApps", (m) => {
    const out: { app: TfResource; evidence: string }[] = [];
    for (const app of apps(m)) {
      const settings = appSettings(m, app);
      const uses = new Map<TfResource, AppSetting[]>();
      for (const s of settings) for (const t of settingTargets(m, s)) append(uses, t, s);
      const used = (party: string) => [...uses.keys()].filter((t) => partyOf(t) === party);
      const names = (t: TfResource) => (uses.get(t) ?? []).map((s) => s.name).join(", ");
      const keyed = hasKey(m, app, settings, "search");
      const evidence = keyed ? dataSourceEvidence(app, settings, keyed) : onYourDataEvidence(m, app, settings, used("search"), used("openai"), names);
      if (evidence) out.push({ app, evidence });
    }
    return out;
  });
}

/** Whether the audit's "today" is on or after On Your Data's retirement. */
export function onYourDataRetired(model: StackModel): boolean {
  return serviceRetired(SERVICES.onYourData, model.today);
}

/** The sample app's switch with a search key: On Your Data with key auth. */
function dataSourceEvidence(app: TfResource, settings: readonly AppSetting[], key: AppSetting): string | undefined {
  const dataSource = settings.find((s) => s.name.toUpperCase() === "DATASOURCE_TYPE");
  return (dataSource?.value ?? "").trim().toLowerCase() === "azurecognitivesearch"
    ? `${app.address} sets DATASOURCE_TYPE = "AzureCognitiveSearch", with the search key ${key.name}`
    : undefined;
}

/**
 * Why the app's chat calls carry On Your Data (Azure OpenAI queries Search), or
 * undefined. Evidence, strongest first:
 * - the sample app's switch: `DATASOURCE_TYPE = "AzureCognitiveSearch"` (any other
 *   value turns it off, whatever else the settings say);
 * - whatever the variable names: settings point at a Search service (by reference,
 *   endpoint or name) and at an Azure OpenAI account, with no search key, and the app's
 *   own identity holds no Search data role (which would mean the app queries the index).
 */
function onYourDataEvidence(
  model: StackModel,
  app: TfResource,
  settings: readonly AppSetting[],
  searches: readonly TfResource[],
  openais: readonly TfResource[],
  names: (t: TfResource) => string,
): string | undefined {
  const dataSource = settings.find((s) => s.name.toUpperCase() === "DATASOURCE_TYPE");
  if (dataSource) {
    return (dataSource.value ?? "").trim().toLowerCase() === "azurecognitivesearch"
      ? `${app.address} sets DATASOURCE_TYPE = "AzureCognitiveSearch" without a search key`
      : undefined;
  }
  if (searches.length === 0 || openais.length === 0) return undefined;
  const appQueriesItself = searches.some((search) =>
    heldBy(model, app, false).some((a) => roleSatisfies(a.roleId, Roles.SearchIndexDataReader) && scopeCovers(model, a, search) !== undefined),
  );
  if (appQueriesItself || searches.some((search) => declares(model, app, "F8", search))) return undefined;
  const evidence = searches.map((s) => `${names(s)} point at ${s.address}`).join(", ");
  return (
    `${app.address} app settings ${evidence} and ${openais.map((o) => `${names(o)} at ${o.address}`).join(", ")}, with no search key and no Search role for the app itself ` +
    "(if the app queries the index itself instead, grant its identity Search Index Data Reader)"
  );
}

function inferFromCustomerManagedKeys(model: StackModel, add: Add): void {
  for (const cmk of model.ofType(TYPES.customerManagedKey)) {
    const account = model.referenced(cmk, ["cognitive_account_id"], [TYPES.cognitiveAccount])[0];
    const key = model.referenced(cmk, ["key_vault_key_id"], [TYPES.keyVaultKey])[0];
    const vault = key ? model.referenced(key, ["key_vault_id"], [TYPES.keyVault])[0] : undefined;
    if (!account) continue;
    // With identity_client_id the service unwraps the key with that user-assigned identity
    // (azurerm_cognitive_account_customer_managed_key docs); otherwise with the system one.
    const userAssigned = str(cmk.values.identity_client_id) !== undefined || model.refs(cmk, "identity_client_id").length > 0;
    add("F6", account, vault, `${cmk.address} encrypts ${account.address} with a customer-managed key${key ? ` (${key.address})` : ""}`, { systemOnly: !userAssigned });
  }
}

function inferFromVaultWrites(model: StackModel, add: Add): void {
  const deployer = model.ofType(TYPES.clientConfig)[0];
  const writes: [string, BuiltInRole][] = [
    [TYPES.keyVaultKey, Roles.KeyVaultCryptoOfficer],
    [TYPES.keyVaultSecret, Roles.KeyVaultSecretsOfficer],
  ];
  for (const [type, role] of writes) {
    for (const item of model.ofType(type)) {
      for (const vault of model.referenced(item, ["key_vault_id"], [TYPES.keyVault])) {
        add("F9", deployer, vault, `${item.address} is created in ${vault.address} by the principal running terraform`, {
          roles: [role],
          systemOnly: false,
          callerLabel: deployer ? `the deployer (${deployer.address}.object_id)` : "the deployer",
        });
      }
    }
  }
}

/**
 * On Your Data ingestion is two hops (catalogue/flows.ts F3 and F4): Azure OpenAI writes
 * the chunks to Storage and Search's indexer reads them with Search's identity. Evidence
 * of the first hop (F3) implies the second for every Search service in the stack. The
 * converse does not hold: an indexer reads Storage without On Your Data too.
 */
function inferIngestion(model: StackModel, flows: readonly ImpliedFlow[], add: Add): void {
  const searches = model.ofType(TYPES.search);
  for (const f of flows) {
    if (f.flow.id !== "F3" || !f.target) continue;
    for (const search of searches) {
      add("F4", search, f.target, `F3 (${f.caller?.address ?? "Azure OpenAI"} writes ${f.target.address}) is On Your Data ingestion, whose Search indexer reads the same storage`);
    }
  }
}

/**
 * F3, F4, F5 (and F2 for ingestion-only stacks) cannot be read from settings alone: an
 * existing role assignment from a service's system identity to another part is taken
 * as evidence the flow is intended, so the rest of the flow (identity kind, the other
 * roles) is still checked.
 */
function inferFromRoleAssignments(model: StackModel, add: Add): void {
  // After On Your Data's retirement, Azure OpenAI calls neither Search nor Storage for it:
  // grants to its identity there imply no flow (the on-your-data-retired rule names them).
  const retired = onYourDataRetired(model);
  const serviceFlows = Object.values(FLOWS).filter((f) => (f.caller === "openai" || f.caller === "search") && !(retired && ON_YOUR_DATA_FLOWS.includes(f.id)));
  for (const a of roleAssignments(model)) {
    if (a.principal.kind !== "system") continue;
    const caller = a.principal.resource;
    const callerParty = partyOf(caller);
    for (const ref of a.scopeRefs) {
      const target = model.get(ref.address);
      if (!target) continue;
      const targetParty = partyOf(target);
      for (const flow of serviceFlows) {
        if (flow.caller !== callerParty) continue;
        const t = flow.targets.find((x) => x.target === targetParty);
        if (t?.roles.some((r) => roleSatisfies(a.roleId, r))) {
          add(flow.id, caller, target, `${a.resource.address} assigns "${a.roleLabel}" to it on ${target.address}`);
        }
      }
    }
  }
}
