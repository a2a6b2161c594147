import { join, relative } from "path";
import { CliIo, main } from "../../bin/audit";

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

  it("exits 1 on a plan with an unauthorized On Your Data flow, in table format", async () => {
    const { code, stdout } = await run(FAILING);
    expect(code).toBe(1);
    expect(stdout).toContain(`guardrails: ${shown(FAILING)}`);
    expect(stdout).toContain("AZ-OAI-001");
    expect(stdout).toContain("ManagedIdentityIsNotEnabled");
  });

  it("prints JSON for several inputs and keeps the verdict on stderr", async () => {
    const { code, stdout, stderr } = await run(PASSING, FAILING, "--format", "json");
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.inputs.map((i: { source: string }) => i.source)).toEqual([shown(PASSING), shown(FAILING)]);
    expect(report.summary).toEqual({ errors: 2, warnings: 0, suppressed: 1 });
    expect(stderr).toBe("audit: 2 errors, 0 warnings, 1 suppressed\n");
  });

  it("writes SARIF to --out", async () => {
    const { code, stdout, written } = await run(FAILING, "--format=sarif", "--out", "guardrails.sarif");
    expect(code).toBe(1);
    expect(stdout).toBe("");
    const sarif = JSON.parse(written["guardrails.sarif"]);
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(["AZ-FLOW-001", "AZ-OAI-001"]);
  });

  it("prints help and exits 0", async () => {
    const { code, stdout } = await run("--help");
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: audit <input>...");
    expect(stdout).toContain("--fail-on");
  });

  it.each([
    [[], "no input file given"],
    [[PASSING, "--format", "xml"], '--format must be one of table, json, sarif; got "xml"'],
    [[PASSING, "--out"], "--out needs a value"],
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
