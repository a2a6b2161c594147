import * as fs from "fs";
import * as os from "os";
import { join } from "path";
import {
  InputError,
  type ListedModel,
  type StackDeployment,
  checkDeployments,
  checkToday,
  formatChecks,
  listedModels,
  printable,
  regionOfFile,
  runCli,
  stackDeployments,
  stackRegions,
} from "../../scripts/ci/check-models";
import { CHAT_DEPLOYMENT, EMBEDDING_DEPLOYMENT, type TfJson, deployment, get, keylessPlatform, put } from "../../testing/guardrail-fixtures";

/**
 * scripts/ci/check-models.ts against recorded answers of the Models API, never a network:
 * fixtures/check-models/models-swedencentral.json is what `az cognitiveservices model list
 * -l swedencentral -o json` prints (an array), models-eastus2.json what the REST call
 * `GET .../locations/eastus2/models?api-version=2024-10-01` answers (`{ value }`); both in
 * the shape of azure-rest-api-specs cognitiveservices 2024-10-01 (ListLocationModels.json:
 * kind, skuName, model { format, name, version, deprecation.inference, lifecycleStatus,
 * skus[{ name, deprecationDate }] }), with the lifecycle catalogue/lifecycle-data.ts records.
 */

const FIXTURES = join(__dirname, "fixtures", "check-models");
const SWEDEN = join(FIXTURES, "models-swedencentral.json");
const EASTUS2 = join(FIXTURES, "models-eastus2.json");
const ENV = { CHAT_PLATFORM_TODAY: "2026-12-06" };
const EXISTING_CUSTOMER = { id: "AZ-MODEL-002", reason: "This subscription has deployed the version since 2025." };

const lists = (...files: string[]) => new Map<string, ListedModel[]>(files.map((f) => [regionOfFile(f), listedModels(JSON.parse(fs.readFileSync(f, "utf8")))]));

/** The reference platform's stack with the chat deployment's model replaced (and the deployment declared an existing customer). */
function stackWith(model?: string, version?: string, sku = "GlobalStandard", existingCustomer = false, address = CHAT_DEPLOYMENT): TfJson {
  const s = keylessPlatform();
  if (model && version) Object.assign(get(s, address), { model: { format: "OpenAI", name: model, version }, sku: { name: sku, capacity: 10 } });
  if (existingCustomer) (get(s, address)["//"] as Record<string, unknown>).guardrails = { suppressions: [EXISTING_CUSTOMER] };
  return s;
}

/** The verdict and reason of the chat deployment's check against swedencentral's list. */
function chatCheck(stack: TfJson, today = "2026-12-06") {
  const checks = checkDeployments(stackDeployments(stack), lists(SWEDEN), today);
  return checks.find((c) => c.deployment.address === CHAT_DEPLOYMENT)!;
}

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(join(os.tmpdir(), "check-models-"))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
/** Writes a stack as cdk.tf.json and returns its path. */
function stackFile(stack: unknown, name = "cdk.tf.json"): string {
  const file = join(dir, name);
  fs.writeFileSync(file, typeof stack === "string" ? stack : JSON.stringify(stack));
  return file;
}

describe("reading the stack", () => {
  it("lists each model deployment with its account's region, and the existing-customer declaration", () => {
    const deployments = stackDeployments(stackWith("gpt-4o", "2024-11-20", "GlobalStandard", true));
    expect(deployments).toEqual<StackDeployment[]>([
      { address: CHAT_DEPLOYMENT, name: "chat", model: "gpt-4o", version: "2024-11-20", sku: "GlobalStandard", region: "swedencentral", existingCustomer: true },
      { address: EMBEDDING_DEPLOYMENT, name: "embedding", model: "text-embedding-3-large", version: "1", sku: "GlobalStandard", region: "swedencentral", existingCustomer: false },
    ]);
  });

  it("prints the regions to fetch, normalized and sorted", async () => {
    const s = keylessPlatform();
    put(s, "azurerm_cognitive_account.us", { name: "oai-us", kind: "OpenAI", location: "East US 2" });
    deployment(s, "us_chat", "gpt-5.4-mini", "2026-03-17", "GlobalStandard", "azurerm_cognitive_account.us");
    expect(stackRegions(s)).toEqual(["eastus2", "swedencentral"]);
    expect(runCli(["regions", stackFile(s)], ENV)).toEqual({ code: 0, stdout: "eastus2\nswedencentral\n", stderr: "" });
  });

  it("refuses a deployment whose model or region is not a literal (exit 64): plan first", () => {
    const s = keylessPlatform();
    get(s, "azurerm_cognitive_account.openai").location = "${var.location}";
    const { code, stderr } = runCli(["regions", stackFile(s)], ENV);
    expect(code).toBe(64);
    expect(stderr).toBe(`check-models: ${CHAT_DEPLOYMENT}: region not a literal, so Azure's list cannot be compared (plan first, or state them literally)\n`);
  });
});

