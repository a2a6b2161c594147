import { checkEnvironments } from "../../config/rules";
import type { EnvironmentsFile } from "../../config/schema";
import { StackModel } from "../../guardrails/model";
import { templateInFreeText } from "../../guardrails/rules/template-in-free-text";
import { TfJson, WEB, get, keylessPlatform } from "../../testing/guardrail-fixtures";

/** The rules loadEnvironments applies once the file has the right shape (config/rules.ts). */
const issues = (json: unknown) => checkEnvironments(json as EnvironmentsFile);

// Attack path 6: `${base64encode(file("/proc/self/environ"))}` in a tag passed the schema,
// the guardrails and npm start, and reached cdk.tf.json verbatim.
describe("configuration strings are data", () => {
  it("refuses a template in a tag value, naming where, the value and the fix", () => {
    const payload = '${base64encode(file("/proc/self/environ"))}';
    expect(issues({ environments: { prod: { tags: { owner: payload } } } })).toEqual([
      {
        path: "environments.prod.tags.owner",
        value: payload,
        message: 'the value holds "${", which Terraform would evaluate as an expression at plan time, not keep as text',
        fix: 'configuration values are text: remove "${" (no name or value in the configuration may contain "${" or "%{")',
      },
    ]);
  });

  it("refuses template sequences in extra app settings, names and defaults too", () => {
    const found = issues({
      defaults: { webApp: { extraSettings: { GREETING: "%{ if true }hi%{ endif }" } } },
      environments: { dev: { tags: { "${path.cwd}": "x" } } },
    });
    expect(found.map((i) => i.path)).toEqual(["defaults.webApp.extraSettings.GREETING", "environments.dev.tags.${path.cwd}"]);
  });

  it("accepts dollar signs and braces that are not template sequences", () => {
    expect(issues({ environments: { dev: { tags: { cost: "$100 {approx}" } } } })).toEqual([]);
  });
});

describe("cdktf's token markers", () => {
  it("pass: cdktf replaces them at synth and Terraform never sees them", () => {
    expect(issues({ environments: { dev: { tags: { ref: "${TfToken[TOKEN.12]}" } } } })).toEqual([]);
    expect(issues({ environments: { dev: { tags: { ref: '${TfToken[TOKEN.12]}${file("/x")}' } } } }).map((i) => i.path)).toEqual(["environments.dev.tags.ref"]);
  });
});

// The same concept on the Terraform side: what reaches cdk.tf.json some other way (a
// construct user's own props) is flagged by the guardrails.
/** AZ-TF-001 findings once `change` has been applied to the reference keyless platform. */
function findings(change: (s: TfJson) => void) {
  const s = keylessPlatform();
  change(s);
  return templateInFreeText.evaluate(StackModel.from(s));
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
    expect(f).toMatchObject({ ruleId: "AZ-TF-001", severity: "error", address: expect.stringContaining("azurerm_linux_web_app.") });
  });

  it("leaves escaped sequences alone: $${ and %%{ are text", () => {
    expect(findings((s) => (get(s, WEB).tags = { owner: '$${file("/x")} %%{ if }' }))).toEqual([]);
  });
});
