import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Testing } from "cdktf";
import { ChatStack } from "../../app/chat-stack";
import { loadEnvironments, shippedEnvironments } from "../../config/environments";
import { authFailureQuery } from "../../constructs/observability";
import { createApp } from "../../main";
import { TfJson, addressOf, onlyResource as only, synthJson } from "../../testing/helpers";

type Json = TfJson & Record<string, any>;

/** Synthesizes one stack of `environments` (validations on), once per call site. */
function synth(name: string, environments = shippedEnvironments()): Json {
  return synthJson(new ChatStack(Testing.app(), name, environments[name])) as Json;
}

const synthesized = new Map<string, Json>();
/** synth(name) of the shipped environments, once per name for the whole file. */
const synthOnce = (name: string): Json => synthesized.get(name) ?? synthesized.set(name, synth(name)).get(name)!;

/** `${type.name.attribute}` of the single resource of `type`. */
const ref = (json: Json, type: string, attribute = "id"): string => `\${${addressOf(json, type)}.${attribute}}`;

describe("the ready app", () => {
  it("makes one stack per configured environment, named after it", () => {
    const app = createApp({ outdir: mkdtempSync(join(tmpdir(), "chat-app-")) });
    expect(app.node.children.map((c) => c.node.id)).toEqual(Object.keys(shippedEnvironments()));
  });

  // Every configured environment, not a fixed list: adding one to config/environments.json
  // gets it judged here too.
  it.each(Object.keys(shippedEnvironments()))("synthesizes %s with the guardrails passing and its own resource group", (name) => {
    const rg = Object.values(synthOnce(name).resource.azurerm_resource_group ?? {}) as { name: string }[];
    expect(rg.map((r) => r.name)).toEqual([expect.stringContaining(`-${name}-`)]);
  });
});

