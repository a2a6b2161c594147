import { ScopeLevel, describe, roleAssignments } from "../azure";
import { Finding, Rule, finding, show } from "../rule";

/**
 * A data-plane role at resource-group or subscription scope reaches every vault, index
 * and container there, including ones created later.
 * https://learn.microsoft.com/azure/role-based-access-control/best-practices#only-grant-the-access-users-need
 */
/** Scope levels broader than one resource, as messages name them. */
const BROAD_LEVELS: Partial<Record<ScopeLevel, string>> = {
  root: "the root scope (/)",
  managementGroup: "a management group",
  subscription: "a subscription",
  resourceGroup: "a resource group",
};

export const broadRoleScope: Rule = {
  id: "AZ-RBAC-001",
  name: "broad-role-scope",
  severity: "warning",
  title: "Role assignment scoped to a resource group, subscription or management group",
  why: "Least privilege: a role at resource-group or subscription scope also covers every other (and every future) resource there.",
  fix: "Scope the assignment to the resource it is for (${<resource>.id}) or a child of it (a container, a secret).",
  helpUri: "https://learn.microsoft.com/azure/role-based-access-control/best-practices",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const a of roleAssignments(model)) {
      const level = BROAD_LEVELS[a.scopeLevel];
      if (!level) continue;
      findings.push(finding(this, a.resource, `${describe(a.resource)} assigns "${a.roleLabel}" at ${level}: scope = ${show(a.scopeText)}.`));
    }
    return findings;
  },
};
