import { Roles } from "../../catalogue/roles";
import { apps, describe, identityOf, isApp, isOpenAiAccount, roleAssignments } from "../azure";
import { inferFlows } from "../flow-inference";
import { Finding, Rule, finding } from "../rule";

/**
 * "Cognitive Services Contributor" manages the account (and can list its keys) but has
 * no data actions: a token from an identity holding only it gets 401 on chat completions.
 * https://learn.microsoft.com/azure/ai-services/openai/how-to/role-based-access-control
 */
export const cognitiveContributorInference: Rule = {
  id: "AZ-RBAC-002",
  name: "cognitive-contributor-inference",
  severity: "error",
  title: "Cognitive Services Contributor used where inference is needed",
  why: "Cognitive Services Contributor is a control-plane role: it cannot call chat completions or embeddings with Entra ID, so the app gets 401 PermissionDenied.",
  fix: 'Assign "Cognitive Services OpenAI User" (5e0bd9bd-7b93-4f28-af87-19fc36ad61bd) instead; keep Contributor only for people who manage the account.',
  helpUri: "https://learn.microsoft.com/azure/ai-services/openai/how-to/role-based-access-control",
  evaluate(model) {
    const findings: Finding[] = [];
    const called = new Set(
      inferFlows(model)
        .filter((f) => f.flow.id === "F1" && f.target)
        .map((f) => f.target),
    );
    for (const a of roleAssignments(model)) {
      if (a.roleId !== Roles.CognitiveServicesContributor.id) continue;
      let why: string | undefined;
      if (a.principal.kind === "system" && isApp(a.principal.resource)) why = `its principal is ${a.principal.resource.address}'s identity`;
      else if (a.principal.kind === "userAssigned") {
        const uami = a.principal.resource;
        const app = apps(model).find((w) => identityOf(model, w).userAssignedRefs.some((r) => model.is(r, uami)));
        if (app) why = `its principal ${uami.address} is ${app.address}'s identity`;
      }
      if (!why) {
        const target = a.scopeRefs.map((r) => model.get(r.address)).find((t) => t && isOpenAiAccount(t) && called.has(t));
        if (target) why = `its scope ${target.address} is an OpenAI account a web app calls`;
      }
      if (why) findings.push(finding(this, a.resource, `${describe(a.resource)} assigns "Cognitive Services Contributor" and ${why}; that role cannot run inference.`));
    }
    return findings;
  },
};