describe("shipped stacks", () => {
  const dev = synthOnce("dev");
  const prod = synthOnce("prod");

  describe("providers", () => {
    it("declares azuread only where the platform manages the sign-in app registration", () => {
      expect(Object.keys(dev.provider)).toEqual(["azurerm"]);
      expect(Object.keys(dev.terraform.required_providers)).not.toContain("azuread");
      expect(Object.keys(prod.provider).sort()).toEqual(["azuread", "azurerm"]);
      expect(Object.keys(prod.terraform.required_providers)).toContain("azuread");
    });

    it("needs no azuread provider for a brought registration", () => {
      const stack = new ChatStack(Testing.app(), "byo", {
        platform: {
          environment: "byo",
          webApp: { signIn: { clientId: "22222222-3333-5444-8555-666666666666", clientSecretName: "auth-secret", clientSecretExpiresOn: "2027-06-30" } },
        },
      });
      const json = synthJson(stack) as Json;
      expect(json.provider.azuread).toBeUndefined();
      expect(Object.keys(json.resource).filter((t) => t.startsWith("azuread_"))).toEqual([]);
    });
  });

  describe("state backend", () => {
    it("keeps dev's state locally, one file per stack at the project root, outside the build directory", () => {
      expect(dev.terraform.backend).toEqual({ local: { path: "../../../terraform.dev.tfstate" } });
    });

    it("keeps prod's state in Azure Storage under its own key, with Entra ID and no credentials in the JSON", () => {
      expect(prod.terraform.backend).toEqual({
        azurerm: { resource_group_name: "chat-tfstate-rg", storage_account_name: "chattfstate0prod", container_name: "tfstate", key: "prod.tfstate", use_azuread_auth: true },
      });
    });

    it("gives every stack its own key in a shared account", () => {
      const remoteState = { resourceGroupName: "tfstate-rg", storageAccountName: "sttfstate01" };
      const envs = loadEnvironments({ defaults: { remoteState }, environments: { weu1: {}, neu1: { location: "northeurope" } } });
      expect(synth("weu1", envs).terraform.backend.azurerm).toMatchObject({ key: "weu1.tfstate", container_name: "tfstate" });
      expect(synth("neu1", envs).terraform.backend.azurerm).toMatchObject({ key: "neu1.tfstate" });
    });

    it("fails when two stacks of one app would share a state blob (a key set once in the defaults)", () => {
      const remoteState = { resourceGroupName: "tfstate-rg", storageAccountName: "sttfstate01", key: "terraform.tfstate" };
      const envs = loadEnvironments({ defaults: { remoteState }, environments: { dev: {}, prod: {} } });
      const app = Testing.app();
      new ChatStack(app, "dev", envs.dev);
      expect(() => new ChatStack(app, "prod", envs.prod)).toThrow(
        'prod: remoteState.key = "terraform.tfstate" is the state of stack "dev" too (sttfstate01/tfstate/terraform.tfstate): deploying either stack would plan to destroy what the other deployed. Fix: give each stack its own key, or leave key out (it defaults to "<stack>.tfstate")',
      );
    });

    it("lets stacks share a key in different containers or accounts, and apps share anything", () => {
      const app = Testing.app();
      const props = (environment: string, containerName: string, storageAccountName = "sttfstate01") => ({
        platform: { environment },
        remoteState: { resourceGroupName: "rg", storageAccountName, containerName, key: "state" },
      });
      new ChatStack(app, "a", props("a", "team-a"));
      new ChatStack(app, "b", props("b", "team-b"));
      new ChatStack(app, "c", props("c", "team-a", "sttfstate02"));
      expect(() => new ChatStack(Testing.app(), "a", props("a", "team-a"))).not.toThrow();
    });
  });

  describe("observability", () => {
    it("creates a Log Analytics workspace and a workspace-based Application Insights with deterministic names", () => {
      const ws = only(prod, "azurerm_log_analytics_workspace");
      expect(ws).toMatchObject({ name: "chat-prod-log-${local.name_suffix_chat_prod}", sku: "PerGB2018", retention_in_days: 90 });
      expect(only(prod, "azurerm_application_insights")).toMatchObject({ application_type: "web", workspace_id: ref(prod, "azurerm_log_analytics_workspace") });
      expect(only(dev, "azurerm_log_analytics_workspace")).toMatchObject({ retention_in_days: 30, daily_quota_gb: 1 });
    });

    it("hands the app its connection string as a reference, never a literal", () => {
      const app = only(prod, "azurerm_linux_web_app");
      expect(app.app_settings.APPLICATIONINSIGHTS_CONNECTION_STRING).toBe(ref(prod, "azurerm_application_insights", "connection_string"));
    });

    it("keeps the web app's health check", () => {
      expect(only(prod, "azurerm_linux_web_app").site_config.health_check_path).toBe("/");
    });

    it("sends logs and metrics of OpenAI, Search, the web app and blob storage to the workspace (prod has no Key Vault: nothing uses one)", () => {
      const settings = Object.values(prod.resource.azurerm_monitor_diagnostic_setting) as Json[];
      const byTarget = Object.fromEntries(settings.map((s) => [s.target_resource_id, s]));
      const expected: [string, string][] = [
        [ref(prod, "azurerm_cognitive_account"), "allLogs"],
        [ref(prod, "azurerm_search_service"), "allLogs"],
        [ref(prod, "azurerm_linux_web_app"), "allLogs"],
        [`${ref(prod, "azurerm_storage_account")}/blobServices/default`, "allLogs"],
      ];
      expect(Object.keys(byTarget).sort()).toEqual(expected.map(([t]) => t).sort());
      for (const [target, group] of expected) {
        expect(byTarget[target]).toMatchObject({
          log_analytics_workspace_id: ref(prod, "azurerm_log_analytics_workspace"),
          enabled_log: [{ category_group: group }],
          enabled_metric: [{ category: "AllMetrics" }],
        });
      }
    });

    it("alerts on authentication failures along every hop, routed to the configured receivers", () => {
      const group = only(prod, "azurerm_monitor_action_group");
      expect(group).toMatchObject({
        location: "global",
        short_name: "chat-prod",
        email_receiver: [{ name: "platform-oncall", email_address: "platform-oncall@contoso.com", use_common_alert_schema: true }],
      });
      const alert = only(prod, "azurerm_monitor_scheduled_query_rules_alert_v2");
      expect(alert).toMatchObject({
        scopes: [ref(prod, "azurerm_log_analytics_workspace")],
        severity: 1,
        evaluation_frequency: "PT5M",
        window_duration: "PT15M",
        action: { action_groups: [ref(prod, "azurerm_monitor_action_group")] },
        criteria: [{ operator: "GreaterThanOrEqual", threshold: 1, time_aggregation_method: "Count", dimension: [{ name: "Source", operator: "Include", values: ["*"] }] }],
      });
      const query: string = alert.criteria[0].query;
      expect(query).toBe(authFailureQuery());
      for (const needle of [
        "MICROSOFT.COGNITIVESERVICES",
        "MICROSOFT.SEARCH",
        "MICROSOFT.KEYVAULT",
        "StorageBlobLogs",
        "AppServiceConsoleLogs",
        "ManagedIdentityIsNotEnabled",
        "AuthorizationPermissionMismatch",
        "PermissionDenied",
        "CredentialUnavailable",
      ]) {
        expect(query).toContain(needle);
      }
      expect(only(prod, "azurerm_monitor_metric_alert")).toMatchObject({
        scopes: [ref(prod, "azurerm_linux_web_app")],
        criteria: [{ metric_namespace: "Microsoft.Web/sites", metric_name: "HealthCheckStatus", operator: "LessThan", threshold: 100 }],
        action: [{ action_group_id: ref(prod, "azurerm_monitor_action_group") }],
      });
    });

    it("creates no action group without receivers: dev's alerts show in the portal only", () => {
      expect(dev.resource.azurerm_monitor_action_group).toBeUndefined();
      expect(only(dev, "azurerm_monitor_scheduled_query_rules_alert_v2").action).toBeUndefined();
    });
  });
});

