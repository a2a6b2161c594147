#!/usr/bin/env node
/**
 * Synthesis benchmark: `npm run bench`.
 *
 * Measures, in interleaved rounds (so machine drift affects every case alike), the
 * median wall time and the peak RSS of whole child processes:
 *
 *   floor       node -e 'require("cdktf")'                       loading cdktf alone
 *   ready       node dist/start.js (bundle)                       npm start's synth: all stacks,
 *                                                                 guardrails, review
 *   app         cdktf.json "app" (node dist/app.js, bundle)       what `cdktf synth` runs
 *   unbundled   node dist/scripts/start.js                        the ready app from tsc output
 *   template    ts-node bench/fixtures/template-style/main.ts     package-root imports + ts-node
 *   cli         npx cdktf synth                                   the CLI around the app
 *   stamps N    node dist/bench/stamps.js N  (N = 1, 5, 20)       N environment stamps in one app
 *
 * and checks that the bundle is deterministic and synthesizes byte-identical output
 * to the unbundled app. Then runs `npm test` once and times it. Prints a table and
 * writes bench/results.json.
 *
 * Options:
 *   --rounds N            rounds of the fast cases (default 7, after one warm-up round)
 *   --template-rounds N   rounds of the template-style case (default 2)
 *   --cli-rounds N        rounds of `cdktf synth` (default 3)
 *   --skip-tests          do not run `npm test`
 *   --skip-template       do not run the template-style case
 *   --skip-cli            do not run `cdktf synth`
 *   --no-build            measure dist/ as it is (default: `npm run build` first)
 *   --rss time|preload    force the peak-RSS method (default: /usr/bin/time when it works)
 *   --out FILE            results file (default bench/results.json)
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const rel = (p) => relative(root, p) || ".";

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  if (i === -1) return fallback;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new Error(`${name} needs a value`);
  return v;
};
const positiveInt = (name, fallback) => {
  const n = Number(option(name, String(fallback)));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};
const opts = {
  rounds: positiveInt("--rounds", 7),
  templateRounds: positiveInt("--template-rounds", 2),
  cliRounds: positiveInt("--cli-rounds", 3),
  skipTests: flag("--skip-tests"),
  skipTemplate: flag("--skip-template"),
  skipCli: flag("--skip-cli"),
  build: !flag("--no-build"),
  rss: option("--rss", "auto"),
  out: resolve(root, option("--out", "bench/results.json")),
};
if (!["auto", "time", "preload"].includes(opts.rss)) throw new Error("--rss must be time or preload");

const TARGETS = {
  appVsFloor: 1.15, // ready app synth <= 1.15x loading cdktf alone
  templateVsApp: 40, // template style >= 40x slower than the ready app
  appRssMB: 100, // ready app peak RSS <= 100 MB
  stamps20vs1: 2.5, // 20 stamps <= 2.5x one stamp
  testsSeconds: 30, // npm test <= 30 s
};
const RUN_TIMEOUT_MS = 300_000;

const scratch = mkdtempSync(join(os.tmpdir(), "chat-bench-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
let seq = 0;
const tmp = (tag) => join(scratch, `${tag}-${++seq}`);

// ---------------------------------------------------------------- measuring one process
const TIME = "/usr/bin/time";
function chooseRssMethod() {
  if (opts.rss !== "auto") return opts.rss;
  if (!existsSync(TIME)) return "preload";
  const probe = join(scratch, "probe");
  const r = spawnSync(TIME, ["-f", "%M", "-o", probe, process.execPath, "-e", "0"], { stdio: "ignore" });
  return r.status === 0 && existsSync(probe) && /^\d+\s*$/m.test(readFileSync(probe, "utf8")) ? "time" : "preload";
}
const rssMethod = chooseRssMethod();
const PRELOAD = join(root, "bench", "rss-preload.cjs");

/** Runs argv to completion; returns wall ms, peak RSS (MB, whole process tree), exit code and output tail. */
function measure(cmd, { env = {}, cwd = root, timeoutMs = RUN_TIMEOUT_MS, fullOutput = false } = {}) {
  const rssFile = tmp("rss");
  let file = cmd[0];
  let args = cmd.slice(1);
  const childEnv = { ...process.env, CHECKPOINT_DISABLE: "1", ...env };
  if (rssMethod === "time") {
    args = ["-f", "%M", "-o", rssFile, file, ...args];
    file = TIME;
  } else {
    childEnv.BENCH_RSS_FILE = rssFile;
    childEnv.NODE_OPTIONS = `${childEnv.NODE_OPTIONS ?? ""} --require ${JSON.stringify(PRELOAD)}`.trim();
  }
  return new Promise((done) => {
    let output = "";
    const keep = (d) => {
      output = fullOutput ? output + d : (output + d).slice(-4000);
    };
    const start = performance.now();
    const child = spawn(file, args, { cwd, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      done({ ms: NaN, rssMB: NaN, code: -1, output: String(e.message) });
    });
    child.on("close", (code, signal) => {
      const ms = performance.now() - start;
      clearTimeout(timer);
      let kb = NaN;
      if (existsSync(rssFile)) {
        const values = readFileSync(rssFile, "utf8").split("\n").filter((l) => /^\d+$/.test(l.trim())).map(Number);
        if (values.length) kb = Math.max(...values);
      }
      done({ ms, rssMB: kb / 1024, code: signal ? `signal ${signal}` : code, output });
    });
  });
}

