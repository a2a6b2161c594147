import type { AuditResult } from "../audit";
import type { Finding } from "../rule";
import { escapeControl } from "./safe-text";

/** Wider cells are not padded to: one long address must not indent every row. */
const MAX_COLUMN = 80;

/** Plain, aligned text for terminals and CI logs. No colours: logs stay greppable. */
export function renderTable(result: AuditResult): string {
  const lines: string[] = [];
  if (result.source) lines.push(`guardrails: ${result.source}`);
  const rows = (items: readonly Finding[], label: (f: Finding) => string) => {
    const head = ["SEVERITY", "RULE", "RESOURCE"];
    const cells = items.map((f) => [label(f), f.ruleId, f.constructPath ? `${f.address} (${f.constructPath})` : f.address]);
    // A loop, not Math.max(...cells): a report can hold more rows than a call has arguments.
    const widths = head.map((h) => h.length);
    for (const c of cells) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], Math.min(c[i].length, MAX_COLUMN));
    const pad = (c: string[]) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]))).join("  ");
    lines.push(pad(head));
    items.forEach((f, i) => {
      lines.push(pad(cells[i]));
      lines.push(`    ${f.message}`);
      if (f.location) lines.push(`    at: ${f.location.file}${f.location.line ? `:${f.location.line}` : ""}`);
      lines.push(`    fix: ${f.fix}`);
      if ("reason" in f) lines.push(`    suppressed: ${(f as { reason: string }).reason}`);
    });
  };
  if (result.findings.length === 0) lines.push("no findings");
  else rows(result.findings, (f) => f.severity);
  if (result.suppressed.length > 0) {
    lines.push("", "suppressed:");
    rows(result.suppressed, () => "suppressed");
  }
  lines.push("", summary(result));
  return `${lines.map(escapeControl).join("\n")}\n`;
}

export function summary(result: Pick<AuditResult, "errors" | "warnings" | "suppressed"> & { readonly notes?: number }): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
  const notes = result.notes ? `${n(result.notes, "note")}, ` : "";
  return `${n(result.errors, "error")}, ${n(result.warnings, "warning")}, ${notes}${result.suppressed.length} suppressed`;
}
