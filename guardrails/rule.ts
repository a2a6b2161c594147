import type { StackModel } from "./model";
import type { TfResource } from "./terraform-json";

/**
 * `error` fails the run, `warning` fails it under `--fail-on warning`, `note` never does:
 * something a reader should know that the audit cannot judge (a model the catalogue does
 * not know), as SARIF's level of the same name.
 */
export type Severity = "error" | "warning" | "note";

/** Report order: errors first. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, note: 2 };

/**
 * One guardrail, in the cdk-nag style: an id, what it protects against and why, how
 * to fix it, and a pure function from the stack to findings.
 */
export interface Rule {
  /** Stable id used in reports and suppressions: `AZ-OAI-001`. */
  readonly id: string;
  /** The file name and a short slug: `openai-managed-identity`. */
  readonly name: string;
  /** Default severity; a finding may be milder (never harsher). */
  readonly severity: Severity;
  /** One line: what is wrong when the rule fires. */
  readonly title: string;
  /** Why it matters, with the source. */
  readonly why: string;
  /** What to do instead. */
  readonly fix: string;
  /** Optional documentation link (SARIF helpUri). */
  readonly helpUri?: string;
  evaluate(model: StackModel): Finding[];
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** Terraform address of the resource at fault (`azurerm_linux_web_app.web`). */
  readonly address: string;
  /** cdktf construct path when the input came from a cdktf synth. */
  readonly constructPath?: string;
  /** Names the resource, the attribute and the bad value. */
  readonly message: string;
  readonly fix: string;
  /** Where the resource is defined in the file read, when known. */
  readonly location?: SourceLocation;
}

/** A file (relative to the working directory or `--base`) and a 1-based line. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
}

export interface FindingOptions {
  readonly severity?: Severity;
  /** Overrides the rule's generic fix with a specific one. */
  readonly fix?: string;
}

/** Builds a finding of `rule` on `resource`. */
export function finding(rule: Rule, resource: Pick<TfResource, "address" | "constructPath">, message: string, options: FindingOptions = {}): Finding {
  return {
    ruleId: rule.id,
    severity: options.severity ?? rule.severity,
    address: resource.address,
    constructPath: resource.constructPath,
    message,
    fix: options.fix ?? rule.fix,
  };
}

/** `"value"` for messages; `(not set)` for undefined. */
export function show(value: unknown): string {
  if (value === undefined || value === null) return "(not set)";
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    // Nested deeper than JSON.stringify's own recursion allows.
    text = Array.isArray(value) ? "[...]" : "{...}";
  }
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
