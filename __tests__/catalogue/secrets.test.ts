import {
  credentialReferences,
  inlineCredential,
  interpolations,
  isCredentialAttribute,
  isKeySettingName,
  isKeyVaultReference,
  isSecretSetting,
  isSecretSettingName,
  keyShapedRun,
  literalText,
  looksLikeSecretLiteral,
  clientSecretRun,
  looksLikeSecretValue,
} from "../../catalogue/secrets";
import { audit } from "../../guardrails/audit";
import { OPENAI, get, keylessPlatform, remove, settings } from "../../testing/guardrail-fixtures";

describe("secret setting names", () => {
  it.each([
    "DB_PWD",
    "DB_PASSWORD",
    "dbPassword",
    "CLIENT_SECRET",
    "GITHUB_TOKEN",
    "AZURE_OPENAI_KEY",
    "MY_API_KEY",
    "STORAGE_SAS",
    "COSMOS_CONNECTION_STRING",
    "ConnectionStrings__Default",
    "SQL_CONN_STR",
    "ACCOUNT_KEY_VALUE",
    "AZURE_CREDENTIALS",
  ])("flags %s", (name) => {
    expect(isSecretSettingName(name)).toBe(true);
  });

  it.each([
    "AZURE_KEY_VAULT_NAME",
    "KEY_VAULT_URI",
    "TOKEN_ENDPOINT",
    "AZURE_CLIENT_ID",
    "CLIENT_SECRET_SETTING_NAME",
    "AZURE_OPENAI_MAX_TOKENS",
    "APPLICATIONINSIGHTS_CONNECTION_STRING",
    "AZURE_OPENAI_ENDPOINT",
    "PASSWORDLESS",
    "MONKEY",
    "AUTH_ENABLED",
    // How long or how big a token is, not the token (issue 26).
    "REFRESH_TOKEN_EXPIRY",
    "SESSION_TOKEN_TTL",
    "JWT_SECRET_LENGTH",
    "AZURE_AI_CREDENTIAL_DOMAIN",
    "KEY_EXPIRATION_DATE",
  ])("does not flag %s", (name) => {
    expect(isSecretSettingName(name)).toBe(false);
  });

  it("tells API key settings apart (the keyless rules' concern)", () => {
    expect(["AZURE_SEARCH_KEY", "FOO_API_KEY", "openaiApiKey"].map(isKeySettingName)).toEqual([true, true, true]);
    expect(["DB_PWD", "KEY_VAULT_NAME", "AZURE_OPENAI_KEY_NAME"].map(isKeySettingName)).toEqual([false, false, false]);
  });

  it("counts azure-search-openai-demo's AZURE_OPENAI_API_KEY_OVERRIDE as an API key, not every *_OVERRIDE", () => {
    expect(["AZURE_OPENAI_API_KEY_OVERRIDE", "azureOpenAiApiKeyOverride", "SEARCH_KEY_OVERRIDE"].map(isKeySettingName)).toEqual([true, true, true]);
    expect(["AZURE_OPENAI_MODEL_OVERRIDE", "KEY_VAULT_OVERRIDE", "AZURE_OPENAI_KEY_OVERRIDE_URL", "OVERRIDE"].map(isKeySettingName)).toEqual([false, false, false, false]);
    expect(isSecretSettingName("AZURE_OPENAI_API_KEY_OVERRIDE")).toBe(true);
  });
});

describe("AZURE_OPENAI_API_KEY_OVERRIDE in the audit", () => {
  const KEY_REFERENCE = "@Microsoft.KeyVault(SecretUri=${azurerm_key_vault_secret.contoso.versionless_id})";

  it("is a key setting the keyless rule refuses (AZ-APP-001) and, written literally, a literal key (AZ-APP-002)", () => {
    const s = keylessPlatform();
    settings(s).AZURE_OPENAI_API_KEY_OVERRIDE = KEY_REFERENCE;
    expect(audit(s).findings.map((f) => [f.ruleId, f.message])).toEqual([
      [
        "AZ-APP-001",
        "azurerm_linux_web_app.web (dev/platform/web/app): app_settings.AZURE_OPENAI_API_KEY_OVERRIDE is set, but azurerm_cognitive_account.openai disables key auth (local_auth_enabled = false), so the key can never work.",
      ],
    ]);
    settings(s).AZURE_OPENAI_API_KEY_OVERRIDE = "0123456789abcdef0123456789abcdef";
    expect(audit(s).findings.find((f) => f.ruleId === "AZ-APP-002")?.message).toContain('AZURE_OPENAI_API_KEY_OVERRIDE = "(redacted)" looks like a literal key');
  });

  it("is the key the app calls OpenAI with: no F1 role needed when the account accepts keys", () => {
    const s = keylessPlatform();
    settings(s).AZURE_OPENAI_API_KEY_OVERRIDE = KEY_REFERENCE;
    get(s, OPENAI).local_auth_enabled = true;
    remove(s, "azurerm_role_assignment.web_openai_user");
    const result = audit(s);
    expect(result.findings).toEqual([]);
    expect(result.flows.some((f) => f.implied.flow.id === "F1")).toBe(false);
  });
});

