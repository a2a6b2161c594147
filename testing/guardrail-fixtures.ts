/**
 * Builders for small cdk.tf.json documents. `keylessPlatform()` is the reference stack
 * that passes every rule (judged on the tests' today, 2026-12-06: __tests__/setup.ts);
 * each test breaks exactly one thing in a copy of it. `onYourDataPlatform()` is the
 * platform as it was before On Your Data retired, for tests of that mechanics and of
 * its retirement.
 */
import { Roles, BuiltInRole } from "../catalogue/roles";

export type Body = Record<string, unknown>;
export interface TfJson {
  resource: Record<string, Record<string, Body>>;
  data: Record<string, Record<string, Body>>;
  [key: string]: unknown;
}

/** `${address.attribute}` as cdktf writes it. */
export const ref = (address: string, attribute = "id"): string => `\${${address}.${attribute}}`;

export const roleDefinitionId = (role: BuiltInRole | string): string =>
  `/subscriptions/${ref("data.azurerm_client_config.current", "subscription_id")}/providers/Microsoft.Authorization/roleDefinitions/${typeof role === "string" ? role : role.id}`;

export function emptyStack(): TfJson {
  return { "//": { metadata: { stackName: "dev", version: "0.21.0" } }, resource: {}, data: {}, provider: { azurerm: [{ features: [{}] }] } };
}

/** Adds (or replaces) a resource; the construct path is recorded as cdktf does. */
export function put(stack: TfJson, address: string, body: Body, path?: string): Body {
  const [type, name] = address.split(".");
  const full = { ...body, "//": { metadata: { path: path ?? `dev/${name}`, uniqueId: name } } };
  (stack.resource[type] ??= {})[name] = full;
  return full;
}

export function get(stack: TfJson, address: string): Body {
  const [type, name] = address.split(".");
  const body = stack.resource[type]?.[name];
  if (!body) throw new Error(`fixture has no ${address}`);
  return body;
}

export function remove(stack: TfJson, address: string): void {
  const [type, name] = address.split(".");
  delete stack.resource[type]?.[name];
}

export function settings(stack: TfJson, app = "azurerm_linux_web_app.web"): Record<string, string> {
  return get(stack, app).app_settings as Record<string, string>;
}

export function grant(stack: TfJson, name: string, role: BuiltInRole, principal: string, scope: string, extra: Body = {}): Body {
  return put(stack, `azurerm_role_assignment.${name}`, { role_definition_id: roleDefinitionId(role), principal_id: principal, scope, ...extra });
}

export const OPENAI = "azurerm_cognitive_account.openai";
export const SEARCH = "azurerm_search_service.search";
export const STORAGE = "azurerm_storage_account.docs";
export const VAULT = "azurerm_key_vault.kv";
export const WEB = "azurerm_linux_web_app.web";
export const CMK = "azurerm_cognitive_account_customer_managed_key.cmk";
export const DEPLOYER = ref("data.azurerm_client_config.current", "object_id");
export const systemIdentity = (address: string): string => ref(address, "identity[0].principal_id");

export const CHAT_DEPLOYMENT = "azurerm_cognitive_deployment.chat";
export const EMBEDDING_DEPLOYMENT = "azurerm_cognitive_deployment.embedding";

/** A model deployment on the OpenAI account, as the constructs write it. */
export function deployment(stack: TfJson, name: string, model: string, version: string, sku = "GlobalStandard", account = OPENAI): Body {
  return put(
    stack,
    `azurerm_cognitive_deployment.${name}`,
    { name, cognitive_account_id: ref(account), model: { format: "OpenAI", name: model, version }, sku: { name: sku, capacity: 10 } },
    `dev/platform/openai/${name}`,
  );
}

/**
 * Today's keyless chat platform, app-side retrieval as azure-search-openai-demo does it:
 * the app names the OpenAI account, the Search service and the storage account
 * (AZURE_OPENAI_SERVICE, AZURE_SEARCH_SERVICE, AZURE_STORAGE_ACCOUNT), queries the index
 * and reads the cited blobs with its own identity (F1, F8, F11); Search's indexer reads
 * Storage (F4) and vectorizes through OpenAI (F5); a customer-managed key (F6), one Key
 * Vault reference (F7), the deployer's vault roles (F9); model deployments a new
 * subscription can create in swedencentral (gpt-5.4-mini, text-embedding-3-large,
 * GlobalStandard). Azure OpenAI calls nothing but its key vault: no On Your Data.
 */
