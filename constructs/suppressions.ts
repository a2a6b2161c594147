import type { TerraformResource } from "cdktf";
import { ValidationError } from "./errors";
import { MIN_SUPPRESSION_REASON } from "../catalogue/suppressions";

/**
 * A guardrail rule switched off for one resource, with the reason reviewers read. The
 * record lives in the resource's `"//".guardrails.suppressions` in cdk.tf.json, which the
 * rule engine reads at synth and the audit CLI reads from the file: JSON is the contract
 * between the constructs and the guardrails, so neither imports the other.
 */

const RECORDED = new WeakMap<TerraformResource, { id: string; reason: string }[]>();

/** Records that `ruleId` does not apply to `resource`, because of `reason`; a second record for the rule replaces the first. */
export function recordSuppression(resource: TerraformResource, ruleId: string, reason: string): void {
  const why = reason.trim();
  if (why.length < MIN_SUPPRESSION_REASON) {
    throw new ValidationError(
      resource,
      `suppression of ${ruleId}`,
      reason,
      "gives no real reason",
      `explain why the rule does not apply in at least ${MIN_SUPPRESSION_REASON} characters`,
    );
  }
  const list = (RECORDED.get(resource) ?? []).filter((s) => s.id !== ruleId);
  list.push({ id: ruleId, reason: why });
  RECORDED.set(resource, list);
  // Overrides replace arrays wholesale, so the full list is written every time.
  resource.addOverride(
    "//.guardrails.suppressions",
    list.map((s) => ({ ...s })),
  );
}
