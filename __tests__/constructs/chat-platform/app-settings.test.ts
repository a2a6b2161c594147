import { Testing } from "cdktf";
import { ChatStack } from "../../../app/chat-stack";
import { ChatPlatform, type ChatPlatformProps } from "../../../constructs/chat-platform";
import { SettingsProfile } from "../../../constructs/settings/profile";
import { AppSettings } from "../../../constructs/settings/app-settings";
import { sampleAppProfile } from "../../../constructs/settings/profiles";
import { Roles } from "../../../catalogue/roles";
import { audit } from "../../../guardrails/audit";
import { Guardrails } from "../../../guardrails/guardrails";
import { OPENAI, WEB, get, keylessPlatform, put, ref, settings } from "../../../testing/guardrail-fixtures";
import { addressNamed, addressOf, assignments, newStack, onlyResource, resources, synthJson, synthPlatform } from "../../../testing/helpers";

const settingsOf = (json: ReturnType<typeof synthPlatform>["json"]) => onlyResource(json, "azurerm_linux_web_app").app_settings as Record<string, string>;
const KEY_VARIABLE = /KEY|SECRET|PASSWORD|CONNECTION_STRING/;
/** The sample app where it still works: ungrounded chat on a model a subscription already deploys. */
const GPT41 = { chatModel: { modelName: "gpt-4.1", modelVersion: "2025-04-14", existingCustomer: true } } as const;
const SAMPLE_APP_UNGROUNDED = { features: { onYourData: false }, openai: GPT41 } as const;
/** The sample app's On Your Data before its retirement. */
const BEFORE_RETIREMENT = { profile: "sampleApp", today: "2026-09-01", openai: GPT41 } as const;

describe.each([
  ["searchOpenAIDemo", "keyless"],
  ["searchOpenAIDemo", "keys"],
  ["sampleApp", "keyless"],
  ["sampleApp", "keys"],
  ["openai", "keyless"],
  ["openai", "keys"],
] as const)("profile %s in %s mode", (profile, authMode) => {
  const { json, platform } = synthPlatform({ profile, authMode, ...(profile === "sampleApp" ? SAMPLE_APP_UNGROUNDED : {}) });
  const settings = settingsOf(json);

  it("produces exactly the expected settings", () => {
    expect(settings).toMatchSnapshot();
  });

  if (authMode === "keyless") {
    it("has no key variable at all, not even an empty one", () => {
      expect(Object.keys(settings).filter((n) => KEY_VARIABLE.test(n))).toEqual([]);
    });
    it("turns local auth off on OpenAI and Search, and creates no secret", () => {
      expect(onlyResource(json, "azurerm_cognitive_account").local_auth_enabled).toBe(false);
      expect(onlyResource(json, "azurerm_search_service").local_authentication_enabled).toBe(false);
      expect(resources(json, "azurerm_key_vault_secret")).toEqual([]);
    });
  } else {
    it("passes every key as a Key Vault reference to a versionless secret", () => {
      const keys = Object.entries(settings).filter(([n]) => /_KEY(_OVERRIDE)?$/.test(n));
      expect(keys.length).toBeGreaterThan(0);
      for (const [, value] of keys) expect(value).toMatch(/^@Microsoft\.KeyVault\(SecretUri=\$\{azurerm_key_vault_secret\.[\w-]+\.versionless_id\}\)$/);
    });
    it("writes the keys into Key Vault from the resources' attributes, never as literals", () => {
      for (const s of resources(json, "azurerm_key_vault_secret"))
        expect(s.value).toMatch(/^\$\{azurerm_(cognitive_account|search_service)\.[\w-]+\.(primary_access_key|primary_key)\}$/);
    });
    it("turns local auth on, Search in 'Both' mode, and grants the app Key Vault Secrets User (F7)", () => {
      expect(onlyResource(json, "azurerm_cognitive_account").local_auth_enabled).toBe(true);
      expect(onlyResource(json, "azurerm_search_service")).toMatchObject({ local_authentication_enabled: true, authentication_failure_mode: "http401WithBearerChallenge" });
      expect(assignments(json)).toContainEqual(
        expect.objectContaining({ principal: `${addressOf(json, "azurerm_linux_web_app")}.identity[0].principal_id`, role: Roles.KeyVaultSecretsUser.id }),
      );
    });
  }

  it("records where every setting came from", () => {
    expect(platform.appSettings.map((s) => s.name).sort()).toEqual(Object.keys(settings).sort());
    for (const s of platform.appSettings) expect(s.origin).toMatch(/^(profile \w+|platform|user)$/);
  });
});

