import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { TerraformStack } from "cdktf";
import { createApp } from "../main";
import { renderReview } from "../app/review";

/**
 * `npm start`: synthesize the ready app (guardrails run as synth validations and fail
 * it on any error), then print a one-line summary per stack and the review, which is
 * also written to cdktf.out/review.md for pull-request comments.
 */
function main(): void {
  const app = createApp();
  app.synth();
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);

  for (const stack of stacks) {
    const file = join(app.outdir, "stacks", stack.node.id, "cdk.tf.json");
    const json = JSON.parse(readFileSync(file, "utf8")) as { resource?: Record<string, Record<string, unknown>> };
    const counts = Object.entries(json.resource ?? {}).map(([type, rs]) => [type, Object.keys(rs).length] as const);
    const total = counts.reduce((n, [, c]) => n + c, 0);
    const identities = Object.values(json.resource ?? {}).flatMap((rs) => Object.values(rs)).filter((r) => (r as { identity?: unknown }).identity).length;
    process.stdout.write(`synthesized ${file}: ${total} resources, ${identities} with a managed identity, ${counts.find(([t]) => t === "azurerm_role_assignment")?.[1] ?? 0} role assignments\n`);
  }

  const review = renderReview(stacks);
  mkdirSync(app.outdir, { recursive: true });
  writeFileSync(join(app.outdir, "review.md"), review);
  process.stdout.write(`\n${review}\nreview written to ${join(app.outdir, "review.md")}\n`);
}

main();
