import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

/**
 * The real entry points, run as the terminal runs them (child processes, the
 * configuration read from disk). Each process costs about half a second, so these are
 * few; `npx cdktf synth` through the CLI (~4 s) is in scripts/check.sh.
 */
const ROOT = join(__dirname, "..", "..", "..");
const APP = JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")).app as string;
const scratch = mkdtempSync(join(tmpdir(), "chat-entry-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a shell command line at the project root with `env` added; resolves when it exits. */
function run(command: string, env: Record<string, string>): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(command, { cwd: ROOT, shell: true, env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

/** The shipped configuration with dev's plan changed and a third environment added, as a user would edit it. */
const shipped = JSON.parse(readFileSync(join(ROOT, "config", "environments.json"), "utf8"));
const edited = structuredClone(shipped);
edited.environments.dev.webApp.planSku = "S1";
edited.environments.staging = { search: { sku: "basic" }, webApp: { planSku: "B2" } };
const editedFile = join(scratch, "edited.json");
writeFileSync(editedFile, JSON.stringify(edited, null, 2));

const bad = structuredClone(edited);
bad.environments.prod.search.replicaCount = 13;
const badFile = join(scratch, "bad.json");
writeFileSync(badFile, JSON.stringify(bad, null, 2));

/** Every file under `dir`, relative path -> contents. */
function readTree(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return new Map(
    files
      .map((e) => join(e.parentPath, e.name))
      .sort()
      .map((f) => [relative(dir, f), readFileSync(f, "utf8")]),
  );
}

const planOf = (outdir: string, stack: string): string[] => {
  const json = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
  return Object.values(json.resource.azurerm_service_plan as Record<string, { sku_name: string }>).map((p) => p.sku_name);
};

const COMMANDS: [string, string][] = [
  ["cdktf.json's app", APP],
  ["npm run synth", "npm run synth --silent"],
  ["npm start", "npm start --silent"],
];
const outdirOf = (command: string) => join(scratch, command.replace(/\W+/g, "-"));

/** Per command: the run with the edited config, the output it left, then the run with a bad config. */
const results = new Map<string, { ok: Run; before: Map<string, string>; failed: Run }>();
beforeAll(async () => {
  // The commands run side by side (each is one process); each pair in order.
  await Promise.all(
    COMMANDS.map(async ([, command]) => {
      const outdir = outdirOf(command);
      const ok = await run(command, { CHAT_CONFIG: editedFile, CDKTF_OUTDIR: outdir });
      const before = readTree(outdir);
      const failed = await run(command, { CHAT_CONFIG: badFile, CDKTF_OUTDIR: outdir });
      results.set(command, { ok, before, failed });
    }),
  );
}, 60_000);

describe.each(COMMANDS)("%s", (_, command) => {
  const outdir = outdirOf(command);
  const result = () => results.get(command)!;

  it("synthesizes the configuration as it is on disk: an edited plan and an added environment", () => {
    const { ok } = result();
    // Guardrail warnings (not errors) may be printed; nothing else.
    expect(ok.stderr.split("\n").filter((l) => l && !l.startsWith("[guardrails] warning "))).toEqual([]);
    expect(ok.code).toBe(0);
    expect(planOf(outdir, "dev")).toEqual(["S1"]);
    expect(planOf(outdir, "staging")).toEqual(["B2"]);
  });

  it("fails a bad configuration with exit 1 and one short block: where, the value and the fix", () => {
    const { failed } = result();
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe("");
    expect(Buffer.byteLength(failed.stderr)).toBeLessThan(2048);
    expect(failed.stderr).toBe(
      [
        "✗ prod/Platform/Search: replicaCount = 13",
        "  is out of range",
        "  fix: use a whole number from 1 to 12 (the standard tier's limit)",
        "",
        "Nothing was synthesized (1 problem; the previous output is unchanged).",
        "",
      ].join("\n"),
    );
  });

  it("leaves the earlier output exactly as it was", () => {
    const { before } = result();
    expect(before.size).toBeGreaterThan(0);
    expect(readTree(outdir)).toEqual(before);
  });
});
