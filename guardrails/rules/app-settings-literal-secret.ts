import { REDACTED, inlineCredential, isCredentialAttribute, isSecretSettingName, keyShapedRun } from "../../catalogue/secrets";
import { AppSetting, TYPES, appSettings, describe, isKeyVaultReference, webApps } from "../azure";
import { StackModel } from "../model";
import { Finding, Rule, finding } from "../rule";

/**
 * App settings are plain text to anyone with read access on the site and live in the
 * Terraform state: secrets belong in Key Vault and reach the app as references.
 * https://learn.microsoft.com/azure/app-service/app-service-key-vault-references
 */
export const appSettingsLiteralSecret: Rule = {
  id: "AZ-APP-002",
  name: "app-settings-literal-secret",
  severity: "error",
  title: "Secret in plain text in web app settings",
  why: "App settings are readable by every Reader-plus on the site, by deployment logs and in Terraform state; a key there is a leaked key.",
  fix: "Store the secret in Key Vault (azurerm_key_vault_secret) and set the app setting to @Microsoft.KeyVault(SecretUri=${azurerm_key_vault_secret.<name>.versionless_id}), or drop it and use the managed identity.",
  helpUri: "https://learn.microsoft.com/azure/app-service/app-service-key-vault-references",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const app of webApps(model)) {
      for (const s of appSettings(model, app)) {
        const problem = secretProblem(model, s);
        if (problem) findings.push(finding(this, app, `${describe(app)}: app_settings.${s.name} ${problem}.`));
      }
    }
    return findings;
  },
};

function secretProblem(model: StackModel, s: AppSetting): string | undefined {
  if (isKeyVaultReference(s.value)) return undefined;
  for (const ref of s.refs) {
    const target = model.get(ref.address);
    if (target?.type === TYPES.keyVaultSecret && ref.attribute === "value") {
      return `= \${${ref.address}.value}: copies the secret's value into a plain setting instead of referencing it`;
    }
    if (isCredentialAttribute(target?.type, ref.attribute)) return `= \${${ref.address}.${ref.attribute}}: a credential copied into a plain setting`;
  }
  // Empty values are AZ-APP-001's concern. The value itself is never printed, not even in part.
  if (s.value === undefined || s.value.trim() === "" || s.refs.length > 0) return undefined;
  const marker = inlineCredential(s.value);
  if (marker) return `= "${REDACTED}" embeds a credential (${marker})`;
  if (keyShapedRun(s.value)) return `= "${REDACTED}" looks like a literal key`;
  if (isSecretSettingName(s.name)) return `= "${REDACTED}" is a literal value for a secret-named setting`;
  return undefined;
}
