import { ChatPlatform } from "../../../constructs/chat-platform";
import { SettingsProfile } from "../../../constructs/settings/profile";
import { AppSettings } from "../../../constructs/settings/app-settings";
import { sampleAppProfile } from "../../../constructs/settings/profiles";
import { Roles } from "../../../catalogue/roles";
import { addressNamed, addressOf, assignments, newStack, onlyResource, resources, synthPlatform } from "../../../testing/helpers";

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
