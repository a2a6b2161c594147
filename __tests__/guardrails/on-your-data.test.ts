import { Roles } from "../../catalogue/roles";
import { audit } from "../../guardrails/audit";
import { onYourDataRetiredRule } from "../../guardrails/rules/on-your-data-retired";
import {
  BEFORE_OYD_RETIREMENT,
  OPENAI,
  SEARCH,
  STORAGE,
  type TfJson,
  WEB,
  grant,
  keylessPlatform,
  onYourDataPlatform,
  rawOnYourDataWithoutIdentity,
  ref,
  remove,
  settings,
  systemIdentity,
} from "../../testing/guardrail-fixtures";

/**
 * AZ-OYD-001: Azure OpenAI On Your Data retired on 2026-10-14 (catalogue/lifecycle-data.ts
 * SERVICES.onYourData). An app configured for it is a warning before that day and an
 * error from it on; grants that only On Your Data used are named. Tests run on
 * 2026-12-06 (__tests__/setup.ts) unless they pass `today`.
 */

const GRANTS = ["openai_search_reader", "openai_search_contributor", "openai_storage"].map((n) => `azurerm_role_assignment.${n}`);
const KEY_REFERENCE = "@Microsoft.KeyVault(SecretUri=https://kv-chat.vault.azure.net/secrets/search-key)";

const oyd = (stack: TfJson, today?: string) => audit(stack, { today }).findings.filter((f) => f.ruleId === "AZ-OYD-001");
const flowIds = (stack: TfJson, today?: string) =>
  audit(stack, { today })
    .flows.map((f) => f.implied.flow.id)
    .sort();

