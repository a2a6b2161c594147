#!/usr/bin/env node
/**
 * The one way the terminal runs the TypeScript entry points, with no build step to
 * remember: `cdktf.json`'s app, `npm start`, `npm run synth` and the bench all call it.
 *
 *   node scripts/run.cjs app    [--config FILE]   synthesize every stack (cdktf.json "app")
 *   node scripts/run.cjs start  [--config FILE]   synthesize, then print the review (npm start)
 *   node scripts/run.cjs deploy STACK... [args]   check Azure's model list, then cdktf deploy (npm run deploy)
 *   node scripts/run.cjs stamps N                 N default stamps in one app (bench only)
 *
 * What you edit is what runs (docs/design.md "Engineering rules"):
 * - esbuild bundles straight from TypeScript (types stripped, not checked: `npm test`
 *   type-checks), because loading a few files is much cheaper than loading hundreds.
 * - Two layers, so an edit rebuilds only what it touched: dist/run/vendor.js holds every
 *   package the sources import (cdktf, the provider classes, zod...) and is rebuilt only
 *   when node_modules changes or a source imports a new package; dist/run/<entry>.js
 *   holds the project's own sources (about a hundred files: tens of milliseconds to
 *   bundle) and gets each package from vendor.js.
 * - A layer is rebuilt only when one of its inputs changed. Each layer's inputs.json
 *   records the size and mtime of the files esbuild read (packages count by their
 *   package.json and npm's node_modules/.package-lock.json, which npm rewrites whenever
 *   it changes node_modules); a stat of each is all a run costs when nothing changed,
 *   and esbuild is not even loaded.
 * - The configuration is not an input: the app reads config/environments.json (or
 *   --config FILE / CHAT_CONFIG) when it runs.
 * - Both layers have linked source maps: the error boundary (scripts/terminal/report.ts)
 *   maps an unexpected error's stack to the TypeScript sources. Not
 *   process.setSourceMapsEnabled(true): with it, every stack trace cdktf captures for
 *   its tokens is mapped too, ~150 ms per synth (see scripts/terminal/stack.ts).
 * - Node's compile cache (module_.enableCompileCache, Node >= 22.1) is used when the
 *   running Node has it.
 * - cdktf's records of where each token was created keep only frames of the project's
 *   own bundles (scripts/terminal/creation-records.cjs).
 *
 * Plain CommonJS on purpose: it must run before anything is built, and an ES module
 * entry would start Node's ES module loader for nothing.
 */
"use strict";
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const module_ = require("node:module");
const { join, relative, resolve, sep } = require("node:path");
const { keepOwnFramesInCreationRecords } = require("./terminal/creation-records.cjs");

const root = resolve(__dirname, "..");
const outDir = join(root, "dist", "run");

/** Entry name -> TypeScript module exporting `main(args: string[]): void | Promise<void>`. */
const ENTRIES = {
  app: "main.ts",
  start: "scripts/start.ts",
  deploy: "scripts/deploy.ts",
  stamps: "bench/stamps.ts",
};

/** Bumped when the build options below change in a way the inputs cannot show. */
const FORMAT = 3;

/** What every layer depends on besides the files esbuild reports reading. */
const LAUNCHER_INPUTS = ["scripts/run.cjs", "package.json"];
const SOURCE_INPUTS = [...LAUNCHER_INPUTS, "tsconfig.json"];
const VENDOR_INPUTS = [...LAUNCHER_INPUTS, "node_modules/.package-lock.json"];

const VENDOR = "vendor.js";

/**
 * Packages bundled with the sources instead: they ship ES modules, which esbuild trims
 * to what is used (zod/mini: about a quarter of zod), while vendor.js, an index of
 * packages, must keep all of each.
 */
const WITH_SOURCES = new Set(["zod"]);
const packageName = (spec) =>
  spec
    .split("/")
    .slice(0, spec.startsWith("@") ? 2 : 1)
    .join("/");
