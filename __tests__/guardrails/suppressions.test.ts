import { audit } from "../../guardrails/audit";
import { WEB, get, keylessPlatform } from "../../testing/guardrail-fixtures";

function withSuppression(suppressions: unknown) {
  const s = keylessPlatform();
  delete get(s, WEB).https_only;
  (get(s, WEB)["//"] as Record<string, unknown>).guardrails = { suppressions };
  return s;
}

describe("suppressions", () => {
  it("reports a suppressed finding separately, with its reason", () => {
    const result = audit(withSuppression([{ id: "AZ-APP-004", reason: "TLS terminates at Front Door, which only forwards HTTPS." }]));
    expect(result.findings).toEqual([]);
    expect(result.errors).toBe(0);
    expect(result.suppressed).toEqual([expect.objectContaining({ ruleId: "AZ-APP-004", address: WEB, reason: "TLS terminates at Front Door, which only forwards HTTPS." })]);
  });

  it("fails when a suppression's reason is shorter than 10 characters, naming the resource and rule", () => {
    const result = audit(withSuppression([{ id: "AZ-APP-004", reason: "legacy" }]));
    const engine = result.findings.find((f) => f.ruleId === "GR-000");
    expect(engine?.message).toBe(`suppression of AZ-APP-004 on ${WEB} has reason "legacy"; a reason of at least 10 characters is required`);
    // An invalid suppression suppresses nothing.
    expect(result.findings.some((f) => f.ruleId === "AZ-APP-004")).toBe(true);
  });

  it("warns about a suppression of an unknown rule", () => {
    const result = audit(withSuppression([{ id: "AZ-NOPE-001", reason: "a perfectly good reason" }]));
    expect(result.findings.find((f) => f.ruleId === "GR-000")).toMatchObject({ severity: "warning" });
  });

  it("accepts suppressions passed in options, for plan JSON", () => {
    const s = keylessPlatform();
    delete get(s, WEB).https_only;
    const result = audit(s, { suppressions: [{ address: WEB, ruleId: "AZ-APP-004", reason: "TLS terminates at Front Door." }] });
    expect(result.suppressed.map((f) => f.ruleId)).toEqual(["AZ-APP-004"]);
  });
});
