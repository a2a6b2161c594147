import { type IsoDate, daysBetween } from "./today";
import { CURRENT_DEFAULTS, MODEL_VERSIONS, type ModelVersion, SERVICES, type ServiceLifecycle, type StandardSku } from "./lifecycle-data";

export * from "./lifecycle-data";

/**
 * Judging a model deployment against the lifecycle catalogue (catalogue/lifecycle-data.ts):
 * one pure function that the constructs (refusing at synth), the guardrails (any
 * Terraform), the review and the before-apply check all call, so every place says the
 * same thing in the same words.
 *
 * The lifecycle stages are Microsoft's (Learn, foundry/openai/concepts/model-retirements,
 * 2026-04-29): a *deprecated* model ("Deprecating" in ARM) accepts no new deployment from a
 * new customer, and an existing customer is a subscription that ever deployed that model
 * version; a *retired* model answers every request with 410 Gone.
 */

/**
 * The guardrail rules that report each verdict on any Terraform (guardrails/rules/model-*.ts).
 * Here because the constructs name one too: a deployment declared `existingCustomer`
 * records a reasoned suppression of `closedToNewCustomers` in its JSON.
 */
export const MODEL_RULE_IDS = Object.freeze({
  retired: "AZ-MODEL-001",
  closedToNewCustomers: "AZ-MODEL-002",
  skuNotOffered: "AZ-MODEL-003",
  retiringSoon: "AZ-MODEL-004",
  unknown: "AZ-MODEL-005",
} as const);

/** Retirement this close (in days) is a warning: plan the move now. */
export const RETIREMENT_WARNING_DAYS = 90;

/** The command that lists what a region offers a subscription today (the authority, docs/retrieval.md "2. Model lifecycle"). */
export function modelListCommand(region = "<region>"): string {
  return `az cognitiveservices model list -l ${region} -o table`;
}

/** One deployment, as the configuration or the Terraform states it. */
export interface DeploymentFacts {
  readonly model: string;
  readonly version: string;
  /** Deployment type (`sku.name`). */
  readonly sku: string;
  /** The account's region; undefined when it is not a literal (a variable without default, a reference). */
  readonly region?: string;
  /**
   * The subscription already deploys this model version, so Azure counts it an existing
   * customer: a closed model stays deployable for it until retirement, never after.
   */
  readonly existingCustomer?: boolean;
}

export type VerdictKind =
  | "retired"
  | "closedToNewCustomers"
  | "closedExistingCustomer"
  | "skuNotOffered"
  | "retiringSoon"
  | "closingSoon"
  | "unknownModel"
  | "unknownRegion"
  | "unknownSku";

/** What the catalogue says about one deployment. */
export interface LifecycleVerdict {
  readonly kind: VerdictKind;
  /** `error`: Azure refuses it (at apply, or every request after retirement). `warning`: it works today, but look. */
  readonly severity: "error" | "warning";
  /** What is wrong, naming model, version, SKU, region and the date that matters. */
  readonly problem: string;
  /** What to do instead, with the replacement when there is one. */
  readonly fix: string;
  /** The error Azure answers with, when it refuses. */
  readonly azureError?: string;
  /** The catalogue row, when the model version is known. */
  readonly facts?: ModelVersion;
}

/** The catalogue row of a model version, if the catalogue has one. Names compare without case, as Azure does. */
export function modelVersion(model: string, version: string): ModelVersion | undefined {
  const m = model.toLowerCase();
  return MODEL_VERSIONS.find((v) => v.model.toLowerCase() === m && v.version === version);
}

/** Every version the catalogue lists for a model name. */
export function versionsOf(model: string): readonly ModelVersion[] {
  const m = model.toLowerCase();
  return MODEL_VERSIONS.filter((v) => v.model.toLowerCase() === m);
}

/** The lifecycle stage of a model version on `today`. */
export function stageOf(v: ModelVersion, today: IsoDate): "available" | "closedToNewCustomers" | "retired" {
  if (today >= v.retires) return "retired";
  if (v.closesToNewCustomers !== undefined && today >= v.closesToNewCustomers) return "closedToNewCustomers";
  return "available";
}

/** The SKUs of the catalogue's three standard deployment types that `region` offers for `v`; undefined when the catalogue does not cover the region. */
export function offeredSkus(v: ModelVersion, region: string): readonly StandardSku[] | undefined {
  return v.regions[region];
}

const STANDARD_SKUS: readonly string[] = ["GlobalStandard", "DataZoneStandard", "Standard"];

