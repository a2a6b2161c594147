import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderReview } from "../app/review";
import { synthesize } from "../main";
import { runCommand } from "./terminal/report";

/**
 * `npm start` (`node scripts/run.cjs start [--config FILE]`): synthesize the ready app
 * (guardrails run as synth validations and fail it on any error), then print a
 * one-line summary per stack and the review, which is also written to
 * cdktf.out/review.md for pull-request comments.
 */
export function main(args: string[]): Promise<void> {
  return runCommand(() => {
    let review = "";
    const summaries: string[] = [];
    const { outdir } = synthesize(args, ({ stacks }, staging) => {
      for (const stack of stacks) {
        const path = join("stacks", stack.node.id, "cdk.tf.json");
        const json = JSON.parse(readFileSync(join(staging, path), "utf8")) as { resource?: Record<string, Record<string, unknown>> };
        const counts = Object.entries(json.resource ?? {}).map(([type, rs]) => [type, Object.keys(rs).length] as const);
        const total = counts.reduce((n, [, c]) => n + c, 0);
        const identities = Object.values(json.resource ?? {})
          .flatMap((rs) => Object.values(rs))
          .filter((r) => (r as { identity?: unknown }).identity).length;
        summaries.push(
          `synthesized ${join("<out>", path)}: ${total} resources, ${identities} with a managed identity, ${counts.find(([t]) => t === "azurerm_role_assignment")?.[1] ?? 0} role assignments`,
        );
      }
      review = renderReview(stacks);
      writeFileSync(join(staging, "review.md"), review);
    });
    const lines = summaries.map((s) => s.replace("<out>", outdir));
    process.stdout.write(`${lines.join("\n")}\n\n${review}\nreview written to ${join(outdir, "review.md")}\n`);
  });
}

if (require.main === module) void main(process.argv.slice(2));
