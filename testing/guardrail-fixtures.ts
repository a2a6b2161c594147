/**
 * Builders for small cdk.tf.json documents. `keylessPlatform()` is the reference stack
 * that passes every rule; each test breaks exactly one thing in a copy of it.
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

/**
 * The keyless chat platform as the constructs produce it: On Your Data with keyless
 * search, a customer-managed key, one Key Vault reference, every flow granted.
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
        AZURE_OPENAI_RESOURCE: ref(OPENAI, "name"),
        AZURE_OPENAI_ENDPOINT: `https://${ref(OPENAI, "custom_subdomain_name")}.openai.azure.com/`,
        AZURE_OPENAI_MODEL: "gpt-4o",
        DATASOURCE_TYPE: "AzureCognitiveSearch",
        AZURE_SEARCH_SERVICE: ref(SEARCH, "name"),
        AZURE_SEARCH_INDEX: "docs",
        CONTOSO_API_KEY: `@Microsoft.KeyVault(SecretUri=${ref("azurerm_key_vault_secret.contoso", "versionless_id")})`,
      },
    },
    "dev/platform/web/app",
  );
  put(s, "azurerm_service_plan.plan", { name: "asp-chat", os_type: "Linux", sku_name: "P0v3" });

  grant(s, "web_openai_user", Roles.CognitiveServicesOpenAIUser, systemIdentity(WEB), ref(OPENAI));
  grant(s, "openai_search_reader", Roles.SearchIndexDataReader, systemIdentity(OPENAI), ref(SEARCH));
  grant(s, "openai_search_contributor", Roles.SearchServiceContributor, systemIdentity(OPENAI), ref(SEARCH));
  grant(s, "openai_storage", Roles.StorageBlobDataContributor, systemIdentity(OPENAI), ref(STORAGE));
  grant(s, "search_storage", Roles.StorageBlobDataReader, systemIdentity(SEARCH), ref(STORAGE));
  grant(s, "web_kv_secrets", Roles.KeyVaultSecretsUser, systemIdentity(WEB), ref("azurerm_key_vault_secret.contoso", "resource_versionless_id"));
  grant(s, "openai_kv_crypto", Roles.KeyVaultCryptoServiceEncryptionUser, systemIdentity(OPENAI), ref("azurerm_key_vault_key.cmk", "resource_versionless_id"));
  grant(s, "deployer_crypto", Roles.KeyVaultCryptoOfficer, DEPLOYER, ref(VAULT));
  grant(s, "deployer_secrets", Roles.KeyVaultSecretsOfficer, DEPLOYER, ref(VAULT));
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
