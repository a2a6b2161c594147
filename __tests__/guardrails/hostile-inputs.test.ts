import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type CliIo, main } from "../../bin/audit";
import { audit } from "../../guardrails/audit";
import { renderAuditMarkdown } from "../../guardrails/format/markdown";
import { renderTable } from "../../guardrails/format/table";
import { type InputFs, nodeInputFs } from "../../guardrails/input";
import { type Rule, finding } from "../../guardrails/rule";
import { storagePublicAccess } from "../../guardrails/rules/storage-public-access";
import { keylessPlatform, put, settings } from "../../testing/guardrail-fixtures";

/**
 * Hostile and hand-written inputs (issue 15): every case is generated here, audited by
 * the CLI's main() in-process, and must exit with the code the README promises
 * (0 passed, 1 findings, 2 input or internal error) without a stack trace. Each case
 * runs under jest's 5 s test timeout; wall times are not asserted (the machine is
 * shared), they are measured in the closing note.
 */

type Files = Record<string, string | { size: number }>;

/** An in-memory file system: `dir/` keys are directories. */
function memoryFs(files: Files): InputFs {
  const entry = (p: string) => files[p.replace(/\\/g, "/")];
  return {
    stat(p) {
      const f = entry(p);
      const isDir = Object.keys(files).some((k) => k.startsWith(`${p.replace(/\/$/, "")}/`));
      if (f === undefined && !isDir) throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
      return { isFile: () => f !== undefined, isDirectory: () => f === undefined && isDir, size: typeof f === "string" ? f.length : (f?.size ?? 0) };
    },
    readFile(p) {
      const f = entry(p);
      if (typeof f !== "string") throw Object.assign(new Error(`EISDIR: ${p}`), { code: "EISDIR" });
      return f;
    },
    readDir(p) {
      const prefix = `${p.replace(/\/$/, "")}/`;
      return Object.keys(files)
        .filter((k) => k.startsWith(prefix))
        .map((k) => k.slice(prefix.length).split("/")[0]);
    },
  };
}

async function run(argv: string[], files: Files = {}, inputFs?: InputFs) {
  const out: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), writeFile: () => undefined, fs: inputFs ?? memoryFs(files), cwd: "/" };
  const code = await main(argv, io);
  return { code, output: out.join("") };
}

/** Runs one input file and checks the contract: exit code, time, no stack trace. */
async function expectExit(expected: 0 | 1 | 2, content: unknown, name = "input.json", argv: string[] = []) {
  const text = typeof content === "string" ? content : JSON.stringify(content);
  const { code, output } = await run([name, "--format", "json", ...argv], { [name]: text });
  expect({ code, trace: /\n\s+at .+:\d+:\d+/.test(output) }).toEqual({ code: expected, trace: false });
  return output;
}

/** JSON text nested `depth` deep, built as text (JSON.stringify itself recurses). */
const deepJson = (depth: number, open: string, close: string, leaf: string) => open.repeat(depth) + leaf + close.repeat(depth);

const PUBLIC_STORAGE = { name: "stpublic", resource_group_name: "rg", location: "westeurope" };
const planWith = (rootModule: string) => `{"format_version":"1.2","planned_values":{"root_module":${rootModule}}}`;

