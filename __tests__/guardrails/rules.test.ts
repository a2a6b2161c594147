import { Roles } from "../../catalogue/roles";
import { audit } from "../../guardrails/audit";
import { Finding } from "../../guardrails/rule";
import {
  BEFORE_OYD_RETIREMENT,
  CMK,
  OPENAI,
  SEARCH,
  STORAGE,
  TfJson,
  VAULT,
  WEB,
  get,
  grant,
  keylessPlatform,
  onYourDataPlatform,
  put,
  ref,
  remove,
  settings,
  systemIdentity,
} from "../../testing/guardrail-fixtures";

/** Findings of one rule on a stack, judged on the tests' today (2026-12-06) unless `today` is given. */
function findings(stack: TfJson, ruleId: string, today?: string): Finding[] {
  return audit(stack, { today }).findings.filter((f) => f.ruleId === ruleId);
}

function platform(change: (s: TfJson) => void, base: () => TfJson = keylessPlatform): TfJson {
  const s = base();
  change(s);
  return s;
}

describe("the reference keyless platform", () => {
  it("passes every rule: app-side retrieval, no On Your Data", () => {
    const result = audit(keylessPlatform());
    expect(result.findings).toEqual([]);
    expect(result.errors).toBe(0);
    expect(result.flows.map((f) => f.implied.flow.id).sort()).toEqual(["F1", "F11", "F4", "F5", "F6", "F7", "F8", "F9"]);
    expect(result.flows.every((f) => f.missingRoles.length === 0 && f.identityProblem === undefined)).toBe(true);
  });

  it("passed before On Your Data retired too, and the On Your Data platform passed then with only the retirement warning", () => {
    expect(audit(keylessPlatform(), { today: BEFORE_OYD_RETIREMENT }).findings).toEqual([]);
    const before = audit(onYourDataPlatform(), { today: BEFORE_OYD_RETIREMENT });
    expect(before.findings.map((f) => [f.ruleId, f.severity])).toEqual([["AZ-OYD-001", "warning"]]);
    expect(before.flows.map((f) => f.implied.flow.id).sort()).toEqual(["F1", "F2", "F3", "F4", "F6", "F7", "F9"]);
  });
});

describe("AZ-OAI-001 openai-managed-identity", () => {
  it("fails when On Your Data needs the OpenAI identity but the account has no identity block (before the retirement)", () => {
    const [f] = findings(
      platform((s) => delete get(s, OPENAI).identity, onYourDataPlatform),
      "AZ-OAI-001",
      BEFORE_OYD_RETIREMENT,
    );
    expect(f).toMatchObject({ severity: "error", address: OPENAI, constructPath: "dev/platform/openai/account" });
    expect(f.message).toContain("has no identity block");
    expect(f.message).toContain("ManagedIdentityIsNotEnabled");
    expect(f.message).toContain('DATASOURCE_TYPE = "AzureCognitiveSearch"');
  });

  it("fails on today's platform when the customer-managed key needs the identity, not naming On Your Data", () => {
    const [f] = findings(
      platform((s) => delete get(s, OPENAI).identity),
      "AZ-OAI-001",
    );
    expect(f.message).toContain(`F6 Azure OpenAI unwraps its customer-managed key: ${CMK} encrypts ${OPENAI}`);
    expect(f.message).not.toContain("DATASOURCE_TYPE");
  });

  it("fails when the account only has a user-assigned identity", () => {
    const s = platform((x) => (get(x, OPENAI).identity = { type: "UserAssigned", identity_ids: [ref("azurerm_user_assigned_identity.u")] }));
    expect(findings(s, "AZ-OAI-001")[0].message).toContain('identity.type = "UserAssigned"');
  });

  it("passes when nothing needs the identity", () => {
    const s = platform((x) => {
      delete get(x, OPENAI).identity;
      remove(x, "azurerm_role_assignment.openai_kv_crypto");
      remove(x, CMK);
    });
    expect(findings(s, "AZ-OAI-001")).toEqual([]);
  });
});

