#!/usr/bin/env node
/**
 * Synthesis benchmark: `npm run bench`, measured where users feel it.
 *
 * Measures, in interleaved rounds (so machine drift affects every case alike), the
 * median wall time and the peak RSS of whole child processes, side by side with the
 * floor (loading cdktf alone):
 *
 *   floor            node -e 'require("cdktf")'
 *   app              cdktf.json's app (node scripts/run.cjs app): what `cdktf synth|diff|deploy`
 *                    runs, with nothing changed, after a config edit, after a source edit
 *   start            npm start (npm's own start-up included): synth + guardrails + review,
 *                    with nothing changed, after a config edit, after a source edit
 *   cli              npx cdktf synth (the CLI around the app)
 *   stamps N         node scripts/run.cjs stamps N  (N = 1, 5, 20): N stamps in one app
 *   audit 100        the audit CLI over 100 directories of Terraform as written (bench/audit-corpus.mjs)
 *
 * A config edit rewrites a scratch copy of config/environments.json (CHAT_CONFIG) with
 * another plan SKU and checks the synthesized stack has it; a source edit appends a
 * comment to constructs/naming.ts (restored byte for byte, mtime included, at the end),
 * so the launcher must rebuild its bundle. Then runs `npm test` once and times it.
 *
 * Prints a table; writes bench/results.local.json (untracked), or bench/results.json
 * with --write.
 *
 * Options:
 *   --rounds N            rounds of the fast cases (default 7, after one warm-up round)
 *   --cli-rounds N        rounds of `cdktf synth` (default 3)
 *   --skip-tests          do not run `npm test`
 *   --skip-cli            do not run `cdktf synth`
 *   --rss time|preload    force the peak-RSS method (default: /usr/bin/time when it works)
 *   --write               update the tracked bench/results.json
 *   --out FILE            results file (default bench/results.local.json; --write: bench/results.json)
 *   --check               exit 1 when a target is missed
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { writeAuditCorpus } from "./audit-corpus.mjs";

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
  cliRounds: positiveInt("--cli-rounds", 3),
  skipTests: flag("--skip-tests"),
  skipCli: flag("--skip-cli"),
  rss: option("--rss", "auto"),
  out: resolve(root, option("--out", flag("--write") ? "bench/results.json" : "bench/results.local.json")),
  check: flag("--check"),
};
if (!["auto", "time", "preload"].includes(opts.rss)) throw new Error("--rss must be time or preload");

/** Gate `--check` (issue 13 and the npm test budget). */
const TARGETS = {
  appUnchangedVsFloor: 1.5, // cdktf.json's app, nothing changed
  appEditedVsFloor: 4, // cdktf.json's app after a config or a source edit
  startEditedVsFloor: 6, // npm start after a config or a source edit
  appRssMB: 100, // the app's peak RSS
  testsSeconds: 30, // npm test
  audit100Seconds: 10, // the audit CLI over 100 directories (issue 26)
};
/** Reported for comparison with earlier results, not gating. */
const GOALS = {
  stamps20vs1: 2.5, // 20 stamps <= 2.5x one stamp
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
        const values = readFileSync(rssFile, "utf8")
          .split("\n")
          .filter((l) => /^\d+$/.test(l.trim()))
          .map(Number);
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

const sh = (cmd, args) => spawnSync(cmd, args, { cwd: root, encoding: "utf8" });
const versionOf = (pkg) => {
  try {
    return JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")).version;
  } catch {
    return undefined;
  }
};

// ---------------------------------------------------------------- edits
const log = (s) => process.stderr.write(`${s}\n`);
const run = (name) => [process.execPath, "scripts/run.cjs", name];

// The config edit works on a scratch copy: the tracked file is never touched.
const configCopy = join(scratch, "environments.json");
const shippedConfig = JSON.parse(readFileSync(join(root, "config", "environments.json"), "utf8"));
const PLANS = ["S1", "B2"];
let configEdits = 0;
let lastPlan;
function editConfig() {
  const file = structuredClone(shippedConfig);
  delete file.$schema;
  lastPlan = PLANS[configEdits++ % PLANS.length];
  file.environments.dev.webApp = { ...file.environments.dev.webApp, planSku: lastPlan };
  writeFileSync(configCopy, `${JSON.stringify(file, null, 2)}\n`);
}
editConfig();

// The source edit appends a comment; restored exactly (content and mtime) on exit.
const editedSource = join(root, "constructs", "naming.ts");
const originalSource = readFileSync(editedSource);
const originalTimes = statSync(editedSource);
let sourceEdits = 0;
let sourceEdited = false;
function editSource() {
  sourceEdited = true;
  writeFileSync(editedSource, Buffer.concat([originalSource, Buffer.from(`// bench source edit ${++sourceEdits}\n`)]));
}
function restoreSource() {
  if (!sourceEdited) return;
  writeFileSync(editedSource, originalSource);
  utimesSync(editedSource, originalTimes.atime, originalTimes.mtime);
  sourceEdited = false;
}
process.on("exit", restoreSource);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

/** Bundles a source edit has made stale; a run of the entry rebuilds it. */
const staleBundles = new Set();
const env = { CHAT_CONFIG: configCopy };

// ---------------------------------------------------------------- cases
const cdktfJson = JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8"));
const appCommand = splitCommand(cdktfJson.app);
const appEntry = appCommand.at(-1);

/** The audit CLI is compiled once per bench run, from the current sources. */
let auditBuilt = false;

/** Before a measured run: bring the bundle to the state the case measures. */
const fresh = (entry) => async () => {
  if (staleBundles.has(entry)) await measure(run(entry), { env: { ...env, CDKTF_OUTDIR: tmp("refresh") } });
  staleBundles.delete(entry);
};
const afterConfigEdit = (entry) => async () => {
  await fresh(entry)();
  editConfig();
};
const afterSourceEdit = (entry) => async () => {
  editSource();
  for (const e of ["app", "start", "stamps"]) staleBundles.add(e);
  staleBundles.delete(entry);
};
/** The dev stack a config-edit run wrote must have the edited plan SKU. */
const reflectsConfigEdit = (outdir) => {
  const json = JSON.parse(readFileSync(join(outdir, "stacks", "dev", "cdk.tf.json"), "utf8"));
  const plans = Object.values(json.resource?.azurerm_service_plan ?? {}).map((p) => p.sku_name);
  return plans.includes(lastPlan) ? undefined : `dev's plan SKU is ${plans.join(", ")}, not the edited ${lastPlan}`;
};

const cases = [
  { id: "floor", label: 'floor: require("cdktf")', display: `node -e 'require("cdktf")'`, cmd: [process.execPath, "-e", 'require("cdktf")'], rounds: opts.rounds },
  { id: "app", label: "app, nothing changed", display: cdktfJson.app, cmd: appCommand, rounds: opts.rounds, prepare: fresh(appEntry) },
  {
    id: "appConfig",
    label: "app, after a config edit",
    display: cdktfJson.app,
    cmd: appCommand,
    rounds: opts.rounds,
    prepare: afterConfigEdit(appEntry),
    verify: reflectsConfigEdit,
  },
  { id: "appSource", label: "app, after a source edit", display: cdktfJson.app, cmd: appCommand, rounds: opts.rounds, prepare: afterSourceEdit(appEntry) },
  { id: "start", label: "npm start, nothing changed", display: "npm start", cmd: ["npm", "start", "--silent"], rounds: opts.rounds, prepare: fresh("start") },
  {
    id: "startConfig",
    label: "npm start, after a config edit",
    display: "npm start",
    cmd: ["npm", "start", "--silent"],
    rounds: opts.rounds,
    prepare: afterConfigEdit("start"),
    verify: reflectsConfigEdit,
  },
  { id: "startSource", label: "npm start, after a source edit", display: "npm start", cmd: ["npm", "start", "--silent"], rounds: opts.rounds, prepare: afterSourceEdit("start") },
  {
    id: "cli",
    label: "cdktf synth (CLI)",
    display: "npx cdktf synth",
    cmd: ["npx", "--no-install", "cdktf", "synth", "--output", "<outdir>"],
    unavailable: opts.skipCli ? "skipped (--skip-cli)" : undefined,
    rounds: opts.cliRounds,
    warmup: false,
    prepare: fresh(appEntry),
  },
  {
    id: "audit100",
    label: "audit CLI, 100 directories",
    display: "node dist/lib/bin/audit.js <100 directories> --format json",
    // Exit 1 means findings, which the corpus has on purpose; 2 would be a failure.
    cmd: ["sh", "-c", 'node dist/lib/bin/audit.js "$@" --format json > /dev/null; [ $? -le 1 ]', "audit", ...writeAuditCorpus(root, mkdtempSync(join(scratch, "audit-")), 100)],
    rounds: opts.rounds,
    prepare: async () => {
      if (!existsSync(join(root, "dist", "lib", "bin", "audit.js")) || !auditBuilt) await measure(["npm", "run", "--silent", "build:lib"]);
      auditBuilt = true;
    },
  },
  ...[1, 5, 20].map((n) => ({
    id: `stamps${n}`,
    label: `${n} stamp${n > 1 ? "s" : ""} in one app`,
    display: `node scripts/run.cjs stamps ${n}`,
    cmd: [...run("stamps"), String(n)],
    rounds: opts.rounds,
    prepare: fresh("stamps"),
  })),
];
for (const c of cases) c.runs = [];

// The CLI may be unable to run here (e.g. node-pty prebuilds under npm 11): probe once.
const cli = cases.find((c) => c.id === "cli");
if (!cli.unavailable) {
  const probe = spawnSync("npx", ["--no-install", "cdktf", "--version"], { cwd: root, encoding: "utf8", timeout: 120_000, env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  if (probe.status !== 0) cli.unavailable = `unavailable: ${lastLine(probe.stderr || probe.stdout || String(probe.error?.message ?? "cdktf --version failed"))}`;
  else cli.version = probe.stdout.trim();
}

const checks = {};
async function runOnce(c) {
  await c.prepare?.();
  const outdir = tmp(c.id);
  const cmd = c.cmd.map((a) => (a === "<outdir>" ? outdir : a));
  const r = await measure(cmd, { env: { ...env, CDKTF_OUTDIR: outdir } });
  if (r.code !== 0) {
    c.failed = `exit ${r.code}: ${lastLine(r.output)}`;
    log(`bench: ${c.id} failed: ${c.failed}`);
  } else if (c.verify) {
    const wrong = c.verify(outdir);
    checks[`${c.id}Fresh`] ??= { ok: true, detail: "every run's output has the edited configuration" };
    if (wrong) checks[`${c.id}Fresh`] = { ok: false, detail: wrong };
  }
  rmSync(outdir, { recursive: true, force: true });
  return r;
}

const active = cases.filter((c) => !c.unavailable);
log(`bench: warm-up (peak RSS via ${rssMethod === "time" ? "/usr/bin/time" : "a --require preload"})`);
try {
  for (const c of active) if (c.warmup !== false) await runOnce(c);
  const maxRounds = Math.max(...active.map((c) => c.rounds));
  for (let round = 0; round < maxRounds; round++) {
    // Interleave: every case once per round, starting at a different case each round.
    const order = active.map((_, i) => active[(i + round) % active.length]);
    for (const c of order) {
      if (round >= c.rounds || c.failed) continue;
      const r = await runOnce(c);
      if (r.code === 0) c.runs.push({ ms: r.ms, rssMB: r.rssMB });
    }
    log(`bench: round ${round + 1}/${maxRounds} done`);
  }
} finally {
  restoreSource();
}

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
const vsFloor = (id) => ratio(id, "floor");
const target = (name, value, limit, kind, gating = true) => ({
  name,
  value,
  limit,
  met: Number.isFinite(value) ? (kind === "max" ? value <= limit : value >= limit) : false,
  kind,
  gating,
});
const targets = [
  target("app, nothing changed / floor", vsFloor("app"), TARGETS.appUnchangedVsFloor, "max"),
  target("app, after a config edit / floor", vsFloor("appConfig"), TARGETS.appEditedVsFloor, "max"),
  target("app, after a source edit / floor", vsFloor("appSource"), TARGETS.appEditedVsFloor, "max"),
  target("npm start, after a config edit / floor", vsFloor("startConfig"), TARGETS.startEditedVsFloor, "max"),
  target("npm start, after a source edit / floor", vsFloor("startSource"), TARGETS.startEditedVsFloor, "max"),
  target("app peak RSS (MB, worst round)", byId.app.maxRssMB, TARGETS.appRssMB, "max"),
  ...(tests ? [target("npm test (s)", tests.exitCode === 0 ? tests.seconds : NaN, TARGETS.testsSeconds, "max")] : []),
  target("20 stamps / 1 stamp", ratio("stamps20", "stamps1"), GOALS.stamps20vs1, "max", false),
  target("audit CLI, 100 directories (s)", byId.audit100.medianMs / 1000, TARGETS.audit100Seconds, "max"),
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
    versions: {
      cdktf: versionOf("cdktf"),
      "cdktf-cli": cli.version?.split("\n")[0] ?? versionOf("cdktf-cli"),
      "@cdktf/provider-azurerm": versionOf("@cdktf/provider-azurerm"),
      esbuild: versionOf("esbuild"),
      typescript: versionOf("typescript"),
    },
    git: { commit: git(["rev-parse", "--short", "HEAD"]), dirty: Boolean(git(["status", "--porcelain"])) },
  },
  method: {
    rounds: { fast: opts.rounds, cli: opts.cliRounds, warmup: "one discarded round of the fast cases" },
    interleaved: true,
    wall: "spawn to exit of the child, median of rounds",
    peakRss:
      rssMethod === "time" ? "/usr/bin/time -f %M (max RSS of the process tree)" : "process.resourceUsage().maxRSS via --require bench/rss-preload.cjs (max over node processes)",
    edits: "config: a scratch copy of config/environments.json (CHAT_CONFIG) with another dev plan SKU; source: a comment appended to constructs/naming.ts, restored afterwards",
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
  targets,
  allTargetsMet: targets.filter((t) => t.gating).every((t) => t.met),
  checks,
  tests,
};
writeFileSync(opts.out, `${JSON.stringify(results, (_k, v) => (typeof v === "number" && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v), 2)}\n`);

// ---------------------------------------------------------------- table
const rows = [["case", "command", "rounds", "median wall", "peak RSS (median/max)", "x floor", "target"]];
const limitOf = {
  app: TARGETS.appUnchangedVsFloor,
  appConfig: TARGETS.appEditedVsFloor,
  appSource: TARGETS.appEditedVsFloor,
  startConfig: TARGETS.startEditedVsFloor,
  startSource: TARGETS.startEditedVsFloor,
};
for (const c of cases) {
  if (c.unavailable || c.failed) {
    rows.push([c.label, c.display, "0", c.unavailable ?? `failed: ${c.failed}`, "", "", ""]);
    continue;
  }
  const x = c.medianMs / byId.floor.medianMs;
  const limit = limitOf[c.id];
  rows.push([
    c.label,
    c.display,
    String(c.runs.length),
    fmtMs(c.medianMs),
    `${fmtMB(c.medianRssMB)} / ${fmtMB(c.maxRssMB)}`,
    fmtX(x),
    limit ? `<= ${limit}x ${x <= limit ? "met" : "MISSED"}` : "",
  ]);
}
if (tests)
  rows.push([
    "npm test (once)",
    "npm test",
    "1",
    tests.exitCode === 0 ? fmtMs(tests.seconds * 1000) : `failed (exit ${tests.exitCode})`,
    fmtMB(tests.rssMB),
    "",
    `<= ${TARGETS.testsSeconds} s`,
  ]);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (r) => `| ${r.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
const out = [];
out.push(`Synthesis benchmark, ${results.machine.cpus}x ${results.machine.cpu ?? "cpu"}, node ${process.version}, ${results.generatedAt}`);
out.push(line(rows[0]));
out.push(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows.slice(1)) out.push(line(r));
out.push("");
out.push("Targets:");
for (const t of targets)
  out.push(
    `  [${t.met ? "met" : t.gating ? "MISSED" : "missed, not gating"}] ${t.name}: ${Number.isFinite(t.value) ? t.value.toFixed(2) : "n/a"} (${t.kind === "max" ? "<=" : ">="} ${t.limit})`,
  );
out.push("");
out.push("Checks:");
for (const [k, v] of Object.entries(checks)) out.push(`  [${v.ok ? "ok" : "FAILED"}] ${k}: ${v.detail}`);
if (tests && tests.exitCode !== 0) out.push("", "npm test output (tail):", tests.tail ?? "");
out.push("", `Wrote ${rel(opts.out)}`);
process.stdout.write(`${out.join("\n")}\n`);
const checksOk = Object.values(checks).every((c) => c.ok);
process.exitCode = checksOk && (!opts.check || results.allTargetsMet) ? 0 : 1;
