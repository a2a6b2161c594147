import { TYPES, identityOf, isTrue } from "./azure";
import type { StackModel } from "./model";
import { type Reference, type TfResource, blocks, referencesIn, str } from "./terraform-json";
import { addressType } from "./traversal";

/**
 * Key Vault's two permission models. A vault with `rbac_authorization_enabled` authorizes
 * with role assignments; any other vault with its access policies (inline `access_policy`
 * blocks or `azurerm_key_vault_access_policy` resources), and role assignments there do
 * nothing. A flow into an access-policy vault is therefore judged by its policies.
 * https://learn.microsoft.com/azure/key-vault/general/rbac-access-policy
 */

export function usesRbac(vault: TfResource): boolean {
  return isTrue(vault.values.rbac_authorization_enabled) || isTrue(vault.values.enable_rbac_authorization);
}

/** What a flow needs from an access policy: permissions per kind, as azurerm spells them. */
export interface PolicyNeed {
  readonly secret?: readonly string[];
  readonly key?: readonly string[];
}

export interface AccessPolicy {
  /** Where it is declared: the vault (inline) or an `azurerm_key_vault_access_policy`. */
  readonly declaredBy: TfResource;
  readonly objectRefs: readonly Reference[];
  readonly objectId?: string;
  readonly secret: readonly string[];
  readonly key: readonly string[];
}

/** The access policies of a vault, inline and separate. */
export function accessPolicies(model: StackModel, vault: TfResource): readonly AccessPolicy[] {
  return model.derive(`accessPolicies:${vault.address}`, (m) => {
    const out: AccessPolicy[] = [];
    const inline = blocks(vault.values.access_policy);
    for (const p of inline) {
      // Plans record references per argument: with one policy block they are its own.
      const refs = referencesIn(p.object_id);
      out.push(policy(vault, p, refs.length === 0 && inline.length === 1 ? (vault.configReferences.access_policy ?? []) : refs));
    }
    for (const r of m.ofType(TYPES.keyVaultAccessPolicy)) {
      if (m.refs(r, "key_vault_id").some((ref) => m.is(ref, vault))) out.push(policy(r, r.values, m.refs(r, "object_id")));
    }
    return out;
  });
}

function policy(declaredBy: TfResource, p: Record<string, unknown>, objectRefs: readonly Reference[]): AccessPolicy {
  const perms = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string").map((x) => x.toLowerCase()) : []);
  return { declaredBy, objectRefs, objectId: str(p.object_id), secret: perms(p.secret_permissions), key: perms(p.key_permissions) };
}

/** Access policies the loader could not expand: they may grant what a flow needs. */
export function unexpandedPolicies(model: StackModel, vault: TfResource): TfResource[] {
  return model.unexpanded.filter((r) => r.type === TYPES.keyVaultAccessPolicy && model.refs(r, "key_vault_id").some((ref) => model.is(ref, vault)));
}

/**
 * Whether a policy names `caller`'s identity (its system one, or an attached user-assigned
 * one unless `systemOnly`), or the deployer when `caller` is undefined.
 */
export function policyNames(model: StackModel, p: AccessPolicy, caller: TfResource | undefined, systemOnly: boolean): boolean {
  if (!caller) return p.objectRefs.some((r) => addressType(r.address) === TYPES.clientConfig && r.attribute === "object_id");
  for (const ref of p.objectRefs) {
    const target = model.get(ref.address);
    if (target === caller && /^identity(\[\d+\])?\.principal_id$/.test(ref.attribute)) return true;
    if (!systemOnly && target?.type === TYPES.userAssignedIdentity && identityOf(model, caller).userAssignedRefs.some((r) => model.is(r, target))) return true;
  }
  return false;
}

/** The permissions of `need` no policy naming the caller grants, as `secret Get`. */
export function missingPermissions(model: StackModel, vault: TfResource, caller: TfResource | undefined, systemOnly: boolean, need: PolicyNeed): string[] {
  const granted = accessPolicies(model, vault).filter((p) => policyNames(model, p, caller, systemOnly));
  const missing: string[] = [];
  for (const [kind, wanted] of [
    ["secret", need.secret ?? []],
    ["key", need.key ?? []],
  ] as const) {
    for (const w of wanted) {
      const ok = granted.some((p) => (kind === "secret" ? p.secret : p.key).some((x) => x === w.toLowerCase() || x === "all"));
      if (!ok) missing.push(`${kind} ${w}`);
    }
  }
  return missing;
}
