import { describe, roleAssignments } from "../azure";
import { Finding, Rule, finding } from "../rule";

/**
 * A data-plane role at resource-group or subscription scope reaches every vault, index
 * and container there, including ones created later.
 * https://learn.microsoft.com/azure/role-based-access-control/best-practices#only-grant-the-access-users-need
 */
export const broadRoleScope: Rule = {
  id: "AZ-RBAC-001",
  name: "broad-role-scope",
  severity: "warning",
  title: "Role assignment scoped to a resource group or subscription",
  why: "Least privilege: a role at resource-group or subscription scope also covers every other (and every future) resource there.",
  fix: "Scope the assignment to the resource it is for (${<resource>.id}) or a child of it (a container, a secret).",
  helpUri: "https://learn.microsoft.com/azure/role-based-access-control/best-practices",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const a of roleAssignments(model)) {
      if (a.scopeLevel === "resource") continue;
      const level = a.scopeLevel === "subscription" ? "a subscription" : "a resource group";
      findings.push(finding(this, a.resource, `${describe(a.resource)} assigns "${a.roleLabel}" at ${level}: scope = ${JSON.stringify(a.scopeText)}.`));
    }
    return findings;
  },
};