describe("AZ-OAI-002 openai-custom-subdomain", () => {
  it("fails when local auth is off and there is no custom subdomain", () => {
    const [f] = findings(
      platform((s) => delete get(s, OPENAI).custom_subdomain_name),
      "AZ-OAI-002",
    );
    expect(f.message).toBe(`${OPENAI} (dev/platform/openai/account) uses Entra ID authentication (local_auth_enabled = false) but custom_subdomain_name = (not set).`);
  });

  it("passes with a custom subdomain", () => {
    expect(findings(keylessPlatform(), "AZ-OAI-002")).toEqual([]);
  });
});

describe("AZ-SRCH-001 search-free-tier-identity", () => {
  it("fails when search is free tier and its indexer needs its identity", () => {
    const [f] = findings(
      platform((s) => (get(s, SEARCH).sku = "free")),
      "AZ-SRCH-001",
    );
    expect(f.address).toBe(SEARCH);
    expect(f.message).toContain('sku = "free"');
    expect(f.message).toContain("F4 (Search indexer reads Storage) needs it");
  });

  it("passes on the free tier when nothing uses the search identity", () => {
    const s = platform((x) => {
      get(x, SEARCH).sku = "free";
      delete get(x, SEARCH).identity;
      remove(x, "azurerm_role_assignment.search_storage");
      remove(x, "azurerm_role_assignment.search_openai_user");
    });
    expect(findings(s, "AZ-SRCH-001")).toEqual([]);
  });
});

describe("AZ-SRCH-002 search-rbac-disabled", () => {
  it("fails when the app queries search keyless (F8) but search only accepts API keys", () => {
    const [f] = findings(
      platform((s) => delete get(s, SEARCH).local_authentication_enabled),
      "AZ-SRCH-002",
    );
    expect(f.message).toContain(`F8 calls it with ${WEB} (dev/platform/web/app)'s identity`);
    expect(f.message).toContain("accepts API keys only");
  });

  it("fails when On Your Data called search keyless (F2) but search only accepted API keys (before the retirement)", () => {
    const [f] = findings(
      platform((s) => delete get(s, SEARCH).local_authentication_enabled, onYourDataPlatform),
      "AZ-SRCH-002",
      BEFORE_OYD_RETIREMENT,
    );
    expect(f.message).toContain(`F2 calls it with ${OPENAI} (dev/platform/openai/account)'s identity`);
  });

  it("passes when keys and tokens are both accepted", () => {
    const s = platform((x) => {
      delete get(x, SEARCH).local_authentication_enabled;
      get(x, SEARCH).authentication_failure_mode = "http401WithBearerChallenge";
    });
    expect(findings(s, "AZ-SRCH-002")).toEqual([]);
  });
});

describe("AZ-CMK-001 cmk-vault-purge-protection", () => {
  it("fails when the customer-managed key's vault has no purge protection", () => {
    const [f] = findings(
      platform((s) => (get(s, VAULT).purge_protection_enabled = false)),
      "AZ-CMK-001",
    );
    expect(f.address).toBe(VAULT);
    expect(f.message).toContain(`holds the customer-managed key of ${CMK} but purge_protection_enabled = false`);
  });

  it("passes with purge protection", () => {
    expect(findings(keylessPlatform(), "AZ-CMK-001")).toEqual([]);
  });
});

describe("AZ-CMK-002 cmk-key-access", () => {
  it("fails when the account's identity has no Crypto Service Encryption User on the vault or key", () => {
    const [f] = findings(
      platform((s) => remove(s, "azurerm_role_assignment.openai_kv_crypto")),
      "AZ-CMK-002",
    );
    expect(f.address).toBe(CMK);
    expect(f.message).toContain(`gives ${OPENAI}'s system-assigned identity "Key Vault Crypto Service Encryption User"`);
  });

  it("passes when the role is granted on the vault instead of the key", () => {
    const s = platform((x) => grant(x, "openai_kv_crypto", Roles.KeyVaultCryptoServiceEncryptionUser, systemIdentity(OPENAI), ref(VAULT)));
    expect(findings(s, "AZ-CMK-002")).toEqual([]);
  });

  it("checks the user-assigned identity named by identity_client_id", () => {
    const s = platform((x) => (get(x, CMK).identity_client_id = ref("azurerm_user_assigned_identity.cmk", "client_id")));
    put(s, "azurerm_user_assigned_identity.cmk", { name: "id-cmk" });
    expect(findings(s, "AZ-CMK-002")[0].message).toContain("azurerm_user_assigned_identity.cmk (identity_client_id)");
  });
});

