import { TYPES, argument, describe, isTrue } from "../azure";
import { cmkBindings } from "../cmk";
import { Finding, Rule, finding, show } from "../rule";

/**
 * Without purge protection a deleted vault (or secret) can be purged at once, by
 * mistake or by an attacker. Vaults holding a customer-managed key are AZ-CMK-001's.
 * https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview#purge-protection
 */
export const keyVaultPurgeProtection: Rule = {
  id: "AZ-KV-002",
  name: "key-vault-purge-protection",
  severity: "warning",
  title: "Key Vault without purge protection",
  why: "Soft-deleted secrets and keys can be purged immediately; the platform's secrets are unrecoverable after a mistaken destroy.",
  fix: "Set purge_protection_enabled = true (irreversible; the vault name stays reserved for the retention period after deletion).",
  helpUri: "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview#purge-protection",
  evaluate(model) {
    const findings: Finding[] = [];
    const cmkVaults = new Set(cmkBindings(model).map((b) => b.vault));
    for (const vault of model.ofType(TYPES.keyVault)) {
      if (isTrue(vault.values.purge_protection_enabled) || cmkVaults.has(vault)) continue;
      findings.push(finding(this, vault, `${describe(vault)}: ${argument(vault, "purge_protection_enabled")} = ${show(vault.values.purge_protection_enabled)}.`));
    }
    return findings;
  },
};
