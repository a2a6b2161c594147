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

/** Setting names that hold secrets. Empty values are AZ-APP-001's concern. */
const SECRET_NAME = /(^|_)(API_?KEY|KEY|SECRET|PASSWORD|PWD|TOKEN|CONNECTION_?STRING|CONN_?STR|SAS)(_|$)/i;
/** Names that merely mention a secret-ish word (`AZURE_KEY_VAULT_NAME`, `TOKEN_ENDPOINT`). */
const NOT_SECRET = /(_ID|_NAME|_URL|_URI|_ENDPOINT|_VERSION|_TYPE|_AUDIENCE|_SCOPE|_LIMIT|KEY_?VAULT.*)$/i;
/** Attributes of resources that are credentials. */
const SECRET_ATTRIBUTE = /(^|_)(primary|secondary)_(access_)?key$|connection_string|^(primary|secondary)_key$|^query_keys|client_secret|password|sas$/i;
/**
 * Attributes that look like credentials but are not: an Application Insights connection
 * string carries an ingestion key that "isn't considered a secret" and is meant to be
 * an app setting (https://learn.microsoft.com/azure/azure-monitor/app/connection-strings).
 */
const NOT_SECRET_ATTRIBUTE: Readonly<Record<string, string>> = { azurerm_application_insights: "connection_string" };
/** Connection strings and SAS tokens carry their secret inline. */
const INLINE_SECRET = /(AccountKey|SharedAccessKey|Password|Pwd)=|[?&]sig=/i;
/** 32+ characters of base64/hex with letters and digits: the shape of an Azure key. */
const KEY_SHAPE = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9+/_=-]{32,}$/;

function secretProblem(model: StackModel, s: AppSetting): string | undefined {
  if (isKeyVaultReference(s.value)) return undefined;
  for (const ref of s.refs) {
    const target = model.get(ref.address);
    if (target?.type === TYPES.keyVaultSecret && ref.attribute === "value") {
      return `= \${${ref.address}.value}: copies the secret's value into a plain setting instead of referencing it`;
    }
    if (target && NOT_SECRET_ATTRIBUTE[target.type] === ref.attribute) continue;
    if (SECRET_ATTRIBUTE.test(ref.attribute)) return `= \${${ref.address}.${ref.attribute}}: a credential copied into a plain setting`;
  }
  if (s.value === undefined || s.value.trim() === "" || s.refs.length > 0) return undefined;
  const shown = redact(s.value);
  if (INLINE_SECRET.test(s.value)) return `= "${shown}" embeds a credential (AccountKey=/SharedAccessKey=/sig=)`;
  if (KEY_SHAPE.test(s.value.trim())) return `= "${shown}" looks like a literal key`;
  if (SECRET_NAME.test(s.name) && !NOT_SECRET.test(s.name)) return `= "${shown}" is a literal value for a secret-named setting`;
  return undefined;
}

/** Enough to recognise the value, never enough to use it. */
function redact(value: string): string {
  return value.length <= 8 ? "***" : `${value.slice(0, 4)}...(${value.length} chars)`;
}