describe("AZ-CMK-003 cmk-waits-for-grant", () => {
  it("fails when the binding does not depend on the role assignment", () => {
    const [f] = findings(
      platform((s) => (get(s, CMK).depends_on = [])),
      "AZ-CMK-003",
    );
    expect(f.message).toContain("depends_on = [], which does not include azurerm_role_assignment.openai_kv_crypto");
  });

  it("passes when the binding depends on the assignment directly", () => {
    const s = platform((x) => (get(x, CMK).depends_on = ["azurerm_role_assignment.openai_kv_crypto"]));
    expect(findings(s, "AZ-CMK-003")).toEqual([]);
  });
});

describe("AZ-APP-001 keyless-app-key-settings", () => {
  it("fails on an empty AZURE_OPENAI_KEY, the worst case", () => {
    const [f] = findings(
      platform((s) => (settings(s).AZURE_OPENAI_KEY = "")),
      "AZ-APP-001",
    );
    expect(f.message).toContain('app_settings.AZURE_OPENAI_KEY = "" (empty)');
  });

  it("fails on a key for an OpenAI account whose local auth is disabled", () => {
    const s = platform((x) => (settings(x).AZURE_OPENAI_KEY = `@Microsoft.KeyVault(SecretUri=${ref("azurerm_key_vault_secret.contoso", "versionless_id")})`));
    expect(findings(s, "AZ-APP-001")[0].message).toContain(`${OPENAI} disables key auth (local_auth_enabled = false)`);
  });

  it("passes when a key comes from Key Vault and local auth is on", () => {
    const s = platform((x) => {
      get(x, OPENAI).local_auth_enabled = true;
      settings(x).AZURE_OPENAI_KEY = `@Microsoft.KeyVault(SecretUri=${ref("azurerm_key_vault_secret.contoso", "versionless_id")})`;
    });
    expect(findings(s, "AZ-APP-001")).toEqual([]);
  });
});

describe("AZ-APP-002 app-settings-literal-secret", () => {
  it("fails on a literal search key", () => {
    const [f] = findings(
      platform((s) => (settings(s).AZURE_SEARCH_KEY = "abcd1234")),
      "AZ-APP-002",
    );
    expect(f.message).toContain("app_settings.AZURE_SEARCH_KEY");
    expect(f.message).toContain("literal value for a secret-named setting");
    expect(f.message).not.toContain("abcd1234");
  });

  it("fails on a connection string with an AccountKey, whatever the name", () => {
    const s = platform((x) => (settings(x).DOCS = "DefaultEndpointsProtocol=https;AccountName=stchatdocs;AccountKey=c2VjcmV0;"));
    expect(findings(s, "AZ-APP-002")[0].message).toContain("embeds a credential");
  });

  it("fails on a reference to a storage key copied into a setting", () => {
    const s = platform((x) => (settings(x).STORAGE_CONN = ref(STORAGE, "primary_connection_string")));
    expect(findings(s, "AZ-APP-002")[0].message).toContain(`\${${STORAGE}.primary_connection_string}: a credential copied into a plain setting`);
  });

  it("passes on Key Vault references and non-secret values", () => {
    const s = platform((x) => (settings(x).AZURE_KEY_VAULT_NAME = "kv-chat"));
    expect(findings(s, "AZ-APP-002")).toEqual([]);
  });

  it("passes on an Application Insights connection string, which Microsoft says is not a secret", () => {
    const s = platform((x) => {
      put(x, "azurerm_application_insights.appi", { name: "appi-chat" });
      settings(x).APPLICATIONINSIGHTS_CONNECTION_STRING = ref("azurerm_application_insights.appi", "connection_string");
    });
    expect(findings(s, "AZ-APP-002")).toEqual([]);
  });

  it("still fails on an Application Insights instrumentation key under a key name", () => {
    const s = platform((x) => {
      put(x, "azurerm_application_insights.appi", { name: "appi-chat" });
      settings(x).APPINSIGHTS_KEY = "0123456789abcdef0123456789abcdef";
    });
    expect(findings(s, "AZ-APP-002")).toHaveLength(1);
  });
});

