import { Testing } from "cdktf";
import { ChatStack } from "../../../app/chat-stack";
import { ChatPlatform, type ChatPlatformProps } from "../../../constructs/chat-platform";
import type { SettingsProfile } from "../../../constructs/settings/profile";
import { Roles } from "../../../catalogue/roles";
import { audit } from "../../../guardrails/audit";
import { Guardrails } from "../../../guardrails/guardrails";
import { OPENAI, WEB, get, keylessPlatform, put, ref, settings } from "../../../testing/guardrail-fixtures";
import { addressOf, assignments, newStack, onlyResource, synthJson } from "../../../testing/helpers";

/** An app of one's own whose variables follow none of the sample apps' naming. */
const contoso: SettingsProfile = {
  name: "contoso",
  variables: {
    "openai.endpoint": "LLM_URL",
    "openai.key": "LLM_API_KEY",
    "openai.chatDeployment": "LLM_MODEL",
    "search.endpoint": "IDX_HOST",
    "search.key": "IDX_SECRET",
    "storage.blobEndpoint": "DOCS_URL",
    "storage.container": "DOCS_BUCKET",
  },
  settings: () => [{ name: "LLM_API_STYLE", value: "responses", description: "the app calls the Responses API" }],
};
const retrieves = { appQueriesSearch: true, appReadsBlobs: true } as const;

function stackOf(props: Omit<ChatPlatformProps, "environment">) {
  const stack = new ChatStack(Testing.app(), "dev", { platform: { environment: "dev", webApp: { access: "open" }, ...props } });
  return { stack, json: JSON.parse(Testing.synth(stack, true)) };
}
const appSettingsOf = (json: { resource: Record<string, Record<string, Record<string, unknown>>> }) =>
  onlyResource(json as never, "azurerm_linux_web_app").app_settings as Record<string, string>;

