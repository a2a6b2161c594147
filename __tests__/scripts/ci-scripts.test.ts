import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CI = join(__dirname, "..", "..", "scripts", "ci");
const bash = (script: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync("bash", [join(CI, script), ...args], { encoding: "utf8", env: { ...process.env, GITHUB_OUTPUT: "", ...env } });

describe("list-stacks.sh: what the deploy workflow deploys", () => {
  const dir = mkdtempSync(join(tmpdir(), "list-stacks-"));
  // Config order, not alphabetical: "zeta" first.
  writeFileSync(join(dir, "environments.json"), JSON.stringify({ environments: { zeta: {}, dev: {}, prod: {} } }));
  for (const [stack, backend] of [
    ["zeta", { azurerm: {} }],
    ["dev", { local: {} }],
    ["prod", { azurerm: {} }],
  ] as const) {
    mkdirSync(join(dir, "stacks", stack), { recursive: true });
    writeFileSync(join(dir, "stacks", stack, "cdk.tf.json"), JSON.stringify({ terraform: { backend } }));
  }
  const list = (env: Record<string, string> = {}) => bash("list-stacks.sh", [join(dir, "environments.json"), join(dir, "stacks")], { GITHUB_OUTPUT: join(dir, "out"), ...env });

  it("lists the stacks with remote state in configuration order and skips local state with a notice", () => {
    writeFileSync(join(dir, "out"), "");
    const run = list();
    expect(run.status).toBe(0);
    expect(readFileSync(join(dir, "out"), "utf8")).toBe('stacks=["zeta","prod"]\n');
    expect(run.stdout).toContain("::notice::stack dev skipped: local state");
  });

  it("deploys one stack when asked, and refuses a name that is not an environment or not plain", () => {
    writeFileSync(join(dir, "out"), "");
    expect(list({ ONLY: "prod" }).status).toBe(0);
    expect(readFileSync(join(dir, "out"), "utf8")).toBe('stacks=["prod"]\n');
    expect(list({ ONLY: "qa" })).toMatchObject({ status: 1, stdout: expect.stringContaining("::error::no environment named qa") });
    expect(list({ ONLY: "x\n::error::injected" })).toMatchObject({ status: 1, stdout: expect.not.stringContaining("injected") });
  });
});

describe("plan-summary.sh: what the reviewers approve", () => {
  it("shows the fingerprint and the plan text with nothing in it rendered", () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-summary-"));
    writeFileSync(join(dir, "prod.fingerprint"), "ab12\n");
    writeFileSync(join(dir, "prod.plan.txt"), '  ~ name = "x" </pre><img src=x> & @team\u001b[31m\n');
    const run = bash("plan-summary.sh", ["prod", dir]);
    expect(run.stdout).toBe(
      '## Plan: prod\n\nFingerprint: `ab12` (the apply job applies only a plan with this fingerprint)\n\n<pre>\n  ~ name = "x" &lt;/pre&gt;&lt;img src=x&gt; &amp; @team[31m\n</pre>\n',
    );
  });

  it("says why there is no plan", () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-summary-"));
    writeFileSync(join(dir, "prod.failed"), "plan: terraform plan exited non-zero\n");
    expect(bash("plan-summary.sh", ["prod", dir]).stdout).toContain("❌ failed: plan: terraform plan exited non-zero");
    expect(bash("plan-summary.sh", ["qa", dir]).stdout).toContain("❌ no plan result");
  });
});
