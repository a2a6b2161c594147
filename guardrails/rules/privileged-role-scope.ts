import { type RoleAssignment, type ScopeLevel, describe, roleAssignments } from "../azure";
import { type Finding, type Rule, finding, show } from "../rule";

/**
 * Roles that can grant access (write role assignments): whoever holds one can give any
 * principal, itself included, any role at that scope. Microsoft calls them privileged
 * administrator roles and asks to limit them.
 * https://learn.microsoft.com/azure/role-based-access-control/best-practices#limit-privileged-administrator-role-assignments
 * Ids: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged
 */
const PRIVILEGED_ROLES: ReadonlyMap<string, string> = new Map([
  ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner"],
  ["18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator"],
  ["f58310d9-a9f6-439a-9e8d-f62e7b41a168", "Role Based Access Control Administrator"],
]);
const PRIVILEGED_NAMES = new Set([...PRIVILEGED_ROLES.values()].map((n) => n.toLowerCase()));

/** Scopes over many resources, as messages name them. */
const WIDE: Partial<Record<ScopeLevel, string>> = {
  root: "the root scope (/), every subscription in the tenant",
  managementGroup: "a management group, every subscription under it",
  subscription: "a subscription",
};

export function privilegedRole(a: RoleAssignment): string | undefined {
  if (a.roleId && PRIVILEGED_ROLES.has(a.roleId)) return PRIVILEGED_ROLES.get(a.roleId);
  return PRIVILEGED_NAMES.has(a.roleLabel.trim().toLowerCase()) ? a.roleLabel.trim() : undefined;
}

export const privilegedRoleScope: Rule = {
  id: "AZ-RBAC-003",
  name: "privileged-role-scope",
  severity: "error",
  title: "Privileged role (Owner, User Access Administrator, RBAC Administrator) assigned",
  why: "A role that writes role assignments lets its holder grant any role, to anyone, at that scope: at subscription, management group or root scope that is the whole estate; on one resource it still lets the holder escalate there.",
  fix: "Assign the narrow roles the principal actually uses (the flow's data-plane roles) at the resource it calls; keep privileged roles for people through PIM, not for workloads in Terraform.",
  helpUri: "https://learn.microsoft.com/azure/role-based-access-control/best-practices#limit-privileged-administrator-role-assignments",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const a of roleAssignments(model)) {
      const role = privilegedRole(a);
      if (!role) continue;
      const wide = WIDE[a.scopeLevel];
      const where = wide ?? (a.scopeLevel === "unknown" ? "a scope the audit cannot place" : a.scopeLevel === "resourceGroup" ? "a resource group" : "one resource");
      const message = `${describe(a.resource)} assigns "${role}" at ${where}: scope = ${show(a.scopeText)}.`;
      findings.push(finding(this, a.resource, message, wide ? {} : { severity: "warning" }));
    }
    return findings;
  },
};