describe("secret literals", () => {
  it("finds inline credentials of connection strings and SAS URLs, as written", () => {
    expect(inlineCredential("DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc")).toBe("AccountKey=");
    expect(inlineCredential("Endpoint=sb://x/;SharedAccessKeyName=n;SharedAccessKey=abc")).toBe("SharedAccessKey=");
    expect(inlineCredential("Server=db;User Id=app;Password=hunter2")).toBe("Password=");
    expect(inlineCredential("https://st.blob.core.windows.net/c?sv=2022&sig=abc%3D")).toBe("sig=");
    expect(inlineCredential("https://example.com/?design=mysig=1&nopwd=2")).toBeUndefined();
  });

  it("finds key-shaped runs: hex and mixed base64, not GUIDs, names or image digests", () => {
    expect(keyShapedRun("key 0123456789abcdef0123456789abcdef here")).toBe("0123456789abcdef0123456789abcdef");
    expect(keyShapedRun("q3Lk8ZxY0pQ1wErT5yUiOp7AsDfGhJkL9zXcVbNm2Q4=")).toBe("q3Lk8ZxY0pQ1wErT5yUiOp7AsDfGhJkL9zXcVbNm2Q4=");
    expect(keyShapedRun("5e0bd9bd-7b93-4f28-af87-19fc36ad61bd")).toBeUndefined();
    expect(keyShapedRun("https://chat-dev-oai-x7k2.openai.azure.com/ text-embedding-3-small")).toBeUndefined();
    expect(keyShapedRun(`registry.io/app@sha256:${"ab12".repeat(16)}`)).toBeUndefined();
  });

  it("finds an Entra ID client secret, whose ~ and . end a key-shaped run", () => {
    // Made up, in the shape gitleaks' azure-ad-client-secret rule matches: 3 chars, a digit, Q~, 31-34 chars.
    const secret = "abc8Q~AbCdEfGhIjKlMnOpQrStUvWxYz01234567";
    expect(clientSecretRun(secret)).toBe(secret);
    expect(clientSecretRun(`secret=${secret};`)).toBe(secret);
    expect(keyShapedRun(secret)).toBeUndefined();
    expect(looksLikeSecretLiteral(secret)).toBe(true);
    expect(clientSecretRun("abc8Q~short")).toBeUndefined();
    expect(clientSecretRun("abcQ~AbCdEfGhIjKlMnOpQrStUvWxYz01234567")).toBeUndefined();
  });

  it("tells values about a secret from a secret under a secret-looking name", () => {
    expect(["604800000", "15m", "1h30m", "PT1H", "true", "64", "2030-01-01", "cognitiveservices.azure.com"].map(looksLikeSecretValue)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(["hunter2hunter2", "changeme", "P@ssw0rd!"].map(looksLikeSecretValue)).toEqual([true, true, true]);
  });

  it("reads only what is written literally: interpolations are references, not literals", () => {
    expect(interpolations("a ${x.y[0]} b ${f({ k = 1 })} $${not}")).toEqual(["x.y[0]", "f({ k = 1 })"]);
    expect(looksLikeSecretLiteral("${azurerm_storage_account.st.primary_blob_endpoint}")).toBe(false);
    expect(literalText("Account${x}Key=")).not.toContain("AccountKey=");
    expect(looksLikeSecretLiteral("@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/db)")).toBe(false);
  });
});

describe("Key Vault references", () => {
  it("are recognised without regard to case or surrounding blanks, and must be closed", () => {
    expect(isKeyVaultReference("@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/a)")).toBe(true);
    expect(isKeyVaultReference("  @microsoft.keyvault(VaultName=v;SecretName=a) ")).toBe(true);
    expect(isKeyVaultReference("@Microsoft.KeyVault(SecretUri=x")).toBe(false);
    expect(isKeyVaultReference(undefined)).toBe(false);
  });
});

describe("credential attributes", () => {
  it.each([
    ["azurerm_cognitive_account", "primary_access_key"],
    ["azurerm_search_service", "primary_key"],
    ["azurerm_search_service", "query_keys[0].key"],
    ["azurerm_storage_account", "primary_blob_connection_string"],
    ["azurerm_linux_web_app", "site_credential[0].password"],
    ["azuread_application_password", "client_secret"],
    ["azurerm_key_vault_secret", "value"],
    ["azurerm_storage_account_sas", "sas"],
  ])("flags %s.%s", (type, attribute) => expect(isCredentialAttribute(type, attribute)).toBe(true));

  it.each([
    ["azurerm_application_insights", "connection_string"],
    ["azurerm_application_insights", "instrumentation_key"],
    ["azurerm_key_vault_secret", "versionless_id"],
    ["azurerm_cognitive_account", "identity[0].principal_id"],
    ["azurerm_key_vault_key", "id"],
    ["azurerm_storage_account", "primary_blob_endpoint"],
  ])("does not flag %s.%s", (type, attribute) => expect(isCredentialAttribute(type, attribute)).toBe(false));

  it("finds them in any interpolation, inside function calls and data sources", () => {
    expect(credentialReferences("x ${base64encode(azurerm_storage_account.st.primary_access_key)} ${data.azurerm_search_service.s.primary_key}")).toEqual([
      { expression: "${base64encode(azurerm_storage_account.st.primary_access_key)}", address: "azurerm_storage_account.st", attribute: "primary_access_key" },
      { expression: "${data.azurerm_search_service.s.primary_key}", address: "data.azurerm_search_service.s", attribute: "primary_key" },
    ]);
  });
});

describe("settings that are never printed", () => {
  it("are secret-named, credential-shaped or credential references; Key Vault references are shown", () => {
    expect(isSecretSetting("DB_PWD", "hunter2hunter2")).toBe(true);
    expect(isSecretSetting("BANNER", "AccountKey=abc")).toBe(true);
    expect(isSecretSetting("DOCS", "${azurerm_storage_account.st.primary_connection_string}")).toBe(true);
    expect(isSecretSetting("DB_PWD", "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/db)")).toBe(false);
    expect(isSecretSetting("UI_TITLE", "Contoso")).toBe(false);
  });
});

describe("hostile input (linear scanners: each of these returns in one pass)", () => {
  const KB200 = 200 * 1024;
  const hostile = [
    `${"KEYVAULT".repeat(KB200 / 8)}\n`,
    `${"_ID".repeat(KB200 / 3)}!`,
    "${".repeat(KB200 / 2),
    `${"${{".repeat(KB200 / 3)}}`,
    `${"a".repeat(KB200)}=`,
    "AccountKey".repeat(KB200 / 10),
    "?sig".repeat(KB200 / 4),
    "a.b.c".repeat(KB200 / 5),
    "abc1Q~".repeat(KB200 / 6),
  ];

  it.each(hostile.map((h, i) => [i, h]))("hostile string %i: every scanner answers", (_i, text) => {
    const s = String(text);
    expect(isSecretSettingName(s)).toEqual(expect.any(Boolean));
    expect(isSecretSetting(s, s)).toEqual(expect.any(Boolean));
    inlineCredential(s);
    keyShapedRun(s);
    clientSecretRun(s);
    looksLikeSecretValue(s);
    expect(credentialReferences(s)).toEqual(expect.any(Array));
    expect(isCredentialAttribute("azurerm_x", s)).toEqual(expect.any(Boolean));
  });

  it("AZ-APP-002 judges hostile setting names in one pass (its old NOT_SECRET pattern took 12 s at 100 KB)", () => {
    const stack = keylessPlatform();
    const quiet = `${"KEYVAULT".repeat(KB200 / 8)}\n`;
    const loud = `${"KEY_VAULT_".repeat(KB200 / 10)}DB_PASSWORD`;
    settings(stack)[quiet] = "x";
    settings(stack)[loud] = "hunter2hunter2";
    const found = audit(stack).findings.filter((f) => f.ruleId === "AZ-APP-002");
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('DB_PASSWORD = "(redacted)" is a literal value for a secret-named setting');
    expect(found[0].message).not.toContain("hunter2");
  });
});
