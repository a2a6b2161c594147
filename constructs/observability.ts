import { Construct } from "constructs";
import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { ApplicationInsights } from "@cdktf/provider-azurerm/lib/application-insights";
import { MonitorDiagnosticSetting } from "@cdktf/provider-azurerm/lib/monitor-diagnostic-setting";
import { MonitorActionGroup } from "@cdktf/provider-azurerm/lib/monitor-action-group";
import { MonitorScheduledQueryRulesAlertV2 } from "@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2";
import { MonitorMetricAlert } from "@cdktf/provider-azurerm/lib/monitor-metric-alert";
import { ValidationError } from "./errors";
import { checkName } from "./naming";
import { checkIntRange, checkUnique, isUnresolved } from "./validate";
import type { ChatPlatform } from "./chat-platform";

/** Someone to e-mail when an alert fires. */
export interface AlertEmailReceiver {
  /** Receiver name, unique within the action group. */
  readonly name: string;
  readonly email: string;
}

export interface AlertsProps {
  /**
   * E-mail receivers of a new action group created with the platform. Give these or
   * `actionGroupId`, not both.
   * @default none
   */
  readonly emailReceivers?: readonly AlertEmailReceiver[];
  /**
   * Route alerts to an existing action group (e.g. your on-call rotation) instead.
   * @default none: with neither receivers nor an id the alerts fire only in the portal
   */
  readonly actionGroupId?: string;
  /**
   * Severity of the authentication-failure alert, 0 (critical) to 4 (verbose).
   * @default 1 (error): a failing identity hop breaks every chat request
   */
  readonly severity?: number;
  /**
   * Failed calls within `windowDuration` that fire the authentication alert.
   * @default 1: the platform grants every flow, so one 401/403 is already a defect
   */
  readonly authFailureThreshold?: number;
  /**
   * How often the authentication query runs (ISO 8601).
   * @default "PT5M"
   */
  readonly evaluationFrequency?: string;
  /**
   * How far back each evaluation looks (ISO 8601).
   * @default "PT15M"
   */
  readonly windowDuration?: string;
  /**
   * Metric alert on the web app's HealthCheckStatus (the health check path itself is
   * configured on the web app).
   * @default true
   */
  readonly healthCheck?: boolean;
}

export interface ObservabilityProps {
  /** The platform to observe; resources go into its resource group, region and naming. */
  readonly platform: ChatPlatform;
  /**
   * Log Analytics retention.
   * @default 30 (included in the ingestion price)
   */
  readonly retentionInDays?: number;
  /**
   * Daily ingestion cap of the workspace in GB; logs stop for the day when reached.
   * @default no cap
   */
  readonly dailyQuotaGb?: number;
  /**
   * Alerts on identity failures and health. `false` for none.
   * @default {} (alerts on, visible in the portal, no receivers)
   */
  readonly alerts?: AlertsProps | false;
  /**
   * Tags on the monitoring resources.
   * @default the platform's tags (as on its web app)
   */
  readonly tags?: Record<string, string>;
}

/** Where each diagnostic setting sends what, and why that category group. */
interface DiagnosticTarget {
  readonly id: string;
  readonly targetResourceId: string;
  readonly categoryGroup: "allLogs" | "audit";
}

/**
 * Error signatures of a missing or unpropagated identity or role, as the Azure SDKs
 * and services print them. The sample app logs exceptions to stdout, which App Service
 * collects as AppServiceConsoleLogs.
 * - ManagedIdentityIsNotEnabled: OpenAI On Your Data without the account's identity (F2).
 * - AuthorizationPermissionMismatch / AuthorizationFailure: Storage data-plane role missing.
 * - PermissionDenied: OpenAI/Search data-plane role missing.
 * - AuthenticationTypeDisabled: a key sent to a service whose local auth is off.
 * - CredentialUnavailable: no token from the managed identity endpoint at all
 *   (intermittent on some hosts, about one request in six in a field report from Azure
 *   Functions; only monitoring sees it).
 */
export const IDENTITY_ERROR_SIGNATURES = [
  "ManagedIdentityIsNotEnabled",
  // azure-search-openai-demo's log line when its identity lacks a Search role (its #2135).
  "Operation returned an invalid status 'Forbidden'",
  "AuthorizationPermissionMismatch",
  "AuthorizationFailure",
  "PermissionDenied",
  "AuthenticationTypeDisabled",
  "CredentialUnavailable",
] as const;

const DURATIONS = ["PT1M", "PT5M", "PT10M", "PT15M", "PT30M", "PT45M", "PT1H", "PT2H", "PT3H", "PT6H", "PT12H", "P1D"] as const;
const ACTION_GROUP_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/microsoft\.insights\/actionGroups\/[^/]+$/i;

