/**
 * The contract between the constructs, which record reasoned suppressions in cdk.tf.json
 * (constructs/suppressions.ts), and the rule engine, which reads them
 * (guardrails/terraform-json.ts readSuppressions).
 */

/** A suppression must say why, not just "ok". */
export const MIN_SUPPRESSION_REASON = 10;
