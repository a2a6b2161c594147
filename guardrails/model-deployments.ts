import { cognitiveDeployments, describe } from "./azure";
import type { StackModel } from "./model";
import { type Finding, type Rule, finding } from "./rule";
import { str } from "./terraform-json";
import { MODEL_RULE_IDS, type VerdictKind, judgeDeployment } from "../catalogue/lifecycle";

/**
 * The findings of `rule` for the lifecycle verdicts of `kinds` (catalogue/lifecycle.ts
 * judges; each rule only picks which verdicts it reports), on every model deployment whose
 * model, version and deployment type the configuration states: azurerm, azapi and ARM
 * template deployments alike (azure.ts cognitiveDeployments), in their account's region
 * when that is a literal. Values known only at apply are not judged here; the deploy's
 * check against Azure's live list (scripts/ci/check-models.ts) reads them then.
 */
export function lifecycleFindings(rule: Rule, model: StackModel, kinds: readonly VerdictKind[]): Finding[] {
  const out: Finding[] = [];
  for (const d of cognitiveDeployments(model)) {
    const { name, version, format } = d.model;
    const sku = d.sku.name;
    if (name === undefined || version === undefined || sku === undefined || [name, version, sku].some((v) => v.includes("${"))) continue;
    // The catalogue knows Azure OpenAI models only.
    if (format !== undefined && format.toLowerCase() !== "openai") continue;
    const facts = { model: name, version, sku, region: d.location };
    const verdicts = judgeDeployment(facts, model.today);
    // A reasoned suppression of the closed-model rule declares an existing customer: the
    // version stays judged as closed (the suppression shows), and its retirement is still
    // announced ahead of time.
    if (d.resource.suppressions.some((s) => s.ruleId === MODEL_RULE_IDS.closedToNewCustomers)) {
      for (const v of judgeDeployment({ ...facts, existingCustomer: true }, model.today)) {
        if (v.kind === "retiringSoon" && !verdicts.some((x) => x.kind === "retiringSoon")) verdicts.push(v);
      }
    }
    const deployment = str(d.resource.values.name);
    const where = `${describe(d.resource)}${deployment && !deployment.includes("${") ? ` (deployment "${deployment}")` : ""}`;
    for (const v of verdicts) {
      if (!kinds.includes(v.kind)) continue;
      out.push(finding(rule, d.resource, `${where}: ${v.problem} (judged on ${model.today}).`, { severity: v.severity, fix: `${capitalize(v.fix)}.` }));
    }
  }
  return out;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