/**
 * Logs, telemetry and alerts for one ChatPlatform, aimed at the failures only
 * monitoring catches: a role that was removed, an identity token that cannot be
 * fetched, a key sent to a keyless service.
 *
 * - a Log Analytics workspace and a workspace-based Application Insights, whose
 *   connection string reaches the app as APPLICATIONINSIGHTS_CONNECTION_STRING;
 * - diagnostic settings (all logs + metrics, audit for Key Vault) on OpenAI, Search,
 *   Key Vault, the web app and the storage account's blob service;
 * - a log alert on 401/403 and identity errors along every flow, and a metric alert on
 *   the web app's health check, routed to an action group.
 */
export class Observability extends Construct {
  public readonly workspace: LogAnalyticsWorkspace;
  public readonly appInsights: ApplicationInsights;
  /** Diagnostic settings by part: openai, search, keyVault, webApp, storageBlob. */
  public readonly diagnosticSettings: Readonly<Record<string, MonitorDiagnosticSetting>>;
  public readonly actionGroup?: MonitorActionGroup;
  /** The action group alerts go to, if any. */
  public readonly actionGroupId?: string;
  public readonly authFailureAlert?: MonitorScheduledQueryRulesAlertV2;
  public readonly healthCheckAlert?: MonitorMetricAlert;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ObservabilityProps,
  ) {
    super(scope, id);
    const p = props.platform;
    const naming = p.naming;
    const common = { location: p.location, resourceGroupName: p.resourceGroupName, tags: props.tags ?? p.webApp.resource.tagsInput };

    const retentionInDays = checkIntRange(this, "retentionInDays", props.retentionInDays ?? 30, 30, 730, "PerGB2018 workspace retention");
    if (props.dailyQuotaGb !== undefined && !(props.dailyQuotaGb > 0)) {
      throw new ValidationError(this, "dailyQuotaGb", props.dailyQuotaGb, "is not a positive number of GB", "give a cap such as 1 or 0.5, or leave it unset for no cap");
    }

    this.workspace = new LogAnalyticsWorkspace(this, "Workspace", {
      ...common,
      name: checkName(this, "workspace.name", "logAnalytics", naming.name("logAnalytics")),
      sku: "PerGB2018",
      retentionInDays,
      dailyQuotaGb: props.dailyQuotaGb,
    });

    // Workspace-based (classic Application Insights was retired on 29 Feb 2024), so its
    // data and retention are the workspace's.
    // https://learn.microsoft.com/azure/azure-monitor/app/convert-classic-resource
    this.appInsights = new ApplicationInsights(this, "AppInsights", {
      ...common,
      name: checkName(this, "appInsights.name", "appInsights", naming.name("appInsights")),
      applicationType: "web",
      workspaceId: this.workspace.id,
    });
    // A reference, resolved at apply time. The connection string names the resource
    // (ikey) and is not a secret: "Ikey unique identifiers aren't security tokens or
    // security keys, and aren't considered secrets."
    // https://learn.microsoft.com/azure/azure-monitor/app/connection-strings
    p.webApp.settings.set({
      name: "APPLICATIONINSIGHTS_CONNECTION_STRING",
      value: this.appInsights.connectionString,
      origin: "platform",
      description: "where OpenTelemetry / Application Insights SDKs send the app's telemetry",
      keyVaultReference: false,
    });

    // Category groups follow new log categories automatically. Key Vault gets "audit"
    // (AuditEvent: every data-plane call with caller and result) rather than allLogs,
    // which adds only policy evaluation noise.
    // https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings#resource-logs
    const targets: DiagnosticTarget[] = [
      { id: "openai", targetResourceId: p.openai.resourceId, categoryGroup: "allLogs" },
      { id: "search", targetResourceId: p.search.resourceId, categoryGroup: "allLogs" },
      ...(p.keyVault ? [{ id: "keyVault", targetResourceId: p.keyVault.resourceId, categoryGroup: "audit" } as const] : []),
      { id: "webApp", targetResourceId: p.webApp.resourceId, categoryGroup: "allLogs" },
      // Blob logs live on the blob service, not the account: F3/F4/F11 failures show here.
      // https://learn.microsoft.com/azure/storage/blobs/monitor-blob-storage
      { id: "storageBlob", targetResourceId: `${p.storage.resourceId}/blobServices/default`, categoryGroup: "allLogs" },
    ];
    const settings: Record<string, MonitorDiagnosticSetting> = {};
    for (const t of targets) {
      settings[t.id] = new MonitorDiagnosticSetting(this, `Diagnostics-${t.id}`, {
        name: `to-${naming.name("logAnalytics")}`,
        targetResourceId: t.targetResourceId,
        logAnalyticsWorkspaceId: this.workspace.id,
        enabledLog: [{ categoryGroup: t.categoryGroup }],
        // enabled_metric replaces the deprecated metric block in azurerm 4.x.
        enabledMetric: [{ category: "AllMetrics" }],
      });
    }
    this.diagnosticSettings = settings;

    if (props.alerts === false) return;
    const alerts = props.alerts ?? {};
    this.actionGroup = this.createActionGroup(alerts, common);
    this.actionGroupId = this.actionGroup?.id ?? alerts.actionGroupId;
    const actionGroups = this.actionGroupId ? [this.actionGroupId] : undefined;
    const severity = checkIntRange(this, "alerts.severity", alerts.severity ?? 1, 0, 4, "0 critical, 1 error, 2 warning, 3 informational, 4 verbose");
    const evaluationFrequency = checkDuration(this, "alerts.evaluationFrequency", alerts.evaluationFrequency ?? "PT5M");
    const windowDuration = checkDuration(this, "alerts.windowDuration", alerts.windowDuration ?? "PT15M");
    if (DURATIONS.indexOf(windowDuration) < DURATIONS.indexOf(evaluationFrequency)) {
      throw new ValidationError(
        this,
        "alerts.windowDuration",
        windowDuration,
        `is shorter than evaluationFrequency ${evaluationFrequency}, so some logs are never evaluated`,
        "use a window at least as long as the frequency",
      );
    }

    this.authFailureAlert = new MonitorScheduledQueryRulesAlertV2(this, "AuthFailureAlert", {
      ...common,
      name: this.derivedName("alert-auth"),
      displayName: `${naming.props.environment}: authentication failures between platform parts`,
      description:
        "401/403 from Azure OpenAI, Search, Key Vault or Blob Storage, or an identity error in the app's logs. " +
        "Usual causes: a removed role assignment, a role not yet propagated (up to 10 minutes), the OpenAI account's identity disabled, a key sent to a keyless service.",
      scopes: [this.workspace.id],
      severity,
      evaluationFrequency,
      windowDuration,
      criteria: [
        {
          query: authFailureQuery(),
          timeAggregationMethod: "Count",
          operator: "GreaterThanOrEqual",
          threshold: checkIntRange(this, "alerts.authFailureThreshold", alerts.authFailureThreshold ?? 1, 1, 10_000),
          // One alert per failing hop, named in the notification.
          dimension: [{ name: "Source", operator: "Include", values: ["*"] }],
          failingPeriods: { minimumFailingPeriodsToTriggerAlert: 1, numberOfEvaluationPeriods: 1 },
        },
      ],
      // Tables appear in a new workspace only when their first record arrives; without
      // this, creating the rule right after the workspace fails on unknown tables.
      skipQueryValidation: true,
      autoMitigationEnabled: true,
      action: actionGroups ? { actionGroups } : undefined,
    });

    if (alerts.healthCheck ?? true) {
      // HealthCheckStatus is the percentage of healthy instances (0-100).
      // https://learn.microsoft.com/azure/app-service/monitor-instances-health-check
      this.healthCheckAlert = new MonitorMetricAlert(this, "HealthCheckAlert", {
        resourceGroupName: p.resourceGroupName,
        tags: common.tags,
        name: this.derivedName("alert-health"),
        description: "Some instances of the web app fail its health check path; App Service replaces them after 10 minutes.",
        scopes: [p.webApp.resourceId],
        severity,
        frequency: "PT1M",
        windowSize: "PT5M",
        criteria: [{ metricNamespace: "Microsoft.Web/sites", metricName: "HealthCheckStatus", aggregation: "Average", operator: "LessThan", threshold: 100 }],
        action: actionGroups?.map((actionGroupId) => ({ actionGroupId })),
      });
    }
  }

  /** `<prefix>-<env>-<abbr>-<hash>`: the platform's naming shape for kinds without a NAME_RULE. */
  private derivedName(abbreviation: string): string {
    const n = this.platformNaming;
    return [n.props.prefix, n.props.environment, abbreviation, n.hash].filter(Boolean).join("-");
  }

  private get platformNaming() {
    return this.props.platform.naming;
  }

  /** A new action group for emailReceivers; checks an existing group's id instead when given. */
  private createActionGroup(alerts: AlertsProps, common: { resourceGroupName: string; tags?: Record<string, string> }): MonitorActionGroup | undefined {
    const receivers = alerts.emailReceivers ?? [];
    if (alerts.actionGroupId !== undefined) {
      if (receivers.length > 0) {
        throw new ValidationError(
          this,
          "alerts.actionGroupId",
          alerts.actionGroupId,
          "is given together with emailReceivers",
          "route alerts either to your existing action group or to a new one with emailReceivers, not both",
        );
      }
      if (!isUnresolved(alerts.actionGroupId) && !ACTION_GROUP_ID.test(alerts.actionGroupId)) {
        throw new ValidationError(
          this,
          "alerts.actionGroupId",
          alerts.actionGroupId,
          "is not an action group resource id",
          "give /subscriptions/<guid>/resourceGroups/<rg>/providers/microsoft.insights/actionGroups/<name> (az monitor action-group show -g <rg> -n <name> --query id -o tsv)",
        );
      }
      return undefined;
    }
    if (receivers.length === 0) return undefined;
    checkUnique(
      this,
      "alerts.emailReceivers[].name",
      receivers.map((r) => r.name),
    );
    receivers.forEach((r, i) => {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(r.email)) {
        throw new ValidationError(this, `alerts.emailReceivers[${i}].email`, r.email, "is not an e-mail address", "give an address such as oncall@contoso.com");
      }
    });
    return new MonitorActionGroup(this, "ActionGroup", {
      ...common,
      name: this.derivedName("ag"),
      location: "global",
      // Shown in SMS and e-mail subjects; at most 12 characters.
      shortName: `${this.platformNaming.props.prefix}-${this.platformNaming.props.environment}`.slice(0, 12),
      emailReceiver: receivers.map((r) => ({ name: r.name, emailAddress: r.email, useCommonAlertSchema: true })),
    });
  }
}

