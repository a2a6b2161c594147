import { Testing } from "cdktf";
import { ChatStack } from "../../app/chat-stack";
import type { ChatPlatformProps } from "../../constructs/chat-platform";
import { audit } from "../../guardrails/audit";
import type { Finding } from "../../guardrails/rule";
import { BEFORE_OYD_RETIREMENT } from "../../testing/guardrail-fixtures";
import type { TfJson } from "../../testing/helpers";

/**
 * The network rules catch each misconfiguration of the fact sheet's audit checklist
 * (docs/network.md section 7) with its runtime symptom. Each case starts from a
 * private platform that passes, breaks one thing in its Terraform JSON (as a user's
 * raw resources or hand edits would) and expects the finding.
 */

const SIGN_IN = { clientId: "11111111-1111-1111-1111-111111111111", clientSecretName: "auth-client-secret", clientSecretExpiresOn: "2027-06-30" };

/** A private platform as the ready app builds it (ChatStack: provider features included). */
function privateStack(platform: Omit<ChatPlatformProps, "environment">): TfJson {
  const stack = new ChatStack(Testing.app(), "dev", { platform: { environment: "dev", ...platform, network: { mode: "private", ...platform.network } }, observability: false });
  return JSON.parse(Testing.synth(stack, true));
}

// F1, F5 (Search vectorizes), F7 (sign-in secret), F8 and F11 (app-side retrieval: the defaults).
const privateJson = privateStack({ features: { integratedVectorization: true }, webApp: { signIn: SIGN_IN } });
const keysJson = privateStack({ authMode: "keys", profile: "openai", network: { deployer: { ipRanges: ["203.0.113.10"] } } });

/** The single resource of `type` in a deep copy of `json`, for `edit` to change. */
function broken(json: TfJson, edit: (one: (type: string, match?: (r: Record<string, any>) => boolean) => Record<string, any>, json: TfJson) => void): TfJson {
  const copy: TfJson = JSON.parse(JSON.stringify(json));
  const one = (type: string, match: (r: Record<string, any>) => boolean = () => true) => {
    const found = Object.values(copy.resource[type] ?? {}).filter(match);
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return found[0];
  };
  edit(one, copy);
  return copy;
}

function findings(json: TfJson, ruleId: string, today?: string): Finding[] {
  return audit(json, { today }).findings.filter((f) => f.ruleId === ruleId);
}

/**
 * Private On Your Data as other people's Terraform wrote it (the platform refuses it: the
 * Search path F2 is contested, docs/network.md): the private platform with the sample
 * app's switch, Azure OpenAI's grants on Search (F2) and Storage (F3), Search's indexer
 * grant (F4) and the trusted-service paths they documented. Judged before the retirement.
 */
const oydJson = broken(privateJson, (one, j) => {
  const [openai, search, storage] = ["azurerm_cognitive_account", "azurerm_search_service", "azurerm_storage_account"].map((t) => `${t}.${Object.keys(j.resource[t])[0]}`);
  one("azurerm_search_service").network_rule_bypass_option = "AzureServices";
  Object.assign(one("azurerm_storage_account").network_rules, { bypass: ["AzureServices"] });
  one("azurerm_linux_web_app").app_settings.DATASOURCE_TYPE = "AzureCognitiveSearch";
  const grants: [string, string, string, string][] = [
    ["oyd_search_reader", "Search Index Data Reader", openai, search],
    ["oyd_search_contributor", "Search Service Contributor", openai, search],
    ["oyd_storage", "Storage Blob Data Contributor", openai, storage],
    ["oyd_indexer", "Storage Blob Data Reader", search, storage],
  ];
  for (const [name, role, principal, scope] of grants)
    j.resource.azurerm_role_assignment[name] = { role_definition_name: role, principal_id: `\${${principal}.identity[0].principal_id}`, scope: `\${${scope}.id}` };
});

const endpointFor = (sub: string) => (r: Record<string, any>) => r.private_service_connection.subresource_names[0] === sub;

