import { describe, isOpenAiAccount, partyOf, roleAssignments } from "../azure";
import { onYourDataApps, onYourDataRetired } from "../flow-inference";
import { type Finding, type Rule, finding } from "../rule";
import { SERVICES } from "../../catalogue/lifecycle";
import { daysBetween } from "../../catalogue/today";

const OYD = SERVICES.onYourData;

/**
 * Azure OpenAI On Your Data, retired on 2026-10-14 (catalogue/lifecycle-data.ts, with its
 * sources): an app whose settings configure it (the evidence the flow inference uses for
 * F2, with or without a search key) gets no grounded answer any more. Before that day a
 * warning. Grants to an OpenAI identity on Search or Storage that only On Your Data used
 * are named too; with an app, in its finding (one cause, one finding); without one, once it
 * is retired, as leftovers.
 */
export const onYourDataRetiredRule: Rule = {
  id: "AZ-OYD-001",
  name: "on-your-data-retired",
  severity: "error",
  title: "Azure OpenAI On Your Data, retired on 2026-10-14",
  why: `${OYD.effect} (${OYD.sources[0].where}, ${OYD.sources[0].date}).`,
  fix: "Move to app-side retrieval: the app queries Search itself with its identity (Search Index Data Reader, F8), reads the cited blobs (Storage Blob Data Reader, F11) and sends the results to the chat model, as Azure-Samples/azure-search-openai-demo does; then remove DATASOURCE_TYPE and the OpenAI identity's roles on Search and Storage.",
  helpUri: "https://learn.microsoft.com/azure/ai-foundry/openai/how-to/on-your-data-configuration",
  evaluate(model) {
    const retired = onYourDataRetired(model);
    const when = retired ? `retired on ${OYD.retires}` : `retires on ${OYD.retires}, in ${daysBetween(model.today, OYD.retires)} days`;
    const severity = retired ? "error" : "warning";
    const grants = leftoverGrants(model);
    const listed = listOf(grants.map((g) => g.address));
    const findings: Finding[] = [];
    for (const { app, evidence } of onYourDataApps(model)) {
      const extra = grants.length ? `; ${listed} granted only for it` : "";
      findings.push(
        finding(
          this,
          app,
          `${describe(app)} configures Azure OpenAI On Your Data (${evidence}), which ${when}: ${retired ? "every grounded chat fails" : "from that day every grounded chat fails"}${extra}.`,
          { severity },
        ),
      );
    }
    if (retired && findings.length === 0 && grants.length > 0) {
      // No app uses it any more: the grants are leftovers, an identity with access nothing needs.
      findings.push(
        finding(
          this,
          grants[0],
          `${listed} grant${grants.length === 1 ? "s" : ""} an Azure OpenAI account's identity a role on Search or Storage, which only On Your Data used (it ${when}).`,
          { severity: "warning", fix: "Remove the role assignments: Azure OpenAI calls neither Search nor Storage without On Your Data." },
        ),
      );
    }
    return findings;
  },
};

/** Addresses named in a message: the first few, and how many more (one finding must stay readable). */
function listOf(addresses: readonly string[], max = 5): string {
  return addresses.length <= max ? addresses.join(", ") : `${addresses.slice(0, max).join(", ")} and ${addresses.length - max} more`;
}

/** Role assignments that give an OpenAI account's own identity a role on Search or Storage (F2, F3). */
function leftoverGrants(model: Parameters<Rule["evaluate"]>[0]) {
  return roleAssignments(model)
    .filter((a) => a.principal.kind === "system" && isOpenAiAccount(a.principal.resource))
    .filter((a) =>
      a.scopeRefs.some((ref) => {
        const target = model.get(ref.address);
        const party = target ? partyOf(target) : undefined;
        return party === "search" || party === "storage";
      }),
    )
    .map((a) => a.resource);
}
