import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { planFingerprint, redactPlan, runCli, SENSITIVE } from "../../scripts/ci/redact-plan";
import { readInputs, renderJobSummary, renderPrComment } from "../../scripts/pr-comment";

const ROOT = join(__dirname, "..", "..");
// Planted secrets: the admin key (marked sensitive), a Key Vault secret value, a value in a
// change without markers, a nested list element, and an output.
const KEY = "PLANTED-admin-key-4f9c2e1d";
const VAULT = "PLANTED-vault-secret-77ab";
const UNMARKED = "PLANTED-unmarked-0c1d";
const NESTED = "PLANTED-conn-string-9e8f";
const OUTPUT = "PLANTED-output-5a6b";
const SECRETS = [KEY, VAULT, UNMARKED, NESTED, OUTPUT];

function samplePlan(): Record<string, unknown> {
  return {
    format_version: "1.2",
    terraform_version: "1.13.4",
    variables: { admin_key: { value: KEY } },
    configuration: { root_module: { variables: { admin_key: { sensitive: true } } } },
    planned_values: { root_module: { resources: [{ address: "azurerm_search_service.s", values: { primary_key: KEY }, sensitive_values: { primary_key: true } }] } },
    prior_state: { values: { root_module: { resources: [{ address: "azurerm_search_service.s", values: { primary_key: KEY }, sensitive_values: { primary_key: true } }] } } },
    resource_changes: [
      {
        address: "azurerm_search_service.s",
        type: "azurerm_search_service",
        change: {
          actions: ["update"],
          before: { name: "srch", primary_key: KEY, tags: { env: "prod" } },
          // The key copied into a tag, which is not sensitive: scrubbed by value.
          after: { name: "srch", primary_key: KEY, tags: { env: "prod", copy: KEY } },
          before_sensitive: { primary_key: true },
          after_sensitive: { primary_key: true, tags: {} },
          after_unknown: {},
        },
      },
      // An import: Terraform's generated configuration holds the imported value in clear.
      {
        address: "azurerm_key_vault_secret.k",
        change: { actions: ["create"], before: null, after: { name: "openai-key", value: VAULT }, after_sensitive: { value: true }, generated_config: `value = "${VAULT}"` },
      },
      { address: "azurerm_thing.unmarked", change: { actions: ["create"], before: null, after: { x: UNMARKED } } },
      {
        address: "azurerm_linux_web_app.w",
        change: {
          actions: ["update"],
          before: { connection_string: [{ name: "db", value: "old-value" }] },
          after: { connection_string: [{ name: "db", value: NESTED }] },
          before_sensitive: { connection_string: [{}] },
          after_sensitive: { connection_string: [{ value: true }] },
        },
      },
    ],
    output_changes: { key: { actions: ["create"], before: null, after: OUTPUT, before_sensitive: false, after_sensitive: true } },
  };
}

const noSecretIn = (text: string) => {
  for (const s of SECRETS) expect(text).not.toContain(s);
};

describe("redactPlan", () => {
  const { plan } = redactPlan(samplePlan() as never);
  const byAddress = (a: string) => plan.resource_changes.find((rc) => rc.address === a)?.change;

  it("replaces the values the plan marks sensitive and keeps the rest", () => {
    expect(byAddress("azurerm_search_service.s")?.after).toEqual({ name: "srch", primary_key: SENSITIVE, tags: { env: "prod", copy: SENSITIVE } });
    expect(byAddress("azurerm_key_vault_secret.k")?.after).toEqual({ name: "openai-key", value: SENSITIVE });
    expect(byAddress("azurerm_linux_web_app.w")?.after).toEqual({ connection_string: [{ name: "db", value: SENSITIVE }] });
    expect(byAddress("azurerm_linux_web_app.w")?.before).toEqual({ connection_string: [{ name: "db", value: "old-value" }] });
    expect(plan.output_changes.key).toMatchObject({ after: SENSITIVE });
  });

  it("redacts a whole change that carries no sensitivity markers", () => {
    expect(byAddress("azurerm_thing.unmarked")?.after).toBe(SENSITIVE);
  });

  it("keeps only the changes: no prior state, planned values, variables or configuration", () => {
    expect(Object.keys(plan).sort()).toEqual(["format_version", "output_changes", "resource_changes", "resource_drift", "terraform_version"]);
    noSecretIn(JSON.stringify(plan));
  });

  it("fingerprints the changes: equal for the same plan, different when a change differs", () => {
    const again = redactPlan(samplePlan() as never).plan;
    expect(planFingerprint(again)).toBe(planFingerprint(plan));
    expect(planFingerprint(plan)).toMatch(/^[0-9a-f]{64}$/);
    const other = samplePlan();
    (other.resource_changes as { change: { actions: string[] } }[])[0].change.actions = ["delete", "create"];
    expect(planFingerprint(redactPlan(other as never).plan)).not.toBe(planFingerprint(plan));
  });

  it("fails on an empty, truncated or non-plan JSON instead of reporting no changes", () => {
    const dir = mkdtempSync(join(tmpdir(), "redact-"));
    const run = (content: string) => {
      writeFileSync(join(dir, "raw.json"), content);
      return runCli(["--plan", join(dir, "raw.json"), "--out", join(dir, "out.json")]);
    };
    expect(run("")).toMatchObject({ code: 1, stderr: expect.stringContaining("empty") });
    expect(run(JSON.stringify(samplePlan()).slice(0, 500))).toMatchObject({ code: 1, stderr: expect.stringContaining("truncated") });
    expect(run("null")).toMatchObject({ code: 1, stderr: expect.stringContaining("no format_version") });
    expect(runCli(["--plan", "x"])).toMatchObject({ code: 64 });
  });
});

