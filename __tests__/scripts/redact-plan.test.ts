import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { errorSummaries } from "../../scripts/ci/diagnostics";
import { planFingerprint, redactPlan, runCli, SENSITIVE } from "../../scripts/ci/redact-plan";
import { readInputs, renderJobSummary, renderPrComment } from "../../scripts/pr-comment";
import { trustedCheckout } from "../../testing/ci-tools";

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

describe("what providers do not mark, and copies in other forms (attack path 5)", () => {
  const PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nq3k9Zr8Tx0pVb2mYw1LhQe4u5NfR7oJd9Gk2HsXcVbNm8QwErTy\n-----END PRIVATE KEY-----";
  const copies = (secret: string) => ({
    upper: secret.toUpperCase(),
    spaced: secret.split("").join(" "),
    base64: Buffer.from(`token=${secret};`).toString("base64"),
    base64url: Buffer.from(`x${secret}`).toString("base64url"),
    hex: Buffer.from(secret).toString("hex"),
    escaped: JSON.stringify({ nested: secret }),
  });
  const plan = (after: object, afterSensitive: object = {}) =>
    redactPlan({
      format_version: "1.2",
      resource_changes: [
        { address: "azurerm_linux_web_app.w", type: "azurerm_linux_web_app", change: { actions: ["update"], before: {}, after, after_sensitive: afterSensitive } },
      ],
    } as never).plan.resource_changes[0].change.after as Record<string, any>;

  it("scrubs upper-case, spaced, base64 (any offset, URL-safe), hex and escaped copies of a marked secret", () => {
    const after = plan({ key: KEY, tags: copies(KEY) }, { key: true });
    const shown = JSON.stringify(after);
    for (const [form, copy] of Object.entries(copies(KEY))) expect({ form, leaked: shown.includes(copy) || shown.includes(KEY) }).toEqual({ form, leaked: false });
  });

  it("scrubs each line of a multi-line (PEM) secret copied elsewhere", () => {
    const after = plan({ cert: PEM, note: `line: ${PEM.split("\n")[2]}` }, { cert: true });
    expect(JSON.stringify(after)).not.toContain(PEM.split("\n")[2]);
  });

  it("judges app_settings and tags, which azurerm 4.55 does not mark sensitive, by catalogue/secrets.ts", () => {
    const after = plan({
      app_settings: { DB_PASSWORD: "hunter2-hunter2", AZURE_OPENAI_ENDPOINT: "https://x.openai.azure.com/", STORAGE: "DefaultEndpointsProtocol=https;AccountKey=abc123==" },
      tags: { owner: "team-a", copy: "hunter2-hunter2" },
    });
    expect(after.app_settings).toEqual({ DB_PASSWORD: SENSITIVE, AZURE_OPENAI_ENDPOINT: "https://x.openai.azure.com/", STORAGE: SENSITIVE });
    expect(after.tags).toEqual({ owner: "team-a", copy: SENSITIVE });
  });

  it("scrubs the runner's own credentials wherever a configuration copied them (attack path 6's payload)", () => {
    const token = "eyJhbGciOiJSUzI1NiJ9-runner-request-token-0123456789";
    const dir = mkdtempSync(join(tmpdir(), "redact-runner-"));
    writeFileSync(
      join(dir, "raw.json"),
      JSON.stringify({
        format_version: "1.2",
        resource_changes: [
          {
            address: "a.b",
            change: {
              actions: ["create"],
              before: null,
              after: { tags: { environ: Buffer.from(`ACTIONS_ID_TOKEN_REQUEST_TOKEN=${token}\n`).toString("base64") } },
              after_sensitive: {},
            },
          },
        ],
      }),
    );
    expect(runCli(["--plan", join(dir, "raw.json"), "--out", join(dir, "out.json"), "--text-out", join(dir, "out.txt")], { ACTIONS_ID_TOKEN_REQUEST_TOKEN: token }).code).toBe(0);
    for (const f of ["out.json", "out.txt"]) expect(readFileSync(join(dir, f), "utf8")).not.toContain(Buffer.from(token).toString("base64").slice(4, 30));
  });

  it("fingerprints the configuration and the lock file too: a provisioner the changes do not show still changes it", () => {
    const { plan: redacted } = redactPlan(samplePlan() as never);
    const a = planFingerprint(redacted, { configuration: "a".repeat(64), lockFile: "c".repeat(64) });
    expect(planFingerprint(redacted, { configuration: "b".repeat(64), lockFile: "c".repeat(64) })).not.toBe(a);
    expect(planFingerprint(redacted, { configuration: "a".repeat(64), lockFile: "d".repeat(64) })).not.toBe(a);
    expect(planFingerprint(redacted, { configuration: "a".repeat(64), lockFile: "c".repeat(64) })).toBe(a);
  });
});

