import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderPlanSummary } from "../../scripts/ci/plan-summary";
import { trustedCheckout } from "../../testing/ci-tools";

const CI = join(__dirname, "..", "..", "scripts", "ci");
const bash = (script: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync("bash", [join(CI, script), ...args], { encoding: "utf8", env: { ...process.env, GITHUB_OUTPUT: "", ...env } });

describe("list-stacks.sh: what the deploy workflow deploys", () => {
  // Config order, not alphabetical: "zeta" first.
  const environments = {
    environments: {
      zeta: { remoteState: { resourceGroupName: "rg", storageAccountName: "acct", containerName: "tfstate-zeta" } },
      dev: {},
      prod: { remoteState: { resourceGroupName: "rg", storageAccountName: "acct", containerName: "tfstate-prod" } },
    },
  };
  const { dir, node } = trustedCheckout(["check-config"], { "environments.json": JSON.stringify(environments), "bad.json": JSON.stringify({ environments: { "prod-plan": {} } }) });
  const list = (env: Record<string, string> = {}, config = "environments.json") =>
    spawnSync("bash", [join(dir, "scripts", "ci", "list-stacks.sh"), join(dir, config)], {
      encoding: "utf8",
      env: { ...process.env, NODE: node, GITHUB_OUTPUT: join(dir, "out"), ...env },
    });

  it("lists the stacks with remote state in configuration order and skips local state with a notice", () => {
    writeFileSync(join(dir, "out"), "");
    const run = list();
    expect(run.status).toBe(0);
    expect(readFileSync(join(dir, "out"), "utf8")).toBe('stacks=["zeta","prod"]\n');
    expect(run.stdout).toContain("::notice::stack dev skipped: local state");
  });

  it("deploys one stack when asked, and refuses a name that is not an environment", () => {
    writeFileSync(join(dir, "out"), "");
    expect(list({ ONLY: "prod" }).status).toBe(0);
    expect(readFileSync(join(dir, "out"), "utf8")).toBe('stacks=["prod"]\n');
    expect(list({ ONLY: "qa" })).toMatchObject({ status: 1, stdout: expect.stringContaining("::error::the stack input names no environment") });
    expect(list({ ONLY: "x\n::error::injected" })).toMatchObject({ status: 1, stdout: expect.not.stringContaining("injected") });
  });

  // Attack path 10: a stack `prod-plan` would have applied in the unreviewed plan environment of prod.
  it("refuses a configuration with a stack name outside the one grammar (prod-plan)", () => {
    const run = list({}, "bad.json");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('"environments.prod-plan" = "prod-plan"');
  });
});

describe("plan-summary.ts: what the reviewers approve (attack path 7)", () => {
  const change = (address: string, ...actions: string[]) => ({ address, change: { actions } });
  const config = (extra: object = {}) => ({
    terraform: { backend: { azurerm: { key: "prod.tfstate" } } },
    provider: { azurerm: [{ features: [{}] }] },
    resource: { a_b: { c: { name: "x" } } },
    ...extra,
  });

  it("shows the fingerprint, the counts and the plan text with nothing in it rendered", () => {
    const { markdown, complete } = renderPlanSummary({
      stack: "prod",
      fingerprint: "ab12",
      plan: { resource_changes: [change("a_b.c", "update")] },
      planText: '  ~ name = "x" </pre><img src=x> & @team\u001b[31m\n',
      configuration: config(),
      deployed: config(),
    });
    expect(complete).toBe(true);
    expect(markdown).toContain("Fingerprint: <code>ab12</code>");
    expect(markdown).toContain("| 0 | 1 | 0 | 0 | 0 | 0 |");
    expect(markdown).toContain("Unchanged since the last deploy.");
    expect(markdown).toContain("<pre>  ~ name = &quot;x&quot; &lt;/pre&gt;&lt;img src=x&gt; &amp; &#64;team[31m\n</pre>");
  });

  it("lists every destroy at the end of a huge plan and stays under GitHub's 1 MiB summary limit, with a note for what it cut", () => {
    const changes = [...Array.from({ length: 2_000 }, (_, i) => change(`azurerm_role_assignment.r${i}`, "update")), change("azurerm_key_vault.last", "delete")];
    const { markdown, complete } = renderPlanSummary({
      stack: "prod",
      fingerprint: "ab12",
      plan: { resource_changes: changes },
      planText: `${"~ x ".repeat(300_000)}\n`,
      configuration: config(),
      deployed: config(),
    });
    expect(complete).toBe(true);
    expect(Buffer.byteLength(markdown)).toBeLessThan(1_000_000);
    expect(markdown).toContain("| 0 | 2000 | 1 | 0 | 0 | 0 |");
    expect(markdown).toContain("<li><code>azurerm_key_vault.last</code> will be destroyed</li>");
    expect(markdown).toMatch(/left out to stay under GitHub's 1 MiB summary limit/);
  });

  it("shows what changed in the configuration since the last deploy: the backend and provider blocks, and every changed block", () => {
    const current = config({ resource: { a_b: { c: { name: "y" } }, terraform_data: { t: { provisioner: [{ "local-exec": { command: "id" } }] } } } });
    current.provider.azurerm[0] = { features: [{}], metadata_host: "127.0.0.1" } as never;
    const { markdown } = renderPlanSummary({ stack: "prod", fingerprint: "f", plan: { resource_changes: [] }, configuration: current, deployed: config() });
    expect(markdown).toContain("3 block(s) changed:");
    expect(markdown).toContain("<li><code>provider.azurerm</code> changed</li>");
    expect(markdown).toContain("<li><code>resource.terraform_data.t</code> added</li>");
    expect(markdown).toContain("+     &quot;metadata_host&quot;: &quot;127.0.0.1&quot;");
  });

  it("refuses to present a plan whose must-see part does not fit, and says why there is no plan", () => {
    const changes = Array.from({ length: 8_000 }, (_, i) => change(`azurerm_role_assignment.r${"x".repeat(90)}${i}`, "delete"));
    expect(renderPlanSummary({ stack: "prod", fingerprint: "f", plan: { resource_changes: changes }, configuration: config() })).toMatchObject({
      complete: false,
      markdown: expect.stringContaining("Do not approve it"),
    });
    expect(renderPlanSummary({ stack: "prod", failed: "plan: terraform plan exited non-zero\n", diagnostics: "  error: Resource precondition failed\n" }).markdown).toContain(
      "❌ failed: plan: terraform plan exited non-zero\n\n<pre>  error: Resource precondition failed\n</pre>",
    );
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

describe("deployed-config.sh: the configuration last deployed, beside the state", () => {
  const dir = mkdtempSync(join(tmpdir(), "deployed-config-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  // A fake az: records its arguments; the blob exists when BLOB_EXISTS says so.
  writeFileSync(
    join(bin, "az"),
    `#!/usr/bin/env bash\necho "$*" >> "${dir}/calls"\ncase "$3" in exists) echo "\${BLOB_EXISTS:-false}" ;; download) echo '{"deployed":true}' > "\${@: -2:1}" ;; esac\n`,
  );
  chmodSync(join(bin, "az"), 0o755);
  writeFileSync(
    join(dir, "checked.json"),
    JSON.stringify({ terraform: { backend: { azurerm: { storage_account_name: "acct", container_name: "tfstate-prod", key: "prod.tfstate" } } } }),
  );
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync("bash", [join(__dirname, "..", "..", "scripts", "ci", "deployed-config.sh"), ...args], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env },
    });

  it("writes nothing on the first deploy, and fetches the blob beside the state afterwards", () => {
    expect(run(["get", join(dir, "checked.json"), join(dir, "deployed.json")])).toMatchObject({ status: 0, stdout: expect.stringContaining("first deploy") });
    expect(existsSync(join(dir, "deployed.json"))).toBe(false);
    expect(run(["get", join(dir, "checked.json"), join(dir, "deployed.json")], { BLOB_EXISTS: "true" }).status).toBe(0);
    expect(readFileSync(join(dir, "deployed.json"), "utf8")).toContain('"deployed":true');
  });

  it("records the checked configuration as <key>.config.json in the stack's own state container", () => {
    expect(run(["put", join(dir, "checked.json")]).status).toBe(0);
    expect(readFileSync(join(dir, "calls"), "utf8")).toContain(
      `storage blob upload --auth-mode login --account-name acct --container-name tfstate-prod --name prod.tfstate.config.json --output none --file ${join(dir, "checked.json")} --overwrite`,
    );
  });
});
