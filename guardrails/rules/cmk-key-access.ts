import { usesRbac } from "../key-vault";
import { describe } from "../azure";
import { cmkBindings } from "../cmk";
import { Finding, Rule, finding } from "../rule";

/**
 * The account's identity must be able to wrap and unwrap with the key *before* the key
 * is bound: "Key Vault Crypto Service Encryption User" on the vault or the key (RBAC vaults).
 * https://learn.microsoft.com/azure/ai-services/openai/encrypt-data-at-rest
 */
export const cmkKeyAccess: Rule = {
  id: "AZ-CMK-002",
  name: "cmk-key-access",
  severity: "error",
  title: "Customer-managed key without Crypto Service Encryption User for the account's identity",
  why: "Without wrap/unwrap permission on the key, binding it fails, and revoking it later makes the account unusable.",
  fix: 'Assign "Key Vault Crypto Service Encryption User" (e147488a-f6f5-4113-8e2d-b22465e65bf6) to the account\'s identity (identity[0].principal_id, or the user-assigned identity named by identity_client_id) on the vault or the key.',
  helpUri: "https://learn.microsoft.com/azure/ai-services/openai/encrypt-data-at-rest",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const { binding, account, key, vault, userAssignedIdentity, grants } of cmkBindings(model)) {
      if (!account || grants.length > 0) continue;
      // Access-policy vaults grant through policies; AZ-KV-001 asks for RBAC instead.
      if (vault && !usesRbac(vault)) continue;
      const who = userAssignedIdentity ? `${userAssignedIdentity.address} (identity_client_id)` : `${account.address}'s system-assigned identity`;
      findings.push(
        finding(
          this,
          binding,
          `${describe(binding)} binds ${key?.address ?? "a key"} to ${account.address}, but no azurerm_role_assignment gives ${who} "Key Vault Crypto Service Encryption User" on ${vault?.address ?? "the vault"} or the key.`,
        ),
      );
    }
    return findings;
  },
};
