import type { ChatPlatform } from "../constructs/chat-platform";
import { judgeDeployment } from "../catalogue/lifecycle";
import { daysBetween } from "../catalogue/today";

/**
 * "Model deployments" of one platform, for the review: each deployment's model, version,
 * SKU and region, when it retires and how many days are left, and what the lifecycle
 * catalogue says of it on the day the platform was judged.
 */
export function renderModelDeployments(p: ChatPlatform): string[] {
  const today = p.config.today;
  const judged = today.source === "clock" ? today.date : `${today.date} (fixed by ${today.source === "configuration" ? "the configuration's today" : today.source})`;
  const out = [
    `### Model deployments of \`${p.openai.name}\``,
    "",
    `Judged on ${judged} against the lifecycle catalogue (catalogue/lifecycle-data.ts); the deploy checks Azure's live model list before applying.`,
    "",
    "| Deployment | Model | Version | SKU | Region | Retires | Days left | Status |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const d of p.openai.deployments) {
    const verdicts = judgeDeployment({ model: d.modelName, version: d.modelVersion, sku: d.skuName, region: p.location, existingCustomer: d.existingCustomer }, today.date);
    const retires = d.facts?.retires;
    const status = verdicts.length === 0 ? "✅ deployable by a new subscription" : verdicts.map((v) => `${v.severity === "error" ? "❌" : "⚠️"} ${v.problem}`).join("<br>");
    out.push(
      `| \`${d.name}\` | ${d.modelName} | ${d.modelVersion} | ${d.skuName} | ${p.location} | ${retires ?? "unknown"} | ${retires ? daysBetween(today.date, retires) : "-"} | ${status} |`,
    );
  }
  const notes = p.openai.deployments.map((d) => d.facts?.note && `${d.modelName} ${d.modelVersion}: ${d.facts.note}`).filter((n): n is string => typeof n === "string");
  out.push("", ...notes.map((n) => `> ℹ️ ${n}`), ...(notes.length ? [""] : []));
  return out;
}