/**
 * Everything the catalogue has to say about one deployment on `today`: errors when Azure
 * would refuse it (retired, closed to this subscription, SKU not offered in the region),
 * warnings when it works but should be looked at (retiring within
 * RETIREMENT_WARNING_DAYS, or a model, region or SKU the catalogue cannot vouch for).
 * An empty list means: deployable today, and not retiring soon.
 */
export function judgeDeployment(facts: DeploymentFacts, today: IsoDate): LifecycleVerdict[] {
  // "Sweden Central" and "swedencentral" are one region to Azure Resource Manager; the catalogue keys the second.
  const d = facts.region === undefined ? facts : { ...facts, region: facts.region.replace(/\s+/g, "").toLowerCase() };
  const what = `${d.model} ${d.version}`;
  const v = modelVersion(d.model, d.version);
  if (!v) {
    const known = versionsOf(d.model);
    return [
      {
        kind: "unknownModel",
        severity: "warning",
        problem: `${what} is not in the model catalogue, so nothing vouches that Azure deploys it${known.length ? ` (the catalogue knows ${known.map((k) => k.version).join(", ")})` : ""}`,
        fix: `check that the region lists it with ${modelListCommand(d.region)}`,
      },
    ];
  }
  const out: LifecycleVerdict[] = [];
  const stage = stageOf(v, today);
  const replacement = replacementHint(v, d.region, today);
  if (stage === "retired") {
    out.push({
      kind: "retired",
      severity: "error",
      problem: `${what} retired on ${v.retires}: Azure refuses new deployments (ServiceModelDeprecated) and answers every request to existing ones with 410 Gone`,
      fix: `deploy ${replacement || "a current model"} instead`,
      azureError: "ServiceModelDeprecated at create; 410 Gone on every request",
      facts: v,
    });
    return out;
  }
  if (stage === "closedToNewCustomers") {
    const left = daysBetween(today, v.retires);
    if (d.existingCustomer) {
      out.push({
        kind: "closedExistingCustomer",
        severity: "warning",
        problem: `${what} closed to new customers on ${v.closesToNewCustomers}; deployable only because this subscription already deploys it (existingCustomer), until it retires on ${v.retires} (${left} days)`,
        fix: `move to ${replacement || "a current model"} before ${v.retires}`,
        facts: v,
      });
    } else {
      out.push({
        kind: "closedToNewCustomers",
        severity: "error",
        problem: `${what} closed to new customers on ${v.closesToNewCustomers} (retires ${v.retires}): a subscription that never deployed it gets ServiceModelDeprecating at apply ("The model 'Format:OpenAI,Name:${d.model},Version:${d.version}' is in deprecating state and cannot be used for new deployments.")`,
        fix: `deploy ${replacement || "a current model"} instead; only if this subscription already deploys ${what}, declare it (existingCustomer: true in the platform's configuration, or a suppression of ${MODEL_RULE_IDS.closedToNewCustomers} with that reason), a warning until ${v.retires}, refused after`,
        azureError: "ServiceModelDeprecating",
        facts: v,
      });
    }
  }
  if (stage === "available" && !d.existingCustomer) {
    const closing = v.closesToNewCustomers ?? v.expectedToCloseAround;
    const until = closing !== undefined ? daysBetween(today, closing) : undefined;
    if (closing !== undefined && until !== undefined && until < RETIREMENT_WARNING_DAYS) {
      // A published date that passed made the version closed (above); only an estimate can have passed.
      const published = v.closesToNewCustomers !== undefined;
      out.push({
        kind: "closingSoon",
        severity: "warning",
        problem: published
          ? `${what} closes to new customers on ${closing}, in ${until} days: from then on a subscription that never deployed it gets ServiceModelDeprecating at apply`
          : until >= 0
            ? `${what} is expected to close to new customers around ${closing}, in ${until} days (launch + 12 months under Microsoft's lifecycle policy; no date published yet)`
            : `${what} was expected to close to new customers around ${closing} (launch + 12 months under Microsoft's lifecycle policy), and the catalogue has no published date: it may be closed already`,
        fix: `deploy ${replacement || "a current model"} for new environments${published ? "" : `, and check the live list before applying (${modelListCommand(d.region)})`}`,
        facts: v,
      });
    }
  }
  if (!STANDARD_SKUS.includes(d.sku)) {
    out.push({
      kind: "unknownSku",
      severity: "warning",
      problem: `the catalogue records only the standard deployment types (${STANDARD_SKUS.join(", ")}), not ${d.sku}, so it cannot vouch that ${d.region ?? "the region"} offers ${what} as ${d.sku}`,
      fix: `check with ${modelListCommand(d.region)} (the SKUs listed for ${what})`,
      facts: v,
    });
  } else if (d.region === undefined) {
    // Not a literal: nothing to compare. The apply-time check reads the live list.
  } else {
    const offered = offeredSkus(v, d.region);
    if (offered === undefined) {
      out.push({
        kind: "unknownRegion",
        severity: "warning",
        problem: `the catalogue does not record which deployment types ${d.region} offers for ${what}, so it cannot vouch for ${d.sku} there`,
        fix: `check with ${modelListCommand(d.region)}, or use a region the catalogue covers (${coveredRegions(v).join(", ")})`,
        facts: v,
      });
    } else if (!offered.includes(d.sku as StandardSku)) {
      out.push({
        kind: "skuNotOffered",
        severity: "error",
        problem: `${d.region} does not offer ${what} as ${d.sku}${offered.length ? ` (it offers ${offered.join(", ")})` : " in any standard deployment type"}: apply fails with InvalidResourceProperties ("The specified SKU '${d.sku}' for model '${what}' is not supported in this region '${d.region}'.")`,
        fix: offered.length
          ? `use skuName ${offered.map((s) => JSON.stringify(s)).join(" or ")}${regionsOffering(v, d.sku)}`
          : `deploy it in a region that offers it${regionsOffering(v, d.sku) || ` (${coveredRegions(v).join(", ")})`}, or choose another model`,
        azureError: "InvalidResourceProperties",
        facts: v,
      });
    }
  }
  // A closed version refused above already names its retirement date: one cause, one verdict.
  const left = daysBetween(today, v.retires);
  if ((stage === "available" || d.existingCustomer) && left < RETIREMENT_WARNING_DAYS) {
    out.push({
      kind: "retiringSoon",
      severity: "warning",
      problem: `${what} retires on ${v.retires}, in ${left} days; after that every request answers 410 Gone`,
      fix: `move to ${replacement || "a current model"} before ${v.retires}`,
      facts: v,
    });
  }
  return out;
}

