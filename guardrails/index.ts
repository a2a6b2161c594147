/**
 * Guardrails: a cdk-nag style rule pack over Terraform JSON (cdk.tf.json or
 * `terraform show -json`), wired into cdktf synth by `Guardrails.apply(stack)`.
 */
export { audit, ENGINE_RULE, NOT_JUDGED_RULE, MIN_SUPPRESSION_REASON } from "./audit";
export type { AuditOptions, AuditResult, ExtraSuppression, SuppressedFinding } from "./audit";
export { Guardrails, formatFinding } from "./guardrails";
export type { GuardrailsOptions } from "./guardrails";
export { StackModel } from "./model";
export { AZURE_AI_CHAT_PACK } from "./pack";
export { flowAudit } from "./rules/flow-audit";
export { inferFlows, checkFlows } from "./flow-inference";
export type { ImpliedFlow, FlowCheck } from "./flow-inference";
export { finding } from "./rule";
export type { Finding, Rule, Severity } from "./rule";
export { InputError, detectFormat, parseTerraformJson, referencesIn, parseTraversal, block, blocks } from "./terraform-json";
export type { InputFormat, Reference, Suppression, TfResource } from "./terraform-json";
export { renderTable, renderJson, renderSarif, toSarif, toJsonReport, renderAuditMarkdown } from "./format";
