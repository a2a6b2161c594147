import { TYPES, argument, describe, roleAssignments, scopeCovers } from "../azure";
import { usesRbac } from "../key-vault";
import { Finding, Rule, finding, show } from "../rule";

/**
 * The platform authorizes every flow with Azure RBAC role assignments; on a vault with
 * access policies those assignments do nothing, so a flow granted by a role fails with
 * 403. Microsoft recommends RBAC over the legacy access policies either way.
 * https://learn.microsoft.com/azure/key-vault/general/rbac-guide
 * https://learn.microsoft.com/azure/key-vault/general/rbac-access-policy
 */
export const keyVaultRbac: Rule = {
  id: "AZ-KV-001",
  name: "key-vault-rbac",
  severity: "error",
  title: "Key Vault uses access policies instead of Azure RBAC",
  why: "With access policies, role assignments (Key Vault Secrets User, Crypto Service Encryption User) have no effect, so flows granted by a role fail with 403; Microsoft recommends RBAC for data-plane access.",
  fix: "Set rbac_authorization_enabled = true (azurerm >= 4.42; enable_rbac_authorization on older 4.x) and grant with role assignments.",
  helpUri: "https://learn.microsoft.com/azure/key-vault/general/rbac-guide",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const vault of model.ofType(TYPES.keyVault)) {
      if (usesRbac(vault)) continue;
      const value = vault.values.rbac_authorization_enabled ?? vault.values.enable_rbac_authorization;
      // Role assignments on the vault are the failure; a vault run on its policies alone
      // (the flow audit judges those) is a recommendation.
      const ignored = roleAssignments(model).filter((a) => scopeCovers(model, a, vault) === "resource" || scopeCovers(model, a, vault) === "child");
      if (ignored.length > 0) {
        findings.push(
          finding(
            this,
            vault,
            `${describe(vault)}: ${argument(vault, "rbac_authorization_enabled")} = ${show(value)}; the vault uses access policies, so ${ignored.map((a) => `${a.resource.address} ("${a.roleLabel}")`).join(", ")} ${ignored.length === 1 ? "has" : "have"} no effect.`,
          ),
        );
      } else {
        findings.push(
          finding(
            this,
            vault,
            `${describe(vault)}: ${argument(vault, "rbac_authorization_enabled")} = ${show(value)}; the vault uses legacy access policies (the flows into it are judged by them).`,
            {
              severity: "warning",
            },
          ),
        );
      }
    }
    return findings;
  },
};