describe("a planted secret never leaves the runner", () => {
  it("reaches neither the plans artifact, the comment, the job summary nor the log", () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-stacks-"));
    // A fake terraform: init/plan succeed, `show -json` prints the sample plan, `show` prints
    // text in which a provider leaked the key; dev has local state, broken's JSON is cut short.
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(dir, "sample.json"), JSON.stringify(samplePlan()));
    writeFileSync(
      join(bin, "terraform"),
      `#!/usr/bin/env bash
chdir=\${1#-chdir=}; shift
case "$1 $2" in
  "show -json") if [ "$(basename "$chdir")" = broken ]; then head -c 300 "${dir}/sample.json"; else cat "${dir}/sample.json"; fi ;;
  "show -no-color") printf '  ~ primary_key = (sensitive value)\\n  # leaked: ${KEY}\\n::error::injected\\n' ;;
  "init -input=false") ls -A "$chdir" > "${dir}/init-$(basename "$chdir").ls"; echo "terraform init: ok (${KEY})" ;;
  *) echo "terraform $1: ok (${KEY})" ;;
esac
`,
    );
    // The redactor as Node runs it once it strips the types: an ES module, no CommonJS globals.
    const tools = join(dir, "tools");
    mkdirSync(join(tools, "scripts", "ci"), { recursive: true });
    writeFileSync(join(tools, ".terraform.lock.hcl"), "# test lock file\n");
    writeFileSync(join(tools, "package.json"), '{ "type": "module" }\n');
    const source = readFileSync(join(ROOT, "scripts", "ci", "redact-plan.ts"), "utf8");
    writeFileSync(join(tools, "scripts", "ci", "redact-plan.js"), transformSync(source, { loader: "ts", format: "esm" }).code);
    copyFileSync(join(ROOT, "scripts", "ci", "stack-lock.sh"), join(tools, "scripts", "ci", "stack-lock.sh"));
    writeFileSync(join(bin, "node-strip-types"), `#!/usr/bin/env bash\nscript=$1; shift\nexec "${process.execPath}" "\${script%.ts}.js" "$@"\n`);
    for (const f of ["terraform", "node-strip-types"]) chmodSync(join(bin, f), 0o755);
    const backend = { terraform: { backend: { azurerm: { key: "x" } } } };
    for (const [stack, json] of [
      ["prod", backend],
      ["broken", backend],
      ["stage", backend],
      ["dev", { terraform: {} }],
    ] as const) {
      mkdirSync(join(dir, "stacks", stack), { recursive: true });
      writeFileSync(join(dir, "stacks", stack, "cdk.tf.json"), JSON.stringify(json));
    }
    // Anything else in the artifact stays behind: Terraform sees cdk.tf.json and the trusted lock file.
    writeFileSync(join(dir, "stacks", "prod", "extra.tf.json"), "{}");

    const run = spawnSync("bash", [join(ROOT, "scripts", "ci", "plan-stacks.sh"), join(dir, "stacks"), join(dir, "plans")], {
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        TOOLS_DIR: tools,
        NODE: join(bin, "node-strip-types"),
        GITHUB_OUTPUT: join(dir, "out.txt"),
        PLAN_STACKS: "prod broken dev",
      },
    });
    const log = `${run.stdout}${run.stderr}`;
    expect(readdirSync(join(dir, "plans")).sort()).toEqual([
      "broken.failed",
      "broken.plan.txt",
      "dev.skipped",
      "prod.fingerprint",
      "prod.plan.json",
      "prod.plan.txt",
      "stage.skipped",
    ]);
    expect(readFileSync(join(dir, "plans", "stage.skipped"), "utf8")).toMatch(/^not planned in pull requests: not in the PR_PLAN_STACKS variable/);
    expect(run.status).toBe(1);
    expect(readFileSync(join(dir, "init-prod.ls"), "utf8")).toBe(".terraform.lock.hcl\ncdk.tf.json\n");
    expect(readFileSync(join(dir, "plans", "broken.failed"), "utf8")).toMatch(/^redact: /);
    expect(readFileSync(join(dir, "plans", "broken.plan.txt"), "utf8")).toMatch(/truncated or invalid at character \d+ of 300/);
    expect(readFileSync(join(dir, "plans", "prod.plan.txt"), "utf8")).toContain(`# leaked: ${SENSITIVE}`);
    // The log prints the plan between stop-commands markers: the injected line is inert.
    expect(log).toMatch(/::stop-commands::([0-9a-f]{32})\n[\s\S]*\[::\]error::injected\n[\s\S]*::\1::/);
    expect(log).toContain("::notice::stack dev skipped: local state");

    expect(readFileSync(join(dir, "out.txt"), "utf8")).toBe("failed=1\n");
    const { input } = readInputs(["--plans-dir", join(dir, "plans")]);
    const artifact = readdirSync(join(dir, "plans")).map((f) => readFileSync(join(dir, "plans", f), "utf8"));
    for (const text of [log, ...artifact, renderPrComment(input), renderJobSummary(input)]) noSecretIn(text);
  });
});