export function keylessPlatform(): TfJson {
  const s = emptyStack();
  s.data.azurerm_client_config = { current: {} };
  put(s, "azurerm_resource_group.rg", { name: "rg-chat", location: "swedencentral" });
  const rg = ref("azurerm_resource_group.rg", "name");
  put(
    s,
    OPENAI,
    {
      name: "oai-chat",
      kind: "OpenAI",
      sku_name: "S0",
      location: "swedencentral",
      resource_group_name: rg,
      custom_subdomain_name: "oai-chat",
      local_auth_enabled: false,
      identity: { type: "SystemAssigned" },
    },
    "dev/platform/openai/account",
  );
  deployment(s, "chat", "gpt-5.4-mini", "2026-03-17");
  deployment(s, "embedding", "text-embedding-3-large", "1");
  put(
    s,
    SEARCH,
    { name: "srch-chat", sku: "basic", resource_group_name: rg, location: "swedencentral", local_authentication_enabled: false, identity: { type: "SystemAssigned" } },
    "dev/platform/search/service",
  );
  put(s, STORAGE, { name: "stchatdocs", resource_group_name: rg, shared_access_key_enabled: false, allow_nested_items_to_be_public: false }, "dev/platform/storage/account");
  put(
    s,
    VAULT,
    {
      name: "kv-chat",
      resource_group_name: rg,
      tenant_id: ref("data.azurerm_client_config.current", "tenant_id"),
      sku_name: "standard",
      rbac_authorization_enabled: true,
      purge_protection_enabled: true,
    },
    "dev/platform/vault/vault",
  );
  put(s, "azurerm_key_vault_key.cmk", {
    name: "cmk",
    key_vault_id: ref(VAULT),
    key_type: "RSA",
    key_size: 2048,
    key_opts: ["wrapKey", "unwrapKey"],
    depends_on: ["time_sleep.rbac"],
  });
  put(s, "azurerm_key_vault_secret.contoso", { name: "contoso-api-key", key_vault_id: ref(VAULT), value: ref("var.contoso", "key"), depends_on: ["time_sleep.rbac"] });
  put(s, CMK, { cognitive_account_id: ref(OPENAI), key_vault_key_id: ref("azurerm_key_vault_key.cmk"), depends_on: ["time_sleep.rbac"] }, "dev/platform/openai/cmk");
  put(s, "time_sleep.rbac", {
    create_duration: "120s",
    depends_on: ["azurerm_role_assignment.openai_kv_crypto", "azurerm_role_assignment.deployer_crypto", "azurerm_role_assignment.deployer_secrets"],
  });
  put(
    s,
    WEB,
    {
      name: "app-chat",
      resource_group_name: rg,
      location: "swedencentral",
      service_plan_id: ref("azurerm_service_plan.plan"),
      https_only: true,
      identity: { type: "SystemAssigned" },
      site_config: { minimum_tls_version: "1.2", ftps_state: "Disabled" },
      // Sign-in required (AZ-APP-007): the app calls OpenAI.
      auth_settings_v2: {
        auth_enabled: true,
        require_authentication: true,
        unauthenticated_action: "RedirectToLoginPage",
        active_directory_v2: {
          client_id: "22222222-3333-5444-8555-666666666666",
          tenant_auth_endpoint: `https://login.microsoftonline.com/${ref("data.azurerm_client_config.current", "tenant_id")}/v2.0`,
        },
        login: { token_store_enabled: true },
      },
      app_settings: {
        AZURE_OPENAI_SERVICE: ref(OPENAI, "name"),
        AZURE_OPENAI_CHATGPT_DEPLOYMENT: ref(CHAT_DEPLOYMENT, "name"),
        AZURE_OPENAI_CHATGPT_MODEL: "gpt-5.4-mini",
        AZURE_OPENAI_EMB_DEPLOYMENT: ref(EMBEDDING_DEPLOYMENT, "name"),
        AZURE_OPENAI_EMB_MODEL_NAME: "text-embedding-3-large",
        AZURE_OPENAI_EMB_DIMENSIONS: "3072",
        AZURE_SEARCH_SERVICE: ref(SEARCH, "name"),
        AZURE_SEARCH_INDEX: "docs",
        AZURE_STORAGE_ACCOUNT: ref(STORAGE, "name"),
        AZURE_STORAGE_CONTAINER: "content",
        CONTOSO_API_KEY: `@Microsoft.KeyVault(SecretUri=${ref("azurerm_key_vault_secret.contoso", "versionless_id")})`,
      },
    },
    "dev/platform/web/app",
  );
  put(s, "azurerm_service_plan.plan", { name: "asp-chat", os_type: "Linux", sku_name: "P0v3" });

  grant(s, "web_openai_user", Roles.CognitiveServicesOpenAIUser, systemIdentity(WEB), ref(OPENAI));
  grant(s, "web_search_reader", Roles.SearchIndexDataReader, systemIdentity(WEB), ref(SEARCH));
  grant(s, "web_storage_reader", Roles.StorageBlobDataReader, systemIdentity(WEB), ref(STORAGE));
  grant(s, "search_storage", Roles.StorageBlobDataReader, systemIdentity(SEARCH), ref(STORAGE));
  grant(s, "search_openai_user", Roles.CognitiveServicesOpenAIUser, systemIdentity(SEARCH), ref(OPENAI));
  grant(s, "web_kv_secrets", Roles.KeyVaultSecretsUser, systemIdentity(WEB), ref("azurerm_key_vault_secret.contoso", "resource_versionless_id"));
  grant(s, "openai_kv_crypto", Roles.KeyVaultCryptoServiceEncryptionUser, systemIdentity(OPENAI), ref("azurerm_key_vault_key.cmk", "resource_versionless_id"));
  grant(s, "deployer_crypto", Roles.KeyVaultCryptoOfficer, DEPLOYER, ref(VAULT));
  grant(s, "deployer_secrets", Roles.KeyVaultSecretsOfficer, DEPLOYER, ref(VAULT));
  return s;
}