/** Regions the catalogue covers for `v`. */
function coveredRegions(v: ModelVersion): string[] {
  return Object.keys(v.regions);
}

/** "; or a region that offers it as Standard: eastus2" */
function regionsOffering(v: ModelVersion, sku: string): string {
  const regions = Object.entries(v.regions)
    .filter(([, skus]) => skus?.includes(sku as StandardSku))
    .map(([r]) => r);
  return regions.length ? `, or a region that offers ${sku}: ${regions.join(", ")}` : "";
}

/**
 * "gpt-5.4-mini 2026-03-17 (GlobalStandard in swedencentral)": the replacement the
 * catalogue names for `v`, with the SKUs the region offers for it. Empty when there is
 * none the catalogue can vouch for today.
 */
function replacementHint(v: ModelVersion, region: string | undefined, today: IsoDate): string {
  const r = replacementFor(v, today);
  if (!r) return "";
  const skus = region ? offeredSkus(r, region) : undefined;
  return `${r.model} ${r.version}${skus?.length ? ` (${skus.join(" or ")} in ${region})` : ""}`;
}

/**
 * What to deploy instead of `v` on `today`: the replacement Microsoft names, followed
 * while that one is closed or retired too (gpt-4o names gpt-5.1, which closed in its
 * turn), else the catalogue's current default of the same kind. Undefined when nothing
 * the catalogue knows is deployable.
 */
export function replacementFor(v: ModelVersion, today: IsoDate): ModelVersion | undefined {
  const seen = new Set<ModelVersion>([v]);
  let next = v.replacement ? modelVersion(v.replacement.model, v.replacement.version) : undefined;
  while (next && !seen.has(next)) {
    if (stageOf(next, today) === "available") return next;
    seen.add(next);
    next = next.replacement ? modelVersion(next.replacement.model, next.replacement.version) : undefined;
  }
  const fallback = v.kind === "chat" ? CURRENT_DEFAULTS.chat : CURRENT_DEFAULTS.embedding;
  const d = modelVersion(fallback.model, fallback.version);
  return d && d !== v && stageOf(d, today) === "available" ? d : undefined;
}

/** A service's retirement, as judged on `today`. */
export function serviceRetired(service: ServiceLifecycle, today: IsoDate): boolean {
  return today >= service.retires;
}

export { SERVICES };
