import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..", "..");

describe("scripts/run.cjs before npm ci", () => {
  const clone = mkdtempSync(join(tmpdir(), "chat-launcher-"));
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it("says the packages are not installed and to run npm ci, with exit 1 and no stack", () => {
    // The launcher and what it loads before bundling, without node_modules: a fresh clone.
    mkdirSync(join(clone, "scripts", "terminal"), { recursive: true });
    for (const file of ["package.json", "scripts/run.cjs", "scripts/terminal/creation-records.cjs"]) cpSync(join(ROOT, file), join(clone, file));
    const run = spawnSync(process.execPath, [join(clone, "scripts", "run.cjs"), "app"], { cwd: clone, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `✗ ${join(clone, "node_modules")}\n  is missing: the packages this command runs are not installed\n  fix: run npm ci in ${clone}, then run the command again\n`,
    );
  });
});
