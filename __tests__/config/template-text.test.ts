import { ConfigError, loadEnvironments } from "../../config/environments";

const issues = (json: unknown) => {
  try {
    loadEnvironments(json);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return [];
};

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
