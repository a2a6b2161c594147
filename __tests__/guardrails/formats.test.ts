import { audit } from "../../guardrails/audit";
import { renderAuditMarkdown, renderJson, renderTable, toSarif } from "../../guardrails/format";
import { AZURE_AI_CHAT_PACK } from "../../guardrails/pack";
import { BEFORE_OYD_RETIREMENT, WEB, get, keylessPlatform, rawOnYourDataWithoutIdentity } from "../../testing/guardrail-fixtures";

/** The field report, judged on the tests' today (On Your Data retired) or on `today`. */
const failing = (today?: string) => audit(rawOnYourDataWithoutIdentity(), { source: "cdktf.out/stacks/dev/cdk.tf.json", today });

describe("formats", () => {
  it("renders an aligned table with message, fix and summary", () => {
    const text = renderTable(failing());
    expect(text).toContain("SEVERITY  RULE         RESOURCE");
    expect(text).toMatch(/error {5}AZ-FLOW-001 {2}azurerm_linux_web_app\.handmade \(dev\/handmade\)/);
    expect(text).toMatch(/error {5}AZ-OYD-001 {3}azurerm_linux_web_app\.handmade \(dev\/handmade\)/);
    expect(text).toContain("    fix: Move to app-side retrieval");
    expect(text.trimEnd().endsWith("2 errors, 0 warnings, 0 suppressed")).toBe(true);
    // Before the retirement the same Terraform failed on the OpenAI identity, and the retirement was a warning.
    const before = renderTable(failing(BEFORE_OYD_RETIREMENT));
    expect(before).toMatch(/error {5}AZ-OAI-001 {3}azurerm_cognitive_account\.handmade \(dev\/handmade\)/);
    expect(before).toMatch(/warning {3}AZ-OYD-001 {3}azurerm_linux_web_app\.handmade/);
    expect(before.trimEnd().endsWith("3 errors, 1 warning, 0 suppressed")).toBe(true);
  });

  it("renders JSON with per-input and total summaries", () => {
    const report = JSON.parse(renderJson([failing()]));
    expect(report.summary).toEqual({ errors: 2, warnings: 0, notes: 0, suppressed: 0 });
    expect(report.inputs[0].findings[0]).toEqual(expect.objectContaining({ ruleId: "AZ-FLOW-001", severity: "error" }));
  });

  it("renders SARIF 2.1.0 with rules, levels, locations and in-source suppressions", () => {
    const s = keylessPlatform();
    delete get(s, WEB).https_only;
    (get(s, WEB)["//"] as Record<string, unknown>).guardrails = { suppressions: [{ id: "AZ-APP-004", reason: "TLS terminates at Front Door." }] };
    const sarif = toSarif([failing(), audit(s, { source: "other/cdk.tf.json" })]) as any;
    expect(sarif.version).toBe("2.1.0");
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r: any) => r.id)).toEqual([...AZURE_AI_CHAT_PACK.map((r) => r.id), "GR-000", "GR-001"]);
    for (const r of run.tool.driver.rules) {
      expect(r.shortDescription.text).toBeTruthy();
      expect(r.fullDescription.text).toBeTruthy();
      expect(r.help.text).toContain("Fix:");
    }
    const first = run.results[0];
    expect(first).toMatchObject({ ruleId: "AZ-FLOW-001", level: "error" });
    expect(run.tool.driver.rules[first.ruleIndex].id).toBe("AZ-FLOW-001");
    expect(first.locations[0].physicalLocation.artifactLocation.uri).toBe("cdktf.out/stacks/dev/cdk.tf.json");
    expect(first.locations[0].logicalLocations[0].fullyQualifiedName).toBe("azurerm_linux_web_app.handmade");
    expect(run.results.map((r: any) => r.ruleId)).toEqual(["AZ-FLOW-001", "AZ-OYD-001", "AZ-APP-004"]);
    const suppressed = run.results.find((r: any) => r.suppressions);
    expect(suppressed).toMatchObject({ ruleId: "AZ-APP-004", suppressions: [{ kind: "inSource", justification: "TLS terminates at Front Door." }] });
    expect(suppressed.locations[0].logicalLocations[1].fullyQualifiedName).toBe("dev/platform/web/app");
  });

  it("renders the markdown review section with the flow table", () => {
    const md = renderAuditMarkdown(failing(BEFORE_OYD_RETIREMENT));
    expect(md).toContain("**❌ failing**: 3 errors, 1 warning, 0 suppressed.");
    expect(md).toContain(
      "| F2 Azure OpenAI queries Search (On Your Data, retired 2026-10-14) | azurerm_cognitive_account.handmade (dev/handmade) | `azurerm_search_service.handmade` |",
    );
    expect(md).toContain("❌ no system-assigned identity; missing Search Index Data Reader, Search Service Contributor");
    expect(renderAuditMarkdown(audit(keylessPlatform()))).toContain("**✅ passing**");
    const today = renderAuditMarkdown(failing());
    expect(today).toContain("**❌ failing**: 2 errors, 0 warnings, 0 suppressed.");
    expect(today).not.toContain("| F2 ");
  });
});
