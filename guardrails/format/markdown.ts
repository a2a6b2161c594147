import type { AuditResult } from "../audit";
import type { Finding } from "../rule";
import { foldControl } from "./safe-text";
import { summary } from "./table";

/**
 * The guardrails section of the human review / PR comment: verdict, findings, the
 * flow audit table and suppressions with their reasons.
 */
export function renderAuditMarkdown(result: AuditResult, options: { heading?: string } = {}): string {
  const out: string[] = [];
  const verdict = result.errors > 0 ? "❌ failing" : result.warnings > 0 ? "⚠️ passing with warnings" : "✅ passing";
  out.push(`${options.heading ?? "### Guardrails"}`, "", `**${verdict}**: ${summary(result)}.`, "");

  if (result.findings.length > 0) {
    out.push("| Severity | Rule | Resource | Finding | Fix |", "|---|---|---|---|---|");
    for (const f of result.findings) out.push(`| ${f.severity} | \`${f.ruleId}\` | ${where(f)} | ${cell(f.message)} | ${cell(f.fix)} |`);
    out.push("");
  }

  if (result.flows.length > 0) {
    out.push("#### Access flows", "", "| Flow | Caller | Target | Roles | Status |", "|---|---|---|---|---|");
    for (const c of result.flows) {
      const f = c.implied;
      const status = c.identityProblem
        ? `❌ ${f.systemOnly ? "no system-assigned identity" : "no identity"}${c.missingRoles.length ? `; missing ${c.missingRoles.map((r) => r.name).join(", ")}` : ""}`
        : c.missingRoles.length > 0
          ? `❌ missing ${c.missingRoles.map((r) => r.name).join(", ")}`
          : !f.target
            ? "⚠️ target outside this stack: identity only"
            : c.broadRoles.length > 0
              ? `⚠️ via broad scope: ${c.broadRoles.map((r) => r.name).join(", ")}`
              : "✅ authorized";
      out.push(
        `| ${f.flow.id} ${cell(f.flow.title)} | ${cell(f.callerLabel)} | ${f.target ? code(f.target.address) : "(outside)"} | ${cell(f.roles.map((r) => r.name).join(", ") || "-")} | ${cell(status)} |`,
      );
    }
    out.push("");
  }

  if (result.suppressed.length > 0) {
    out.push("#### Suppressed", "", "| Rule | Resource | Reason |", "|---|---|---|");
    for (const f of result.suppressed) out.push(`| \`${f.ruleId}\` | ${where(f)} | ${cell(f.reason)} |`);
    out.push("");
  }
  return `${out.join("\n")}\n`;
}

function where(f: Finding): string {
  return f.constructPath ? `${code(f.address)}<br>${cell(f.constructPath)}` : code(f.address);
}

/** A code span that a backtick in the (untrusted) text cannot close. */
function code(text: string): string {
  return `\`${cell(text.replace(/`/g, "'"))}\``;
}

/**
 * Table-safe and inert: HTML special characters escaped (untrusted names must not become
 * tags in a PR comment), pipes escaped, newlines folded, `${...}` kept readable.
 */
function cell(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>").split("<br>").map(foldControl).join("<br>");
}
