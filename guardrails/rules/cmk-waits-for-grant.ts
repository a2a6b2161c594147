import { TYPES, describe } from "../azure";
import { cmkBindings } from "../cmk";
import { StackModel } from "../model";
import { Finding, Rule, finding } from "../rule";
import { TfResource } from "../terraform-json";

/**
 * Role assignments take up to 10 minutes to propagate, and Terraform creates the
 * binding as soon as the key exists unless told otherwise: the binding must depend on
 * the assignment, ideally through a time_sleep.
 * https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected
 */
export const cmkWaitsForGrant: Rule = {
  id: "AZ-CMK-003",
  name: "cmk-waits-for-grant",
  severity: "error",
  title: "Customer-managed key binding does not wait for its role assignment",
  why: "Nothing orders the binding after the role assignment, so the first apply races RBAC propagation and fails with a Key Vault 403.",
  fix: 'Add depends_on = [time_sleep.<name>] to the binding, where the time_sleep (create_duration = "120s" or more) depends on the role assignment.',
  helpUri: "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const { binding, grants } of cmkBindings(model)) {
      if (grants.length === 0) continue; // AZ-CMK-002 reports the missing grant.
      if (grants.some((g) => dependsOn(model, binding, g.resource))) continue;
      findings.push(
        finding(
          this,
          binding,
          `${describe(binding)} has depends_on = ${JSON.stringify(binding.dependsOn)}, which does not include ${grants.map((g) => g.resource.address).join(" or ")} (directly or through a time_sleep).`,
        ),
      );
    }
    return findings;
  },
};

/** Whether `r` depends on `grant` directly or through a time_sleep (its depends_on or triggers). */
function dependsOn(model: StackModel, r: TfResource, grant: TfResource): boolean {
  for (const d of r.dependsOn) {
    const dep = model.get(d);
    if (dep === grant) return true;
    if (dep?.type === TYPES.timeSleep && (dep.dependsOn.some((x) => model.get(x) === grant) || model.refs(dep, "triggers").some((x) => model.is(x, grant)))) return true;
  }
  return false;
}
