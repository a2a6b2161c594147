#!/usr/bin/env node
/**
 * The one way the terminal runs the TypeScript entry points, with no build step to
 * remember: `cdktf.json`'s app, `npm start`, `npm run synth` and the bench all call it.
 *
 *   node scripts/run.mjs app    [--config FILE]   synthesize every stack (cdktf.json "app")
 *   node scripts/run.mjs start  [--config FILE]   synthesize, then print the review (npm start)
 *   node scripts/run.mjs stamps N                 N default stamps in one app (bench only)
 *
 * What you edit is what runs (DESIGN.md "Engineering rules"):
 * - The entry is bundled by esbuild straight from TypeScript (types stripped, not
 *   checked: `npm test` type-checks) into dist/run/<name>.js, because loading one file
 *   is much cheaper than loading hundreds of modules.
 * - The bundle is rebuilt only when one of its inputs changed: esbuild's metafile lists
 *   every file it read, and dist/run/<name>.inputs.json records the size and mtime of
 *   each project file among them; a stat of each is all a run costs when nothing
 *   changed. Packages count by their package.json and npm's node_modules/.package-lock.json,
 *   which npm rewrites whenever it changes node_modules (hundreds of stats fewer).
 * - The configuration is not an input: the app reads config/environments.json (or
 *   --config FILE / CHAT_CONFIG) when it runs.
 * - The bundle has a linked source map: the error boundary (scripts/terminal/report.ts)
 *   maps an unexpected error's stack to the TypeScript sources. Not
 *   process.setSourceMapsEnabled(true): with it, every stack trace cdktf captures for
 *   its tokens is mapped too, ~150 ms per synth (see scripts/terminal/stack.ts).
 * - Node's compile cache (module.enableCompileCache, Node >= 22.1) is used when the
 *   running Node has it.
 *
 * Plain JavaScript on purpose: it must run before anything is built.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import module from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "dist", "run");

/** Entry name -> TypeScript module exporting `main(args: string[]): void | Promise<void>`. */
const ENTRIES = {
  app: "main.ts",
  start: "scripts/start.ts",
  stamps: "bench/stamps.ts",
};

/**
 * Files esbuild reads that are not in its metafile's inputs, this launcher (its
 * options are part of every bundle) and npm's record of node_modules.
 */
const EXTRA_INPUTS = ["tsconfig.json", "package.json", "scripts/run.mjs", "node_modules/.package-lock.json"];

/** `node_modules/a/b.js` -> `node_modules/a/package.json` (scoped: `node_modules/@s/a/package.json`). */
function packageJsonOf(file) {
  const parts = file.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) return undefined;
  const depth = parts[at + 1]?.startsWith("@") ? 3 : 2;
  return [...parts.slice(0, at + depth), "package.json"].join("/");
}

/** Bumped when the build options below change in a way the inputs cannot show. */
const FORMAT = 1;

const [name, ...args] = process.argv.slice(2);
if (!name || !(name in ENTRIES)) {
  process.stderr.write(`usage: node scripts/run.mjs <${Object.keys(ENTRIES).join("|")}> [args]\n`);
  process.exit(2);
}

const bundle = join(outDir, `${name}.js`);
const manifestFile = join(outDir, `${name}.inputs.json`);

/** size:mtime of a file, or undefined when it is gone. */
function fingerprint(file) {
  const s = statSync(join(root, file), { throwIfNoEntry: false });
  return s ? `${s.size}:${s.mtimeMs}` : undefined;
}

/** True when the recorded inputs are exactly what is on disk now. */
function isFresh() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  } catch {
    return false;
  }
  if (manifest.format !== FORMAT || manifest.entry !== ENTRIES[name] || !existsSync(bundle)) return false;
  for (const [file, print] of Object.entries(manifest.inputs)) {
    if (fingerprint(file) !== print) return false;
  }
  return true;
}

/** Writes a file whole or not at all, so a concurrent run never reads half a bundle. */
function writeAtomically(file, contents) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

async function rebuild() {
  // Loaded only here: a run with nothing changed never pays for esbuild.
  const { build } = await import("esbuild");
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, ENTRIES[name])],
    outfile: bundle,
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
    charset: "utf8",
    logLevel: "error",
    metafile: true,
    write: false,
  });
  mkdirSync(outDir, { recursive: true });
  // Map first, bundle second, manifest last: a manifest always describes a complete bundle.
  for (const f of result.outputFiles.sort((a, b) => (a.path.endsWith(".map") ? -1 : b.path.endsWith(".map") ? 1 : 0))) {
    writeAtomically(f.path, f.contents);
  }
  const files = new Set(EXTRA_INPUTS);
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = relative(root, resolve(root, input)).split("\\").join("/");
    files.add(packageJsonOf(file) ?? file);
  }
  const inputs = {};
  for (const file of [...files].sort()) inputs[file] = fingerprint(file) ?? "missing";
  writeAtomically(manifestFile, `${JSON.stringify({ format: FORMAT, entry: ENTRIES[name], inputs }, null, 1)}\n`);
}

if (!isFresh()) {
  try {
    await rebuild();
  } catch (e) {
    // esbuild has already printed the TypeScript file, line and column of a syntax error.
    if (!e?.errors?.length) process.stderr.write(`${e?.stack ?? e}\n`);
    process.stderr.write(`could not build ${ENTRIES[name]}; fix the error above and run the command again\n`);
    process.exitCode = 1;
    process.exit();
  }
}

// Public since Node 22.1; Node 20 has no compile cache to offer (feature-detected).
if (typeof module.enableCompileCache === "function") module.enableCompileCache(join(outDir, ".compile-cache"));

const entry = module.createRequire(import.meta.url)(bundle);
await entry.main(args);
