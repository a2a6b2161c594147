import { TYPES, appKind, apps, describe, identityOf, setting } from "../azure";
import { Finding, Rule, finding } from "../rule";
import { clientIdSetting } from "../declarations";

/**
 * DefaultAzureCredential picks a user-assigned identity only when AZURE_CLIENT_ID names
 * it; otherwise it uses the system-assigned one (or none) and the roles granted to the
 * user-assigned identity never apply.
 * https://learn.microsoft.com/azure/developer/intro/passwordless-overview
 * https://learn.microsoft.com/azure/app-service/overview-managed-identity
 */
export const uamiClientId: Rule = {
  id: "AZ-APP-003",
  name: "uami-client-id",
  severity: "error",
  title: "Web app with a user-assigned identity but no AZURE_CLIENT_ID",
  why: "Without AZURE_CLIENT_ID, DefaultAzureCredential uses the system-assigned identity or finds none; the roles held by the user-assigned identity are never used: 401/403 at runtime.",
  fix: "Set app_settings.AZURE_CLIENT_ID = ${azurerm_user_assigned_identity.<name>.client_id} for the identity the app should use.",
  helpUri: "https://learn.microsoft.com/azure/app-service/overview-managed-identity",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const app of apps(model)) {
      const identity = identityOf(model, app);
      if (!identity.userAssigned) continue;
      // An identity named only by OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID is App Service
      // Authentication's credential (AZ-APP-007), not the code's: with a system-assigned
      // identity next to it, DefaultAzureCredential rightly uses the system one.
      const signIn = setting(model, app, "OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID")?.refs.map((r) => r.address) ?? [];
      const runtime = identity.userAssignedRefs.filter((r) => !signIn.includes(r.address));
      if (identity.systemAssigned && identity.userAssignedRefs.length > 0 && runtime.length === 0) continue;
      const clientId = clientIdSetting(model, app);
      if (!clientId || (clientId.value !== undefined && clientId.value.trim() === "")) {
        findings.push(
          finding(
            this,
            app,
            `${describe(app)} has identity.identity_ids set (${identity.type ?? "UserAssigned"}) but ${clientId?.where ?? (appKind(app) === "containerApp" ? "env AZURE_CLIENT_ID" : "app_settings.AZURE_CLIENT_ID")} is ${clientId ? "empty" : "not set"}.`,
          ),
        );
        continue;
      }
      const named = clientId.refs.map((r) => model.get(r.address)).find((r) => r?.type === TYPES.userAssignedIdentity);
      if (named && !identity.userAssignedRefs.some((r) => model.is(r, named))) {
        findings.push(finding(this, app, `${describe(app)}: ${clientId.where} names ${named.address}, which is not in identity.identity_ids.`));
      }
    }
    return findings;
  },
};
