#!/usr/bin/env node
/**
 * Bundles the compiled app into one file per entry point, so synthesis pays for one
 * module load instead of hundreds: module loading, not synthesis, is the cost
 * (DESIGN.md "Engineering rules"; measured by `npm run bench`).
 *
 *   entry (tsc output)          bundle                     run it with
 *   dist/main.js            ->  dist/bundle/app.js     ->  node dist/app.js          (cdktf.json "app")
 *   dist/scripts/start.js   ->  dist/bundle/start.js   ->  node dist/start.js        (npm start: synth + review)
 *   bench/stamps.ts         ->  dist/bundle/stamps.js  ->  node dist/bench/stamps.js N   (bench only)
 *
 * Runs after `tsc -p tsconfig.build.json` ("build" in package.json): bundles are made
 * from the type-checked tsc output, so they are the same code as `node dist/main.js`;
 * the bench proves the synthesized output is byte-identical.
 *
 * - Nothing is external except Node built-ins.
 * - Deterministic: same inputs, same bytes (no timestamps, no absolute paths, no
 *   identifier renaming). `--check` rebuilds in memory and fails if dist/ differs.
 * - Minified whitespace and syntax only (names kept: stack traces and
 *   `constructor.name` stay meaningful); a linked source map points at dist/*.js.
 * - Each `node dist/<name>.js` is a few-line launcher (dist/bundle/launch.js) that
 *   runs the bundle with a V8 code cache in dist/bundle/.v8-cache/, keyed by the
 *   bundle's content hash and the Node version: the second and later runs skip
 *   parsing and compiling 2-3 MB of JavaScript. Set CHAT_CODE_CACHE=off to disable.
 * - Two load-time costs inside cdktf 0.21.0 are removed in the bundle only; see
 *   lazyCreationStacks and lazyArchiver below. Each is guarded: if cdktf's file no
 *   longer looks as expected, the build fails instead of patching blindly.
 *
 *   node scripts/bundle.mjs            build
 *   node scripts/bundle.mjs --check    fail (exit 1) if dist/ is not what a build makes
 */
import { build } from "esbuild";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const out = join(dist, "bundle");

/**
 * bench/stamps.ts imports the constructs by their TypeScript paths (so `tsc --noEmit`
 * checks it). Point those imports at tsc's JavaScript in dist/, so the stamps bundle
 * runs exactly the compiled constructs the app bundle runs.
 */
const useCompiledSources = {
  name: "use-compiled-sources",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer.startsWith(join(root, "bench") + "/")) return undefined;
      const rel = relative(root, resolve(args.resolveDir, args.path));
      if (rel.startsWith("..") || rel.startsWith("bench") || rel.startsWith("node_modules")) return undefined;
      const js = join(dist, `${rel}.js`);
      if (!existsSync(js)) throw new Error(`${rel}: no compiled ${relative(root, js)}; run tsc -p tsconfig.build.json first`);
      return { path: js };
    });
  },
};

/** Replaces one cdktf file's content in the bundle, after checking it is the expected one. */
function patchCdktf(name, fileRe, mustContain, patch) {
  return {
    name,
    setup(b) {
      b.onLoad({ filter: fileRe }, (args) => {
        const original = readFileSync(args.path, "utf8");
        for (const s of mustContain) {
          if (!original.includes(s)) throw new Error(`${relative(root, args.path)} no longer contains ${JSON.stringify(s)}; review ${name} in scripts/bundle.mjs`);
        }
        return { contents: patch(original), loader: "js" };
      });
    },
  };
}

/**
 * cdktf captures an unlimited-depth stack trace for every token and every complex
 * attribute reference it creates (each provider resource creates dozens in its
 * constructor) and formats it to strings at once, only so that an error message can
 * show where the token was created. Formatting was about half of each stamp's synth
 * time (node --cpu-prof: defaultPrepareStackTrace under captureStackTrace). This
 * captures the same trace the same way and formats it on first use: errors still
 * show the creation stack; nothing else reads it. (util.inspect of the array shows
 * [] until it has been read.)
 */