describe("a settings profile is a contract: it declares which variable carries which fact", () => {
  it("gets every declared variable filled from the platform's facts, its own beside them, and nothing of the sample apps' names", () => {
    const { json } = stackOf({ profile: contoso, authMode: "keys", features: retrieves });
    const s = appSettingsOf(json);
    expect(Object.keys(s).sort()).toEqual([
      "APPLICATIONINSIGHTS_CONNECTION_STRING",
      "DOCS_BUCKET",
      "DOCS_URL",
      "IDX_HOST",
      "IDX_SECRET",
      "LLM_API_KEY",
      "LLM_API_STYLE",
      "LLM_MODEL",
      "LLM_URL",
      "SCM_DO_BUILD_DURING_DEPLOYMENT",
    ]);
    expect(s.LLM_URL).toMatch(/^https:\/\/chat-dev-oai-.*\.openai\.azure\.com\/$/);
    expect(s.LLM_API_KEY).toMatch(/^@Microsoft\.KeyVault\(SecretUri=\$\{azurerm_key_vault_secret\.\w+\.versionless_id\}\)$/);
    expect(s.IDX_SECRET).toMatch(/^@Microsoft\.KeyVault\(SecretUri=/);
    expect(s.DOCS_BUCKET).toBe("documents");
  });

  it("names the variables the platform adds for the optional flows (issue 27: the app got the sample app's names)", () => {
    const { json } = stackOf({
      profile: { ...contoso, variables: { "openai.endpoint": "LLM_URL", "search.endpoint": "IDX_HOST", "storage.blobEndpoint": "DOCS_URL", "storage.container": "DOCS_BUCKET" } },
      features: retrieves,
    });
    const s = appSettingsOf(json);
    expect(Object.keys(s).filter((n) => n.startsWith("AZURE_"))).toEqual([]);
    expect([s.IDX_HOST, s.DOCS_BUCKET]).toEqual([expect.stringMatching(/search\.windows\.net$/), "documents"]);
  });

  it("writes the contract into the web app's Terraform JSON, where the guardrails read it", () => {
    const { stack } = stackOf({ profile: contoso, authMode: "keys", features: retrieves });
    const site = Object.values((stack.toTerraform() as { resource: Record<string, Record<string, { "//": { guardrails: unknown } }>> }).resource.azurerm_linux_web_app)[0];
    expect(site["//"].guardrails).toMatchObject({
      settings: { LLM_API_KEY: "openai.key", IDX_SECRET: "search.key", LLM_URL: "openai.endpoint", DOCS_URL: "storage.blobEndpoint" },
    });
  });

  it("passes the guardrails in keys mode with key variables named anything, and grants no role the app does not need (issue 27: AZ-FLOW-001 asked for OpenAI User)", () => {
    // As a profile was written before contracts: the key's variable has neither OPENAI nor KEY in its name.
    const before: SettingsProfile = {
      name: "before",
      acceptsKeys: ["openai"],
      settings: (f) => [
        { name: "LLM_URL", value: f.openai.endpoint, description: "endpoint" },
        ...(f.openai.keyReference ? [{ name: "LLM_CREDENTIAL", value: f.openai.keyReference, description: "key", keyVaultReference: true }] : []),
      ],
    };
    for (const profile of [contoso, before]) {
      const { stack, json } = stackOf({ profile, authMode: "keys", ...(profile === contoso ? { features: retrieves } : {}) });
      expect(
        Guardrails.of(stack)
          .result()
          .findings.filter((f) => f.severity === "error"),
      ).toEqual([]);
      const app = `${addressOf(json, "azurerm_linux_web_app")}.identity[0].principal_id`;
      const roles = assignments(json)
        .filter((a) => a.principal === app)
        .map((a) => a.role);
      expect(roles).not.toContain(Roles.CognitiveServicesOpenAIUser.id);
      expect(roles).toContain(Roles.KeyVaultSecretsUser.id);
    }
  });

  it("is checked: a declared variable settings() sets to something else, an unknown fact, a key acceptsKeys leaves out", () => {
    const wrong: SettingsProfile = { ...contoso, settings: () => [{ name: "LLM_URL", value: "https://elsewhere.example/", description: "x" }] };
    expect(() => new ChatPlatform(newStack(), "Platform", { environment: "dev", profile: wrong })).toThrow(
      /profile "contoso": variables\.openai\.endpoint = "LLM_URL" names LLM_URL, but settings\(\) sets it to "https:\/\/elsewhere\.example\/", not the Azure OpenAI endpoint/,
    );
    const unknown = { ...contoso, variables: { "openai.url": "X" } } as unknown as SettingsProfile;
    expect(() => new ChatPlatform(newStack(), "Platform", { environment: "dev", profile: unknown })).toThrow(
      /variables\.openai\.url = "X" names a fact the platform does not have\. Fix: use one of openai\.endpoint/,
    );
    expect(() => new ChatPlatform(newStack(), "Platform", { environment: "dev", authMode: "keys", profile: { ...contoso, acceptsKeys: ["openai"] } })).toThrow(
      /variables\.search\.key = "IDX_SECRET" is a key variable, but acceptsKeys leaves "search" out/,
    );
  });

  it("keeps a profile written before contracts working: its variables carry facts by their values", () => {
    const legacy: SettingsProfile = {
      name: "legacy",
      appSideRetrieval: true,
      acceptsKeys: ["openai"],
      settings: (f) => [
        { name: "CHAT_ENDPOINT", value: f.openai.endpoint, description: "endpoint" },
        ...(f.openai.keyReference ? [{ name: "CHAT_SECRET", value: f.openai.keyReference, description: "key", keyVaultReference: true }] : []),
        { name: "CHAT_SEARCH", value: f.search!.endpoint, description: "search" },
        { name: "CHAT_BLOBS", value: f.storage!.blobEndpoint, description: "blobs" },
        { name: "CHAT_CONTAINER", value: f.storage!.container, description: "container" },
      ],
    };
    const { stack, json } = stackOf({ profile: legacy, authMode: "keys" });
    expect(Object.keys(appSettingsOf(json)).filter((n) => n.startsWith("AZURE_"))).toEqual([]);
    expect(Guardrails.of(stack).result().errors).toBe(0);
  });

  it("fails with the fix when a profile takes the OpenAI key but no variable carries it", () => {
    const silent: SettingsProfile = { name: "silent", acceptsKeys: ["openai"], settings: () => [] };
    expect(() => new ChatPlatform(newStack(), "Platform", { environment: "dev", authMode: "keys", profile: silent })).toThrow(
      /takes the Azure OpenAI key in keys mode \(acceptsKeys\), but none of its variables carries it.*Fix: declare the variable the app reads it from: variables: \{ "openai\.key": "<NAME>" \}/s,
    );
  });
});

describe("the guardrails judge a key setting by the app's contract and its value, never by its name", () => {
  it("recognises a key named anything by its value: a Key Vault reference to the secret holding the account's key", () => {
    const stack = keylessPlatform();
    get(stack, OPENAI).local_auth_enabled = true;
    put(stack, "azurerm_key_vault_secret.oai", { name: "oai-key", key_vault_id: ref("azurerm_key_vault.kv"), value: ref(OPENAI, "primary_access_key") });
    settings(stack).AZURE_API_KEY = `@Microsoft.KeyVault(SecretUri=${ref("azurerm_key_vault_secret.oai", "versionless_id")})`;
    // Without the app's OpenAI User role: it calls with the key, so F1 is not implied.
    const result = audit(stack);
    expect(result.flows.filter((f) => f.implied.flow.id === "F1")).toEqual([]);
  });

  it("does not take a variable the app's contract does not declare as a key for one, whatever its name", () => {
    const stack = keylessPlatform();
    get(stack, OPENAI).local_auth_enabled = true;
    (get(stack, WEB) as Record<string, unknown>)["//"] = { metadata: { path: "dev/web" }, guardrails: { settings: { AZURE_OPENAI_ENDPOINT: "openai.endpoint" } } };
    settings(stack).AZURE_OPENAI_KEY = "@Microsoft.KeyVault(VaultName=shared;SecretName=unrelated)";
    // The app calls OpenAI with its identity (its contract names no key), and holds the role for it.
    const f1 = audit(stack).flows.filter((f) => f.implied.flow.id === "F1");
    expect(f1.map((f) => [f.implied.caller?.address, f.missingRoles])).toEqual([[WEB, []]]);
  });
});

describe("secrets in settings: one rule for every path that sets an app setting", () => {
  const EXTERNAL = "@Microsoft.KeyVault(SecretUri=https://shared-kv.vault.azure.net/secrets/db-password)";

  it("accepts a Key Vault reference to a secret the platform does not manage in keyless mode (issue 27: refused, with a wrong fix)", () => {
    const stack = newStack();
    new ChatPlatform(stack, "Platform", { environment: "dev", webApp: { extraSettings: { DB_PASSWORD: EXTERNAL } } });
    const json = synthJson(stack);
    expect(onlyResource(json, "azurerm_linux_web_app").app_settings.DB_PASSWORD).toBe(EXTERNAL);
  });

  it("refuses the app's own key variable in keyless mode, through extraSettings and through webApp.settings.set() alike (issue 27: set() let it through)", () => {
    expect(() => new ChatPlatform(newStack(), "Platform", { environment: "dev", webApp: { extraSettings: { AZURE_OPENAI_API_KEY_OVERRIDE: EXTERNAL } } })).toThrow(
      /webApp\.extraSettings\.AZURE_OPENAI_API_KEY_OVERRIDE = "@Microsoft.KeyVault\(.*\)" is the app's Azure OpenAI key variable in keyless mode/,
    );
    const platform = new ChatPlatform(newStack(), "Platform", { environment: "dev" });
    expect(() => platform.webApp.settings.set({ name: "AZURE_OPENAI_API_KEY_OVERRIDE", value: EXTERNAL, origin: "user", description: "x", keyVaultReference: true })).toThrow(
      /appSettings\.AZURE_OPENAI_API_KEY_OVERRIDE = .* is the app's Azure OpenAI key variable in keyless mode set by user/,
    );
    expect(() => platform.webApp.settings.set({ name: "DB_PASSWORD", value: "hunter2hunter2", origin: "user", description: "x", keyVaultReference: false })).toThrow(
      /is a literal secret set by user .*Fix: store it in Key Vault/,
    );
  });

  it("puts the app's own secrets in the platform's vault with webApp.vaultSecrets: a kept vault, a reference, and F7 granted, in keyless mode too", () => {
    const stack = newStack();
    const platform = new ChatPlatform(stack, "Platform", { environment: "dev", webApp: { vaultSecrets: { DB_PASSWORD: "db-password" } } });
    const json = synthJson(stack);
    expect(onlyResource(json, "azurerm_linux_web_app").app_settings.DB_PASSWORD).toBe(
      `@Microsoft.KeyVault(VaultName=${onlyResource(json, "azurerm_key_vault").name};SecretName=db-password)`,
    );
    expect(platform.flows.map((f) => f.flow)).toContain("F7");
    expect(assignments(json)).toContainEqual(
      expect.objectContaining({ principal: `${addressOf(json, "azurerm_linux_web_app")}.identity[0].principal_id`, role: Roles.KeyVaultSecretsUser.id }),
    );
    expect(resources(json)).toEqual([]);
    expect(Guardrails.of(stack).result().errors).toBe(0);
  });
});

/** Key Vault secrets the platform wrote: none for the app's own secrets, which never pass through Terraform. */
function resources(json: ReturnType<typeof synthJson>): unknown[] {
  return Object.values(json.resource.azurerm_key_vault_secret ?? {});
}
