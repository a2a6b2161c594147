import type { AuditResult } from "../audit";

/** Stable machine-readable report: one entry per audited input. */
export interface JsonReport {
  readonly version: 1;
  readonly summary: { readonly errors: number; readonly warnings: number; readonly notes: number; readonly suppressed: number };
  readonly inputs: readonly {
    readonly source?: string;
    readonly summary: { readonly errors: number; readonly warnings: number; readonly notes: number; readonly suppressed: number };
    readonly findings: AuditResult["findings"];
    readonly suppressed: AuditResult["suppressed"];
  }[];
}

export function toJsonReport(results: readonly AuditResult[]): JsonReport {
  const inputs = results.map((r) => ({
    source: r.source,
    summary: { errors: r.errors, warnings: r.warnings, notes: r.notes, suppressed: r.suppressed.length },
    findings: r.findings,
    suppressed: r.suppressed,
  }));
  const sum = (k: "errors" | "warnings" | "notes" | "suppressed") => inputs.reduce((n, i) => n + i.summary[k], 0);
  return { version: 1, summary: { errors: sum("errors"), warnings: sum("warnings"), notes: sum("notes"), suppressed: sum("suppressed") }, inputs };
}

export function renderJson(results: readonly AuditResult[]): string {
  return `${JSON.stringify(toJsonReport(results), null, 2)}\n`;
}
