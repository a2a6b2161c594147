import * as fs from "fs";
import * as os from "os";
import { join, relative } from "path";
import { CliIo, main } from "../../bin/audit";
import { onYourDataPlatform } from "../../testing/guardrail-fixtures";

const fixture = (name: string) => join(__dirname, "..", "guardrails", "fixtures", name);
const PASSING = fixture("keyless-platform.cdk.tf.json");
const FAILING = fixture("raw-openai-no-identity.plan.json");
/** Reports name inputs relative to the working directory (issue 15: locations users can click). */
const shown = (file: string) => relative(process.cwd(), file);

/** Runs the CLI against real fixture files with captured output. */
async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const written: Record<string, string> = {};
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    writeFile: (p, t) => {
      written[p] = t;
    },
  };
  const code = await main(argv, io);
  return { code, stdout: out.join(""), stderr: err.join(""), written };
}

describe("audit CLI", () => {
  it("exits 0 on the keyless platform and lists the suppressed finding", async () => {
    const { code, stdout } = await run(PASSING);
    expect(code).toBe(0);
    expect(stdout).toContain("no findings");
    expect(stdout).toContain("suppressed: The legacy release pipeline deploys over FTPS");
    expect(stdout).toContain("0 errors, 0 warnings, 1 suppressed");
  });

  it("exits 1 on a plan that configures On Your Data after its retirement, in table format", async () => {
    const { code, stdout } = await run(FAILING);
    expect(code).toBe(1);
    expect(stdout).toContain(`guardrails: ${shown(FAILING)}`);
    expect(stdout).toMatch(/error {5}AZ-OYD-001 {2}module\.web\.azurerm_linux_web_app\.app/);
    expect(stdout).toContain("which retired on 2026-10-14");
    expect(stdout).toContain("fix: Move to app-side retrieval");
    expect(stdout).not.toContain("ManagedIdentityIsNotEnabled");
  });

  it("judges the same plan on --today: before the retirement its unauthorized On Your Data flow fails", async () => {
    const { code, stdout } = await run(FAILING, "--today", "2026-09-01");
    expect(code).toBe(1);
    expect(stdout).toContain("AZ-OAI-001");
    expect(stdout).toContain("ManagedIdentityIsNotEnabled");
    expect(stdout).toMatch(/warning {3}AZ-OYD-001 .*\n.*which retires on 2026-10-14, in 43 days/);
  });

  it("prints JSON for several inputs and keeps the verdict on stderr", async () => {
    const { code, stdout, stderr } = await run(PASSING, FAILING, "--format", "json");
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.inputs.map((i: { source: string }) => i.source)).toEqual([shown(PASSING), shown(FAILING)]);
    expect(report.summary).toEqual({ errors: 1, warnings: 0, notes: 0, suppressed: 1 });
    expect(stderr).toBe("audit: 1 error, 0 warnings, 1 suppressed\n");
  });

  it("writes SARIF to --out", async () => {
    const { code, stdout, written } = await run(FAILING, "--format=sarif", "--out", "guardrails.sarif", "--today=2026-09-01");
    expect(code).toBe(1);
    expect(stdout).toBe("");
    const sarif = JSON.parse(written["guardrails.sarif"]);
    expect(sarif.runs[0].results.map((r: { ruleId: string; level: string }) => `${r.ruleId} ${r.level}`)).toEqual([
      "AZ-FLOW-001 error",
      "AZ-OAI-001 error",
      "AZ-OYD-001 warning",
    ]);
  });

  describe("--today", () => {
    let dir: string;
    let oyd: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(join(os.tmpdir(), "audit-today-"));
      oyd = join(dir, "on-your-data.cdk.tf.json");
      fs.writeFileSync(oyd, JSON.stringify(onYourDataPlatform()));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("changes the verdict: a granted On Your Data platform passes with a warning before the retirement and fails after", async () => {
      const before = await run(oyd, "--today", "2026-09-01", "--format", "json");
      expect(before.code).toBe(0);
      expect(JSON.parse(before.stdout).inputs[0].findings.map((f: { ruleId: string; severity: string }) => `${f.ruleId} ${f.severity}`)).toEqual(["AZ-OYD-001 warning"]);
      // The day itself is retired; CHAT_PLATFORM_TODAY (2026-12-06 in tests) is the default.
      for (const argv of [["--today", "2026-10-14"], []]) {
        const after = await run(oyd, ...argv, "--format", "json");
        expect(after.code).toBe(1);
        expect(JSON.parse(after.stdout).inputs[0].findings.map((f: { ruleId: string; severity: string }) => `${f.ruleId} ${f.severity}`)).toEqual(["AZ-OYD-001 error"]);
      }
      expect((await run(oyd, "--today", "2026-10-13")).code).toBe(0);
    });

    it.each(["2026-02-30", "06.12.2026", "2026-12-6", "today"])("exits 2 on --today %j, naming the option and the format first", async (value) => {
      const { code, stdout, stderr } = await run(PASSING, "--today", value);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr.split("\n")[0]).toBe(`audit: --today must be a date written YYYY-MM-DD; got ${JSON.stringify(value)}`);
    });

    it("exits 2 with one line on a CHAT_PLATFORM_TODAY that is not a date", async () => {
      const saved = process.env.CHAT_PLATFORM_TODAY;
      process.env.CHAT_PLATFORM_TODAY = "2026-02-30";
      try {
        const { code, stdout, stderr } = await run(PASSING);
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr).toBe('audit: CHAT_PLATFORM_TODAY = "2026-02-30" is not a date. Fix: set it as YYYY-MM-DD, e.g. CHAT_PLATFORM_TODAY=2026-12-06, or unset it to use the clock\n');
        // --today wins over the environment.
        expect((await run(PASSING, "--today", "2026-12-06")).code).toBe(0);
      } finally {
        process.env.CHAT_PLATFORM_TODAY = saved;
      }
    });
  });

  it("prints help and exits 0", async () => {
    const { code, stdout } = await run("--help");
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: chat-platform-audit <input>...");
    expect(stdout).toContain("--fail-on");
    expect(stdout).toContain("--today YYYY-MM-DD");
  });

  it.each([
    [[], "no input file given"],
    [[PASSING, "--format", "xml"], '--format must be one of table, json, sarif; got "xml"'],
    [[PASSING, "--out"], "--out needs a value"],
    [[PASSING, "--today"], "--today needs a value"],
    [[PASSING, "--verbose"], "unknown option --verbose"],
    [[fixture("missing.json")], "missing.json: no such file"],
    [[join(__dirname, "audit.test.ts")], "not valid JSON"],
    [[join(__dirname, "..", "..", "tsconfig.json")], "tsconfig.json: not Terraform: expected Terraform configuration"],
  ])("exits 2 on %j with a clear message", async (argv, message) => {
    const { code, stderr } = await run(...(argv as string[]));
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
