import type { AuditResult, SuppressedFinding } from "../audit";
import type { Finding, Rule } from "../rule";

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: rules in tool.driver.rules, one result
 * per finding located at the line that defines the resource (paths relative to the
 * working directory or --base), with the resource address and construct path as
 * logical locations; suppressed findings carry an inSource suppression.
 * https://docs.github.com/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export function toSarif(results: readonly AuditResult[], toolVersion = "0.1.0"): Record<string, unknown> {
  const rules = new Map<string, Rule>();
  for (const r of results) for (const rule of r.rules) if (!rules.has(rule.id)) rules.set(rule.id, rule);
  const ruleIds = [...rules.keys()];
  const sarifResults = results.flatMap((r) => [...r.findings.map((f) => toResult(f, r.source, ruleIds)), ...r.suppressed.map((f) => toResult(f, r.source, ruleIds))]);
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "azure-ai-guardrails",
            version: toolVersion,
            informationUri: "https://learn.microsoft.com/azure/ai-services/openai/how-to/on-your-data-configuration",
            rules: [...rules.values()].map((rule) => ({
              id: rule.id,
              name: pascal(rule.name),
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.why },
              help: { text: `${rule.why}\nFix: ${rule.fix}`, markdown: `**${rule.title}**\n\n${rule.why}\n\n**Fix:** ${rule.fix}` },
              ...(rule.helpUri ? { helpUri: rule.helpUri } : {}),
              defaultConfiguration: { level: rule.severity },
            })),
          },
        },
        results: sarifResults,
      },
    ],
  };
}

export function renderSarif(results: readonly AuditResult[]): string {
  return `${JSON.stringify(toSarif(results), null, 2)}\n`;
}

function toResult(f: Finding | SuppressedFinding, source: string | undefined, ruleIds: string[]): Record<string, unknown> {
  const logicalLocations: Record<string, unknown>[] = [{ name: f.address, fullyQualifiedName: f.address, kind: "resource" }];
  if (f.constructPath) logicalLocations.push({ name: f.constructPath.split("/").pop(), fullyQualifiedName: f.constructPath, kind: "module" });
  return {
    ruleId: f.ruleId,
    ruleIndex: ruleIds.indexOf(f.ruleId),
    level: f.severity,
    message: { text: `${f.message} Fix: ${f.fix}` },
    locations: [
      {
        // The file and line that define the resource when known; the input file otherwise.
        physicalLocation: { artifactLocation: { uri: toUri(f.location?.file ?? source ?? "cdk.tf.json") }, region: { startLine: f.location?.line ?? 1 } },
        logicalLocations,
      },
    ],
    // Same rule + resource = same alert across runs, whatever the message wording.
    partialFingerprints: { "guardrailsFinding/v1": `${f.ruleId}:${f.address}` },
    ...("reason" in f ? { suppressions: [{ kind: "inSource", justification: f.reason }] } : {}),
  };
}

/** Relative, forward-slash paths: what code scanning matches against the repository. */
function toUri(path: string): string {
  return path.replace(/\\/g, "/").replace(/^\.\//, "");
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
