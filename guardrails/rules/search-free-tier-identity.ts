import { TYPES, describe, identityOf, roleAssignments } from "../azure";
import { inferFlows } from "../flow-inference";
import { Finding, Rule, finding } from "../rule";
import { str } from "../terraform-json";

/**
 * The Free tier of Azure AI Search has no managed identity, so it cannot read Storage
 * (indexers, On Your Data ingestion) or call Azure OpenAI (integrated vectorization).
 * https://learn.microsoft.com/azure/search/search-howto-managed-identities-data-sources#prerequisites
 */
export const searchFreeTierIdentity: Rule = {
  id: "AZ-SRCH-001",
  name: "search-free-tier-identity",
  severity: "error",
  title: "Search is on the free tier but its managed identity is needed",
  why: "The free tier does not support managed identities: ingestion and integrated vectorization, where Search reads Storage or calls Azure OpenAI, fail.",
  fix: 'Use sku = "basic" or higher for a search service whose identity is used.',
  helpUri: "https://learn.microsoft.com/azure/search/search-howto-managed-identities-data-sources#prerequisites",
  evaluate(model) {
    const findings: Finding[] = [];
    const flows = inferFlows(model);
    for (const search of model.ofType(TYPES.search)) {
      const sku = str(search.values.sku);
      if (sku?.toLowerCase() !== "free") continue;
      const reasons: string[] = [];
      if (identityOf(model, search).declared) reasons.push("it declares an identity block");
      for (const a of roleAssignments(model)) {
        if (a.principal.kind === "system" && a.principal.resource === search) reasons.push(`${a.resource.address} assigns "${a.roleLabel}" to its identity`);
      }
      for (const f of flows) if (f.caller === search) reasons.push(`${f.flow.id} (${f.flow.title}) needs it`);
      if (reasons.length === 0) continue;
      findings.push(finding(this, search, `${describe(search)} has sku = "free", which has no managed identity, but ${[...new Set(reasons)].join("; ")}.`));
    }
    return findings;
  },
};