describe("AZ-APP-003 uami-client-id", () => {
  const withUami = (x: TfJson) => {
    put(x, "azurerm_user_assigned_identity.app", { name: "id-app" });
    get(x, WEB).identity = { type: "UserAssigned", identity_ids: [ref("azurerm_user_assigned_identity.app")] };
    get(x, WEB).key_vault_reference_identity_id = ref("azurerm_user_assigned_identity.app");
  };

  it("fails when the web app has a user-assigned identity and no AZURE_CLIENT_ID", () => {
    const [f] = findings(platform(withUami), "AZ-APP-003");
    expect(f.message).toBe(`${WEB} (dev/platform/web/app) has identity.identity_ids set (UserAssigned) but app_settings.AZURE_CLIENT_ID is not set.`);
  });

  it("passes when AZURE_CLIENT_ID names the attached identity", () => {
    const s = platform((x) => {
      withUami(x);
      settings(x).AZURE_CLIENT_ID = ref("azurerm_user_assigned_identity.app", "client_id");
    });
    expect(findings(s, "AZ-APP-003")).toEqual([]);
  });
});

describe("AZ-APP-004 web-app-transport", () => {
  it("fails without https_only", () => {
    const [f] = findings(
      platform((s) => delete get(s, WEB).https_only),
      "AZ-APP-004",
    );
    expect(f.message).toContain("https_only = (not set)");
  });

  it("fails on TLS 1.0 and warns on FtpsOnly", () => {
    const found = findings(
      platform((s) => (get(s, WEB).site_config = { minimum_tls_version: "1.0", ftps_state: "FtpsOnly" })),
      "AZ-APP-004",
    );
    expect(found.map((f) => [f.severity, f.message.split(": ")[1]])).toEqual([
      ["error", 'site_config.minimum_tls_version = "1.0".'],
      ["warning", 'site_config.ftps_state = "FtpsOnly"; FTPS is still a credential-based deployment path.'],
    ]);
  });

  it("passes with HTTPS only, TLS 1.2 and FTP disabled", () => {
    expect(findings(keylessPlatform(), "AZ-APP-004")).toEqual([]);
  });
});

describe("AZ-APP-005 key-vault-reference-identity", () => {
  it("fails when only a user-assigned identity exists and key_vault_reference_identity_id is not set", () => {
    const s = platform((x) => {
      put(x, "azurerm_user_assigned_identity.app", { name: "id-app" });
      get(x, WEB).identity = { type: "UserAssigned", identity_ids: [ref("azurerm_user_assigned_identity.app")] };
    });
    expect(findings(s, "AZ-APP-005")[0].message).toContain("app_settings CONTOSO_API_KEY are Key Vault references, but key_vault_reference_identity_id is not set");
  });

  it("passes with the system-assigned identity", () => {
    expect(findings(keylessPlatform(), "AZ-APP-005")).toEqual([]);
  });
});

describe("AZ-RBAC-001 broad-role-scope", () => {
  it("warns on a role at resource-group scope", () => {
    const s = platform((x) => grant(x, "web_openai_user", Roles.CognitiveServicesOpenAIUser, systemIdentity(WEB), ref("azurerm_resource_group.rg")));
    const [f] = findings(s, "AZ-RBAC-001");
    expect(f.severity).toBe("warning");
    expect(f.message).toContain('assigns "Cognitive Services OpenAI User" at a resource group');
  });

  it("warns on a literal subscription scope", () => {
    const s = platform((x) => grant(x, "broad", Roles.StorageBlobDataReader, systemIdentity(WEB), "/subscriptions/00000000-0000-0000-0000-000000000000"));
    expect(findings(s, "AZ-RBAC-001")[0].message).toContain("at a subscription");
  });

  it("passes on resource scopes", () => {
    expect(findings(keylessPlatform(), "AZ-RBAC-001")).toEqual([]);
  });
});

