import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { delimiter, join } from "path";
import { main, stackTargets } from "../../scripts/deploy";

/**
 * `npm run deploy -- <stack>`: Azure's live model list is read (a stand-in `az` on PATH
 * answers with a recorded list in the API's documented shape) before `cdktf deploy` (a
 * stand-in `npx` records how it was called) runs, and a deployment Azure would refuse
 * stops the deploy. Nothing here touches a network.
 */

const model = (name: string, version: string, lifecycleStatus: string, skus: string[]) => ({
  kind: "OpenAI",
  skuName: "S0",
  model: {
    format: "OpenAI",
    name,
    version,
    lifecycleStatus,
    deprecation: { inference: "2027-09-21T00:00:00Z" },
    skus: skus.map((s) => ({ name: s, usageName: `OpenAI.${s}.${name}` })),
  },
});

/** `az` answers with `list`, or runs `az` (a shell script body) when one is given. */
function run(list: unknown[], args: string[], az?: string): { code: number | undefined; npx: string; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "deploy-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(join(dir, "models.json"), JSON.stringify(list));
  writeFileSync(join(bin, "az"), `#!/bin/sh\n${az ?? `cat "${join(dir, "models.json")}"`}\n`);
  writeFileSync(join(bin, "npx"), `#!/bin/sh\necho "$@" > "${join(dir, "npx.args")}"\n`);
  chmodSync(join(bin, "az"), 0o755);
  chmodSync(join(bin, "npx"), 0o755);
  const saved = { PATH: process.env.PATH, CDKTF_OUTDIR: process.env.CDKTF_OUTDIR, exitCode: process.exitCode };
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, "write").mockImplementation((t) => out.push(String(t)) > 0);
  const stderr = jest.spyOn(process.stderr, "write").mockImplementation((t) => err.push(String(t)) > 0);
  process.env.PATH = `${bin}${delimiter}${process.env.PATH}`;
  process.env.CDKTF_OUTDIR = join(dir, "out");
  process.exitCode = undefined;
  return (async () => {
    try {
      await main(args);
      let npx = "";
      try {
        npx = readFileSync(join(dir, "npx.args"), "utf8").trim();
      } catch {}
      return { code: process.exitCode as number | undefined, npx, stdout: out.join(""), stderr: err.join("") };
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      process.env.PATH = saved.PATH;
      if (saved.CDKTF_OUTDIR === undefined) delete process.env.CDKTF_OUTDIR;
      else process.env.CDKTF_OUTDIR = saved.CDKTF_OUTDIR;
      process.exitCode = saved.exitCode;
      rmSync(dir, { recursive: true, force: true });
    }
  })() as never;
}

const DEPLOYABLE = [
  model("gpt-5.4-mini", "2026-03-17", "GenerallyAvailable", ["GlobalStandard"]),
  model("text-embedding-3-large", "1", "GenerallyAvailable", ["GlobalStandard", "Standard"]),
];

describe("npm run deploy", () => {
  it("checks Azure's model list, then runs cdktf deploy with the arguments it was given", async () => {
    const r = await run(DEPLOYABLE, ["dev", "--auto-approve"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Azure's model list for stack dev (2026-12-06):");
    expect(r.stdout).toMatch(
      /✓ azurerm_cognitive_deployment\.[\w-]+ \(deployment "gpt-5\.4-mini"\): gpt-5\.4-mini 2026-03-17 GlobalStandard in swedencentral: Azure lists it \(GenerallyAvailable\)/,
    );
    expect(r.npx).toBe("cdktf deploy dev --auto-approve");
    expect(r.code ?? 0).toBe(0);
  });

  it("deploys nothing when Azure lists a model as deprecating, naming it", async () => {
    const r = await run([model("gpt-5.4-mini", "2026-03-17", "Deprecating", ["GlobalStandard"]), DEPLOYABLE[1]], ["dev"]);
    expect(r.stdout).toMatch(/✗ .*\(deployment "gpt-5\.4-mini"\): Azure lists gpt-5\.4-mini 2026-03-17 as Deprecating: .*ServiceModelDeprecating/);
    expect(r.stderr).toContain("Nothing deployed");
    expect(r.npx).toBe("");
    expect(r.code).toBe(1);
  });

  it("deploys nothing when the region lacks the deployment's SKU", async () => {
    const r = await run([DEPLOYABLE[0], model("text-embedding-3-large", "1", "GenerallyAvailable", ["Standard"])], ["dev"]);
    expect(r.stdout).toMatch(
      /✗ .*\(deployment "text-embedding-3-large"\): swedencentral lists text-embedding-3-large 1 without the SKU GlobalStandard \(it lists Standard\): InvalidResourceProperties/,
    );
    expect(r.code).toBe(1);
  });

  it("can skip the check, saying so", async () => {
    const r = await run([], ["dev", "--skip-model-check"]);
    expect(r.stderr).toContain("--skip-model-check: Azure's model list was not read");
    expect(r.npx).toBe("cdktf deploy dev");
  });

  it("refuses a stack name that names no stack before asking Azure, listing the stacks", async () => {
    const r = await run(DEPLOYABLE, ["nosuch"], "echo asked >&2; exit 1");
    expect(r.stderr).toContain('✗ npm run deploy: stack = "nosuch"\n  names no stack of this configuration\n  fix: name one of: dev, prod');
    expect(r.stderr).not.toContain("asked");
    expect(r.stderr).toMatch(/Nothing was deployed \(1 problem; the stacks were synthesized to .*\)\.\n$/);
    expect(r.npx).toBe("");
    expect(r.code).toBe(1);
  });

  it("says the stacks were synthesized, and nothing deployed, when az cannot answer", async () => {
    const r = await run([], ["dev"], "echo 'Please run az login to setup account.' >&2; exit 1");
    expect(r.stderr).toContain("az failed: Please run az login to setup account.: Azure's model list for swedencentral could not be read before deploying");
    expect(r.stderr).toContain("Nothing was deployed (1 problem;");
    expect(r.stderr).not.toContain("Nothing was synthesized");
    expect(r.code).toBe(1);
  });
});

describe("stackTargets: the stacks a deploy names, as cdktf deploy selects them", () => {
  const stacks = ["dev", "prod", "prod-eu"];
  it("takes every stack when none is named, names as they are, and * and ? patterns", () => {
    expect(stackTargets([], stacks)).toEqual(stacks);
    expect(stackTargets(["prod"], stacks)).toEqual(["prod"]);
    expect(stackTargets(["prod*", "prod-eu"], stacks)).toEqual(["prod", "prod-eu"]);
    expect(stackTargets(["de?"], stacks)).toEqual(["dev"]);
  });

  it("fails a name that selects nothing, and a pattern it cannot read, naming the stacks", () => {
    expect(() => stackTargets(["staging"], stacks)).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ value: "staging", fix: "name one of: dev, prod, prod-eu" })] }),
    );
    expect(() => stackTargets(["{dev,prod}"], stacks)).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ value: "{dev,prod}", fix: "name the stacks instead: dev, prod, prod-eu" })] }),
    );
  });
});