describe("the network audit of a private platform", () => {
  it("passes the platform as built: every implied flow reachable, no network finding", () => {
    const result = audit(privateJson);
    expect(result.findings.filter((f) => f.ruleId.startsWith("AZ-NET"))).toEqual([]);
    expect(result.errors).toBe(0);
    expect(result.flows.map((f) => f.implied.flow.id).sort()).toEqual(["F1", "F11", "F5", "F7", "F8"]);
    expect(audit(keysJson).findings.filter((f) => f.ruleId.startsWith("AZ-NET"))).toEqual([]);
  });

  it("passed private On Your Data with its trusted-service paths before the retirement; after it, only AZ-OYD-001 fails it", () => {
    const before = audit(oydJson, { today: BEFORE_OYD_RETIREMENT });
    // The sample app's switch: Azure OpenAI queries Search (F2), not the app (no F8).
    expect(before.flows.map((f) => f.implied.flow.id).sort()).toEqual(["F1", "F11", "F2", "F3", "F4", "F5", "F7"]);
    expect(before.findings.map((f) => [f.ruleId, f.severity])).toEqual([["AZ-OYD-001", "warning"]]);
    expect(audit(oydJson).findings.map((f) => [f.ruleId, f.severity])).toEqual([["AZ-OYD-001", "error"]]);
  });

  it("F1: the OpenAI zone not linked to the app's VNet -> 403 Public access is disabled", () => {
    const json = broken(
      privateJson,
      (one) => delete one("azurerm_private_dns_zone_virtual_network_link", (l) => l.private_dns_zone_name.includes("openai-azure-com")).virtual_network_id,
    );
    const [f] = findings(json, "AZ-NET-001");
    expect(f.message).toMatch(
      /^F1 \(web app calls Azure OpenAI\).*the private DNS zone privatelink\.openai\.azure\.com is not linked to azurerm_virtual_network\.\w+.*Symptom at runtime: 403 "Public access is disabled\. Please configure private endpoint\."/,
    );
  });

  it("F1: the OpenAI private endpoint without a zone group -> the host resolves publicly", () => {
    const json = broken(privateJson, (one) => delete one("azurerm_private_endpoint", endpointFor("account")).private_dns_zone_group);
    expect(findings(json, "AZ-NET-001").map((f) => f.message)).toEqual([
      expect.stringMatching(/^F1 .*has privatelink\.openai\.azure\.com in its private_dns_zone_group.*Public access is disabled/),
    ]);
  });

  it("F1, F7, F8, F11: a web app without VNet integration reaches none of its private targets", () => {
    const json = broken(privateJson, (one) => delete one("azurerm_linux_web_app").virtual_network_subnet_id);
    const messages = findings(json, "AZ-NET-001").map((f) => f.message);
    expect(messages.map((m) => m.slice(0, 3)).sort()).toEqual(["F1 ", "F11", "F7 ", "F8 "]);
    for (const m of messages) expect(m).toContain("has no regional VNet integration");
  });

  it("F2 (before the retirement): Search closed without the trusted-service bypass -> 400 Invalid AzureCognitiveSearch configuration", () => {
    const json = broken(oydJson, (one) => delete one("azurerm_search_service").network_rule_bypass_option);
    const [f] = findings(json, "AZ-NET-001", BEFORE_OYD_RETIREMENT);
    expect(f.message).toMatch(/^F2 .*missing network_rule_bypass_option = "AzureServices".*Symptom at runtime: 400 "Invalid AzureCognitiveSearch configuration detected/);
  });

  it("F2 (before the retirement): OpenAI's outbound restriction without the Search host -> not in the allowed FQDN list", () => {
    const json = broken(oydJson, (one) => Object.assign(one("azurerm_cognitive_account"), { outbound_network_access_restricted: true, fqdns: ["example.blob.core.windows.net"] }));
    expect(findings(json, "AZ-NET-001", BEFORE_OYD_RETIREMENT).map((f) => f.message)).toEqual([
      expect.stringMatching(/^F2 .*outbound_network_access_restricted = true.*lack chat-dev-srch-.+\.search\.windows\.net.*not in the allowed FQDN list/),
    ]);
  });

  it("F3, F4 (before the retirement): Storage closed without bypass or resource-instance rules -> 403 from Storage", () => {
    const json = broken(oydJson, (one) => Object.assign(one("azurerm_storage_account").network_rules, { bypass: ["None"], private_link_access: [] }));
    // After the retirement Azure OpenAI writes nothing (no F3); Search's indexer still reads (F4).
    expect(findings(json, "AZ-NET-001").map((f) => f.message.slice(0, 3))).toEqual(["F4 "]);
    const messages = findings(json, "AZ-NET-001", BEFORE_OYD_RETIREMENT).map((f) => f.message);
    expect(messages).toHaveLength(2);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^F3 .*private_link_access \{ endpoint_resource_id = azurerm_cognitive_account\.\w+\.id \}.*403 AuthorizationFailure/),
        expect.stringMatching(/^F4 .*private_link_access \{ endpoint_resource_id = azurerm_search_service\.\w+\.id \}.*\(403\) Forbidden/),
      ]),
    );
  });

  it("F5: OpenAI closed without network_acls.bypass -> 403 from the embedding deployment", () => {
    const json = broken(privateJson, (one) => (one("azurerm_cognitive_account").network_acls.bypass = "None"));
    expect(findings(json, "AZ-NET-001").map((f) => f.message)).toEqual([
      expect.stringMatching(/^F5 .*missing network_acls \{ bypass = "AzureServices" \}.*vectorization fails with 403/),
    ]);
  });

  it("F7: Key Vault references without route-all -> the literal @Microsoft.KeyVault(...) string", () => {
    const json = broken(privateJson, (one) => (one("azurerm_linux_web_app").site_config.vnet_route_all_enabled = false));
    expect(findings(json, "AZ-NET-001").map((f) => f.message)).toEqual([
      expect.stringMatching(/^F7 .*does not set site_config\.vnet_route_all_enabled = true.*literal @Microsoft\.KeyVault\(\.\.\.\) string/),
    ]);
  });

  it("F8: no private endpoint `searchService` -> 403 Forbidden with no details", () => {
    const json = broken(privateJson, (_one, j) => {
      const [name] = Object.entries(j.resource.azurerm_private_endpoint).find(([, r]) => endpointFor("searchService")(r))!;
      delete j.resource.azurerm_private_endpoint[name];
    });
    expect(findings(json, "AZ-NET-001").map((f) => f.message)).toEqual([
      expect.stringMatching(/^F8 .*has no private endpoint with subresource_names = \["searchService"\].*403 Forbidden "with no other details"/),
    ]);
  });

  it("the integration subnet not delegated, too small and shared with private endpoints -> integration fails", () => {
    const json = broken(privateJson, (one) => {
      const subnet = one("azurerm_subnet", (s) => s.name === "app-integration");
      delete subnet.delegation;
      subnet.address_prefixes = ["10.20.0.0/29"];
      one("azurerm_private_endpoint", endpointFor("account")).subnet_id =
        `\${azurerm_subnet.${Object.keys(privateJson.resource.azurerm_subnet).find((k) => k.includes("AppSubnet"))}.id}`;
    });
    const [f] = findings(json, "AZ-NET-003");
    expect(f.message).toMatch(
      /is not delegated to Microsoft\.Web\/serverFarms; has address_prefixes 10\.20\.0\.0\/29, smaller than \/28; is shared with private endpoint azurerm_private_endpoint\.[\w-]+\. Symptom: the integration fails to configure/,
    );
  });

  it("a Search shared private link -> Pending without an approval", () => {
    const json = broken(privateJson, (_one, j) => {
      j.resource.azurerm_search_shared_private_link_service = {
        spl: { name: "spl", search_service_id: "${azurerm_search_service.x.id}", subresource_name: "blob", target_resource_id: "/subscriptions/x" },
      };
    });
    expect(findings(json, "AZ-NET-004").map((f) => [f.severity, f.message])).toEqual([["warning", expect.stringContaining('subresource_name = "blob"')]]);
  });
});