describe("reading the model list", () => {
  it("takes az's array and the REST answer's { value } alike", () => {
    const sweden = listedModels(JSON.parse(fs.readFileSync(SWEDEN, "utf8")));
    expect(sweden.find((m) => m.name === "gpt-4o" && m.version === "2024-11-20")).toEqual({
      name: "gpt-4o",
      version: "2024-11-20",
      lifecycleStatus: "Deprecating",
      retires: "2027-04-14T00:00:00Z",
      skus: [
        { name: "GlobalStandard", deprecationDate: "2027-04-14T00:00:00Z" },
        { name: "DataZoneStandard", deprecationDate: "2027-04-14T00:00:00Z" },
      ],
    });
    const eastus2 = listedModels(JSON.parse(fs.readFileSync(EASTUS2, "utf8")));
    expect(eastus2.map((m) => `${m.name} ${m.version} ${m.skus.map((s) => s.name).join("+")}`)).toEqual([
      "gpt-5.4-mini 2026-03-17 GlobalStandard+DataZoneStandard",
      "text-embedding-3-small 1 GlobalStandard+DataZoneStandard+Standard",
    ]);
  });

  it("skips entries without a model, and refuses what is not a model list", () => {
    expect(listedModels([{ kind: "OpenAI" }, { model: { name: "x" } }, null])).toEqual([]);
    for (const answer of [{}, { value: {} }, "[]", null]) expect(() => listedModels(answer)).toThrow(InputError);
  });

  it("takes the region from the file name: models-<region>.json", () => {
    expect(regionOfFile("/tmp/x/models-SwedenCentral.json")).toBe("swedencentral");
    expect(() => regionOfFile("/tmp/models.json")).toThrow("models.json: name the file models-<region>.json (the model list does not say its region)");
    expect(() => regionOfFile("models-sweden-central.json")).toThrow(InputError);
  });
});

