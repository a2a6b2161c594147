import { readFileSync } from "fs";
import { join } from "path";
import { ConfigError, loadEnvironments, shippedEnvironments } from "../../config/environments";
import { configJsonSchema } from "../../scripts/ci/config-schema";
import shipped from "../../config/environments.json";

/** A deep copy of the shipped file with `edit` applied, for one bad input each. */
function withEdit(edit: (file: any) => void): unknown {
  const file = JSON.parse(JSON.stringify(shipped));
  edit(file);
  return file;
}

function issuesOf(json: unknown): string[] {
  try {
    loadEnvironments(json);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error("expected the configuration to be rejected");
}

describe("config/environments.json", () => {
  const envs = shippedEnvironments();

  it("declares dev and prod, one stack each, named after the environment", () => {
    expect(Object.keys(envs)).toEqual(["dev", "prod"]);
    expect(envs.dev.platform.environment).toBe("dev");
    expect(envs.prod.platform.environment).toBe("prod");
  });

  it("sizes prod above dev: search replicas, plan, zone-redundant storage, model capacity, protection", () => {
    expect(envs.dev.platform).toMatchObject({
      search: { sku: "basic", replicaCount: 1 },
      webApp: { planSku: "B1" },
      storage: { replicationType: "LRS" },
      protectStatefulResources: false,
    });
    expect(envs.prod.platform).toMatchObject({
      search: { sku: "standard", replicaCount: 2 },
      webApp: { planSku: "P1v3" },
      storage: { replicationType: "ZRS" },
      protectStatefulResources: true,
    });
    expect(envs.prod.platform.openai?.chatModel?.capacity).toBeGreaterThan(envs.dev.platform.openai?.chatModel?.capacity ?? 0);
  });

  it("merges defaults under each environment: objects deeply, the environment winning", () => {
    expect(envs.dev.platform).toMatchObject({ prefix: "chat", location: "swedencentral", authMode: "keyless", profile: "searchOpenAIDemo" });
    expect(envs.prod.observability).toMatchObject({ retentionInDays: 90, alerts: { authFailureThreshold: 1, healthCheck: true, severity: 1 } });
    expect(envs.dev.observability).toMatchObject({ retentionInDays: 30, dailyQuotaGb: 1 });
  });

  it("keeps local state for dev and an azurerm backend for prod", () => {
    expect(envs.dev.remoteState).toBeUndefined();
    expect(envs.prod.remoteState).toEqual({ resourceGroupName: "chat-tfstate-rg", storageAccountName: "chattfstate0prod", containerName: "tfstate" });
  });

  it("maps observability.enabled: false and alerts.enabled: false to no observability / no alerts", () => {
    const envs2 = loadEnvironments({ environments: { a: { observability: { enabled: false } }, b: { observability: { alerts: { enabled: false } } } } });
    expect(envs2.a.observability).toBe(false);
    expect(envs2.b.observability).toEqual({ alerts: false });
  });
});

describe("loadEnvironments rejects a bad configuration with the path of each bad field", () => {
  it.each<[string, (f: any) => void, RegExp]>([
    ["a replica count of 0", (f) => (f.environments.prod.search.replicaCount = 0), /^environments\.prod\.search\.replicaCount: Too small: expected number to be >=1/],
    ["a fractional capacity", (f) => (f.environments.dev.openai.chatModel.capacity = 2.5), /^environments\.dev\.openai\.chatModel\.capacity: .*int/i],
    ["an unknown plan SKU", (f) => (f.environments.prod.webApp.planSku = "P9"), /^environments\.prod\.webApp\.planSku: Invalid option: expected one of .*"P1v3"/],
    ["a misspelt key", (f) => (f.environments.prod.search.replicaCont = 2), /^environments\.prod\.search: Unrecognized key: "replicaCont"/],
    [
      "a wrong type",
      (f) => (f.environments.prod.protectStatefulResources = "yes"),
      /^environments\.prod\.protectStatefulResources: Invalid input: expected boolean, received string/,
    ],
    [
      "a remote state without its storage account",
      (f) => (f.environments.prod.remoteState = { resourceGroupName: "rg" }),
      /^environments\.prod\.remoteState\.storageAccountName: Invalid input: expected string/,
    ],
    [
      "an alert e-mail that is not one",
      (f) => (f.environments.prod.observability.alerts.emailReceivers[0].email = "oncall"),
      /^environments\.prod\.observability\.alerts\.emailReceivers\[0\]\.email: Invalid email address/,
    ],
    [
      "a developer with an unknown principal type",
      (f) => (f.environments.dev.developers = [{ objectId: "x", type: "Robot" }]),
      /^environments\.dev\.developers\[0\]\.type: Invalid option/,
    ],
    ["a bad default", (f) => (f.defaults.authMode = "password"), /^defaults\.authMode: Invalid option: expected one of "keyless"\|"keys"/],
    ["no environments", (f) => (f.environments = {}), /^environments: define at least one environment/],
  ])("%s", (_, edit, expected) => {
    expect(issuesOf(withEdit(edit))).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  it("reports every problem at once, under the file's name", () => {
    const bad = withEdit((f) => {
      f.environments.prod.search.replicaCount = -1;
      f.environments.dev.storage.replicationType = "XRS";
    });
    expect(() => loadEnvironments(bad)).toThrow(
      /^config\/environments\.json is invalid:\n {2}environments\.dev\.storage\.replicationType: .*\n {2}environments\.prod\.search\.replicaCount: /,
    );
  });

  it("rejects a file that is not an object", () => {
    expect(issuesOf([])).toEqual([expect.stringMatching(/^: Invalid input: expected object, received array/)]);
  });
});

describe("config/environments.schema.json", () => {
  it("is generated from config/schema.ts (regenerate: npm run build && node dist/scripts/ci/config-schema.js)", () => {
    const committed = readFileSync(join(__dirname, "..", "..", "config", "environments.schema.json"), "utf8");
    expect(committed).toBe(configJsonSchema());
  });
});
