import { TYPES, describe } from "../azure";
import { usesRbac } from "../flow-inference";
import { Finding, Rule, finding, show } from "../rule";

/**
 * The platform authorizes every flow with Azure RBAC role assignments; access policies
 * are a separate, legacy permission model the flow audit cannot prove.
 * https://learn.microsoft.com/azure/key-vault/general/rbac-guide
 */
export const keyVaultRbac: Rule = {
  id: "AZ-KV-001",
  name: "key-vault-rbac",
  severity: "error",
  title: "Key Vault uses access policies instead of Azure RBAC",
  why: "With access policies, role assignments (Key Vault Secrets User, Crypto Service Encryption User) have no effect, so the granted flows fail with 403.",
  fix: "Set rbac_authorization_enabled = true (azurerm >= 4.42; enable_rbac_authorization on older 4.x) and grant with role assignments.",
  helpUri: "https://learn.microsoft.com/azure/key-vault/general/rbac-guide",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const vault of model.ofType(TYPES.keyVault)) {
      if (usesRbac(vault)) continue;
      const value = vault.values.rbac_authorization_enabled ?? vault.values.enable_rbac_authorization;
      findings.push(finding(this, vault, `${describe(vault)}: rbac_authorization_enabled = ${show(value)}; the vault uses access policies.`));
    }
    return findings;
  },
};