describe("Azure's verdict", () => {
  it("passes today's defaults, listed with their SKU", () => {
    const checks = checkDeployments(stackDeployments(keylessPlatform()), lists(SWEDEN), "2026-12-06");
    expect(checks.map((c) => c.verdict)).toEqual(["ok", "ok"]);
    expect(checks.map((c) => c.reason)).toEqual([
      expect.stringMatching(/^gpt-5\.4-mini 2026-03-17 GlobalStandard in swedencentral: .*\(GenerallyAvailable\)/),
      expect.stringMatching(/^text-embedding-3-large 1 GlobalStandard in swedencentral: .*\(GenerallyAvailable\)/),
    ]);
  });

  it("refuses a Deprecating version unless the deployment carries the AZ-MODEL-002 suppression (existing customer)", () => {
    expect(chatCheck(stackWith("gpt-4o", "2024-11-20"))).toMatchObject({
      verdict: "refused",
      reason:
        "Azure lists gpt-4o 2024-11-20 as Deprecating: a subscription that never deployed it gets ServiceModelDeprecating at apply (only an existing customer may declare existingCustomer: true)",
    });
    expect(chatCheck(stackWith("gpt-4o", "2024-11-20", "GlobalStandard", true))).toMatchObject({
      verdict: "warning",
      reason:
        "Azure lists gpt-4o 2024-11-20 as Deprecating (closed to new customers); allowed because the configuration says this subscription already deploys it, until 2027-04-14",
    });
  });

  it("refuses a Deprecated (retired) version, even for an existing customer", () => {
    for (const existing of [false, true]) {
      expect(chatCheck(stackWith("gpt-4o", "2024-05-13", "GlobalStandard", existing))).toMatchObject({
        verdict: "refused",
        reason: "Azure lists gpt-4o 2024-05-13 as retired (inference ended 2026-10-01): ServiceModelDeprecated at create, 410 Gone on every request",
      });
    }
  });

  it("refuses a version whose inference ended, whatever its status says", () => {
    const check = chatCheck(stackWith("o3-mini", "2025-01-31"));
    expect(check.verdict).toBe("refused");
    expect(check.reason).toContain("as retired (inference ended 2026-10-01)");
    expect(chatCheck(stackWith("o3-mini", "2025-01-31"), "2026-09-30").verdict).toBe("ok");
  });

  it("refuses a SKU the region does not list for the version, naming the ones it lists", () => {
    const [, embedding] = checkDeployments(stackDeployments(stackWith("text-embedding-3-small", "1", "Standard", false, EMBEDDING_DEPLOYMENT)), lists(SWEDEN), "2026-12-06");
    expect(embedding).toMatchObject({
      verdict: "refused",
      reason: "swedencentral lists text-embedding-3-small 1 without the SKU Standard (it lists GlobalStandard, DataZoneStandard): InvalidResourceProperties at apply",
    });
  });

  it("refuses a SKU past its deprecation date, even for an existing customer", () => {
    expect(chatCheck(stackWith("gpt-4o-mini", "2024-07-18", "Standard", true))).toMatchObject({
      verdict: "refused",
      reason: "Standard of gpt-4o-mini 2024-07-18 in swedencentral was deprecated on 2026-03-31: ServiceModelDeprecated at create",
    });
    // Its GlobalStandard is still open to the existing customer.
    expect(chatCheck(stackWith("gpt-4o-mini", "2024-07-18", "GlobalStandard", true)).verdict).toBe("warning");
  });

  it("refuses a model version the region does not list, naming the versions it does", () => {
    expect(chatCheck(stackWith("gpt-4o", "2024-08-06")).reason).toBe(
      "swedencentral lists no gpt-4o 2024-08-06 (it lists 2024-11-20, 2024-05-13): the deployment would fail at apply",
    );
    expect(chatCheck(stackWith("gpt-9", "2027-01-01")).reason).toBe("swedencentral lists no gpt-9 2027-01-01: the deployment would fail at apply");
  });

  it("refuses a deployment in a region whose list was not given", () => {
    const s = keylessPlatform();
    put(s, "azurerm_cognitive_account.us", { name: "oai-us", kind: "OpenAI", location: "eastus2" });
    deployment(s, "us_chat", "gpt-5.4-mini", "2026-03-17", "DataZoneStandard", "azurerm_cognitive_account.us");
    const us = (files: string[]) => checkDeployments(stackDeployments(s), lists(...files), "2026-12-06").find((c) => c.deployment.name === "us_chat")!;
    expect(us([SWEDEN])).toMatchObject({
      verdict: "refused",
      reason: "no model list for eastus2 was given, so nothing vouches for gpt-5.4-mini 2026-03-17 DataZoneStandard in eastus2",
    });
    expect(us([SWEDEN, EASTUS2]).verdict).toBe("ok");
  });
});