function checkDuration(scope: Construct, field: string, value: string): (typeof DURATIONS)[number] {
  if (!(DURATIONS as readonly string[]).includes(value)) {
    throw new ValidationError(scope, field, value, "is not a duration log alerts accept", `use one of ${DURATIONS.join(", ")}`);
  }
  return value as (typeof DURATIONS)[number];
}

/**
 * One row per failed call, with the hop it failed on (`Source`).
 *
 * - OpenAI and Search write to AzureDiagnostics only; their status code columns
 *   (ResultSignature, resultSignature_d) exist once the first record arrives, hence
 *   column_ifexists. https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/microsoft-cognitiveservices-accounts-logs
 * - Key Vault: 403 only. Every Key Vault client first sends an unauthenticated request
 *   and gets 401 as the auth challenge, so 401 is normal traffic.
 *   https://learn.microsoft.com/azure/key-vault/general/rest-error-codes
 * - The web app's inbound 401/403 (AppServiceHTTPLogs) are users signing in, not the
 *   platform's identities failing; the app's own errors are in its console logs.
 * - `union isfuzzy=true` tolerates tables that do not exist yet.
 */
export function authFailureQuery(): string {
  const signatures = IDENTITY_ERROR_SIGNATURES.map((s) => JSON.stringify(s)).join(", ");
  return [
    "union isfuzzy=true",
    '  (AzureDiagnostics | where ResourceProvider == "MICROSOFT.COGNITIVESERVICES" and Category == "RequestResponse"',
    '    | extend Status = toint(column_ifexists("ResultSignature", ""))',
    '    | where Status in (401, 403) | project TimeGenerated, Source = "openai", Status, Detail = OperationName, _ResourceId),',
    '  (AzureDiagnostics | where ResourceProvider == "MICROSOFT.SEARCH"',
    '    | extend Status = toint(column_ifexists("resultSignature_d", real(null)))',
    '    | where Status in (401, 403) | project TimeGenerated, Source = "search", Status, Detail = OperationName, _ResourceId),',
    '  (AzureDiagnostics | where ResourceProvider == "MICROSOFT.KEYVAULT"',
    '    | extend Status = toint(column_ifexists("httpStatusCode_d", real(null)))',
    '    | where Status == 403 | project TimeGenerated, Source = "keyVault", Status, Detail = OperationName, _ResourceId),',
    "  (StorageBlobLogs | where StatusCode in (401, 403)",
    '    | project TimeGenerated, Source = "storage", Status = toint(StatusCode), Detail = StatusText, _ResourceId),',
    "  (union AppServiceConsoleLogs, AppServiceAppLogs",
    `    | where ResultDescription has_any (${signatures})`,
    '    | project TimeGenerated, Source = "webApp", Status = int(null), Detail = substring(ResultDescription, 0, 200), _ResourceId)',
  ].join("\n");
}