const LAZY_STACK_TRACE = `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.captureStackTrace = captureStackTrace;
// scripts/bundle.mjs lazyCreationStacks: same capture as cdktf's, formatted on first use.
function captureStackTrace(below) {
  below = below || captureStackTrace;
  const object = { stack: "" };
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
    Error.captureStackTrace(object, below);
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
  let lines;
  const get = () => lines || (lines = object.stack ? object.stack.split("\\n").slice(1).map((s) => s.replace(/^\\s*at\\s+/, "")) : []);
  return new Proxy([], {
    get: (_t, p) => { const a = get(); const v = Reflect.get(a, p, a); return typeof v === "function" ? v.bind(a) : v; },
    set: (_t, p, v) => Reflect.set(get(), p, v),
    has: (_t, p) => Reflect.has(get(), p),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_t, p) => {
      const d = Reflect.getOwnPropertyDescriptor(get(), p);
      return d && p !== "length" ? { ...d, configurable: true } : d;
    },
    deleteProperty: (_t, p) => Reflect.deleteProperty(get(), p),
  });
}
`;
const lazyCreationStacks = patchCdktf(
  "lazyCreationStacks",
  /[\\/]node_modules[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/,
  ["Error.stackTraceLimit = Number.MAX_SAFE_INTEGER", "Error.captureStackTrace(object, below)", '.replace(/^\\s*at\\s+/, "")'],
  () => LAZY_STACK_TRACE,
);

/**
 * cdktf's index loads `archiver` (and its dependency tree) at startup for
 * TerraformAsset's zip archives, which this app never creates. Load it on first use.
 */
const ARCHIVER = 'const archiver = require("archiver");';
const lazyArchiver = patchCdktf("lazyArchiver", /[\\/]node_modules[\\/]cdktf[\\/]lib[\\/]private[\\/]fs\.js$/, [ARCHIVER], (src) =>
  src.replace(ARCHIVER, 'const archiver = (...args) => require("archiver")(...args); // scripts/bundle.mjs lazyArchiver'),
);

/**
 * cdktf's resolve() builds the error-message path ("/" + prefix.join("/")) eagerly on
 * every call, i.e. for every value of every resource, twice per synth; it is only read
 * when resolve throws. Build it when an error needs it.
 */
const PATH_NAME = 'const pathName = "/" + prefix.join("/");';
const lazyResolvePath = patchCdktf("lazyResolvePath", /[\\/]node_modules[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]resolve\.js$/, [PATH_NAME], (src) => {
  // Every use passes it to an error factory that interpolates it into a template string.
  if (src.split("pathName").length - 1 !== 5 || src.split("(pathName").length - 1 !== 4) throw new Error("cdktf resolve.js: pathName is used differently than in 0.21.0; review lazyResolvePath in scripts/bundle.mjs");
  return src.replace(PATH_NAME, 'const pathName = { toString: () => "/" + prefix.join("/") }; // scripts/bundle.mjs lazyResolvePath');
});

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: [], // Node built-ins stay external (platform "node"); every package is bundled.
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: false,
  sourcemap: "linked",
  sourcesContent: false,
  legalComments: "eof",
  charset: "utf8",
  logLevel: "error",
  write: false,
  plugins: [lazyCreationStacks, lazyArchiver, lazyResolvePath],
};

