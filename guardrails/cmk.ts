import { Roles } from "../catalogue/roles";
import { RoleAssignment, TYPES, principalIs, roleAssignments, roleSatisfies, scopeCovers } from "./azure";
import { StackModel } from "./model";
import { TfResource } from "./terraform-json";

/** A customer-managed key binding resolved to the parts it ties together. */
export interface CmkBinding {
  readonly binding: TfResource;
  readonly account?: TfResource;
  readonly key?: TfResource;
  readonly vault?: TfResource;
  /** The user-assigned identity named by identity_client_id, when used. */
  readonly userAssignedIdentity?: TfResource;
  /** Role assignments that let the unwrapping identity use the key. */
  readonly grants: readonly RoleAssignment[];
}

export function cmkBindings(model: StackModel): readonly CmkBinding[] {
  return model.derive("cmk", (m) =>
    m.ofType(TYPES.customerManagedKey).map((binding) => {
      const account = m.referenced(binding, ["cognitive_account_id"], [TYPES.cognitiveAccount])[0];
      const key = m.referenced(binding, ["key_vault_key_id"], [TYPES.keyVaultKey])[0];
      const vault = key ? m.referenced(key, ["key_vault_id"], [TYPES.keyVault])[0] : undefined;
      const uami = m
        .refs(binding, "identity_client_id")
        .map((r) => m.get(r.address))
        .find((r) => r?.type === TYPES.userAssignedIdentity);
      const grants = roleAssignments(m).filter((a) => {
        if (!roleSatisfies(a.roleId, Roles.KeyVaultCryptoServiceEncryptionUser)) return false;
        const principalOk = uami ? a.principal.kind === "userAssigned" && a.principal.resource === uami : account !== undefined && principalIs(m, a, account, true);
        const scopeOk = (vault && scopeCovers(m, a, vault) !== undefined) || (key && a.scopeRefs.some((r) => m.is(r, key)));
        return principalOk && !!scopeOk;
      });
      return { binding, account, key, vault, userAssignedIdentity: uami, grants };
    }),
  );
}
