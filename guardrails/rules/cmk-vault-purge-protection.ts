import { describe, isTrue } from "../azure";
import { cmkBindings } from "../cmk";
import { Finding, Rule, finding, show } from "../rule";

/**
 * Azure refuses to bind a customer-managed key from a vault without soft delete and
 * purge protection: a purged key would make the account's data unrecoverable.
 * https://learn.microsoft.com/azure/ai-services/encryption/cognitive-services-encryption-keys-portal
 */
export const cmkVaultPurgeProtection: Rule = {
  id: "AZ-CMK-001",
  name: "cmk-vault-purge-protection",
  severity: "error",
  title: "Customer-managed key lives in a vault without purge protection",
  why: "Customer-managed keys require soft delete and purge protection on the vault; the binding fails at apply otherwise, and a purged key would brick the account.",
  fix: "Set purge_protection_enabled = true (and keep soft_delete_retention_days >= 7) on the key vault. Purge protection cannot be turned off again.",
  helpUri: "https://learn.microsoft.com/azure/ai-services/encryption/cognitive-services-encryption-keys-portal",
  evaluate(model) {
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const { binding, vault } of cmkBindings(model)) {
      if (!vault || seen.has(vault.address) || isTrue(vault.values.purge_protection_enabled)) continue;
      seen.add(vault.address);
      findings.push(
        finding(
          this,
          vault,
          `${describe(vault)} holds the customer-managed key of ${binding.address} but purge_protection_enabled = ${show(vault.values.purge_protection_enabled)}.`,
        ),
      );
    }
    return findings;
  },
};