describe("hostile inputs: crashes", () => {
  it.each(["__proto__", "constructor", "toString"])("reads a plan whose provider_config is named %s", async (name) => {
    const plan = `{"planned_values":{"root_module":{}},"configuration":{"provider_config":{"${name}":{"name":"${name}","expressions":{"${name}":{"constant_value":1}}}}}}`;
    await expectExit(0, plan);
  });

  it("reads an app setting holding 200k references", async () => {
    const s = keylessPlatform();
    settings(s).HUGE = "${azurerm_search_service.search.name}".repeat(200_000);
    await expectExit(0, s);
  });

  it("reads a setting with arrays nested 5k deep", async () => {
    const s = keylessPlatform();
    const text = JSON.stringify(s).replace('"AZURE_SEARCH_INDEX":"docs"', `"AZURE_SEARCH_INDEX":${deepJson(5000, "[", "]", '"x"')}`);
    await expectExit(0, text);
  });

  /** Far past Node's ~10k-frame call stack: any recursion on input depth would throw. */
  const DEEP = 50_000;
  it("walks 50k-deep child_modules, module_calls and expressions without recursion", async () => {
    await expectExit(0, planWith(deepJson(DEEP, '{"child_modules":[', "]}", "{}")));
    const calls = deepJson(DEEP, '{"module_calls":{"m":{"module":', "}}}", "{}");
    await expectExit(0, `{"planned_values":{"root_module":{}},"configuration":{"root_module":${calls}}}`);
    const expr = deepJson(DEEP, '{"a":', "}", '{"references":["azurerm_x.y"]}');
    await expectExit(0, `{"planned_values":{"root_module":{}},"configuration":{"root_module":{"resources":[{"address":"azurerm_x.z","expressions":{"e":${expr}}}]}}}`);
  });

  it("reports 200k findings of one rule as findings, not as a crashed rule, and renders them", () => {
    // In-process at the engine: 200k generated resources through the CLI take ~10 s here.
    const flood: Rule = {
      ...storagePublicAccess,
      evaluate: () => Array.from({ length: 200_000 }, (_, i) => finding(storagePublicAccess, { address: `azurerm_storage_account.s${i}` }, "public")),
    };
    const result = audit({ resource: {} }, { rules: [flood] });
    expect(result.errors).toBe(200_000);
    expect(result.findings.some((f) => f.ruleId === "GR-000")).toBe(false);
    expect(renderTable(result)).toContain("200000 errors");
  });
});

describe("a rule that crashes", () => {
  it("is reported as GR-000 with a fix that blames the rule, not the user's suppressions", () => {
    const broken: Rule = {
      ...storagePublicAccess,
      evaluate: () => {
        throw new TypeError("x is not iterable");
      },
    };
    const [f] = audit({ resource: {} }, { rules: [broken] }).findings;
    expect(f).toMatchObject({ ruleId: "GR-000", severity: "error" });
    expect(f.message).toBe("rule AZ-ST-002 (storage-public-access) failed, so its checks did not run: x is not iterable");
    expect(f.fix).toContain("A bug in the rule, not in your Terraform");
  });
});