describe("the searchOpenAIDemo profile gives azure-search-openai-demo everything its app.py requires, consistent with the deployments", () => {
  const { json, platform } = synthPlatform({ features: { agenticRetrieval: true }, search: { vectorColumns: ["embedding3"] } });
  const s = settingsOf(json);
  const deployments = resources(json, "azurerm_cognitive_deployment");
  const account = onlyResource(json, "azurerm_cognitive_account");

  it("sets every variable setup_clients reads with os.environ[...] (a KeyError at start otherwise), and AZURE_OPENAI_SERVICE for OPENAI_HOST azure", () => {
    for (const name of ["AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_CONTAINER", "AZURE_SEARCH_SERVICE", "AZURE_SEARCH_INDEX", "AZURE_OPENAI_CHATGPT_MODEL", "AZURE_OPENAI_SERVICE"])
      expect([name, s[name]]).toEqual([name, expect.any(String)]);
  });

  it("names what was built: the account (= the custom subdomain the app builds its /openai/v1 endpoint from), the search service, the storage account and its container", () => {
    expect(s.AZURE_OPENAI_SERVICE).toBe(account.custom_subdomain_name);
    expect(s.AZURE_SEARCH_SERVICE).toBe(onlyResource(json, "azurerm_search_service").name);
    expect(s.AZURE_STORAGE_ACCOUNT).toBe(onlyResource(json, "azurerm_storage_account").name);
    expect(s.AZURE_STORAGE_CONTAINER).toBe(onlyResource(json, "azurerm_storage_container").name);
    expect(s.AZURE_SEARCH_INDEX).toBe("documents-index");
  });

  it("names the chat and embedding deployments that exist, with their models and the embedding model's vector length", () => {
    const byName = Object.fromEntries(deployments.map((d) => [d.name, d.model]));
    expect(byName[s.AZURE_OPENAI_CHATGPT_DEPLOYMENT]).toMatchObject({ name: s.AZURE_OPENAI_CHATGPT_MODEL });
    expect(byName[s.AZURE_OPENAI_EMB_DEPLOYMENT]).toMatchObject({ name: s.AZURE_OPENAI_EMB_MODEL_NAME });
    expect([s.AZURE_OPENAI_EMB_MODEL_NAME, s.AZURE_OPENAI_EMB_DIMENSIONS]).toEqual(["text-embedding-3-large", "3072"]);
    expect(s.AZURE_SEARCH_FIELD_NAME_EMBEDDING).toBe("embedding3");
  });

  it("says which semantic ranker the service has, and the knowledge base with its deployment when agentic retrieval is on", () => {
    expect(s.AZURE_SEARCH_SEMANTIC_RANKER).toBe("free");
    expect(s).toMatchObject({
      USE_AGENTIC_KNOWLEDGEBASE: "true",
      AZURE_SEARCH_KNOWLEDGEBASE_NAME: "documents-index-kb",
      AZURE_OPENAI_KNOWLEDGEBASE_DEPLOYMENT: s.AZURE_OPENAI_CHATGPT_DEPLOYMENT,
      AZURE_OPENAI_KNOWLEDGEBASE_MODEL: s.AZURE_OPENAI_CHATGPT_MODEL,
    });
  });

  it("sets none of the optional ones the configuration does not ask for, and no generic platform endpoint it never reads", () => {
    const plain = settingsOf(synthPlatform().json);
    for (const name of [
      "OPENAI_HOST",
      "AZURE_USE_AUTHENTICATION",
      "USE_VECTORS",
      "AZURE_SEARCH_FIELD_NAME_EMBEDDING",
      "USE_AGENTIC_KNOWLEDGEBASE",
      "AZURE_SEARCH_ENDPOINT",
      "AZURE_STORAGE_BLOB_ENDPOINT",
    ])
      expect([name, plain[name]]).toEqual([name, undefined]);
    expect(settingsOf(synthPlatform({ openai: { embeddingModel: null } }).json).USE_VECTORS).toBe("false");
  });

  it("runs the demo's code on Python 3.11 with its start command, built during deployment", () => {
    const site = onlyResource(json, "azurerm_linux_web_app");
    expect(site.site_config.application_stack).toEqual({ python_version: "3.11" });
    expect(site.site_config.app_command_line).toBe("python3 -m gunicorn main:app");
    expect(s.SCM_DO_BUILD_DURING_DEPLOYMENT).toBe("true");
  });

  it("follows the chosen embedding model and a shortened vector length", () => {
    const small = settingsOf(synthPlatform({ openai: { embeddingModel: { modelName: "text-embedding-3-small", modelVersion: "1" } } }).json);
    expect([small.AZURE_OPENAI_EMB_MODEL_NAME, small.AZURE_OPENAI_EMB_DIMENSIONS]).toEqual(["text-embedding-3-small", "1536"]);
    const shortened = settingsOf(synthPlatform({ openai: { embeddingModel: { dimensions: 1024 } } }).json);
    expect(shortened.AZURE_OPENAI_EMB_DIMENSIONS).toBe("1024");
  });

  it("gives whoever builds the index the same facts plus what prepdocs needs, and no secret", () => {
    const env = Object.fromEntries(platform.indexBuilderSettings.map((x) => [x.name, x.value]));
    for (const name of [
      "AZURE_SEARCH_SERVICE",
      "AZURE_SEARCH_INDEX",
      "AZURE_STORAGE_ACCOUNT",
      "AZURE_STORAGE_CONTAINER",
      "AZURE_OPENAI_EMB_DEPLOYMENT",
      "AZURE_OPENAI_EMB_DIMENSIONS",
    ])
      expect([name, env[name]]).toEqual([name, s[name]]);
    expect(env).toMatchObject({ OPENAI_HOST: "azure", AZURE_OPENAI_ENDPOINT: `https://${account.custom_subdomain_name}.openai.azure.com/` });
    expect(Object.keys(env)).toEqual(expect.arrayContaining(["AZURE_SUBSCRIPTION_ID", "AZURE_STORAGE_RESOURCE_GROUP"]));
    expect(Object.keys(env).filter((n) => KEY_VARIABLE.test(n))).toEqual([]);
  });
});

