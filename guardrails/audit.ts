import { FlowCheck, checkFlows } from "./flow-inference";
import { isJudgedType } from "./judged";
import { StackModel } from "./model";
import { AZURE_AI_CHAT_PACK } from "./pack";
import { Finding, Rule, SEVERITY_RANK, SourceLocation, finding } from "./rule";
import { configAddress } from "./traversal";
import { type ConfigOptions, InputFormat, Suppression, type TfResource } from "./terraform-json";
import { compareText } from "../catalogue/order";
import { resolveToday } from "../catalogue/today";

import { MIN_SUPPRESSION_REASON } from "../catalogue/suppressions";

export { MIN_SUPPRESSION_REASON };

/**
 * Reported by the engine itself: a suppression without a real reason, a suppression of
 * an unknown rule, or a rule that crashed. Not suppressible.
 */
export const ENGINE_RULE: Rule = {
  id: "GR-000",
  name: "guardrails-engine",
  severity: "error",
  title: "Guardrails configuration problem",
  why: "A suppression must carry a written reason so reviewers can judge it; unknown rule ids and crashing rules mean a check silently did not run.",
  fix: `Give every suppression a reason of at least ${MIN_SUPPRESSION_REASON} characters and an existing rule id.`,
  evaluate: () => [],
};

/**
 * Reported by the engine for input it read but could not judge: a `for_each` it cannot
 * resolve, a module it does not expand. Never a silent pass: the resources behind it
 * were not checked. A warning, so `--fail-on warning` turns it into a failure.
 */
export const NOT_JUDGED_RULE: Rule = {
  id: "GR-001",
  name: "not-judged",
  severity: "warning",
  title: "Part of the input could not be judged",
  why: "Static audit of configuration cannot expand every expression; resources it cannot see are neither passed nor failed, and a gate should say so.",
  fix: "Audit the output of `terraform show -json` for a plan of this configuration: Terraform expands for_each, count and modules there.",
  evaluate: () => [],
};

export interface ExtraSuppression extends Suppression {
  /** Terraform address the suppression applies to (`azurerm_linux_web_app.web`). */
  readonly address: string;
}

export interface AuditOptions {
  /** @default AZURE_AI_CHAT_PACK */
  readonly rules?: readonly Rule[];
  /** Where the JSON came from (a file path), used as the report location. */
  readonly source?: string;
  /**
   * Suppressions from outside the JSON, e.g. for `terraform show -json` plans, which
   * drop cdktf's `"//"` metadata.
   */
  readonly suppressions?: readonly ExtraSuppression[];
  /** The input's format when the caller knows it (an empty .tf file is still configuration). @default detected */
  readonly format?: InputFormat;
  /** Where a resource is defined (file and line), for report locations. */
  readonly locate?: (address: string, resource?: TfResource) => SourceLocation | undefined;
  /** For configuration read from files: the modules it calls, `.tfvars` values, `file()` (input.ts). */
  readonly config?: ConfigOptions;
  /**
   * The day lifecycle rules judge on (`YYYY-MM-DD`).
   * @default CHAT_PLATFORM_TODAY, else the clock
   */
  readonly today?: string;
  /**
   * Report a model, region or SKU the lifecycle catalogue cannot vouch for as a warning
   * (synth: the author chose it and can check it now) or a note (anyone's Terraform).
   * @default "note"
   */
  readonly unknownModels?: "warning" | "note";
}

export interface SuppressedFinding extends Finding {
  readonly reason: string;
}

export interface AuditResult {
  readonly source?: string;
  /** Active findings, errors first. */
  readonly findings: readonly Finding[];
  /** Findings switched off by a suppression, with its reason. */
  readonly suppressed: readonly SuppressedFinding[];
  readonly errors: number;
  readonly warnings: number;
  /** Notes: what a reader should know; never fails a run. */
  readonly notes: number;
  /** The rules that ran (plus the engine rule), for report metadata. */
  readonly rules: readonly Rule[];
  /** Every implied flow and its verdict, for the review's flow table. */
  readonly flows: readonly FlowCheck[];
}