const sourcesManifest = join(outDir, "sources.inputs.json");
const vendorManifest = join(outDir, "vendor.inputs.json");

const [name, ...args] = process.argv.slice(2);
if (!name || !Object.hasOwn(ENTRIES, name)) {
  process.stderr.write(`usage: node scripts/run.cjs <${Object.keys(ENTRIES).join("|")}> [args]\n`);
  process.exit(2);
}

/** size:mtime of a project-relative file, or undefined when it is gone. */
function fingerprint(file) {
  // Concatenation, not path.join: recorded paths are already normalized, and this runs
  // for every input on every run.
  const s = statSync(`${root}/${file}`, { throwIfNoEntry: false });
  return s ? `${s.size}:${s.mtimeMs}` : undefined;
}

function readManifest(file) {
  try {
    const m = JSON.parse(readFileSync(file, "utf8"));
    return m.format === FORMAT ? m : undefined;
  } catch {
    return undefined;
  }
}

const MISSING = "missing";

/** True when every recorded input is exactly what is on disk now (a missing one still missing). */
function unchanged(manifest) {
  return Boolean(manifest) && Object.entries(manifest.inputs).every(([file, print]) => (fingerprint(file) ?? MISSING) === print);
}

function record(files) {
  const inputs = {};
  for (const file of [...files].sort()) inputs[file] = fingerprint(file) ?? MISSING;
  return inputs;
}

/** Writes a file whole or not at all, so a concurrent run never reads half a bundle. */
function writeAtomically(file, contents) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

const projectPath = (file) => relative(root, resolve(root, file)).split("\\").join("/");

/** `node_modules/a/b.js` -> `node_modules/a/package.json` (scoped: `node_modules/@s/a/package.json`). */
function packageJsonOf(file) {
  const parts = file.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) return undefined;
  const depth = parts[at + 1]?.startsWith("@") ? 3 : 2;
  return [...parts.slice(0, at + depth), "package.json"].join("/");
}

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: `node${process.versions.node.split(".")[0]}`,
  // Whitespace and syntax only: names stay (constructor.name, readable stacks).
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: "linked",
  sourcesContent: false,
  legalComments: "none",
  // ASCII output (esbuild escapes the rest): Node then reads the bundles as one-byte
  // strings, which it decodes and V8 scans faster than two-byte ones.
  charset: "ascii",
  logLevel: "error",
  metafile: true,
  write: false,
};

/**
 * Sends every package import of the sources to vendor.js: `import { App } from "cdktf"`
 * becomes `require("./vendor.js")["cdktf"]`. Node built-ins stay as they are.
 */
function vendorImports(packages) {
  return {
    name: "vendor-imports",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (a) => {
        if (a.kind === "entry-point" || module_.isBuiltin(a.path) || WITH_SOURCES.has(packageName(a.path))) return undefined;
        packages.add(a.path);
        return { path: a.path, namespace: "vendor" };
      });
      b.onLoad({ filter: /.*/, namespace: "vendor" }, (a) => ({ contents: `module.exports = require("./${VENDOR}")[${JSON.stringify(a.path)}];`, loader: "js" }));
      b.onResolve({ filter: new RegExp(`^\\./${VENDOR.replace(".", "\\.")}$`) }, (a) => ({ path: a.path, external: true }));
    },
  };
}

