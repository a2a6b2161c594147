import { Roles } from "../../catalogue/roles";
import { argument, describe, isFalse, openAiAccounts, roleAssignments, roleSatisfies, scopeCovers } from "../azure";
import { inferFlows } from "../flow-inference";
import { Finding, Rule, finding, show } from "../rule";
import { str } from "../terraform-json";

/**
 * Microsoft Entra ID tokens are only accepted on an account's custom subdomain
 * endpoint (`https://<subdomain>.openai.azure.com`), never on the regional one.
 * https://learn.microsoft.com/azure/ai-services/authentication#authenticate-with-microsoft-entra-id
 */
export const openAiCustomSubdomain: Rule = {
  id: "AZ-OAI-002",
  name: "openai-custom-subdomain",
  severity: "error",
  title: "Azure OpenAI uses Entra ID authentication but has no custom subdomain",
  why: "Entra ID (keyless) authentication requires a custom subdomain; without it tokens are rejected with 401 and the regional endpoint only takes keys.",
  fix: "Set custom_subdomain_name (globally unique, usually the account name); it cannot be changed later without recreating the account.",
  helpUri: "https://learn.microsoft.com/azure/ai-services/authentication#authenticate-with-microsoft-entra-id",
  evaluate(model) {
    const findings: Finding[] = [];
    const flows = inferFlows(model);
    const dataRoles = [Roles.CognitiveServicesOpenAIUser, Roles.CognitiveServicesOpenAIContributor];
    for (const account of openAiAccounts(model)) {
      const subdomain = account.values.custom_subdomain_name;
      if ((str(subdomain) ?? "").trim() !== "" || account.configReferences.custom_subdomain_name) continue;
      let reason: string | undefined;
      if (isFalse(account.values.local_auth_enabled)) reason = account.origin ? `${argument(account, "local_auth_enabled")} = true` : "local_auth_enabled = false";
      else if (flows.some((f) => f.target === account)) reason = `${flows.find((f) => f.target === account)?.flow.id} calls it with an identity`;
      else {
        const a = roleAssignments(model).find((x) => dataRoles.some((r) => roleSatisfies(x.roleId, r)) && scopeCovers(model, x, account) === "resource");
        if (a) reason = `${a.resource.address} grants "${a.roleLabel}" on it`;
      }
      if (!reason) continue;
      findings.push(
        finding(this, account, `${describe(account)} uses Entra ID authentication (${reason}) but ${argument(account, "custom_subdomain_name")} = ${show(subdomain)}.`),
      );
    }
    return findings;
  },
};