describe("observability options", () => {
  const existing = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ops-rg/providers/microsoft.insights/actionGroups/oncall";

  it("routes alerts to an existing action group instead of creating one", () => {
    const json = synth("ops", loadEnvironments({ environments: { ops: { observability: { alerts: { actionGroupId: existing, healthCheck: false } } } } }));
    expect(json.resource.azurerm_monitor_action_group).toBeUndefined();
    expect(json.resource.azurerm_monitor_metric_alert).toBeUndefined();
    expect(only(json, "azurerm_monitor_scheduled_query_rules_alert_v2").action).toEqual({ action_groups: [existing] });
  });

  it("can be switched off", () => {
    const json = synth("bare", loadEnvironments({ environments: { bare: { observability: { enabled: false } } } }));
    expect(json.resource.azurerm_log_analytics_workspace).toBeUndefined();
    expect(only(json, "azurerm_linux_web_app").app_settings.APPLICATIONINSIGHTS_CONNECTION_STRING).toBeUndefined();
  });

  it("rejects a retention Log Analytics does not offer", () => {
    const envs = loadEnvironments({ environments: { bad: { observability: { retentionInDays: 7 } } } });
    expect(() => new ChatStack(Testing.app(), "bad", envs.bad)).toThrow(/^bad\/Observability: retentionInDays = 7 is out of range\. Fix: use a whole number from 30 to 730/);
  });

  it.each<[string, object, RegExp]>([
    [
      "receivers and an existing group together",
      { emailReceivers: [{ name: "a", email: "a@contoso.com" }], actionGroupId: existing },
      /bad\/Observability: alerts\.actionGroupId = .* is given together with emailReceivers\. Fix: /,
    ],
    [
      "an action group id that is not a resource id",
      { actionGroupId: "oncall" },
      /bad\/Observability: alerts\.actionGroupId = "oncall" is not an action group resource id\. Fix: give \/subscriptions\//,
    ],
    ["a severity of 5", { severity: 5 }, /bad\/Observability: alerts\.severity = 5 is out of range\. Fix: use a whole number from 0 to 4/],
    ["a frequency log alerts do not accept", { evaluationFrequency: "PT7M" }, /bad\/Observability: alerts\.evaluationFrequency = "PT7M" is not a duration log alerts accept/],
    ["a window shorter than the frequency", { evaluationFrequency: "PT15M", windowDuration: "PT5M" }, /alerts\.windowDuration = "PT5M" is shorter than evaluationFrequency PT15M/],
  ])("rejects %s with the construct path, field, value and fix", (_, alerts, expected) => {
    const envs = loadEnvironments({ environments: { bad: { observability: { alerts } } } });
    expect(() => new ChatStack(Testing.app(), "bad", envs.bad)).toThrow(expected);
  });
});
