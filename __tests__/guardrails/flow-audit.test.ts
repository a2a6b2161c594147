import { readFileSync } from "fs";
import { join } from "path";
import { Roles } from "../../catalogue/roles";
import { audit } from "../../guardrails/audit";
import { inferFlows } from "../../guardrails/flow-inference";
import { StackModel } from "../../guardrails/model";
import {
  BEFORE_OYD_RETIREMENT,
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
  onYourDataPlatform,
  rawOnYourDataWithoutIdentity,
  ref,
  remove,
  settings,
  systemIdentity,
} from "../../testing/guardrail-fixtures";

/** AZ-FLOW-001 findings, judged on the tests' today (2026-12-06) unless `today` is given. */
const flowFindings = (stack: unknown, today?: string) => audit(stack, { today }).findings.filter((f) => f.ruleId === "AZ-FLOW-001");
const PLAN = join(__dirname, "fixtures", "raw-openai-no-identity.plan.json");

function platform(change: (s: TfJson) => void, base: () => TfJson = keylessPlatform): TfJson {
  const s = base();
  change(s);
  return s;
}

describe("AZ-FLOW-001 flow audit", () => {
  it("fails on a hand-made OpenAI account without identity that a web app points On Your Data at (before the retirement)", () => {
    const [f2] = flowFindings(rawOnYourDataWithoutIdentity(), BEFORE_OYD_RETIREMENT).filter((f) => f.message.startsWith("F2"));
    expect(f2).toMatchObject({ severity: "error", address: "azurerm_cognitive_account.handmade" });
    expect(f2.message).toContain("ManagedIdentityIsNotEnabled");
    expect(f2.message).toContain('sets DATASOURCE_TYPE = "AzureCognitiveSearch" without a search key');
    expect(f2.message).toContain('holds no "Search Index Data Reader" and no "Search Service Contributor" on azurerm_search_service.handmade');
    expect(f2.fix).toContain('add identity { type = "SystemAssigned" } to azurerm_cognitive_account.handmade');
  });

  it("demands no F2 of the same account once On Your Data is retired: the call no longer happens", () => {
    const found = flowFindings(rawOnYourDataWithoutIdentity());
    expect(found.map((f) => f.message.slice(0, 3))).toEqual(["F1 "]);
    expect(found.some((f) => f.message.includes("ManagedIdentityIsNotEnabled"))).toBe(false);
  });

  it("catches the same account in `terraform show -json` plan output, through a module (before the retirement)", () => {
    const plan = JSON.parse(readFileSync(PLAN, "utf8"));
    const found = flowFindings(plan, BEFORE_OYD_RETIREMENT);
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/^F2 .*azurerm_cognitive_account\.oai has no identity block: no system-assigned identity \(ManagedIdentityIsNotEnabled\)/);
    // F1 is authorized by a role assignment whose principal and scope are known only from configuration references.
    const f1 = audit(plan, { today: BEFORE_OYD_RETIREMENT }).flows.find((c) => c.implied.flow.id === "F1");
    expect(f1?.missingRoles).toEqual([]);
    // After the retirement: no flow finding; the plan fails on the retirement instead (on-your-data.test.ts).
    expect(flowFindings(plan)).toEqual([]);
    expect(audit(plan).findings.map((f) => [f.ruleId, f.severity, f.address])).toEqual([["AZ-OYD-001", "error", "module.web.azurerm_linux_web_app.app"]]);
  });

  it("infers F1 from a literal endpoint that matches the account's subdomain, and F2 only before the retirement", () => {
    const inferred = (today: string) =>
      inferFlows(StackModel.from(rawOnYourDataWithoutIdentity(), undefined, undefined, undefined, { today })).map(
        (f) => `${f.flow.id} ${f.caller?.address} -> ${f.target?.address}`,
      );
    expect(inferred(BEFORE_OYD_RETIREMENT)).toEqual([
      "F1 azurerm_linux_web_app.handmade -> azurerm_cognitive_account.handmade",
      "F2 azurerm_cognitive_account.handmade -> azurerm_search_service.handmade",
    ]);
    expect(inferred("2026-10-13")).toContain("F2 azurerm_cognitive_account.handmade -> azurerm_search_service.handmade");
    expect(inferred("2026-10-14")).toEqual(["F1 azurerm_linux_web_app.handmade -> azurerm_cognitive_account.handmade"]);
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

  it("fails when On Your Data's search hop is granted to a user-assigned identity only (before the retirement)", () => {
    const s = platform((x) => {
      get(x, OPENAI).identity = { type: "UserAssigned", identity_ids: [ref("azurerm_user_assigned_identity.oai")] };
      grant(x, "openai_search_reader", Roles.SearchIndexDataReader, ref("azurerm_user_assigned_identity.oai", "principal_id"), ref(SEARCH));
    }, onYourDataPlatform);
    const f2 = flowFindings(s, BEFORE_OYD_RETIREMENT).find((f) => f.message.startsWith("F2"));
    expect(f2?.message).toContain('identity.type = "UserAssigned": no system-assigned identity (ManagedIdentityIsNotEnabled)');
  });

  it("judges the On Your Data platform's other flows after the retirement: F1 still fails without its role", () => {
    const s = platform((x) => remove(x, "azurerm_role_assignment.web_openai_user"), onYourDataPlatform);
    const found = flowFindings(s);
    expect(found.map((f) => f.message.slice(0, 3))).toEqual(["F1 "]);
    expect(found[0].message).toContain(`holds no "Cognitive Services OpenAI User" on ${OPENAI}`);
  });

  it("fails F8 when the app queries search itself without Search Index Data Reader", () => {
    // DATASOURCE_TYPE set to anything but AzureCognitiveSearch says the app is not On Your Data.
    const s = platform((x) => {
      remove(x, "azurerm_role_assignment.web_search_reader");
      settings(x).DATASOURCE_TYPE = "None";
    });
    const found = flowFindings(s);
    expect(found.map((f) => f.message.slice(0, 3))).toEqual(["F8 "]);
    expect(found[0].message).toContain(`holds no "Search Index Data Reader" on ${SEARCH}`);
    expect(found[0].message).toContain("\"Operation returned an invalid status 'Forbidden'\"");
  });

  it("infers F11 from a storage endpoint setting and fails without Storage Blob Data Reader", () => {
    const s = platform((x) => {
      delete settings(x).AZURE_STORAGE_ACCOUNT;
      remove(x, "azurerm_role_assignment.web_storage_reader");
    });
    expect(audit(s).flows.some((c) => c.implied.flow.id === "F11")).toBe(false);
    settings(s).AZURE_STORAGE_BLOB_ENDPOINT = ref(STORAGE, "primary_blob_endpoint");
    const found = flowFindings(s);
    expect(found.map((f) => f.message.slice(0, 3))).toEqual(["F11"]);
    expect(found[0].message).toContain(`holds no "Storage Blob Data Reader" on ${STORAGE}`);
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
    const s = platform((x) => delete get(x, SEARCH).identity);
    const messages = flowFindings(s).map((f) => f.message);
    expect(messages.some((m) => m.startsWith("F5 ") && m.includes(`${SEARCH} (dev/platform/search/service) has no identity block`))).toBe(true);
  });

  it("requires Cognitive Services OpenAI User for F5, which OpenAI Contributor includes", () => {
    const f5 = audit(keylessPlatform()).flows.find((c) => c.implied.flow.id === "F5");
    expect(f5?.implied.roles).toEqual([Roles.CognitiveServicesOpenAIUser]);
    const contributor = platform((x) => grant(x, "search_openai_user", Roles.CognitiveServicesOpenAIContributor, systemIdentity(SEARCH), ref(OPENAI)));
    expect(audit(contributor).flows.find((c) => c.implied.flow.id === "F5")?.missingRoles).toEqual([]);
    expect(flowFindings(contributor)).toEqual([]);
  });
});