// ---------------------------------------------------------------- helpers
const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const lastLine = (text) => text.trim().split("\n").filter(Boolean).slice(-1)[0] ?? "";
const splitCommand = (s) => s.trim().split(/\s+/);
const fmtMs = (ms) => (Number.isFinite(ms) ? (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`) : "-");
const fmtMB = (mb) => (Number.isFinite(mb) ? `${Math.round(mb)} MB` : "-");
const fmtX = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : "-");

/** Every file under dir, relative path -> bytes. */
function tree(dir) {
  const out = new Map();
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}
function compareTrees(a, b) {
  const ta = tree(a);
  const tb = tree(b);
  const differences = [];
  for (const k of new Set([...ta.keys(), ...tb.keys()])) {
    if (!ta.has(k)) differences.push(`only in bundled: ${k}`);
    else if (!tb.has(k)) differences.push(`only in unbundled: ${k}`);
    else if (Buffer.compare(ta.get(k), tb.get(k)) !== 0) differences.push(`differs: ${k}`);
  }
  return { identical: differences.length === 0 && ta.size > 0, files: ta.size, differences };
}
function resourceCounts(stackJson) {
  const j = JSON.parse(readFileSync(stackJson, "utf8"));
  const counts = {};
  for (const [type, byName] of Object.entries(j.resource ?? {})) counts[type] = Object.keys(byName).length;
  for (const [type, byName] of Object.entries(j.data ?? {})) counts[`data.${type}`] = Object.keys(byName).length;
  counts.output = Object.keys(j.output ?? {}).length;
  return counts;
}
const sh = (cmd, args) => spawnSync(cmd, args, { cwd: root, encoding: "utf8" });
const versionOf = (pkg) => {
  try {
    return JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")).version;
  } catch {
    return undefined;
  }
};

// ---------------------------------------------------------------- build and checks
const log = (s) => process.stderr.write(`${s}\n`);
let buildMs;
if (opts.build) {
  log("bench: npm run build");
  const t = performance.now();
  const b = spawnSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  buildMs = performance.now() - t;
  if (b.status !== 0) {
    log("bench: build failed");
    process.exit(1);
  }
}

const cdktfJson = JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8"));
// npm start runs synth + guardrails + review in one process; bundled as dist/start.js.
const hasStart = existsSync(join(root, "dist", "start.js")) && existsSync(join(root, "dist", "scripts", "start.js"));
const appCommand = splitCommand(cdktfJson.app);
const stampsEntry = join(root, "dist", "bench", "stamps.js");
for (const f of [join(root, "dist", "main.js"), stampsEntry]) {
  if (!existsSync(f)) {
    log(`bench: ${rel(f)} is missing; run npm run build (or drop --no-build)`);
    process.exit(1);
  }
}

const checks = {};
log("bench: checking the bundle");
{
  const det = sh(process.execPath, [join(root, "scripts", "bundle.mjs"), "--check"]);
  checks.bundleDeterministic = { ok: det.status === 0, detail: det.status === 0 ? "rebuilt in memory: same bytes as dist/" : lastLine(det.stderr) };

  const a = tmp("out-bundled");
  const b = tmp("out-unbundled");
  const ra = await measure(appCommand, { env: { CDKTF_OUTDIR: a } });
  const rb = await measure([process.execPath, "dist/main.js"], { env: { CDKTF_OUTDIR: b } });
  const cmp = ra.code === 0 && rb.code === 0 ? compareTrees(a, b) : { identical: false, files: 0, differences: [`exit ${ra.code}/${rb.code}: ${lastLine(ra.output || rb.output)}`] };
  checks.appOutputIdentical = { ok: cmp.identical, detail: cmp.identical ? `${cmp.files} files byte-identical (${cdktfJson.app} vs node dist/main.js)` : cmp.differences.slice(0, 5).join("; ") };

  if (hasStart) {
    // npm start's bundle against tsc's start: the files it writes and what it prints.
    const e = tmp("start-bundled");
    const f = tmp("start-unbundled");
    const re = await measure([process.execPath, "dist/start.js"], { env: { CDKTF_OUTDIR: e }, fullOutput: true });
    const rf = await measure([process.execPath, "dist/scripts/start.js"], { env: { CDKTF_OUTDIR: f }, fullOutput: true });
    let cmp3 = re.code === 0 && rf.code === 0 ? compareTrees(e, f) : { identical: false, files: 0, differences: [`exit ${re.code}/${rf.code}: ${lastLine(re.output || rf.output)}`] };
    const sameStdout = re.output.split(e).join("<out>") === rf.output.split(f).join("<out>");
    if (cmp3.identical && !sameStdout) cmp3 = { identical: false, files: cmp3.files, differences: ["printed output differs"] };
    checks.startOutputIdentical = { ok: cmp3.identical, detail: cmp3.identical ? `${cmp3.files} files and the printed review byte-identical (node dist/start.js vs node dist/scripts/start.js)` : cmp3.differences.slice(0, 5).join("; ") };
  }

  // The stamps bundle against the same stamps built from tsc's unbundled output.
  const n = 5;
  const unbundledStamps = `const { App } = require("cdktf"); const { ChatStack } = require("./dist/app/chat-stack");
const app = new App({ skipValidation: false }); for (let i = 1; i <= ${n}; i++) new ChatStack(app, "s" + i, { platform: { environment: "s" + i } }); app.synth();`;
  const c = tmp("stamps-bundled");
  const d = tmp("stamps-unbundled");
  const rc = await measure([process.execPath, stampsEntry, String(n)], { env: { CDKTF_OUTDIR: c } });
  const rd = await measure([process.execPath, "-e", unbundledStamps], { env: { CDKTF_OUTDIR: d } });
  const cmp2 = rc.code === 0 && rd.code === 0 ? compareTrees(c, d) : { identical: false, files: 0, differences: [`exit ${rc.code}/${rd.code}: ${lastLine(rc.output || rd.output)}`] };
  checks.stampsOutputIdentical = { ok: cmp2.identical, detail: cmp2.identical ? `${n} stamps: ${cmp2.files} files byte-identical to the unbundled constructs` : cmp2.differences.slice(0, 5).join("; ") };
  checks.appOutdir = a;
}

// ---------------------------------------------------------------- cases
const tsNodeBin = (() => {
  try {
    return require.resolve("ts-node/dist/bin.js");
  } catch {
    return undefined;
  }
})();
const fixtureDir = join(root, "bench", "fixtures", "template-style");

const cases = [
  { id: "floor", label: "floor: require(\"cdktf\")", display: `node -e 'require("cdktf")'`, cmd: [process.execPath, "-e", 'require("cdktf")'], rounds: opts.rounds },
  ...(hasStart
    ? [
        { id: "ready", label: "ready app: synth+guardrails+review", display: "node dist/start.js", cmd: [process.execPath, "dist/start.js"], rounds: opts.rounds },
        { id: "app", label: "cdktf.json app (synth only)", display: cdktfJson.app, cmd: appCommand, rounds: opts.rounds },
        { id: "unbundled", label: "ready app, unbundled tsc output", display: "node dist/scripts/start.js", cmd: [process.execPath, "dist/scripts/start.js"], rounds: opts.rounds },
      ]
    : [
        { id: "ready", label: "ready app synth (bundled)", display: cdktfJson.app, cmd: appCommand, rounds: opts.rounds },
        { id: "unbundled", label: "ready app, unbundled tsc output", display: "node dist/main.js", cmd: [process.execPath, "dist/main.js"], rounds: opts.rounds },
      ]),
  {
    id: "template",
    label: "template style (root import + ts-node)",
    display: "ts-node bench/fixtures/template-style/main.ts",
    cmd: tsNodeBin ? [process.execPath, tsNodeBin, "--project", join(fixtureDir, "tsconfig.json"), join(fixtureDir, "main.ts")] : undefined,
    unavailable: opts.skipTemplate ? "skipped (--skip-template)" : tsNodeBin ? undefined : "ts-node is not installed",
    rounds: opts.templateRounds,
    outdir: true,
    warmup: false,
  },
  {
    id: "cli",
    label: "cdktf synth (CLI)",
    display: "npx cdktf synth",
    cmd: ["npx", "--no-install", "cdktf", "synth", "--output", "<outdir>"],
    unavailable: opts.skipCli ? "skipped (--skip-cli)" : undefined,
    rounds: opts.cliRounds,
    warmup: false,
  },
  ...[1, 5, 20].map((n) => ({ id: `stamps${n}`, label: `${n} stamp${n > 1 ? "s" : ""} in one app`, display: `node dist/bench/stamps.js ${n}`, cmd: [process.execPath, stampsEntry, String(n)], rounds: opts.rounds, outdir: true })),
];
for (const c of cases) c.runs = [];

// The CLI may be unable to run here (e.g. node-pty prebuilds under npm 11): probe once.
const cli = cases.find((c) => c.id === "cli");
if (!cli.unavailable) {
  const probe = spawnSync("npx", ["--no-install", "cdktf", "--version"], { cwd: root, encoding: "utf8", timeout: 120_000, env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  if (probe.status !== 0) cli.unavailable = `unavailable: ${lastLine(probe.stderr || probe.stdout || String(probe.error?.message ?? "cdktf --version failed"))}`;
  else cli.version = probe.stdout.trim();
}

async function runOnce(c, { keepOutdir = false } = {}) {
  const outdir = tmp(c.id);
  const cmd = c.cmd.map((a) => (a === "<outdir>" ? outdir : a));
  const r = await measure(cmd, { env: { CDKTF_OUTDIR: outdir } });
  if (r.code !== 0) {
    c.failed = `exit ${r.code}: ${lastLine(r.output)}`;
    log(`bench: ${c.id} failed: ${c.failed}`);
  }
  if (!keepOutdir) rmSync(outdir, { recursive: true, force: true });
  return { ...r, outdir };
}

const active = cases.filter((c) => !c.unavailable);
log(`bench: warm-up (peak RSS via ${rssMethod === "time" ? "/usr/bin/time" : "a --require preload"})`);
for (const c of active) if (c.warmup !== false) await runOnce(c);

const maxRounds = Math.max(...active.map((c) => c.rounds));
for (let round = 0; round < maxRounds; round++) {
  // Interleave: every case once per round, starting at a different case each round.
  const order = active.map((_, i) => active[(i + round) % active.length]);
  for (const c of order) {
    if (round >= c.rounds || c.failed) continue;
    const keep = c.id === "template" && round === 0;
    const r = await runOnce(c, { keepOutdir: keep });
    if (keep) c.keptOutdir = r.outdir;
    if (r.code === 0) c.runs.push({ ms: r.ms, rssMB: r.rssMB });
  }
  log(`bench: round ${round + 1}/${maxRounds} done`);
}

// The fixture must be a faithful copy: same resources as the ready app's dev stack.
const tpl = cases.find((c) => c.id === "template");
if (tpl.keptOutdir) {
  const appDev = join(checks.appOutdir, "stacks", "dev", "cdk.tf.json");
  const tplDev = join(tpl.keptOutdir, "stacks", "dev", "cdk.tf.json");
  if (existsSync(appDev) && existsSync(tplDev)) {
    // The fixture copies the default ChatPlatform (the issue's list), not what the stack adds around it.
    const a = resourceCounts(appDev);
    const t = resourceCounts(tplDev);
    const keys = Object.keys(t).filter((k) => k !== "output");
    const diff = keys.filter((k) => a[k] !== t[k]).map((k) => `${k}: app ${a[k] ?? 0}, fixture ${t[k]}`);
    const extra = Object.keys(a).filter((k) => !(k in t)).map((k) => `${k} x${a[k]}`);
    const total = keys.reduce((n, k) => n + t[k], 0);
    checks.templateFixtureFaithful = {
      ok: diff.length === 0,
      detail: diff.length
        ? diff.join("; ")
        : `the fixture's ${total} resources and data sources match the app's dev stack by type and count${extra.length ? ` (the app's stack adds ${extra.join(", ")}, and ${a.output} outputs vs ${t.output})` : ""}`,
    };
  } else {
    checks.templateFixtureFaithful = { ok: false, detail: "no dev stack to compare" };
  }
}
delete checks.appOutdir;

// ---------------------------------------------------------------- npm test
let tests;
if (!opts.skipTests) {
  log("bench: npm test");
  const r = await measure(["npm", "test", "--silent"], { timeoutMs: 600_000 });
  tests = { seconds: r.ms / 1000, exitCode: r.code, rssMB: r.rssMB, tail: r.code === 0 ? undefined : r.output.slice(-1500) };
}

// ---------------------------------------------------------------- results
const byId = Object.fromEntries(cases.map((c) => [c.id, c]));
for (const c of cases) {
  c.medianMs = median(c.runs.map((r) => r.ms));
  c.medianRssMB = median(c.runs.map((r) => r.rssMB));
  c.maxRssMB = c.runs.length ? Math.max(...c.runs.map((r) => r.rssMB)) : NaN;
}
const ratio = (a, b) => (byId[a] && byId[b] ? byId[a].medianMs / byId[b].medianMs : NaN);
const ratios = {
  readyVsFloor: ratio("ready", "floor"),
  appVsFloor: ratio("app", "floor"),
  unbundledVsFloor: ratio("unbundled", "floor"),
  templateVsReady: ratio("template", "ready"),
  cliVsApp: ratio("cli", hasStart ? "app" : "ready"),
  stamps5vs1: ratio("stamps5", "stamps1"),
  stamps20vs1: ratio("stamps20", "stamps1"),
};
const target = (name, value, limit, kind) => ({ name, value, limit, met: Number.isFinite(value) ? (kind === "max" ? value <= limit : value >= limit) : false, kind });
const targets = [
  target("ready app / floor", ratios.readyVsFloor, TARGETS.appVsFloor, "max"),
  target("template style / ready app", ratios.templateVsReady, TARGETS.templateVsApp, "min"),
  target("ready app peak RSS (MB, worst round)", byId.ready.maxRssMB, TARGETS.appRssMB, "max"),
  target("20 stamps / 1 stamp", ratios.stamps20vs1, TARGETS.stamps20vs1, "max"),
  ...(tests ? [target("npm test (s)", tests.exitCode === 0 ? tests.seconds : NaN, TARGETS.testsSeconds, "max")] : []),
];

const git = (args) => sh("git", args).stdout?.trim();
const results = {
  generatedAt: new Date().toISOString(),
  machine: {
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model,
    cpus: os.cpus().length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    npm: sh("npm", ["--version"]).stdout?.trim(),
    versions: { cdktf: versionOf("cdktf"), "cdktf-cli": cli.version ?? versionOf("cdktf-cli"), "@cdktf/provider-azurerm": versionOf("@cdktf/provider-azurerm"), esbuild: versionOf("esbuild"), "ts-node": versionOf("ts-node"), typescript: versionOf("typescript") },
    git: { commit: git(["rev-parse", "--short", "HEAD"]), dirty: Boolean(git(["status", "--porcelain"])) },
  },
  method: {
    rounds: { fast: opts.rounds, template: opts.templateRounds, cli: opts.cliRounds, warmup: "one discarded round of the fast cases" },
    interleaved: true,
    wall: "spawn to exit of the child, median of rounds",
    peakRss: rssMethod === "time" ? "/usr/bin/time -f %M (max RSS of the process tree)" : "process.resourceUsage().maxRSS via --require bench/rss-preload.cjs (max over node processes)",
    buildMs,
  },
  cases: cases.map((c) => ({
    id: c.id,
    label: c.label,
    command: c.display,
    status: c.unavailable ?? (c.failed ? `failed: ${c.failed}` : "ok"),
    rounds: c.runs.length,
    medianMs: c.medianMs,
    medianRssMB: c.medianRssMB,
    maxRssMB: c.maxRssMB,
    vsFloor: c.medianMs / byId.floor.medianMs,
    runs: c.runs.map((r) => ({ ms: Math.round(r.ms), rssMB: Math.round(r.rssMB * 10) / 10 })),
  })),
  ratios,
  targets,
  allTargetsMet: targets.every((t) => t.met),
  checks,
  tests,
};
writeFileSync(opts.out, `${JSON.stringify(results, (_k, v) => (typeof v === "number" && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v), 2)}\n`);

// ---------------------------------------------------------------- table
const rows = [["case", "command", "rounds", "median wall", "peak RSS (median/max)", "x floor"]];
for (const c of cases) {
  if (c.unavailable || c.failed) {
    rows.push([c.label, c.display, "0", c.unavailable ?? `failed: ${c.failed}`, "", ""]);
    continue;
  }
  rows.push([c.label, c.display, String(c.runs.length), fmtMs(c.medianMs), `${fmtMB(c.medianRssMB)} / ${fmtMB(c.maxRssMB)}`, fmtX(c.medianMs / byId.floor.medianMs)]);
}
if (tests) rows.push(["npm test (once)", "npm test", "1", tests.exitCode === 0 ? fmtMs(tests.ms ?? tests.seconds * 1000) : `failed (exit ${tests.exitCode})`, fmtMB(tests.rssMB), ""]);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (r) => `| ${r.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
const out = [];
out.push(`Synthesis benchmark, ${results.machine.cpus}x ${results.machine.cpu ?? "cpu"}, node ${process.version}, ${results.generatedAt}`);
out.push(line(rows[0]));
out.push(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows.slice(1)) out.push(line(r));
out.push("");
out.push("Ratios (medians):");
out.push(`  ready app / floor          ${fmtX(ratios.readyVsFloor)}   (unbundled: ${fmtX(ratios.unbundledVsFloor)}${hasStart ? `; cdktf.json app alone: ${fmtX(ratios.appVsFloor)}` : ""})`);
out.push(`  template style / ready app ${fmtX(ratios.templateVsReady)}`);
out.push(`  cdktf synth / its app      ${fmtX(ratios.cliVsApp)}`);
out.push(`  5 stamps / 1 stamp         ${fmtX(ratios.stamps5vs1)}`);
out.push(`  20 stamps / 1 stamp        ${fmtX(ratios.stamps20vs1)}`);
out.push("");
out.push("Targets:");
for (const t of targets) out.push(`  [${t.met ? "met" : "MISSED"}] ${t.name}: ${Number.isFinite(t.value) ? t.value.toFixed(2) : "n/a"} (${t.kind === "max" ? "<=" : ">="} ${t.limit})`);
out.push("");
out.push("Checks:");
for (const [k, v] of Object.entries(checks)) out.push(`  [${v.ok ? "ok" : "FAILED"}] ${k}: ${v.detail}`);
if (tests && tests.exitCode !== 0) out.push("", "npm test output (tail):", tests.tail ?? "");
out.push("", `Wrote ${rel(opts.out)}`);
process.stdout.write(`${out.join("\n")}\n`);
process.exitCode = Object.values(checks).every((c) => c.ok) ? 0 : 1;
