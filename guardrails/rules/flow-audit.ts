import { describe, scopeCovers, unexpandedRoleAssignments } from "../azure";
import type { StackModel } from "../model";
import { type FlowCheck, checkFlows } from "../flow-inference";
import { type Finding, type Rule, finding } from "../rule";
import type { TfResource } from "../terraform-json";

/**
 * The flow audit: every access flow the configuration implies (flow-inference.ts) must
 * be authorized, or the first chat message fails.
 */
export const flowAudit: Rule = {
  id: "AZ-FLOW-001",
  name: "flow-audit",
  severity: "error",
  title: "An access flow the configuration implies is not authorized",
  why: "Every runtime call between the parts needs an identity on the caller and a role at the target; a missing hop only shows up as 400 ManagedIdentityIsNotEnabled, 401 or 403 when a user sends the first message (Microsoft Learn: Azure OpenAI On Your Data, role assignments).",
  fix: "Enable the caller's identity (system-assigned for service-to-service flows) and assign each listed role with the caller's principal_id at the target's id (the constructs' grant methods do both).",
  helpUri: "https://learn.microsoft.com/azure/ai-services/openai/how-to/on-your-data-configuration#role-assignments",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const c of checkFlows(model)) {
      if (!c.identityProblem && c.missingRoles.length === 0 && c.missingPermissions.length === 0) continue;
      const f = c.implied;
      const problems: string[] = [];
      if (c.identityProblem) problems.push(c.identityProblem);
      if (c.missingRoles.length > 0) {
        problems.push(`${f.callerLabel} holds no ${c.missingRoles.map((r) => `"${r.name}"`).join(" and no ")} on ${f.target ? describe(f.target) : "the target"}`);
      }
      if (c.missingPermissions.length > 0) {
        problems.push(`${f.target ? describe(f.target) : "the vault"} uses access policies, and none gives ${f.callerLabel} ${c.missingPermissions.join(", ")}`);
      }
      // A role or policy may come from a resource the loader could not expand: say so, do not fail on a guess.
      const unexpanded = c.identityProblem
        ? []
        : [...(c.missingRoles.length > 0 ? unexpandedAssignments(model, f.target) : []), ...(c.missingPermissions.length > 0 ? c.unexpandedPolicies : [])];
      const message =
        `${f.flow.id} (${f.flow.title}) is implied because ${f.because.join("; ")}, but ${problems.join("; and ")}. ` +
        (unexpanded.length > 0 ? `Not judged: ${unexpanded.join(", ")} could not be expanded and may hold the role. ` : "") +
        `Symptom at runtime: ${f.flow.symptom}.`;
      const severity = unexpanded.length > 0 ? "warning" : "error";
      findings.push(finding(this, f.caller ?? f.target ?? { address: f.callerLabel }, message, { fix: fixFor(c), severity }));
    }
    return findings;
  },
};

/**
 * Role assignments the loader could not expand (an unresolvable `for_each`, a principal
 * known only after apply) whose scope may cover `target`.
 */
function unexpandedAssignments(model: StackModel, target: TfResource | undefined): string[] {
  return unexpandedRoleAssignments(model)
    .filter((a) => !target || a.scopeLevel === "unknown" || scopeCovers(model, a, target) !== undefined)
    .map((a) => a.resource.address);
}

function fixFor(c: FlowCheck): string {
  const f = c.implied;
  const steps: string[] = [];
  if (c.identityProblem && f.caller) {
    steps.push(
      f.systemOnly
        ? `add identity { type = "SystemAssigned" } to ${f.caller.address} (a user-assigned identity cannot make this call)`
        : `give ${f.caller.address} a managed identity (identity { type = "SystemAssigned" })`,
    );
  }
  for (const role of c.missingRoles) {
    steps.push(`assign "${role.name}" (role_definition_id ending ${role.id}) to ${c.principalHint} with scope ${f.target ? `${f.target.address}.id` : "the target's id"}`);
  }
  if (c.missingPermissions.length > 0) {
    const kinds = (kind: string) =>
      c.missingPermissions
        .filter((p) => p.startsWith(`${kind} `))
        .map((p) => JSON.stringify(p.slice(kind.length + 1)))
        .join(", ");
    const lists = [kinds("secret") && `secret_permissions = [${kinds("secret")}]`, kinds("key") && `key_permissions = [${kinds("key")}]`].filter(Boolean).join(", ");
    steps.push(
      `add an access policy for ${c.principalHint} to ${f.target?.address ?? "the vault"} with ${lists} (access_policy block or azurerm_key_vault_access_policy), or switch the vault to rbac_authorization_enabled = true and assign the role`,
    );
  }
  return steps.join("; ");
}
