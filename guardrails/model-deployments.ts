import { TYPES, describe } from "./azure";
import type { StackModel } from "./model";
import { type Finding, type Rule, finding } from "./rule";
import { type TfResource, block, str } from "./terraform-json";
import { MODEL_RULE_IDS, type VerdictKind, judgeDeployment } from "../catalogue/lifecycle";

/**
 * The model deployments of a stack as the lifecycle rules read them: which model,
 * version and deployment type, on which account, in which region. Values that are not
 * literals (a variable without a default, a reference known at apply) are undefined:
 * the rules judge what the configuration states and say nothing about the rest.
 */
export interface ModelDeploymentFacts {
  readonly resource: TfResource;
  readonly account?: TfResource;
  readonly model?: string;
  readonly version?: string;
  /** `OpenAI` for Azure OpenAI models; the catalogue knows no other format. */
  readonly format?: string;
  readonly sku?: string;
  readonly region?: string;
}

export const DEPLOYMENT_TYPE = "azurerm_cognitive_deployment";

/** Every `azurerm_cognitive_deployment` with its account's region. */
export function modelDeployments(model: StackModel): readonly ModelDeploymentFacts[] {
  return model.derive("modelDeployments", (m) =>
    m.ofType(DEPLOYMENT_TYPE).map((resource) => {
      const account = m.referenced(resource, ["cognitive_account_id"], [TYPES.cognitiveAccount])[0];
      const spec = block(resource.values.model);
      return {
        resource,
        account,
        model: literal(spec?.name),
        version: literal(spec?.version),
        format: literal(spec?.format),
        sku: literal(block(resource.values.sku)?.name),
        region: account ? regionOf(m, account) : undefined,
      };
    }),
  );
}

/**
 * A resource's region when the configuration states it: a literal, or a reference to
 * another resource's `location` (commonly the resource group's), followed a few hops.
 */
export function regionOf(model: StackModel, resource: TfResource, hops = 3): string | undefined {
  const own = literal(resource.values.location);
  if (own !== undefined) return normalizeRegion(own);
  if (hops === 0) return undefined;
  const ref = model.refs(resource, "location").find((r) => r.attribute === "location");
  const source = ref ? model.get(ref.address) : undefined;
  return source && source !== resource ? regionOf(model, source, hops - 1) : undefined;
}

/** "Sweden Central" and "swedencentral" are one region to Azure Resource Manager. */
export function normalizeRegion(region: string): string {
  return region.replace(/\s+/g, "").toLowerCase();
}

/** A string with no interpolation in it. */
function literal(value: unknown): string | undefined {
  const s = str(value);
  return s !== undefined && !s.includes("${") ? s : undefined;
}

/**
 * The findings of `rule` for the lifecycle verdicts of `kinds` on every model deployment
 * whose model, version and SKU are stated (catalogue/lifecycle.ts judges; the rules only
 * pick which verdicts they report). Non-OpenAI formats are not in the catalogue.
 */
export function lifecycleFindings(rule: Rule, model: StackModel, kinds: readonly VerdictKind[]): Finding[] {
  const out: Finding[] = [];
  for (const d of modelDeployments(model)) {
    if (d.model === undefined || d.version === undefined || d.sku === undefined) continue;
    if (d.format !== undefined && d.format.toLowerCase() !== "openai") continue;
    // A reasoned suppression of the closed-model rule declares an existing customer: the
    // version stays judged as closed (the suppression shows), and its retirement is still
    // announced ahead of time.
    const existing = d.resource.suppressions.some((s) => s.ruleId === MODEL_RULE_IDS.closedToNewCustomers);
    const verdicts = judgeDeployment({ model: d.model, version: d.version, sku: d.sku, region: d.region }, model.today);
    if (existing) {
      for (const v of judgeDeployment({ model: d.model, version: d.version, sku: d.sku, region: d.region, existingCustomer: true }, model.today)) {
        if (v.kind === "retiringSoon" && !verdicts.some((x) => x.kind === "retiringSoon")) verdicts.push(v);
      }
    }
    for (const v of verdicts) {
      if (!kinds.includes(v.kind)) continue;
      const name = str(d.resource.values.name);
      const deployment = `${describe(d.resource)}${name && !name.includes("${") ? ` (deployment "${name}")` : ""}`;
      out.push(finding(rule, d.resource, `${deployment}: ${v.problem} (judged on ${model.today}).`, { severity: v.severity, fix: `${capitalize(v.fix)}.` }));
    }
  }
  return out;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