describe("the sampleApp profile follows the sample's backend/settings.py (On Your Data before its retirement)", () => {
  const { json } = synthPlatform(BEFORE_RETIREMENT);
  const s = settingsOf(json);

  it("sets the resource name equal to the custom subdomain, and the endpoint built from it", () => {
    const account = onlyResource(json, "azurerm_cognitive_account");
    expect(s.AZURE_OPENAI_RESOURCE).toBe(account.custom_subdomain_name);
    expect(s.AZURE_OPENAI_ENDPOINT).toBe(`https://${account.custom_subdomain_name}.openai.azure.com/`);
  });

  it("names the chat deployment that exists as AZURE_OPENAI_MODEL", () => {
    expect(resources(json, "azurerm_cognitive_deployment").map((d) => d.name)).toContain(s.AZURE_OPENAI_MODEL);
  });

  it("turns grounding on with the exact DATASOURCE_TYPE and the minimum preview API version", () => {
    expect(s.DATASOURCE_TYPE).toBe("AzureCognitiveSearch");
    expect(s.AZURE_OPENAI_PREVIEW_API_VERSION).toBe("2024-05-01-preview");
    expect(s.AZURE_SEARCH_SERVICE).toBe(onlyResource(json, "azurerm_search_service").name);
  });

  it("sets AUTH_ENABLED=true behind the sign-in every environment gets by default", () => {
    expect(s.AUTH_ENABLED).toBe("true");
    expect(onlyResource(json, "azurerm_linux_web_app").auth_settings_v2).toMatchObject({ auth_enabled: true, require_authentication: true });
  });

  it("sets AUTH_ENABLED=false explicitly for an app declared open", () => {
    expect(settingsOf(synthPlatform({ ...BEFORE_RETIREMENT, webApp: { access: "open" } }).json).AUTH_ENABLED).toBe("false");
  });

  it("runs the sample's own container image", () => {
    expect(onlyResource(json, "azurerm_linux_web_app").site_config.application_stack).toEqual({
      docker_image_name: "sample-app-aoai-chatgpt:latest",
      docker_registry_url: "https://sampleappaoaichatgpt.azurecr.io",
    });
  });

  it("sets AUTH_ENABLED=true and App Service Authentication with a brought registration and its secret", () => {
    const { json: withSignIn } = synthPlatform({
      ...BEFORE_RETIREMENT,
      webApp: { signIn: { clientId: "11111111-1111-1111-1111-111111111111", clientSecretName: "auth-client-secret", clientSecretExpiresOn: "2027-06-30" } },
    });
    const site = onlyResource(withSignIn, "azurerm_linux_web_app");
    expect(site.app_settings.AUTH_ENABLED).toBe("true");
    expect(site.auth_settings_v2.require_authentication).toBe(true);
  });

  it("adds the embedding deployment and vector columns for vector query types", () => {
    const { json: vec } = synthPlatform({ ...BEFORE_RETIREMENT, search: { queryType: "vector_semantic_hybrid", vectorColumns: ["contentVector"] } });
    expect(settingsOf(vec)).toMatchObject({
      AZURE_SEARCH_QUERY_TYPE: "vector_semantic_hybrid",
      AZURE_OPENAI_EMBEDDING_NAME: "text-embedding-3-large",
      AZURE_SEARCH_VECTOR_COLUMNS: "contentVector",
      AZURE_SEARCH_SEMANTIC_SEARCH_CONFIG: "default",
    });
  });

  it("drops every search variable when On Your Data is off", () => {
    const { json: plain } = synthPlatform({ profile: "sampleApp", ...SAMPLE_APP_UNGROUNDED, features: { onYourData: false, ingestion: false } });
    expect(Object.keys(settingsOf(plain)).filter((n) => n.startsWith("AZURE_SEARCH") || n === "DATASOURCE_TYPE")).toEqual([]);
  });

  it("fails on a preview API version below the sample's minimum", () => {
    expect(() => sampleAppProfile({ previewApiVersion: "2024-02-15-preview" })).toThrow(
      /profile sampleApp: previewApiVersion = "2024-02-15-preview" is not an API version the sample app accepts \(minimum 2024-05-01-preview\)/,
    );
  });
});

