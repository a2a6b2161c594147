#!/usr/bin/env node
/**
 * `npm run check` (scripts/check.sh): the terminal path through the cdktf CLI itself, too
 * slow for `npm test` (~4 s a run). What __tests__/scripts/terminal/entry-points.test.ts proves
 * for the app command, npm start and npm run synth, here for `npx cdktf synth`:
 *   1. an edited config (a plan SKU, an added environment) is what the CLI synthesizes;
 *   2. a bad config fails with exit 1, our one block verbatim in the CLI's output, and
 *      the previous output folder untouched;
 *   3. `cdktf synth --hcl` after a JSON synth leaves cdk.tf alone in each stack folder
 *      (no stale cdk.tf.json defining everything twice for `terraform init`);
 *   4. each ejected cdk.tf parses as HCL (with @cdktf/hcl2json, the converter the audit
 *      uses for .tf files) and declares exactly the blocks the JSON synth of the same
 *      config declared. With EJECTED_JSON_DIR set, the parsed-back stacks are written
 *      there as <stack>.tf.json, for scripts/check.sh to run the real provider's
 *      validation on them (`terraform init` itself needs the registry, which CI may lack).
 */
import { parse as parseHcl } from "@cdktf/hcl2json";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const scratch = mkdtempSync(join(tmpdir(), "chat-check-cli-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
const out = join(scratch, "cdktf.out");
let failures = 0;
const check = (ok, what) => {
  console.log(`check-cli: [${ok ? "ok" : "FAILED"}] ${what}`);
  if (!ok) failures++;
};

const cdktf = (config, ...args) =>
  spawnSync("npx", ["--no-install", "cdktf", "synth", "--output", out, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", CHAT_CONFIG: config },
  });
const tree = (dir) =>
  new Map(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name))
      .sort()
      .map((f) => [relative(dir, f), readFileSync(f, "utf8")]),
  );

const shipped = JSON.parse(readFileSync(join(root, "config", "environments.json"), "utf8"));
const edited = structuredClone(shipped);
edited.environments.dev.webApp.planSku = "S1";
edited.environments.staging = { search: { sku: "basic" } };
const editedFile = join(scratch, "edited.json");
writeFileSync(editedFile, JSON.stringify(edited, null, 2));
const bad = structuredClone(edited);
bad.environments.prod.search.replicaCount = 13;
const badFile = join(scratch, "bad.json");
writeFileSync(badFile, JSON.stringify(bad, null, 2));

const ok = cdktf(editedFile);
const stackJson = (stack) => JSON.parse(readFileSync(join(out, "stacks", stack, "cdk.tf.json"), "utf8"));
let plans = [];
try {
  plans = Object.values(stackJson("dev").resource.azurerm_service_plan).map((p) => p.sku_name);
} catch {}
check(
  ok.status === 0 && plans.join() === "S1" && readdirSync(join(out, "stacks")).includes("staging"),
  `cdktf synth reflects the edited config (exit ${ok.status}, dev plan ${plans.join() || "none"}, stacks ${readdirSync(join(out, "stacks")).join(", ")})`,
);

const before = tree(out);
const failed = cdktf(badFile);
const block = "✗ prod/Platform/Search: replicaCount = 13\n  is out of range\n  fix: use a whole number from 1 to 12 (the standard tier's limit)\n";
check(
  failed.status === 1 && `${failed.stdout}${failed.stderr}`.includes(block),
  `cdktf synth with a bad config: exit ${failed.status}, the app's block verbatim in the CLI's output`,
);
const after = tree(out);
check(after.size === before.size && [...before].every(([f, text]) => after.get(f) === text), "cdktf synth with a bad config leaves the previous output untouched");

const hcl = cdktf(editedFile, "--hcl");
const stacks = readdirSync(join(out, "stacks"));
const files = stacks.map((s) =>
  readdirSync(join(out, "stacks", s))
    .filter((f) => f.startsWith("cdk."))
    .join("+"),
);
check(hcl.status === 0 && files.every((f) => f === "cdk.tf"), `cdktf synth --hcl after a JSON synth: ${stacks.map((s, i) => `${s}: ${files[i]}`).join(", ")}`);

/** `resource.azurerm_x.y`, `data.azurerm_z.w`, `output.o`, `provider.azurerm`, `locals.l`: what a configuration declares. */
const declared = (tf) => {
  const list = (v) => (Array.isArray(v) ? v : v ? [v] : []);
  const out = [];
  for (const kind of ["resource", "data"]) for (const [type, byName] of Object.entries(tf[kind] ?? {})) for (const name of Object.keys(byName)) out.push(`${kind}.${type}.${name}`);
  for (const kind of ["output", "provider", "variable"]) for (const name of Object.keys(tf[kind] ?? {})) out.push(`${kind}.${name}`);
  for (const locals of list(tf.locals)) for (const name of Object.keys(locals)) out.push(`locals.${name}`);
  return out.sort();
};
for (const stack of stacks) {
  const fromJson = declared(JSON.parse(before.get(join("stacks", stack, "cdk.tf.json")) ?? "{}"));
  let fromHcl = [];
  let problem = "";
  try {
    const parsed = await parseHcl("cdk.tf", readFileSync(join(out, "stacks", stack, "cdk.tf"), "utf8"));
    fromHcl = declared(parsed);
    if (process.env.EJECTED_JSON_DIR) writeFileSync(join(process.env.EJECTED_JSON_DIR, `${stack}.tf.json`), JSON.stringify(parsed, null, 1));
  } catch (e) {
    problem = `: ${e instanceof Error ? e.message : e}`;
  }
  const same = fromJson.length > 0 && fromJson.join() === fromHcl.join();
  check(same, `ejected stacks/${stack}/cdk.tf parses as HCL and declares the JSON synth's ${fromJson.length} blocks${same ? "" : ` (got ${fromHcl.length}${problem})`}`);
}

if (failures) {
  console.error(`check-cli: ${failures} failed`);
  process.exitCode = 1;
}