describe("AZ-OYD-001 on-your-data-retired: an app configured for On Your Data", () => {
  it("warns before the retirement, with the days left, the evidence and the grants only it used; F2 and F3 are still judged", () => {
    const [f] = oyd(onYourDataPlatform(), BEFORE_OYD_RETIREMENT);
    expect(f).toMatchObject({ severity: "warning", address: WEB, constructPath: "dev/platform/web/app" });
    expect(f.message).toBe(
      `${WEB} (dev/platform/web/app) configures Azure OpenAI On Your Data (${WEB} sets DATASOURCE_TYPE = "AzureCognitiveSearch" without a search key), which retires on 2026-10-14, in 43 days: from that day every grounded chat fails; ${GRANTS.join(", ")} granted only for it.`,
    );
    const result = audit(onYourDataPlatform(), { today: BEFORE_OYD_RETIREMENT });
    expect(result.errors).toBe(0);
    for (const id of ["F2", "F3"]) expect(result.flows.find((c) => c.implied.flow.id === id)?.missingRoles).toEqual([]);
  });

  it.each(["2026-10-14", "2026-12-06"])("fails on %s, naming the retirement and the move to app-side retrieval; no F2 or F3 is demanded", (today) => {
    const found = oyd(onYourDataPlatform(), today);
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe("error");
    expect(found[0].message).toContain("which retired on 2026-10-14: every grounded chat fails");
    expect(found[0].fix).toContain("Move to app-side retrieval: the app queries Search itself with its identity (Search Index Data Reader, F8)");
    expect(found[0].fix).toContain("Azure-Samples/azure-search-openai-demo");
    expect(flowIds(onYourDataPlatform(), today)).toEqual(["F1", "F4", "F6", "F7", "F9"]);
    expect(audit(onYourDataPlatform(), { today }).findings.map((f) => f.ruleId)).toEqual(["AZ-OYD-001"]);
  });

  it("is still a warning the day before", () => {
    expect(oyd(onYourDataPlatform(), "2026-10-13").map((f) => f.severity)).toEqual(["warning"]);
    expect(flowIds(onYourDataPlatform(), "2026-10-13")).toContain("F2");
  });

  it("says why with the Learn source, and is an error rule of the pack", () => {
    expect(onYourDataRetiredRule).toMatchObject({ id: "AZ-OYD-001", severity: "error" });
    expect(onYourDataRetiredRule.why).toContain("all On Your Data API endpoints and data source connectors stop functioning");
    expect(onYourDataRetiredRule.why).toContain("on-your-data-configuration");
  });

  it("judges the app's other flows after the retirement: a missing F1 role still fails", () => {
    const s = onYourDataPlatform();
    remove(s, "azurerm_role_assignment.web_openai_user");
    expect(audit(s).findings.map((f) => `${f.ruleId} ${f.message.slice(0, 3)}`)).toEqual(["AZ-FLOW-001 F1 ", "AZ-OYD-001 azu"]);
  });

  it("counts DATASOURCE_TYPE = AzureCognitiveSearch with a search key too (key auth is retired the same way)", () => {
    const s = onYourDataPlatform();
    settings(s).AZURE_SEARCH_KEY = KEY_REFERENCE;
    for (const n of GRANTS) remove(s, n);
    const before = oyd(s, BEFORE_OYD_RETIREMENT);
    expect(before.map((f) => f.severity)).toEqual(["warning"]);
    expect(before[0].message).toContain(`${WEB} sets DATASOURCE_TYPE = "AzureCognitiveSearch", with the search key AZURE_SEARCH_KEY`);
    expect(before[0].message).not.toContain("granted only for it");
    // With a key Azure OpenAI calls Search with the key: no identity flow, before or after.
    expect(flowIds(s, BEFORE_OYD_RETIREMENT)).not.toContain("F2");
    const [after] = oyd(s);
    expect(after.severity).toBe("error");
    expect(after.message).toContain(", with the search key AZURE_SEARCH_KEY), which retired on 2026-10-14");
  });

  it("counts settings that point at Search and OpenAI with no search key and no Search role for the app", () => {
    const s = keylessPlatform();
    remove(s, "azurerm_role_assignment.web_search_reader");
    const [f] = oyd(s);
    expect(f.severity).toBe("error");
    expect(f.message).toContain(`app settings AZURE_SEARCH_SERVICE point at ${SEARCH} and AZURE_OPENAI_SERVICE at ${OPENAI}`);
  });

  it.each([
    ["the sample app's switch set to another value", (s: TfJson) => (settings(s).DATASOURCE_TYPE = "None")],
    ["app-side retrieval with a search key", (s: TfJson) => (settings(s).AZURE_SEARCH_KEY = KEY_REFERENCE)],
    ["app-side retrieval with the app's own Search role (the reference platform)", () => undefined],
  ])("does not report %s", (_name, change) => {
    const s = keylessPlatform();
    change(s);
    expect(oyd(s)).toEqual([]);
    expect(oyd(s, BEFORE_OYD_RETIREMENT)).toEqual([]);
  });

  it("reports the original field report before (F2, ManagedIdentityIsNotEnabled) and after (the retirement)", () => {
    const before = audit(rawOnYourDataWithoutIdentity(), { today: BEFORE_OYD_RETIREMENT });
    expect(before.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(["AZ-FLOW-001 error", "AZ-FLOW-001 error", "AZ-OAI-001 error", "AZ-OYD-001 warning"]);
    expect(before.findings.find((f) => f.message.startsWith("F2"))?.message).toContain("ManagedIdentityIsNotEnabled");
    const after = audit(rawOnYourDataWithoutIdentity());
    expect(after.findings.map((f) => `${f.ruleId} ${f.severity} ${f.address}`)).toEqual([
      "AZ-FLOW-001 error azurerm_linux_web_app.handmade",
      "AZ-OYD-001 error azurerm_linux_web_app.handmade",
    ]);
  });
});

describe("AZ-OYD-001 on-your-data-retired: grants left over from On Your Data", () => {
  /** Today's platform with the OpenAI identity's old grants on Search and Storage. */
  function withLeftovers(): TfJson {
    const s = keylessPlatform();
    grant(s, "openai_search_reader", Roles.SearchIndexDataReader, systemIdentity(OPENAI), ref(SEARCH));
    grant(s, "openai_storage", Roles.StorageBlobDataContributor, systemIdentity(OPENAI), ref(STORAGE));
    return s;
  }

  it("warns once, at the first grant, naming every grant; they imply no flow after the retirement", () => {
    const result = audit(withLeftovers());
    expect(result.errors).toBe(0);
    expect(result.findings).toEqual([
      {
        ruleId: "AZ-OYD-001",
        severity: "warning",
        address: "azurerm_role_assignment.openai_search_reader",
        constructPath: "dev/openai_search_reader",
        message:
          "azurerm_role_assignment.openai_search_reader, azurerm_role_assignment.openai_storage grant an Azure OpenAI account's identity a role on Search or Storage, which only On Your Data used (it retired on 2026-10-14).",
        fix: "Remove the role assignments: Azure OpenAI calls neither Search nor Storage without On Your Data.",
      },
    ]);
    expect(result.flows.filter((f) => ["F2", "F3"].includes(f.implied.flow.id))).toEqual([]);
  });

  it("before the retirement, are no leftovers: they still evidence F2 and F3, whose roles the flow audit judges", () => {
    expect(oyd(withLeftovers(), BEFORE_OYD_RETIREMENT)).toEqual([]);
    expect(flowIds(withLeftovers(), BEFORE_OYD_RETIREMENT)).toEqual(expect.arrayContaining(["F2", "F3"]));
  });

  it("uses the singular for one grant, and ignores the OpenAI identity's grant on its key vault", () => {
    const s = keylessPlatform();
    grant(s, "openai_storage", Roles.StorageBlobDataContributor, systemIdentity(OPENAI), ref(STORAGE));
    expect(oyd(s).map((f) => f.message)).toEqual([expect.stringMatching(/^azurerm_role_assignment\.openai_storage grants an Azure OpenAI account's identity a role/)]);
  });
});