describe("user-assigned identity", () => {
  it("sets AZURE_CLIENT_ID to the identity's client id", () => {
    const { json } = synthPlatform({ userAssignedIdentity: true });
    expect(settingsOf(json).AZURE_CLIENT_ID).toBe(`\${${addressNamed(json, "azurerm_user_assigned_identity", "AppIdentity")}.client_id}`);
  });
});

describe("features the app uses directly, for a profile that does not name them itself", () => {
  it("gives an app that queries Search its endpoint, and in keys mode its key as a Key Vault reference", () => {
    const keyless = settingsOf(synthPlatform({ profile: "openai", features: { appQueriesSearch: true } }).json);
    expect(keyless.AZURE_SEARCH_ENDPOINT).toBe("https://chat-dev-srch-${local.name_suffix_chat_dev}.search.windows.net");
    const keyed = settingsOf(synthPlatform({ profile: "sampleApp", authMode: "keys", ...SAMPLE_APP_UNGROUNDED, features: { onYourData: false, appQueriesSearch: true } }).json);
    expect(keyed.AZURE_SEARCH_KEY).toMatch(/^@Microsoft\.KeyVault\(SecretUri=\$\{azurerm_key_vault_secret\.[\w]+\.versionless_id\}\)$/);
  });

  it("gives an app that reads blobs the blob endpoint and container", () => {
    const { json } = synthPlatform({ profile: "openai", features: { appReadsBlobs: true } });
    expect(settingsOf(json)).toMatchObject({
      AZURE_STORAGE_BLOB_ENDPOINT: `\${${addressOf(json, "azurerm_storage_account")}.primary_blob_endpoint}`,
      AZURE_STORAGE_CONTAINER: "documents",
    });
  });
});

describe("custom profiles", () => {
  it("takes a user profile and records its name as the origin", () => {
    const mine: SettingsProfile = { name: "mine", settings: (f) => [{ name: "CHAT_ENDPOINT", value: f.openai.endpoint, description: "endpoint" }] };
    const { platform, json } = synthPlatform({ profile: mine });
    expect(settingsOf(json).CHAT_ENDPOINT).toBe("https://chat-dev-oai-${local.name_suffix_chat_dev}.openai.azure.com/");
    expect(platform.appSettings.find((s) => s.name === "CHAT_ENDPOINT")!.origin).toBe("profile mine");
  });
});