async function rebuild(vendor) {
  // Loaded only here: a run with nothing changed never pays for esbuild.
  const { build } = require("esbuild");
  const packages = new Set();
  const sources = await build({
    ...common,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([n, file]) => [n, join(root, file)])),
    outdir: outDir,
    plugins: [vendorImports(packages)],
  });
  const files = [...sources.outputFiles];
  const wanted = [...packages].sort();

  if (!unchanged(vendor) || !wanted.every((p) => vendor.packages.includes(p))) {
    // Keeps what an earlier build needed too, so a concurrent run's bundle still finds its packages.
    const all = [...new Set([...(vendor?.packages ?? []), ...wanted])].sort();
    // Getters: a package is evaluated when first used, as it would be without the split.
    // Each hands out a view of the package: an object with no own properties whose
    // prototype is the package's exports. esbuild's import interop (__toESM) copies the
    // own properties of a CommonJS module for every file that imports it (cdktf's ~600
    // exports into each of ten files: a third of the sources' start-up); a view has none
    // to copy, and every name still reads through to the package.
    const entry = `${all.map((p, i) => `let v${i}; Object.defineProperty(exports, ${JSON.stringify(p)}, { enumerable: true, get: () => (v${i} ??= Object.create(require(${JSON.stringify(p)}))) });`).join("\n")}\n`;
    const result = await build({ ...common, stdin: { contents: entry, resolveDir: root, sourcefile: "vendor-entry.js", loader: "js" }, outfile: join(outDir, VENDOR) });
    files.push(...result.outputFiles);
    const inputs = new Set(VENDOR_INPUTS);
    for (const input of Object.keys(result.metafile.inputs)) {
      const file = projectPath(input);
      const pkg = packageJsonOf(file);
      if (pkg) inputs.add(pkg);
    }
    vendor = { format: FORMAT, packages: all, inputs: record(inputs) };
    files.push({ path: vendorManifest, contents: `${JSON.stringify(vendor, null, 1)}\n` });
  }

  const sourceInputs = new Set(SOURCE_INPUTS);
  for (const input of Object.keys(sources.metafile.inputs)) {
    if (input.startsWith("vendor:")) continue;
    const file = projectPath(input);
    sourceInputs.add(packageJsonOf(file) ?? file);
  }
  if ([...sourceInputs].some((f) => f.startsWith("node_modules/"))) sourceInputs.add("node_modules/.package-lock.json");
  // Maps, then bundles, then manifests: a manifest always describes complete bundles.
  const rank = (p) => (p.endsWith(".map") ? 0 : p.endsWith(".js") ? 1 : 2);
  files.push({ path: sourcesManifest, contents: `${JSON.stringify({ format: FORMAT, packages: wanted, inputs: record(sourceInputs) }, null, 1)}\n` });
  mkdirSync(outDir, { recursive: true });
  for (const f of files.sort((a, b) => rank(a.path) - rank(b.path))) writeAtomically(f.path, f.contents);
}

async function main() {
  const built = readManifest(sourcesManifest);
  const vendor = readManifest(vendorManifest);
  if (!(unchanged(built) && unchanged(vendor) && built.packages.every((p) => vendor.packages.includes(p)))) {
    // npm writes this record of what it installed; without it there is nothing to bundle
    // (a fresh clone before `npm ci`), which deserves better than esbuild's module stack.
    if (fingerprint("node_modules/.package-lock.json") === undefined) {
      process.stderr.write(
        `✗ ${join(root, "node_modules")}\n  is missing: the packages this command runs are not installed\n  fix: run npm ci in ${root}, then run the command again\n`,
      );
      process.exitCode = 1;
      return;
    }
    try {
      await rebuild(vendor);
    } catch (e) {
      // esbuild has already printed the TypeScript file, line and column of a syntax error.
      if (!e?.errors?.length) process.stderr.write(`${e?.stack ?? e}\n`);
      process.stderr.write("could not bundle the TypeScript sources; fix the error above and run the command again\n");
      process.exitCode = 1;
      return;
    }
  }

  // Public since Node 22.1; Node 20 has no compile cache to offer (feature-detected).
  if (typeof module_.enableCompileCache === "function") module_.enableCompileCache(join(outDir, ".compile-cache"));

  // The entry bundles are the project's own code; vendor.js is the packages'.
  const vendorBundle = join(outDir, VENDOR);
  keepOwnFramesInCreationRecords((file) => file.startsWith(`${outDir}${sep}`) && file !== vendorBundle);
  // Off the module loader's stack: every creation record captures each frame down to
  // the bottom, and Node's loader frames were 7 of a record's 23.
  await null;
  await require(join(outDir, `${name}.js`)).main(args);
}

main();
