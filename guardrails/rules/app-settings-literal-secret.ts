import { REDACTED, clientSecretRun, inlineCredential, isCredentialAttribute, isSecretSettingName, keyShapedRun, looksLikeSecretValue } from "../../catalogue/secrets";
import { type AppSetting, TYPES, appKind, appSettings, apps, containerSecrets, describe, isKeyVaultReference } from "../azure";
import { StackModel } from "../model";
import { Finding, Rule, finding } from "../rule";

/**
 * App settings (and a Container App's env and secrets, and connection strings) are
 * plain text to anyone with read access on the app and live in the Terraform state:
 * secrets belong in Key Vault and reach the app as references. A literal reaches an app
 * from wherever it is written (a variable default, a local): the loader has resolved
 * those into the value judged here.
 * https://learn.microsoft.com/azure/app-service/app-service-key-vault-references
 * https://learn.microsoft.com/azure/container-apps/manage-secrets
 */
export const appSettingsLiteralSecret: Rule = {
  id: "AZ-APP-002",
  name: "app-settings-literal-secret",
  severity: "error",
  title: "Secret in plain text in an app's settings",
  why: "App settings, env vars and connection strings are readable by every Reader-plus on the app, by deployment logs and in Terraform state; a key there is a leaked key.",
  fix: "Store the secret in Key Vault (azurerm_key_vault_secret) and set the app setting to @Microsoft.KeyVault(SecretUri=${azurerm_key_vault_secret.<name>.versionless_id}), or drop it and use the managed identity.",
  helpUri: "https://learn.microsoft.com/azure/app-service/app-service-key-vault-references",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const app of apps(model)) {
      const container = appKind(app) === "containerApp";
      const fix = container
        ? "Reference the secret from Key Vault (secret { key_vault_secret_id = azurerm_key_vault_secret.<name>.versionless_id, identity = ... }), or drop it and use the managed identity."
        : this.fix;
      const inputs = container ? [...appSettings(model, app).filter((s) => s.value !== undefined), ...containerSecrets(model, app)] : appSettings(model, app);
      for (const s of inputs) {
        const problem = secretProblem(model, s);
        if (problem) findings.push(finding(this, app, `${describe(app)}: ${s.where} ${problem}.`, { fix }));
      }
    }
    return findings;
  },
};

function secretProblem(model: StackModel, s: AppSetting): string | undefined {
  if (s.keyVault || isKeyVaultReference(s.value)) return undefined;
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
  if (clientSecretRun(s.value)) return `= "${REDACTED}" looks like an Entra ID client secret`;
  if (isSecretSettingName(s.name) && looksLikeSecretValue(s.value)) return `= "${REDACTED}" is a literal value for a secret-named setting`;
  return undefined;
}