describe("hostile inputs: hangs", () => {
  const platformWith = (value: string) => {
    const s = keylessPlatform();
    settings(s).HOSTILE = value;
    return s;
  };
  it.each([
    ["a reference followed by 120 KB of [", `\${azurerm_x.y${"[".repeat(120_000)}}`],
    ["120 KB of resource-like names", `\${${"azurerm_a.".repeat(12_000)}}`],
    ["an unterminated interpolation of 120 KB", `\${${"a_b.c".repeat(24_000)}`],
  ])("scans %s in linear time", async (_, value) => {
    await expectExit(0, platformWith(value));
  });

  it("judges a 100 KB secret-looking setting name in linear time (catalogue/secrets.ts)", async () => {
    const s = keylessPlatform();
    settings(s)[`${"KEYVAULT".repeat(12_500)}_PASSWORD!`] = "hunter2hunter2";
    const output = await expectExit(1, s);
    expect(output).toContain('"ruleId": "AZ-APP-002"');
    expect(output).not.toContain("hunter2hunter2");
  });

  it("reads a 100 KB role assignment scope and a 100 KB bracketed address", async () => {
    const s = keylessPlatform();
    put(s, "azurerm_role_assignment.hostile", { role_definition_name: "Reader", principal_id: "p", scope: `\${${"{".repeat(100_000)}` });
    await expectExit(0, s);
    const address = `azurerm_storage_account.s${"[".repeat(100_000)}`;
    await expectExit(1, planWith(JSON.stringify({ resources: [{ address, type: "azurerm_storage_account", name: "s", values: PUBLIC_STORAGE }] })));
  });

  it("merges 20k assignments and 20k settings that imply one flow without quadratic copies", async () => {
    const s = keylessPlatform();
    for (let i = 0; i < 20_000; i++) {
      settings(s)[`SEARCH_${i}`] = "${azurerm_search_service.search.name}";
      // Search's indexer reading Storage (F4): evidence of one flow, 20k times.
      put(s, `azurerm_role_assignment.r${i}`, {
        role_definition_name: "Storage Blob Data Reader",
        principal_id: "${azurerm_search_service.search.identity[0].principal_id}",
        scope: "${azurerm_storage_account.docs.id}",
      });
    }
    const output = await expectExit(0, s);
    expect(output).toContain("0 errors");
    expect(output).toContain("0 warnings");
  });

  it("refuses a FIFO without opening it (no writer: reading would block forever)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-fifo-"));
    try {
      const fifo = path.join(dir, "plan.json");
      execFileSync("mkfifo", [fifo]);
      const { code, output } = await run([fifo], {}, nodeInputFs);
      expect(code).toBe(2);
      expect(output).toContain("not a regular file");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("hostile inputs: modules, expressions and ARM templates (issue 26)", () => {
  it("stops a module that calls itself where the parser stops nesting", async () => {
    const files = { "infra/main.tf": 'module "self" {\n  source = "./"\n}\n' };
    const { code, output } = await run(["infra", "--format", "json"], files);
    expect(code).toBe(0);
    expect(output).toContain("nests deeper than 12 modules");
  });

  it("does not multiply a module that calls itself with count past its instance bound", async () => {
    const files = {
      "infra/main.tf":
        'module "self" {\n  source = "./"\n  count  = 2\n}\nresource "azurerm_key_vault" "kv" {\n  rbac_authorization_enabled = true\n  purge_protection_enabled = true\n}\n',
    };
    const { code, output } = await run(["infra", "--format", "json"], files);
    expect({ code, trace: /\n\s+at .+:\d+:\d+/.test(output) }).toEqual({ code: 0, trace: false });
    expect(output).toContain("module instances");
  });

  it("leaves an expression nested 10k deep unresolved, as not judged", async () => {
    const count = `\${${"(".repeat(10_000)}1${")".repeat(10_000)}}`;
    const output = await expectExit(0, { resource: { azurerm_key_vault: { kv: { count, rbac_authorization_enabled: true, purge_protection_enabled: true } } } });
    expect(output).toContain("cannot be resolved statically");
  });

  it("reads an ARM template whose variables nest 50k deep", async () => {
    const template = `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","variables":{"v":${deepJson(50_000, '{"a":', "}", "1")}},"resources":[]}`;
    await expectExit(0, template, "azuredeploy.json");
  });

  it("prints an ARM resource name inert", async () => {
    const template = {
      $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      resources: [{ type: "Microsoft.Storage/storageAccounts", name: "s\u001b[2J<img src=x>", properties: { allowBlobPublicAccess: true } }],
    };
    const { code, output } = await run(["azuredeploy.json"], { "azuredeploy.json": JSON.stringify(template) });
    expect(code).toBe(1);
    expect(output).not.toContain("\u001b");
    expect(output).toContain('arm_template.main["Microsoft.Storage/storageAccounts/s\\u001b[2J<img src=x>"]');
  });
});

describe("hostile inputs: no silent pass", () => {
  it("judges the JSON syntax's list forms: resource as a list, a type as a list, bodies as lists", async () => {
    await expectExit(1, { resource: [{ azurerm_storage_account: { s: PUBLIC_STORAGE } }] });
    await expectExit(1, { resource: { azurerm_storage_account: [{ s: [PUBLIC_STORAGE] }] } });
  });

  it("judges a plan that holds only resource_changes", async () => {
    const plan = {
      format_version: "1.2",
      resource_changes: [
        { address: "azurerm_storage_account.s", mode: "managed", type: "azurerm_storage_account", name: "s", change: { actions: ["create"], after: PUBLIC_STORAGE } },
      ],
    };
    await expectExit(1, plan);
  });

  it.each([
    [
      "a body that is a string",
      { resource: { azurerm_storage_account: { s: "public" } } },
      "audit: input.json: resource.azurerm_storage_account.s is a string; expected an object of arguments",
    ],
    ["resource as a string", { resource: "azurerm_storage_account" }, "resource is a string"],
    ["plan resources as an object", JSON.parse(planWith('{"resources":{"a":{}}}')), "planned_values.root_module.resources is an object; expected a list"],
    ["plan child_modules as an object", JSON.parse(planWith('{"child_modules":{"a":{}}}')), "planned_values.root_module.child_modules is an object; expected a list"],
    ["a JSON list", [], "not Terraform"],
    ["JSON null", null, "not Terraform"],
    ["an unrelated object", { name: "my-package", version: "1.0.0" }, "not Terraform"],
  ])("exits 2 on %s, saying what was expected", async (_, content, message) => {
    const output = await expectExit(2, content);
    expect(output).toContain(message);
    expect(output.trim().split("\n")).toHaveLength(1);
  });

  it.each([
    ["binary garbage", "\u0000\u0001\u00ff{{", "input.json", "not valid JSON"],
    ["an empty file", "", "input.json", "not valid JSON"],
    ["invalid HCL", 'resource "a" {{{', "main.tf", "not valid HCL"],
    ["HCL nested 5000 deep", `locals {\n x = ${"[".repeat(5000)}${"]".repeat(5000)}\n}\n`, "main.tf", "brackets nest 5001 deep"],
  ])("exits 2 on %s", async (_, content, name, message) => {
    expect(await expectExit(2, content, name)).toContain(message);
  });

  it("exits 2 on input over the size limit, before reading it", async () => {
    const { code, output } = await run(["big.json"], { "big.json": { size: 65 * 1024 * 1024 } });
    expect(code).toBe(2);
    expect(output).toContain("over the 64 MiB input limit");
  });

  it("exits 2 on special files, missing files and directories without Terraform", async () => {
    expect((await run(["/dev/null"], {}, nodeInputFs)).output).toContain("not a regular file");
    expect((await run(["missing.json"])).output).toContain("missing.json: no such file or directory");
    expect((await run(["docs"], { "docs/README.md": "# hi" })).output).toContain("docs: no .tf or .tf.json files");
  });

  it("exits 2 with one line on an internal error", async () => {
    const broken: InputFs = {
      ...memoryFs({ "a.json": "{}" }),
      stat: () => ({
        isFile: () => {
          throw new TypeError("boom");
        },
        isDirectory: () => false,
        size: 1,
      }),
    };
    const { code, output } = await run(["a.json"], {}, broken);
    expect(code).toBe(2);
    expect(output).toBe("audit: a.json: internal error: boom\n");
  });

  it("prints untrusted names inert: escaped control characters in the table, escaped HTML in Markdown", async () => {
    const name = "s\u001b[2J<img src=x>`|";
    const stack = { resource: { azurerm_storage_account: { [name]: PUBLIC_STORAGE } } };
    const { code, output } = await run(["input.json"], { "input.json": JSON.stringify(stack) });
    expect(code).toBe(1);
    expect(output).not.toContain("\u001b");
    expect(output).toContain("s\\u001b[2J<img");
    const markdown = renderAuditMarkdown(audit(stack));
    expect(markdown).not.toContain("<img");
    expect(markdown).not.toContain("\u001b");
    expect(markdown).toContain("&lt;img src=x&gt;'\\|");
  });

  it("fails on warnings with --fail-on warning", async () => {
    const s = keylessPlatform() as ReturnType<typeof keylessPlatform> & { module?: unknown };
    s.module = { net: { source: "./net" } };
    await expectExit(0, s);
    await expectExit(1, s, "input.json", ["--fail-on", "warning"]);
  });
});

describe("HCL", () => {
  const MAIN_TF = `
locals {
  search_roles = {
    reader      = "Search Index Data Reader"
    contributor = "Search Service Contributor"
  }
}

resource "azurerm_storage_account" "docs" {
  name                            = "stdocs"
  allow_nested_items_to_be_public = true
  shared_access_key_enabled       = false
}
`;
  it("audits a directory of .tf and .tf.json files with file and line locations", async () => {
    const files = { "infra/main.tf": MAIN_TF, "infra/extra.tf.json": JSON.stringify({ resource: { azurerm_storage_account: { logs: PUBLIC_STORAGE } } }), "infra/notes.txt": "x" };
    const { code, output } = await run(["infra", "--format", "json"], files);
    expect(code).toBe(1);
    const report = JSON.parse(output.slice(0, output.lastIndexOf("audit:")));
    const locations = report.inputs[0].findings.filter((f: { ruleId: string }) => f.ruleId === "AZ-ST-002").map((f: { location: unknown }) => f.location);
    expect(locations).toEqual(
      [
        { file: "infra/main.tf", line: 9 },
        { file: "infra/extra.tf.json", line: 1 },
      ].sort((a, b) => (a.file < b.file ? 1 : -1)),
    );
  });

  it("passes an empty .tf file (valid Terraform with nothing to judge)", async () => {
    await expectExit(0, "# nothing yet\n", "main.tf");
  });

  it("converts a single .tf file and points SARIF at the defining line", async () => {
    const { code, output } = await run(["main.tf", "--format", "sarif"], { "main.tf": MAIN_TF });
    expect(code).toBe(1);
    const sarif = JSON.parse(output.slice(0, output.lastIndexOf("audit:")));
    const [result] = sarif.runs[0].results.filter((r: { ruleId: string }) => r.ruleId === "AZ-ST-002");
    expect(result.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "main.tf" }, region: { startLine: 9 } });
  });
});