describe("the CLI", () => {
  it("exits 0 with a line per deployment when Azure's list vouches for every one", () => {
    const { code, stdout, stderr } = runCli(["check", stackFile(keylessPlatform()), SWEDEN], ENV);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const lines = stdout.split("\n");
    expect(lines.slice(0, 2)).toEqual([
      expect.stringMatching(/^✓ azurerm_cognitive_deployment\.chat \(deployment "chat"\): gpt-5\.4-mini 2026-03-17 GlobalStandard in swedencentral: /),
      expect.stringMatching(/^✓ azurerm_cognitive_deployment\.embedding \(deployment "embedding"\): text-embedding-3-large 1 GlobalStandard in swedencentral: /),
    ]);
    expect(lines.slice(2)).toEqual(["", "2 model deployments checked against Azure's live list: deployable.", ""]);
  });

  it("exits 1 with refusals first and the count, and 0 with a warning for a declared existing customer", () => {
    const refused = runCli(["check", stackFile(stackWith("gpt-4o", "2024-11-20")), SWEDEN], ENV);
    expect(refused.code).toBe(1);
    expect(refused.stdout.split("\n")[0]).toMatch(/^✗ azurerm_cognitive_deployment\.chat \(deployment "chat"\): Azure lists gpt-4o 2024-11-20 as Deprecating/);
    expect(refused.stdout).toContain("1 of 2 model deployments would fail at apply: nothing applied.");
    const existing = runCli(["check", stackFile(stackWith("gpt-4o", "2024-11-20", "GlobalStandard", true)), SWEDEN], ENV);
    expect(existing.code).toBe(0);
    expect(existing.stdout.split("\n")[0]).toMatch(/^! azurerm_cognitive_deployment\.chat/);
  });

  it("judges on CHAT_PLATFORM_TODAY", () => {
    const stack = stackFile(stackWith("o3-mini", "2025-01-31"));
    expect(runCli(["check", stack, SWEDEN], { CHAT_PLATFORM_TODAY: "2026-09-30" }).code).toBe(0);
    expect(runCli(["check", stack, SWEDEN], { CHAT_PLATFORM_TODAY: "2026-10-01" }).code).toBe(1);
    expect(checkToday({}, new Date("2026-12-06T12:00:00Z"))).toBe("2026-12-06");
    expect(() => checkToday({ CHAT_PLATFORM_TODAY: "6 Dec" })).toThrow('CHAT_PLATFORM_TODAY = "6 Dec" is not a date written YYYY-MM-DD');
  });

  it.each([
    ["a model list named without its region", () => ["check", stackFile(keylessPlatform()), join(dir, "models.json")], "name the file models-<region>.json"],
    ["an unreadable stack", () => ["check", join(dir, "missing.json"), SWEDEN], "missing.json: cannot read the stack"],
    ["a stack that is not JSON", () => ["regions", stackFile("{", "broken.json")], "broken.json: the stack is not JSON"],
    ["a stack that is not a synthesized stack", () => ["regions", stackFile("[]", "list.json")], "not a synthesized stack (cdk.tf.json)"],
    ["an unknown command", () => ["apply", stackFile(keylessPlatform())], "bad arguments"],
    ["regions with a model list", () => ["regions", stackFile(keylessPlatform()), SWEDEN], "bad arguments"],
  ])("exits 64 on %s", (_name, argv, message) => {
    fs.writeFileSync(join(dir, "models.json"), "[]");
    const { code, stdout, stderr } = runCli(argv(), ENV);
    expect(code).toBe(64);
    expect(stdout).toBe("");
    expect(stderr).toContain(message);
  });

  it("prints control characters in names escaped, never obeyed", () => {
    const s = keylessPlatform();
    get(s, CHAT_DEPLOYMENT).name = "chat\u001b[2J\u0007";
    Object.assign(get(s, CHAT_DEPLOYMENT), { model: { format: "OpenAI", name: "gpt\u001b]0;x", version: "1" } });
    const { code, stdout } = runCli(["check", stackFile(s), SWEDEN], ENV);
    expect(code).toBe(1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(stdout).not.toMatch(/[\u0000-\u001f\u007f-\u009f](?<!\n)/);
    expect(stdout).toContain('(deployment "chat\\u001b[2J\\u0007"): swedencentral lists no gpt\\u001b]0;x 1');
    expect(printable("a\u0085b\u009bc")).toBe("a\\u0085b\\u009bc");
  });

  it("orders the report refusals, then warnings, then passes", () => {
    const d = stackDeployments(keylessPlatform())[0];
    const text = formatChecks([
      { deployment: d, verdict: "ok", reason: "fine" },
      { deployment: d, verdict: "warning", reason: "look" },
      { deployment: d, verdict: "refused", reason: "no" },
    ]);
    expect(text.split("\n").map((l) => l.slice(0, 1))).toEqual(["✗", "!", "✓"]);
  });
});