describe("the deployer's data plane (AZ-NET-002)", () => {
  it("a secret in a vault closed to the deployer -> 403 ForbiddenByConnection", () => {
    const json = broken(keysJson, (one, j) => {
      Object.assign(one("azurerm_key_vault"), { public_network_access_enabled: false, network_acls: { default_action: "Deny", bypass: "None" } });
      const vaultEndpoint = Object.entries(j.resource.azurerm_private_endpoint).find(([, r]) => endpointFor("vault")(r));
      if (vaultEndpoint) delete j.resource.azurerm_private_endpoint[vaultEndpoint[0]];
    });
    const messages = findings(json, "AZ-NET-002").map((f) => f.message);
    // One finding at the vault, the root cause, naming the secret Terraform writes into it (issue 26).
    expect(messages).toEqual([
      expect.stringMatching(
        /^azurerm_key_vault\.\w+ .*has public network access disabled and has no private endpoint, but Terraform writes into it through its data plane \(azurerm_key_vault_secret\.\w+\)\. Symptom: 403 ForbiddenByConnection/,
      ),
    ]);
  });

  it("a container named by storage_account_name in a closed account -> 403 AuthorizationFailure", () => {
    const json = broken(privateJson, (one) => {
      const c = one("azurerm_storage_container");
      c.storage_account_name = c.storage_account_id.replace(/\.id\}$/, ".name}");
      delete c.storage_account_id;
    });
    expect(findings(json, "AZ-NET-002").map((f) => f.message)).toEqual([expect.stringMatching(/storage_account_name.*403 AuthorizationFailure/)]);
  });

  it("a closed storage account while the provider polls its data plane -> warning", () => {
    const json = broken(privateJson, (_one, j) => {
      (j as any).provider.azurerm[0].features = [{}];
    });
    expect(findings(json, "AZ-NET-002").map((f) => [f.severity, f.message])).toEqual([["warning", expect.stringContaining("data_plane_available = false")]]);
  });
});
