import { Roles } from "../../catalogue/roles";
import { TYPES, argument, describe, isFalse, roleAssignments, roleSatisfies, scopeCovers } from "../azure";
import { inferFlows } from "../flow-inference";
import { Finding, Rule, finding, show } from "../rule";

/**
 * A search service accepts Entra ID tokens only when role-based access is on: in
 * azurerm, `local_authentication_enabled = false` (RBAC only) or
 * `authentication_failure_mode` set (keys and RBAC). By default it takes API keys only
 * and rejects every token with 403.
 * https://learn.microsoft.com/azure/search/search-security-enable-roles
 */
export const searchRbacDisabled: Rule = {
  id: "AZ-SRCH-002",
  name: "search-rbac-disabled",
  severity: "error",
  title: "Search is called keyless but only accepts API keys",
  why: "Role assignments on Search have no effect until role-based access control is enabled on the service; keyless On Your Data and app queries get 403.",
  fix: 'Set local_authentication_enabled = false (RBAC only, keyless platform), or authentication_failure_mode = "http401WithBearerChallenge" to accept both keys and tokens.',
  helpUri: "https://learn.microsoft.com/azure/search/search-security-enable-roles",
  evaluate(model) {
    const findings: Finding[] = [];
    const flows = inferFlows(model);
    const dataRoles = [Roles.SearchIndexDataReader, Roles.SearchIndexDataContributor, Roles.SearchServiceContributor];
    for (const search of model.ofType(TYPES.search)) {
      if (isFalse(search.values.local_authentication_enabled) || search.values.authentication_failure_mode) continue;
      const flow = flows.find((f) => f.target === search);
      const grant = roleAssignments(model).find((a) => dataRoles.some((r) => roleSatisfies(a.roleId, r)) && scopeCovers(model, a, search) === "resource");
      const reason = flow ? `${flow.flow.id} calls it with ${flow.callerLabel}'s identity` : grant ? `${grant.resource.address} grants "${grant.roleLabel}" on it` : undefined;
      if (!reason) continue;
      findings.push(
        finding(
          this,
          search,
          `${describe(search)} is called keyless (${reason}) but ${search.origin ? `${argument(search, "local_authentication_enabled")} is not true` : `local_authentication_enabled = ${show(search.values.local_authentication_enabled)}`} and ${argument(search, "authentication_failure_mode")} is not set, so it accepts API keys only.`,
        ),
      );
    }
    return findings;
  },
};
