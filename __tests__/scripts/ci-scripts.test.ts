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

describe("stack-lock.sh: the trusted lock file, narrowed to one stack's providers", () => {
  const dir = mkdtempSync(join(tmpdir(), "stack-lock-"));
  const entry = (address: string, version: string) =>
    `provider "${address}" {\n  version     = "${version}"\n  constraints = "${version}"\n  hashes = [\n    "h1:${address.length}=",\n  ]\n}\n`;
  const header = '# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n\n';
  const azurerm = entry("registry.terraform.io/hashicorp/azurerm", "4.55.0");
  const azuread = entry("registry.terraform.io/hashicorp/azuread", "3.7.0");
  const time = entry("registry.terraform.io/hashicorp/time", "0.13.1");
  writeFileSync(join(dir, "lock.hcl"), `${header}${azurerm}\n${azuread}\n${time}`);
  const narrowed = (requiredProviders: unknown) => {
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify({ terraform: { required_providers: requiredProviders } }));
    return bash("stack-lock.sh", [join(dir, "lock.hcl"), join(dir, "cdk.tf.json")]);
  };

  it("keeps only the entries of the providers the stack requires, as cdktf names them", () => {
    // cdktf writes azurerm's source without a namespace.
    const run = narrowed({ azurerm: { source: "azurerm", version: "4.55.0" } });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${header}${azurerm}\n`);
  });

  it("keeps every entry a stack with sign-in and a propagation wait requires", () => {
    const run = narrowed({ azurerm: { source: "azurerm" }, azuread: { source: "hashicorp/azuread" }, time: { source: "registry.terraform.io/hashicorp/time" } });
    expect(run.stdout).toBe(`${header}${azurerm}\n${azuread}\n${time}`);
  });

  it("adds nothing for a provider the trusted lock file does not list (init then fails, as it must)", () => {
    const run = narrowed({ azurerm: { source: "azurerm" }, external: { source: "hashicorp/external" } });
    expect(run.stdout).toBe(`${header}${azurerm}\n`);
    expect(run.stdout).not.toContain("external");
  });

  it("fails on a configuration that is not JSON", () => {
    writeFileSync(join(dir, "cdk.tf.json"), "{ not json");
    expect(bash("stack-lock.sh", [join(dir, "lock.hcl"), join(dir, "cdk.tf.json")]).status).not.toBe(0);
  });
});