/** The day before On Your Data's retirement (2026-10-14) that tests of its mechanics audit on. */
export const BEFORE_OYD_RETIREMENT = "2026-09-01";

/**
 * The keyless platform as the sample app ran it until On Your Data retired (2026-10-14):
 * the app sets DATASOURCE_TYPE = "AzureCognitiveSearch" with no search key, so Azure
 * OpenAI queries Search (F2) and ingests into Storage (F3) with its own identity, and
 * Search's indexer reads that storage (F4). Every flow is granted, so before the
 * retirement (audit with `today: BEFORE_OYD_RETIREMENT`) it passes every rule, with
 * AZ-OYD-001 warning of the coming retirement; on and after it, AZ-OYD-001 fails it.
 * Its chat deployment stays today's model, so the lifecycle rules stay out of its tests.
 */
export function onYourDataPlatform(): TfJson {
  const s = keylessPlatform();
  const app = get(s, WEB);
  app.app_settings = {
    AZURE_OPENAI_RESOURCE: ref(OPENAI, "name"),
    AZURE_OPENAI_ENDPOINT: `https://${ref(OPENAI, "custom_subdomain_name")}.openai.azure.com/`,
    AZURE_OPENAI_MODEL: ref(CHAT_DEPLOYMENT, "name"),
    DATASOURCE_TYPE: "AzureCognitiveSearch",
    AZURE_SEARCH_SERVICE: ref(SEARCH, "name"),
    AZURE_SEARCH_INDEX: "docs",
    CONTOSO_API_KEY: `@Microsoft.KeyVault(SecretUri=${ref("azurerm_key_vault_secret.contoso", "versionless_id")})`,
  };
  for (const name of ["web_search_reader", "web_storage_reader", "search_openai_user"]) remove(s, `azurerm_role_assignment.${name}`);
  remove(s, EMBEDDING_DEPLOYMENT);
  grant(s, "openai_search_reader", Roles.SearchIndexDataReader, systemIdentity(OPENAI), ref(SEARCH));
  grant(s, "openai_search_contributor", Roles.SearchServiceContributor, systemIdentity(OPENAI), ref(SEARCH));
  grant(s, "openai_storage", Roles.StorageBlobDataContributor, systemIdentity(OPENAI), ref(STORAGE));
  return s;
}

/**
 * The field report: a hand-made OpenAI account with no identity block, and a web app
 * that points On Your Data at Search with no search key.
 */
export function rawOnYourDataWithoutIdentity(): TfJson {
  const s = emptyStack();
  put(s, "azurerm_cognitive_account.handmade", {
    name: "oai-handmade",
    kind: "OpenAI",
    sku_name: "S0",
    custom_subdomain_name: "oai-handmade",
    location: "eastus2",
    resource_group_name: "rg-handmade",
  });
  put(s, "azurerm_search_service.handmade", {
    name: "srch-handmade",
    sku: "standard",
    location: "eastus2",
    resource_group_name: "rg-handmade",
    local_authentication_enabled: false,
  });
  put(s, "azurerm_linux_web_app.handmade", {
    name: "app-handmade",
    location: "eastus2",
    resource_group_name: "rg-handmade",
    service_plan_id: "/subscriptions/0000/resourceGroups/rg-handmade/providers/Microsoft.Web/serverFarms/asp",
    https_only: true,
    // Declared open (AZ-APP-007): this report is about identities, not sign-in.
    tags: { "app-access": "open" },
    identity: { type: "SystemAssigned" },
    site_config: {},
    app_settings: {
      AZURE_OPENAI_ENDPOINT: "https://oai-handmade.openai.azure.com/",
      DATASOURCE_TYPE: "AzureCognitiveSearch",
      AZURE_SEARCH_SERVICE: "srch-handmade",
      AZURE_SEARCH_INDEX: "docs",
    },
  });
  return s;
}