describe("Terraform's failure output (attack path 4)", () => {
  it("keeps error summaries and addresses, never the detail or the snippet", () => {
    const lines = [
      JSON.stringify({ type: "version", terraform: "1.13.4" }),
      JSON.stringify({
        type: "diagnostic",
        diagnostic: {
          severity: "error",
          summary: "Resource precondition failed",
          detail: `the key is ${KEY}`,
          address: "azurerm_search_service.s",
          snippet: { code: `error_message = "${KEY}"` },
        },
      }),
      JSON.stringify({ type: "diagnostic", diagnostic: { severity: "error", summary: `listing keys: AccountKey=${KEY}\n::error::x`, detail: KEY } }),
      JSON.stringify({ type: "diagnostic", diagnostic: { severity: "warning", summary: `warning ${KEY}` } }),
      `raw text ${KEY}`,
    ].join("\n");
    expect(errorSummaries(lines)).toEqual(["Resource precondition failed (azurerm_search_service.s)", "listing keys: (redacted)"]);
  });
});

describe("a planted secret never leaves the runner", () => {
  const TRUSTED_CONFIG = {
    environments: {
      prod: { remoteState: { resourceGroupName: "rg", storageAccountName: "acct", containerName: "tfstate-prod" } },
      broken: { remoteState: { resourceGroupName: "rg", storageAccountName: "acct", containerName: "tfstate-broken" } },
      stage: { remoteState: { resourceGroupName: "rg", storageAccountName: "acct", containerName: "tfstate-stage" } },
      pre: { remoteState: { resourceGroupName: "rg", storageAccountName: "acct", containerName: "tfstate-pre" } },
      evil: { remoteState: { resourceGroupName: "rg", storageAccountName: "acct", containerName: "tfstate-evil" } },
      dev: {},
    },
  };
  const backendOf = (stack: string) => ({
    azurerm: { container_name: `tfstate-${stack}`, key: `${stack}.tfstate`, resource_group_name: "rg", storage_account_name: "acct", use_azuread_auth: true },
  });
  const stackJson = (stack: string) => ({
    terraform: { backend: backendOf(stack), required_providers: { azurerm: { source: "azurerm", version: "4.55.0" } } },
    provider: { azurerm: [{ features: [{}] }] },
  });

  it("reaches neither the plans artifact, the comment, the job summary nor the log", () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-stacks-"));
    // A fake terraform: init/plan succeed (printing the key, as a provider might), `show -json`
    // prints the sample plan; broken's JSON is cut short; pre's plan fails a precondition whose
    // message holds the key. Every call is recorded.
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(dir, "sample.json"), JSON.stringify(samplePlan()));
    const precondition = JSON.stringify({
      type: "diagnostic",
      diagnostic: { severity: "error", summary: "Resource precondition failed", detail: KEY, address: "azurerm_search_service.s" },
    });
    writeFileSync(
      join(bin, "terraform"),
      `#!/usr/bin/env bash
chdir=\${1#-chdir=}; shift
stack=$(basename "$chdir")
echo "$stack $1" >> "${dir}/calls"
case "$1 $2" in
  "show -json") if [ "$stack" = broken ]; then head -c 300 "${dir}/sample.json"; else cat "${dir}/sample.json"; fi ;;
  "init -input=false") ls -A "$chdir" > "${dir}/init-$stack.ls"; echo "terraform init: ok (${KEY})" ;;
  "plan -input=false") if [ "$stack" = pre ]; then echo '${precondition}'; echo "Error: ${KEY}" >&2; exit 1; fi; echo "terraform plan: ok (${KEY})" ;;
  *) echo "terraform $1: ok (${KEY})" ;;
esac
`,
    );
    const { dir: tools, node } = trustedCheckout(["redact-plan", "check-config", "diagnostics"], {
      ".terraform.lock.hcl": "# test lock file\n",
      "config/environments.json": JSON.stringify(TRUSTED_CONFIG),
    });
    chmodSync(join(bin, "terraform"), 0o755);
    for (const stack of ["prod", "broken", "stage", "pre", "evil", "dev"]) {
      mkdirSync(join(dir, "stacks", stack), { recursive: true });
      const json: Record<string, any> = stack === "dev" ? { terraform: { backend: { local: {} } } } : stackJson(stack);
      // evil points its provider at a host of its own: refused before init.
      if (stack === "evil") json.provider.azurerm[0].metadata_host = "127.0.0.1:9";
      writeFileSync(join(dir, "stacks", stack, "cdk.tf.json"), JSON.stringify(json));
    }
    // Anything else in the artifact stays behind: Terraform sees the checked JSON and the trusted lock file.
    writeFileSync(join(dir, "stacks", "prod", "extra.tf.json"), "{}");

    const run = spawnSync("bash", [join(ROOT, "scripts", "ci", "plan-stacks.sh"), join(dir, "stacks"), join(dir, "plans")], {
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        TOOLS_DIR: tools,
        NODE: node,
        GITHUB_OUTPUT: join(dir, "out.txt"),
        PLAN_STACKS: "prod broken pre evil dev",
      },
    });
    const log = `${run.stdout}${run.stderr}`;
    expect(readdirSync(join(dir, "plans")).sort()).toEqual(
      [
        "broken.failed",
        "broken.diagnostics.txt",
        "dev.skipped",
        "evil.diagnostics.txt",
        "evil.failed",
        "pre.diagnostics.txt",
        "pre.failed",
        "prod.config.json",
        "prod.fingerprint",
        "prod.plan.json",
        "prod.plan.txt",
        "stage.skipped",
      ].sort(),
    );
    expect(run.status).toBe(1);
    // Nothing ran for the stack whose configuration the check refused.
    expect(readFileSync(join(dir, "calls"), "utf8")).not.toMatch(/^evil /m);
    expect(readFileSync(join(dir, "plans", "evil.failed"), "utf8")).toMatch(/^check: /);
    expect(readFileSync(join(dir, "plans", "evil.diagnostics.txt"), "utf8")).toContain("metadata_host");
    expect(readFileSync(join(dir, "plans", "stage.skipped"), "utf8")).toMatch(/^not planned in pull requests: not in the PR_PLAN_STACKS variable/);
    expect(readFileSync(join(dir, "init-prod.ls"), "utf8")).toBe(".terraform.lock.hcl\ncdk.tf.json\n");
    expect(readFileSync(join(dir, "plans", "broken.failed"), "utf8")).toMatch(/^redact: /);
    expect(readFileSync(join(dir, "plans", "pre.failed"), "utf8")).toBe("plan: terraform plan exited non-zero\n");
    expect(readFileSync(join(dir, "plans", "pre.diagnostics.txt"), "utf8")).toBe("  error: Resource precondition failed (azurerm_search_service.s)\n");
    // The human plan is rendered from the redacted JSON, not Terraform's text.
    expect(readFileSync(join(dir, "plans", "prod.plan.txt"), "utf8")).toContain(
      `~ tags = {"env":"prod"} -> {"env":"prod","copy":"${SENSITIVE}"}\n\n# azurerm_key_vault_secret.k will be created\n    + name = "openai-key"\n    + value = "${SENSITIVE}"\n\n# azurerm_thing.unmarked will be created\n    + (every attribute) = "${SENSITIVE}"`,
    );
    expect(log).toContain("::notice::stack dev skipped: local state");
    expect(readFileSync(join(dir, "out.txt"), "utf8")).toBe("failed=3\n");

    const { input } = readInputs(["--plans-dir", join(dir, "plans")]);
    const artifact = readdirSync(join(dir, "plans")).map((f) => readFileSync(join(dir, "plans", f), "utf8"));
    for (const text of [log, ...artifact, renderPrComment(input), renderJobSummary(input)]) noSecretIn(text);
  });

  it("plans nothing in a pull request when PR_PLAN_STACKS is empty: the allowlist fails closed", () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-stacks-closed-"));
    const { dir: tools, node } = trustedCheckout(["check-config"], { "config/environments.json": JSON.stringify({ environments: { prod: TRUSTED_CONFIG.environments.prod } }) });
    const run = spawnSync("bash", [join(ROOT, "scripts", "ci", "plan-stacks.sh"), join(dir, "stacks"), join(dir, "plans")], {
      encoding: "utf8",
      env: { ...process.env, TOOLS_DIR: tools, NODE: node, PLAN_STACKS: "", GITHUB_OUTPUT: "" },
    });
    expect(run.status).toBe(0);
    expect(readdirSync(join(dir, "plans"))).toEqual(["prod.skipped"]);
    expect(readFileSync(join(dir, "plans", "prod.skipped"), "utf8")).toContain("(empty)");
  });
});
