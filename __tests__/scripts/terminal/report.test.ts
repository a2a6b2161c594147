import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../../config/environments";
import { ValidationError } from "../../../constructs/errors";
import { writeOutputFolder } from "../../../scripts/terminal/output-folder";
import { formatFailure } from "../../../scripts/terminal/report";

describe("formatFailure: one block per problem, no stack for known failures", () => {
  it("shows a construct's validation error as where = value, problem and fix", () => {
    expect(formatFailure(new ValidationError("dev/Platform/Search", "replicaCount", 13, "is out of range", "use 1 to 12"))).toBe(
      "✗ dev/Platform/Search: replicaCount = 13\n  is out of range\n  fix: use 1 to 12\n\nNothing was synthesized (1 problem; the previous output is unchanged).\n",
    );
  });

  it("shows every configuration issue under the file's name", () => {
    const text = formatFailure(
      new ConfigError("config/environments.json", [
        { path: "environments.dev.tags.a/b", value: "a/b", message: "is a tag name with a character Azure refuses", fix: "remove /" },
        { path: "environments.prod.search", message: 'Unrecognized key: "replicaCont"', fix: "remove it" },
      ]),
    );
    expect(text).toBe(
      [
        '✗ config/environments.json: environments.dev.tags.a/b = "a/b"',
        "  is a tag name with a character Azure refuses",
        "  fix: remove /",
        "",
        "✗ config/environments.json: environments.prod.search",
        '  Unrecognized key: "replicaCont"',
        "  fix: remove it",
        "",
        "Nothing was synthesized (2 problems; the previous output is unchanged).",
        "",
      ].join("\n"),
    );
  });

  it("splits cdktf's validation failure (the guardrails) into one block per finding", () => {
    const cdktf = new Error(
      "Validation failed with the following errors:\n  [dev] [AZ-FLOW-001] azurerm_linux_web_app.app (dev/Platform/WebApp): flow F1 is not authorized. Fix: grant the role\n  [dev] something else\n\nIf you wish to ignore these validations, pass 'skipValidation: true' to your App configuration.\n",
    );
    expect(formatFailure(cdktf)).toBe(
      [
        "✗ dev: guardrail AZ-FLOW-001",
        "  azurerm_linux_web_app.app (dev/Platform/WebApp): flow F1 is not authorized.",
        "  fix: grant the role",
        "",
        "✗ dev",
        "  something else",
        "",
        "Nothing was synthesized (2 problems; the previous output is unchanged).",
        "",
      ].join("\n"),
    );
  });

  it("prints the stack of anything else, as a bug", () => {
    const text = formatFailure(new TypeError("x is undefined"));
    expect(text).toMatch(/^Unexpected error \(a bug, not your input; please report it with this output\):\nTypeError: x is undefined\n {4}at /);
  });

  it("shows control characters from config values escaped, never raw", () => {
    const text = formatFailure(new ConfigError("c.json", [{ path: "environments.dev.tags.x\u001b[31m", value: "\u001b[2J", message: "bad", fix: "f" }]));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test asserts no raw escape character is left
    expect(text).not.toMatch(/\u001b/);
    expect(text).toContain("x\\u001b[31m");
  });
});

describe("writeOutputFolder: the output changes only when the whole synth succeeds", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "chat-out-"));
    // A previous JSON synth that Terraform has initialized.
    mkdirSync(join(dir, "stacks", "dev", ".terraform", "providers"), { recursive: true });
    writeFileSync(join(dir, "stacks", "dev", "cdk.tf.json"), "old");
    writeFileSync(join(dir, "stacks", "dev", ".terraform.lock.hcl"), "lock");
    writeFileSync(join(dir, "manifest.json"), "old manifest");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("leaves the folder untouched, staging removed, when the synth throws", () => {
    expect(() =>
      writeOutputFolder(dir, (staging) => {
        writeFileSync(join(staging, "manifest.json"), "half");
        throw new Error("guardrail");
      }),
    ).toThrow("guardrail");
    expect(readdirSync(dir).sort()).toEqual(["manifest.json", "stacks"]);
    expect(readFileSync(join(dir, "manifest.json"), "utf8")).toBe("old manifest");
    expect(readFileSync(join(dir, "stacks", "dev", "cdk.tf.json"), "utf8")).toBe("old");
  });

  it("replaces the synth's files, drops a stale cdk.tf.json beside a new cdk.tf (--hcl) and keeps Terraform's files", () => {
    writeOutputFolder(dir, (staging) => {
      mkdirSync(join(staging, "stacks", "dev"), { recursive: true });
      writeFileSync(join(staging, "stacks", "dev", "cdk.tf"), "hcl");
      writeFileSync(join(staging, "manifest.json"), "new manifest");
    });
    expect(readdirSync(dir).sort()).toEqual(["manifest.json", "stacks"]);
    expect(readdirSync(join(dir, "stacks", "dev")).sort()).toEqual([".terraform", ".terraform.lock.hcl", "cdk.tf"]);
    expect(existsSync(join(dir, "stacks", "dev", ".terraform", "providers"))).toBe(true);
    expect(readFileSync(join(dir, "manifest.json"), "utf8")).toBe("new manifest");
  });

  it("removes the working folders of a run that was killed midway", () => {
    mkdirSync(join(dir, ".staging-999999999-abc"));
    writeOutputFolder(dir, (staging) => writeFileSync(join(staging, "manifest.json"), "new"));
    expect(readdirSync(dir).sort()).toEqual(["manifest.json"]);
  });

  it("drops the folder of a stack that is no longer configured", () => {
    writeOutputFolder(dir, (staging) => mkdirSync(join(staging, "stacks", "prod"), { recursive: true }));
    expect(readdirSync(join(dir, "stacks"))).toEqual(["prod"]);
  });
});
