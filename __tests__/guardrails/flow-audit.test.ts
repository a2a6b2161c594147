import { readFileSync } from "fs";
import { join } from "path";
import { Roles } from "../../catalogue/roles";
import { audit } from "../../guardrails/audit";
import { inferFlows } from "../../guardrails/flow-inference";
import { StackModel } from "../../guardrails/model";
import {
  DEPLOYER,
  OPENAI,
  SEARCH,
  STORAGE,
  TfJson,
  VAULT,
  WEB,
  get,
  grant,
  keylessPlatform,
  rawOnYourDataWithoutIdentity,
  ref,
  remove,
  settings,
  systemIdentity,
} from "../../testing/guardrail-fixtures";

const flowFindings = (stack: unknown) => audit(stack).findings.filter((f) => f.ruleId === "AZ-FLOW-001");

function platform(change: (s: TfJson) => void): TfJson {
  const s = keylessPlatform();
  change(s);
  return s;
}

describe("AZ-FLOW-001 flow audit", () => {
  it("fails on a hand-made OpenAI account without identity that a web app points On Your Data at", () => {
    const [f2] = flowFindings(rawOnYourDataWithoutIdentity()).filter((f) => f.message.startsWith("F2"));
    expect(f2).toMatchObject({ severity: "error", address: "azurerm_cognitive_account.handmade" });
    expect(f2.message).toContain("ManagedIdentityIsNotEnabled");
    expect(f2.message).toContain('sets DATASOURCE_TYPE = "AzureCognitiveSearch" without a search key');
    expect(f2.message).toContain('holds no "Search Index Data Reader" and no "Search Service Contributor" on azurerm_search_service.handmade');
    expect(f2.fix).toContain('add identity { type = "SystemAssigned" } to azurerm_cognitive_account.handmade');
  });

  it("catches the same account in `terraform show -json` plan output, through a module", () => {
    const plan = JSON.parse(readFileSync(join(__dirname, "fixtures", "raw-openai-no-identity.plan.json"), "utf8"));
    const found = flowFindings(plan);
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/^F2 .*azurerm_cognitive_account\.oai has no identity block: no system-assigned identity \(ManagedIdentityIsNotEnabled\)/);
    // F1 is authorized by a role assignment whose principal and scope are known only from configuration references.
    const f1 = audit(plan).flows.find((c) => c.implied.flow.id === "F1");
    expect(f1?.missingRoles).toEqual([]);
  });

  it("infers F1 from a literal endpoint that matches the account's subdomain", () => {
    const flows = inferFlows(StackModel.from(rawOnYourDataWithoutIdentity()));
    expect(flows.map((f) => `${f.flow.id} ${f.caller?.address} -> ${f.target?.address}`)).toEqual([
      "F1 azurerm_linux_web_app.handmade -> azurerm_cognitive_account.handmade",
      "F2 azurerm_cognitive_account.handmade -> azurerm_search_service.handmade",
    ]);
  });

  it("fails when the web app lacks Cognitive Services OpenAI User", () => {
    const [f] = flowFindings(platform((s) => remove(s, "azurerm_role_assignment.web_openai_user")));
    expect(f.address).toBe(WEB);
    expect(f.message).toContain(`holds no "Cognitive Services OpenAI User" on ${OPENAI}`);
    expect(f.message).toContain("401 PermissionDenied");
    expect(f.fix).toContain(`to ${WEB}.identity[0].principal_id with scope ${OPENAI}.id`);
  });

  it("accepts OpenAI Contributor where OpenAI User is required (it includes inference)", () => {
    const s = platform((x) => grant(x, "web_openai_user", Roles.CognitiveServicesOpenAIContributor, systemIdentity(WEB), ref(OPENAI)));
    expect(flowFindings(s)).toEqual([]);
  });

  it("fails when On Your Data's search hop is granted to a user-assigned identity only", () => {
    const s = platform((x) => {
      get(x, OPENAI).identity = { type: "UserAssigned", identity_ids: [ref("azurerm_user_assigned_identity.oai")] };
      grant(x, "openai_search_reader", Roles.SearchIndexDataReader, ref("azurerm_user_assigned_identity.oai", "principal_id"), ref(SEARCH));
    });
    const f2 = flowFindings(s).find((f) => f.message.startsWith("F2"));
    expect(f2?.message).toContain('identity.type = "UserAssigned": no system-assigned identity (ManagedIdentityIsNotEnabled)');
  });

  it("infers F8 when the app queries search itself and fails without Search Index Data Reader", () => {
    // DATASOURCE_TYPE set to anything but AzureCognitiveSearch turns On Your Data off in the sample app.
    const s = platform((x) => (settings(x).DATASOURCE_TYPE = "None"));
    const [f] = flowFindings(s).filter((x) => x.message.startsWith("F8"));
    expect(f.message).toContain(`holds no "Search Index Data Reader" on ${SEARCH}`);
  });

  it("infers F11 from a storage endpoint setting", () => {
    const s = platform((x) => (settings(x).AZURE_STORAGE_BLOB_ENDPOINT = ref(STORAGE, "primary_blob_endpoint")));
    expect(flowFindings(s).map((f) => f.message.slice(0, 3))).toEqual(["F11"]);
  });

  it("resolves a Key Vault reference to its vault for F7 and accepts a role on the secret", () => {
    expect(flowFindings(keylessPlatform())).toEqual([]);
    const [f] = flowFindings(platform((s) => remove(s, "azurerm_role_assignment.web_kv_secrets")));
    expect(f.message).toContain(`F7 (web app resolves Key Vault references) is implied because ${WEB} app setting CONTOSO_API_KEY is a Key Vault reference`);
  });

  it("requires the deployer to hold Crypto Officer before creating keys (F9)", () => {
    const [f] = flowFindings(platform((s) => remove(s, "azurerm_role_assignment.deployer_crypto")));
    expect(f.address).toBe("data.azurerm_client_config.current");
    expect(f.message).toContain(`the deployer (data.azurerm_client_config.current.object_id) holds no "Key Vault Crypto Officer" on ${VAULT}`);
    expect(f.message).toContain("403 ForbiddenByRbac");
  });

  it("takes a role at the resource group as authorizing, so only AZ-RBAC-001 warns", () => {
    const s = platform((x) => grant(x, "deployer_crypto", Roles.KeyVaultCryptoOfficer, DEPLOYER, ref("azurerm_resource_group.rg")));
    const result = audit(s);
    expect(result.findings.map((f) => f.ruleId)).toEqual(["AZ-RBAC-001"]);
    expect(result.flows.find((c) => c.implied.flow.id === "F9")?.broadRoles).toEqual([Roles.KeyVaultCryptoOfficer]);
  });

  it("treats an existing role assignment as evidence of F5 and checks the search identity", () => {
    const s = platform((x) => {
      delete get(x, SEARCH).identity;
      grant(x, "search_openai", Roles.CognitiveServicesOpenAIContributor, systemIdentity(SEARCH), ref(OPENAI));
    });
    const messages = flowFindings(s).map((f) => f.message);
    expect(messages.some((m) => m.startsWith("F5 ") && m.includes(`${SEARCH} (dev/platform/search/service) has no identity block`))).toBe(true);
  });
});