describe("extra settings", () => {
  const build =
    (extra: Record<string, string>, authMode: "keyless" | "keys" = "keyless") =>
    () =>
      new ChatPlatform(newStack(), "Platform", { environment: "dev", authMode, webApp: { extraSettings: extra } });

  it("merge in with origin 'user'", () => {
    const { platform, json } = synthPlatform({ webApp: { extraSettings: { UI_TITLE: "Contoso" } } });
    expect(settingsOf(json).UI_TITLE).toBe("Contoso");
    expect(platform.appSettings.find((s) => s.name === "UI_TITLE")!.origin).toBe("user");
  });

  it("fails on a key variable in keyless mode, even an empty one", () => {
    expect(build({ AZURE_SEARCH_KEY: "" })).toThrow(
      /test\/Platform: webApp\.extraSettings\.AZURE_SEARCH_KEY = "" is a key or secret variable in keyless mode .* Fix: remove AZURE_SEARCH_KEY/,
    );
  });

  it("fails on a literal key in key mode", () => {
    expect(build({ MY_API_KEY: "0123456789abcdef0123456789abcdef" }, "keys")).toThrow(
      /webApp\.extraSettings\.MY_API_KEY = "\(redacted\)" is a literal secret in app settings .* Fix: store it in Key Vault/,
    );
  });

  it("fails on a literal that looks like an account key under an innocent name", () => {
    expect(build({ BLOB: "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc" })).toThrow(/webApp\.extraSettings\.BLOB = "\(redacted\)" is a literal secret/);
  });

  it("never prints the secret value in the error", () => {
    expect(build({ MY_API_KEY: "0123456789abcdef0123456789abcdef" }, "keys")).not.toThrow(/0123456789abcdef/);
  });

  it("fails when overriding a derived value", () => {
    expect(build({ AZURE_OPENAI_CHATGPT_DEPLOYMENT: "gpt-35" })).toThrow(
      /webApp\.extraSettings\.AZURE_OPENAI_CHATGPT_DEPLOYMENT = "gpt-35" overrides AZURE_OPENAI_CHATGPT_DEPLOYMENT, which the platform derives/,
    );
  });

  it("accepts a Key Vault reference for a secret in key mode", () => {
    const { json } = synthPlatform({ authMode: "keys", webApp: { extraSettings: { COSMOS_KEY: "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/cosmos)" } } });
    expect(settingsOf(json).COSMOS_KEY).toMatch(/^@Microsoft\.KeyVault/);
  });
});

describe("auth mode conflicts", () => {
  it("fails when keys mode is combined with local auth forced off", () => {
    expect(() => new ChatPlatform(newStack(), "Platform", { environment: "dev", authMode: "keys", openai: { localAuthEnabled: false } })).toThrow(
      /openai\.localAuthEnabled = false contradicts authMode "keys" \(keys mode needs API keys on\)\. Fix: remove openai\.localAuthEnabled/,
    );
  });
  it("fails when keyless mode is combined with Search keys forced on", () => {
    expect(() => new ChatPlatform(newStack(), "Platform", { environment: "dev", search: { localAuthEnabled: true } })).toThrow(
      /search\.localAuthEnabled = true contradicts authMode "keyless"/,
    );
  });
});

describe("secrets never appear in the synthesized JSON", () => {
  it("holds no key material outside Key Vault secret values", () => {
    const { json } = synthPlatform({ authMode: "keys" });
    const withoutSecrets = JSON.stringify({ ...json, resource: { ...json.resource, azurerm_key_vault_secret: undefined } });
    expect(withoutSecrets).not.toMatch(/primary_access_key|secondary_access_key|primary_key|secondary_key|connection_string/);
  });
});

describe("AppSettings: names are case-insensitive, as App Service's are", () => {
  const setting = (name: string, value: string, origin = "profile custom") => ({ name, value, origin, description: "test", keyVaultReference: false });

  it("finds a setting whatever the case of the name asked for", () => {
    const settings = new AppSettings(newStack());
    settings.set(setting("AZURE_OPENAI_MODEL", "gpt-4o"));
    expect(settings.get("azure_openai_model")?.value).toBe("gpt-4o");
    expect(settings.has("Azure_OpenAI_Model")).toBe(true);
  });

  it("fails a second setting whose name differs only in case, even with the same value (the API answers Conflict)", () => {
    const settings = new AppSettings(newStack());
    settings.set(setting("AZURE_OPENAI_MODEL", "gpt-4o", "platform"));
    expect(() => settings.set(setting("azure_openai_model", "gpt-4o"))).toThrow(
      'test: appSettings.azure_openai_model = "gpt-4o" is the same App Service setting as AZURE_OPENAI_MODEL, set by platform (setting names are case-insensitive). Fix: use one name, AZURE_OPENAI_MODEL, once',
    );
  });
});

// --- the settings contract (constructs/settings/contract.ts) and the one secrets rule --------------
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
    expect(vaultSecretsOf(json)).toEqual([]);
    expect(Guardrails.of(stack).result().errors).toBe(0);
  });
});

/** Key Vault secrets the platform wrote: none for the app's own secrets, which never pass through Terraform. */
function vaultSecretsOf(json: ReturnType<typeof synthJson>): unknown[] {
  return Object.values(json.resource.azurerm_key_vault_secret ?? {});
}
