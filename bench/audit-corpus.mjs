/**
 * The audit CLI's benchmark corpus: `count` directories (or files) of Terraform as people
 * write it, copied from the audit's own fixtures (__tests__/guardrails/fixtures/as-written:
 * local modules, azapi, Container and Function Apps, ARM templates...), round robin.
 * Returns the inputs to hand to the CLI.
 */
import { cpSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export function writeAuditCorpus(root, into, count) {
  const fixtures = join(root, "__tests__", "guardrails", "fixtures", "as-written");
  const sources = readdirSync(fixtures)
    .sort()
    .map((name) => join(fixtures, name));
  const inputs = [];
  for (let i = 0; i < count; i++) {
    const source = sources[i % sources.length];
    const target = join(into, `dir${i}`);
    cpSync(source, target, { recursive: true });
    // A directory of ARM templates is audited file by file, as a user would.
    const arm = readdirSync(target).filter((f) => f.endsWith(".json") && !f.endsWith(".tf.json"));
    const hasTf = readdirSync(target).some((f) => f.endsWith(".tf") || f.endsWith(".tf.json"));
    inputs.push(...(hasTf ? [target] : arm.map((f) => join(target, f)).filter((f) => statSync(f).isFile())));
  }
  return inputs;
}