/** Audits Terraform JSON (cdk.tf.json, `stack.toTerraform()`, plan or state JSON) or a built model. */
export function audit(input: unknown, options: AuditOptions = {}): AuditResult {
  const model = StackModel.from(input, options.source, options.format, options.config, { today: resolveToday(options.today).date, unknownModels: options.unknownModels });
  const rules = options.rules ?? AZURE_AI_CHAT_PACK;
  const knownIds = new Set(rules.map((r) => r.id));
  const raw: Finding[] = [];

  for (const p of model.problems) {
    // A resource no rule reads hides nothing: it is never "not judged" (judged.ts).
    if (p.kind === "notJudged" && p.resource && !isJudgedType(p.resource)) continue;
    if (p.kind === "notJudged") raw.push(finding(NOT_JUDGED_RULE, p, p.message));
    else raw.push(engineFinding(p.address, p.constructPath, p.message));
  }
  const nothing = nothingJudged(model);
  if (nothing) raw.push(finding(NOT_JUDGED_RULE, { address: "(input)" }, nothing));

  const suppressionsByAddress = new Map<string, Suppression[]>();
  const register = (address: string, constructPath: string | undefined, s: Suppression) => {
    if (s.reason.length < MIN_SUPPRESSION_REASON) {
      raw.push(engineFinding(address, constructPath, `suppression of ${s.ruleId} on ${address} has reason ${JSON.stringify(s.reason)}; a reason of at least ${MIN_SUPPRESSION_REASON} characters is required`));
      return;
    }
    if (!knownIds.has(s.ruleId)) {
      raw.push(engineFinding(address, constructPath, `suppression on ${address} names rule ${JSON.stringify(s.ruleId)}, which is not in the pack`, "warning"));
      return;
    }
    const list = suppressionsByAddress.get(address);
    if (list) list.push(s);
    else suppressionsByAddress.set(address, [s]);
  };
  for (const r of model.resources) for (const s of r.suppressions) register(r.address, r.constructPath, s);
  for (const s of options.suppressions ?? []) register(s.address, model.get(s.address)?.constructPath, { ruleId: s.ruleId, reason: s.reason.trim() });

  for (const rule of rules) {
    try {
      // A loop, not push(...): a rule may return more findings than a call has arguments.
      for (const f of rule.evaluate(model)) raw.push(f);
    } catch (e) {
      raw.push({
        ...engineFinding("(stack)", undefined, `rule ${rule.id} (${rule.name}) failed, so its checks did not run: ${e instanceof Error ? e.message : String(e)}`),
        fix: `A bug in the rule, not in your Terraform: report it with the input that triggers it (guardrails/rules/${rule.name}.ts).`,
      });
    }
  }

  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const locate = options.locate;
  for (const found of raw) {
    const location = locate ? (locate(found.address, model.get(found.address)) ?? locate(configAddress(found.address))) : undefined;
    const f = location ? { ...found, location } : found;
    const s = f.ruleId === ENGINE_RULE.id ? undefined : suppressionsByAddress.get(f.address)?.find((x) => x.ruleId === f.ruleId);
    if (s) suppressed.push({ ...f, reason: s.reason });
    else findings.push(f);
  }
  const merged = mergeInstances(findings);
  merged.sort(byReportOrder);
  suppressed.sort(byReportOrder);
  return {
    source: options.source,
    findings: merged,
    suppressed,
    errors: merged.filter((f) => f.severity === "error").length,
    warnings: merged.filter((f) => f.severity === "warning").length,
    notes: merged.filter((f) => f.severity === "note").length,
    rules: [...rules, ENGINE_RULE, NOT_JUDGED_RULE],
    flows: checkFlows(model),
  };
}

/**
 * One root cause, one finding: the instances of one resource (`x.y[0]`, `x.y["b"]`, a
 * module's instances) that fail the same rule the same way are reported once, at the
 * resource's configuration address, with the instances listed.
 */
function mergeInstances(findings: readonly Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>();
  const order: string[] = [];
  for (const f of findings) {
    const base = configAddress(f.address);
    const key = base === f.address ? `${f.ruleId}\u0000${f.address}\u0000${order.length}` : `${f.ruleId}\u0000${f.severity}\u0000${base}\u0000${f.message.split(f.address).join(base)}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else {
      groups.set(key, [f]);
      order.push(key);
    }
  }
  return order.map((key) => {
    const list = groups.get(key)!;
    if (list.length === 1) return list[0];
    const first = list[0];
    const base = configAddress(first.address);
    const shown = list.slice(0, 10).map((f) => f.address);
    const more = list.length > shown.length ? ` and ${list.length - shown.length} more` : "";
    return {
      ...first,
      address: base,
      message: `${first.message.split(first.address).join(base)} (${list.length} instances: ${shown.join(", ")}${more})`,
    };
  });
}

/**
 * One line when nothing in the input is of a type any rule reads (an AKS cluster, a
 * network alone): said, not passed silently. Undefined when something is judged, or
 * could have been (an unexpanded module or resource says so itself).
 */
function nothingJudged(model: StackModel): string | undefined {
  if (model.resources.length === 0 || model.problems.some((p) => p.kind === "notJudged" && (!p.resource || isJudgedType(p.resource)))) return undefined;
  if (model.resources.some((r) => isJudgedType(r))) return undefined;
  const types = [...new Set(model.resources.map((r) => (r.mode === "data" ? `data.${r.type}` : r.type)))].sort(compareText);
  const listed = types.slice(0, 5).join(", ") + (types.length > 5 ? ` and ${types.length - 5} more types` : "");
  return `Nothing here is judged: the input declares no resource the rules read (Azure OpenAI, Search, Storage, Key Vault, apps, role assignments, networking), only ${listed}.`;
}

function engineFinding(address: string, constructPath: string | undefined, message: string, severity: "error" | "warning" = "error"): Finding {
  return { ruleId: ENGINE_RULE.id, severity, address, constructPath, message, fix: ENGINE_RULE.fix };
}

function byReportOrder(a: Finding, b: Finding): number {
  if (a.severity !== b.severity) return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
  return compareText(a.ruleId, b.ruleId) || compareText(a.address, b.address) || compareText(a.message, b.message);
}