describe("AZ-RBAC-002 cognitive-contributor-inference", () => {
  it("fails when the web app is given Cognitive Services Contributor by name", () => {
    const s = platform((x) =>
      put(x, "azurerm_role_assignment.web_contrib", { role_definition_name: "Cognitive Services Contributor", principal_id: systemIdentity(WEB), scope: ref(OPENAI) }),
    );
    const [f] = findings(s, "AZ-RBAC-002");
    expect(f.message).toContain(`its principal is ${WEB}'s identity; that role cannot run inference`);
  });

  it("passes for a human operator on an account no app calls", () => {
    const s = platform((x) => {
      put(x, "azurerm_cognitive_account.other", { name: "oai-other", kind: "OpenAI" });
      grant(x, "ops", Roles.CognitiveServicesContributor, "11111111-1111-1111-1111-111111111111", ref("azurerm_cognitive_account.other"));
    });
    expect(findings(s, "AZ-RBAC-002")).toEqual([]);
  });
});

describe("AZ-ST-001 storage-shared-key", () => {
  it("fails when shared keys are enabled but nothing uses them", () => {
    const [f] = findings(
      platform((s) => delete get(s, STORAGE).shared_access_key_enabled),
      "AZ-ST-001",
    );
    expect(f.message).toContain("shared_access_key_enabled = (not set) (default true), but nothing in the stack uses its keys");
  });

  it("passes when the stack stores the account key in Key Vault", () => {
    const s = platform((x) => {
      get(x, STORAGE).shared_access_key_enabled = true;
      put(x, "azurerm_key_vault_secret.storage", { name: "storage-key", key_vault_id: ref(VAULT), value: ref(STORAGE, "primary_access_key") });
    });
    expect(findings(s, "AZ-ST-001")).toEqual([]);
  });
});

describe("AZ-ST-002 storage-public-access", () => {
  it("fails when nested items may be public", () => {
    const [f] = findings(
      platform((s) => delete get(s, STORAGE).allow_nested_items_to_be_public),
      "AZ-ST-002",
    );
    expect(f.message).toContain("allow_nested_items_to_be_public = (not set) (default true)");
  });

  it("passes when public access is off", () => {
    expect(findings(keylessPlatform(), "AZ-ST-002")).toEqual([]);
  });
});

describe("AZ-KV-001 key-vault-rbac", () => {
  it("fails on an access-policy vault", () => {
    const [f] = findings(
      platform((s) => delete get(s, VAULT).rbac_authorization_enabled),
      "AZ-KV-001",
    );
    expect(f.message).toContain("rbac_authorization_enabled = (not set); the vault uses access policies");
  });

  it("accepts the legacy enable_rbac_authorization", () => {
    const s = platform((x) => {
      delete get(x, VAULT).rbac_authorization_enabled;
      get(x, VAULT).enable_rbac_authorization = true;
    });
    expect(findings(s, "AZ-KV-001")).toEqual([]);
  });
});

describe("AZ-KV-002 key-vault-purge-protection", () => {
  it("warns on a vault without purge protection that holds no customer-managed key", () => {
    const s = platform((x) => put(x, "azurerm_key_vault.app", { name: "kv-app", rbac_authorization_enabled: true }));
    const [f] = findings(s, "AZ-KV-002");
    expect(f).toMatchObject({ severity: "warning", address: "azurerm_key_vault.app" });
  });

  it("leaves the CMK vault to AZ-CMK-001", () => {
    expect(
      findings(
        platform((s) => (get(s, VAULT).purge_protection_enabled = false)),
        "AZ-KV-002",
      ),
    ).toEqual([]);
  });
});
