import { appKind, appSettings, apps, describe, identityOf, isKeyVaultReference } from "../azure";
import { Finding, Rule, finding } from "../rule";

/**
 * App Service resolves Key Vault references with the system-assigned identity unless
 * `key_vault_reference_identity_id` names a user-assigned one.
 * https://learn.microsoft.com/azure/app-service/app-service-key-vault-references#access-vaults-with-a-user-assigned-identity
 */
export const keyVaultReferenceIdentity: Rule = {
  id: "AZ-APP-005",
  name: "key-vault-reference-identity",
  severity: "error",
  title: "Key Vault references cannot resolve: no system identity and no key_vault_reference_identity_id",
  why: "With only a user-assigned identity, App Service has no identity to resolve @Microsoft.KeyVault(...) with; the setting stays the literal reference string.",
  fix: "Set key_vault_reference_identity_id = ${azurerm_user_assigned_identity.<name>.id} (the identity holding Key Vault Secrets User), or enable the system-assigned identity.",
  helpUri: "https://learn.microsoft.com/azure/app-service/app-service-key-vault-references#access-vaults-with-a-user-assigned-identity",
  evaluate(model) {
    const findings: Finding[] = [];
    // App Service's own feature: web apps and Function Apps (a Container App names the identity per secret).
    for (const app of apps(model).filter((a) => appKind(a) !== "containerApp")) {
      const identity = identityOf(model, app);
      if (identity.systemAssigned || !identity.userAssigned || app.values.key_vault_reference_identity_id) continue;
      if (app.configReferences.key_vault_reference_identity_id) continue;
      const refs = appSettings(model, app).filter((s) => isKeyVaultReference(s.value));
      if (refs.length === 0) continue;
      findings.push(
        finding(
          this,
          app,
          `${describe(app)} has only a user-assigned identity and app_settings ${refs.map((s) => s.name).join(", ")} are Key Vault references, but key_vault_reference_identity_id is not set.`,
        ),
      );
    }
    return findings;
  },
};
