import { FLOWS } from "../../catalogue/flows";
import { describe, identityOf, openAiAccounts, roleAssignments } from "../azure";
import { inferFlows } from "../flow-inference";
import { Finding, Rule, finding } from "../rule";

/**
 * Azure OpenAI calls other services (Search for On Your Data, Storage for ingestion,
 * Key Vault for a customer-managed key) with its *system-assigned* identity only; when
 * it is off the request fails with 400 ManagedIdentityIsNotEnabled.
 * https://learn.microsoft.com/azure/ai-services/openai/how-to/on-your-data-configuration#enable-managed-identity
 */
export const openAiManagedIdentity: Rule = {
  id: "AZ-OAI-001",
  name: "openai-managed-identity",
  severity: "error",
  title: "Azure OpenAI needs its system-assigned identity but it is not enabled",
  why: "On Your Data with keyless search, ingestion and customer-managed keys make the OpenAI resource itself call Search, Storage or Key Vault with its system-assigned identity; without it the first grounded chat returns 400 ManagedIdentityIsNotEnabled.",
  fix: 'Add identity { type = "SystemAssigned" } to the account (keep "SystemAssigned, UserAssigned" if you also need a user-assigned one).',
  helpUri: "https://learn.microsoft.com/azure/ai-services/openai/how-to/on-your-data-configuration#enable-managed-identity",
  evaluate(model) {
    const findings: Finding[] = [];
    const flows = inferFlows(model);
    for (const account of openAiAccounts(model)) {
      const identity = identityOf(model, account);
      if (identity.systemAssigned) continue;
      const reasons = flows.filter((f) => f.caller === account && f.systemOnly).map((f) => `${f.flow.id} ${FLOWS[f.flow.id].title}: ${f.because[0]}`);
      for (const a of roleAssignments(model)) {
        if (a.principal.kind === "system" && a.principal.resource === account) reasons.push(`${a.resource.address} assigns "${a.roleLabel}" to its identity`);
      }
      if (reasons.length === 0) continue;
      const actual = identity.declared ? `identity.type = ${JSON.stringify(identity.type ?? "")}` : "no identity block";
      findings.push(
        finding(
          this,
          account,
          `${describe(account)} has ${actual}, but its system-assigned identity is needed: ${[...new Set(reasons)].join("; ")}. Azure OpenAI will answer 400 ManagedIdentityIsNotEnabled.`,
        ),
      );
    }
    return findings;
  },
};
