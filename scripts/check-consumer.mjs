#!/usr/bin/env node
/**
 * The library as a consumer gets it (scripts/check.sh runs this; it is too slow for npm test):
 *
 * 1. `npm pack` this package (its `prepare` builds dist/lib) and check the tarball holds
 *    only what a consumer needs: package.json, README, LICENSE and the compiled library
 *    with its type declarations. No sources, tests, fixtures, bench or bundles.
 * 2. Copy examples/consumer to a temporary directory, point its dependency at the tarball
 *    and install it with npm. cdktf, constructs, the providers, typescript and @types/node
 *    are linked from this repository's node_modules first (the same pinned versions; the
 *    azurerm provider alone is 270 MB), so npm only unpacks the tarball and its one
 *    dependency, from its cache when it can.
 * 3. Type-check and compile the example against the installed types (strict,
 *    exactOptionalPropertyTypes, skipLibCheck off, so the shipped .d.ts files are checked
 *    too), check that every type the declarations reach is exported, and synthesize it:
 *    the pattern in a private stack of its own, the ready stack in keys mode, and the
 *    constructs without the pattern, each with passing guardrails. The example's tests
 *    (the testing kit: matrix, guardrails, settings, snapshots) run, and the installed
 *    audit command (the package's bin) audits every stack.
 *
 *   node scripts/check-consumer.mjs [--keep]    # --keep leaves the temporary directory
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { unexportedTypes } from "./public-api.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const keep = process.argv.includes("--keep");
const work = mkdtempSync(join(tmpdir(), "consumer-"));
const app = join(work, "app");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Runs a command, its output shown only when it fails. */
function run(cwd, command, args) {
  try {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    process.stderr.write(`${e.stdout ?? ""}${e.stderr ?? ""}`);
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd} (exit ${e.status})`);
  }
}

function fail(message) {
  throw new Error(message);
}

try {
  // 1. Pack.
  const [packed] = JSON.parse(run(root, npm, ["pack", "--json", "--pack-destination", work]));
  const files = packed.files.map((f) => f.path).sort();
  const unexpected = files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/lib\/.+\.(js|d\.ts))$/.test(f));
  if (unexpected.length > 0) fail(`the tarball holds what a consumer does not need: ${unexpected.join(", ")}`);
  for (const needed of ["LICENSE", "README.md", "dist/lib/index.js", "dist/lib/index.d.ts", "dist/lib/bin/audit.js"]) {
    if (!files.includes(needed)) fail(`the tarball lacks ${needed}`);
  }
  console.log(`consumer: packed ${packed.filename}: ${files.length} files, ${(packed.size / 1024).toFixed(0)} kB`);
  // npm accepts it for publishing as it is (no auto-corrected fields); dist/lib was just built by pack.
  const publish = JSON.parse(run(root, npm, ["publish", "--dry-run", "--ignore-scripts", "--json"]));
  // npm 10 prints the package itself, npm 11 keyed by its name.
  if ((publish.name ? publish : publish[packed.name])?.name !== packed.name) fail("npm publish --dry-run did not accept the package");

  // 2. Install into a copy of the example.
  cpSync(join(root, "examples", "consumer"), app, { recursive: true, filter: (src) => !/[\\/](node_modules|dist|cdktf\.out)$/.test(src) });
  const manifest = JSON.parse(readFileSync(join(app, "package.json"), "utf8"));
  manifest.dependencies[packed.name] = `file:../${packed.filename}`;
  writeFileSync(join(app, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const linked = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((name) => name !== packed.name);
  for (const name of linked) {
    const ours = JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version;
    const theirs = manifest.dependencies[name] ?? manifest.devDependencies[name];
    if (ours !== theirs) fail(`examples/consumer pins ${name} ${theirs}, this repository has ${ours}: keep them equal`);
    mkdirSync(dirname(join(app, "node_modules", name)), { recursive: true });
    symlinkSync(join(root, "node_modules", name), join(app, "node_modules", name), "junction");
  }
  run(app, npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock"]);
  const installed = JSON.parse(readFileSync(join(app, "node_modules", packed.name, "package.json"), "utf8"));
  if (installed.version !== packed.version) fail(`installed ${packed.name} ${installed.version}, packed ${packed.version}`);
  if (existsSync(join(app, "node_modules", packed.name, "index.ts"))) fail("the installed package holds TypeScript sources");

  // 3. Type-check (the example's tsconfig: strict, exactOptionalPropertyTypes, skipLibCheck off,
  // so the shipped declarations are checked under the strictest settings), every type the
  // declarations reach is exported, compile and synthesize.
  const tsconfig = JSON.parse(readFileSync(join(app, "tsconfig.json"), "utf8")).compilerOptions;
  for (const [option, value] of Object.entries({ strict: true, exactOptionalPropertyTypes: true, skipLibCheck: false })) {
    if (tsconfig[option] !== value) fail(`examples/consumer/tsconfig.json must set ${option}: ${value}`);
  }
  run(app, process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "."]);
  const missing = unexportedTypes(join(app, "node_modules", packed.name, "dist", "lib", "index.d.ts"));
  if (missing.length > 0) fail(`types reachable from the public API but not exported: ${missing.map((m) => `${m.name} (${m.file}, used by ${m.usedBy})`).join("; ")}`);
  const outdir = join(app, "cdktf.out");
  run(app, process.execPath, ["-e", `require("./dist/main.js").createApp(${JSON.stringify(outdir)}).synth()`]);
  const stacks = ["chat-weu", "chat-sec", "search-lab"];
  for (const stack of stacks) {
    const file = join(outdir, "stacks", stack, "cdk.tf.json");
    if (!existsSync(file)) fail(`no ${file}`);
    const json = JSON.parse(readFileSync(file, "utf8"));
    const webApps = Object.values(json.resource?.azurerm_linux_web_app ?? {});
    if (webApps.length !== 1) fail(`${stack}: expected one azurerm_linux_web_app, found ${webApps.length}`);
    const settings = webApps[0].app_settings ?? {};
    const named =
      stack === "search-lab" ? ["LAB_LLM", "LAB_INDEX"] : ["CHAT_OPENAI_ENDPOINT", "CHAT_DEPLOYMENT", "CHAT_SEARCH_ENDPOINT", "CHAT_SEARCH_INDEX", "CHAT_BLOB_CONTAINER"];
    for (const name of named) {
      if (!(name in settings)) fail(`${stack}: the app's ${name} is not among its settings (${Object.keys(settings).join(", ")})`);
    }
    const sampleNames = Object.keys(settings).filter((name) => name.startsWith("AZURE_"));
    if (sampleNames.length > 0) fail(`${stack}: ${sampleNames.join(", ")} although the example's contract names every variable`);
  }
  // The example's own tests, with the library's testing kit (matchers, snapshots: --ci never writes one).
  run(app, process.execPath, [join(app, "node_modules", "jest", "bin", "jest.js"), "--ci", "--silent"]);
  // The audit command ships as the package's bin: it judges what the consumer synthesized.
  const bin = Object.keys(installed.bin ?? {})[0] ?? fail("the package declares no bin");
  run(
    app,
    join(app, "node_modules", ".bin", bin),
    stacks.map((stack) => join(outdir, "stacks", stack, "cdk.tf.json")),
  );
  console.log(
    `consumer: examples/consumer installed the tarball, type-checked and synthesized ${stacks.join(", ")}, its tests pass with the testing kit, ${bin} passes the stacks`,
  );
} finally {
  if (keep) console.log(`consumer: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
