import { audit } from "../../guardrails/audit";
import { TfJson, WEB, get, keylessPlatform } from "../../testing/guardrail-fixtures";

/** AZ-TF-001 findings once `change` has been applied to the reference keyless platform. */
function findings(change: (s: TfJson) => void) {
  const s = keylessPlatform();
  change(s);
  return audit(s).findings.filter((f) => f.ruleId === "AZ-TF-001");
}

// Attack path 6: a tag or extra app setting from configuration reached cdk.tf.json as a template.
describe("AZ-TF-001 template-in-free-text", () => {
  it("passes the platform's own tags and settings, references included", () => {
    expect(findings(() => {})).toEqual([]);
  });

  it.each([
    ["a tag value", (s: TfJson) => (get(s, WEB).tags = { owner: '${base64encode(file("/proc/self/environ"))}' })],
    ["a tag name", (s: TfJson) => (get(s, WEB).tags = { '${file("/x")}': "x" })],
    ["an app setting", (s: TfJson) => (get(s, WEB).app_settings = { ...(get(s, WEB).app_settings as object), EXTRA: "%{ if true }x%{ endif }" })],
  ])("fails on a function call or directive in %s", (_what, change) => {
    const [f, ...rest] = findings(change);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: "error", address: expect.stringContaining("azurerm_linux_web_app.") });
  });

  it("leaves escaped sequences alone: $${ and %%{ are text", () => {
    expect(findings((s) => (get(s, WEB).tags = { owner: '$${file("/x")} %%{ if }' }))).toEqual([]);
  });
});