/** Runs a bundle with a V8 code cache. Shared by every launcher; generated, not hand-edited. */
const LAUNCH = `"use strict";
// Generated by scripts/bundle.mjs. Runs a one-file bundle like \`node <bundle>\` would,
// with a V8 code cache: the first run compiles and saves the cache, later runs of the
// same bundle (same bytes, same Node) load it instead of parsing and compiling again.
// The cache is keyed by a hash of the bundle's content, so a rebuilt bundle never runs
// stale code. CHAT_CODE_CACHE=off runs without it.
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const crypto = require("crypto");
const Module = require("module");

exports.run = function run(file, parent) {
  let source = fs.readFileSync(file, "utf8");
  if (source.startsWith("#!")) source = "//" + source.slice(2);
  const useCache = process.env.CHAT_CODE_CACHE !== "off";
  const dir = path.join(path.dirname(file), ".v8-cache");
  const base = path.basename(file, ".js");
  let cacheFile;
  let cachedData;
  let sourceKey;
  if (useCache) {
    // V8 rejects a cache made under other flags: key by Node, arch and flags as well, so
    // runs with different NODE_OPTIONS (the cdktf CLI sets some) keep separate caches.
    const hash = (x) => crypto.createHash("sha256").update(x).digest("hex");
    sourceKey = hash(source).slice(0, 16);
    const runtimeKey = hash([process.version, process.arch, process.execArgv.join(" "), process.env.NODE_OPTIONS || ""].join("\\0")).slice(0, 8);
    cacheFile = path.join(dir, base + "-" + sourceKey + "-" + runtimeKey + ".bin");
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (useCache && (!cachedData || script.cachedDataRejected)) {
    // After the run, so the cache also holds the functions compiled lazily during it.
    process.once("exit", () => {
      try {
        fs.mkdirSync(dir, { recursive: true });
        const tmp = cacheFile + "." + process.pid + ".tmp";
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
        for (const f of fs.readdirSync(dir)) {
          // Caches of older builds of this bundle are dead weight.
          if (f.startsWith(base + "-") && f.endsWith(".bin") && !f.startsWith(base + "-" + sourceKey + "-")) fs.rmSync(path.join(dir, f), { force: true });
        }
      } catch {
        // A cache is an optimization: a read-only dist/ just runs uncached.
      }
    });
  }
  const mod = new Module(file, parent);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  const req = Module.createRequire(file);
  req.main = mod; // the bundle's \`require.main === module\` checks mean "run as a program"
  script.runInThisContext()(mod.exports, req, mod, file, path.dirname(file));
  mod.loaded = true;
  return mod.exports;
};
`;
const launcher = (fromDir, bundle) => {
  const toLaunch = relative(fromDir, join(out, "launch.js")).split("\\").join("/");
  const toBundle = relative(fromDir, bundle).split("\\").join("/");
  return `#!/usr/bin/env node
"use strict";
// Generated by scripts/bundle.mjs: runs ${relative(root, bundle)} (one file, V8 code cache; see bundle/launch.js).
require(${JSON.stringify(toLaunch.startsWith(".") ? toLaunch : `./${toLaunch}`)}).run(require("path").join(__dirname, ${toBundle
    .split("/")
    .map((s) => JSON.stringify(s))
    .join(", ")}), module);
`;
};

const entries = [
  { entry: join(dist, "main.js"), bundle: join(out, "app.js"), launcher: join(dist, "app.js"), required: true },
  { entry: join(dist, "scripts", "start.js"), bundle: join(out, "start.js"), launcher: join(dist, "start.js"), required: false },
  { entry: join(root, "bench", "stamps.ts"), bundle: join(out, "stamps.js"), launcher: join(dist, "bench", "stamps.js"), required: true, plugins: [useCompiledSources], tsconfig: join(root, "tsconfig.json") },
];

const check = process.argv.includes("--check");
if (!existsSync(join(dist, "main.js"))) {
  console.error("bundle: dist/main.js is missing; run `tsc -p tsconfig.build.json` first");
  process.exit(2);
}

const files = []; // [path, contents]
files.push([join(out, "launch.js"), Buffer.from(LAUNCH)]);
for (const e of entries) {
  if (!existsSync(e.entry)) {
    if (e.required) throw new Error(`bundle: ${relative(root, e.entry)} is missing`);
    continue;
  }
  const result = await build({ ...common, entryPoints: [e.entry], outfile: e.bundle, plugins: [...(e.plugins ?? []), ...common.plugins], ...(e.tsconfig ? { tsconfig: e.tsconfig } : {}) });
  for (const f of result.outputFiles) files.push([f.path, Buffer.from(f.contents)]);
  files.push([e.launcher, Buffer.from(launcher(dirname(e.launcher), e.bundle))]);
}

let stale = 0;
for (const [path, contents] of files) {
  const name = relative(root, path);
  if (check) {
    if (!existsSync(path) || Buffer.compare(readFileSync(path), contents) !== 0) {
      stale++;
      console.error(`bundle: ${name} differs from a fresh build`);
    }
  } else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, contents);
    if (!name.endsWith(".map")) console.log(`bundle: ${name} (${Math.max(1, Math.round(contents.length / 1024))} KiB)`);
  }
}
if (stale) process.exit(1);
