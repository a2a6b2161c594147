import { Token } from "cdktf";
import { ChatStack } from "./chat-stack";

/**
 * A ChatStack built from configuration data alone, in an app nothing else adds to:
 * its synthesis skips cdktf's preparing pass, which could find nothing in it.
 *
 * cdktf resolves every value of every stack twice per synth. The first, preparing,
 * pass exists for cross-stack references: in cdktf 0.21 the only reader of
 * `context.preparing` is `Reference.resolve` (lib/tfExpression.js), which adds an
 * output to the stack a reference comes from and a remote-state lookup to the stack
 * that uses it. A ChatStack's own constructs refer only to resources of their own
 * stack (per-stack lookups such as clientConfigOf included), so a stack built from
 * token-free data holds no reference to another stack: the pass would resolve
 * everything and change nothing. Skipping it leaves every output file byte for byte
 * the same (__tests__/app/standalone-stack.test.ts compares both pipelines) and saves
 * about 18 ms, 7%, of each synth of the ready app (paired runs on the 2-core machine
 * of bench/results.json).
 *
 * Only `synthesize()` in main.ts builds these, for configuration that isTokenFree: it
 * owns the App from construction to synth, so nothing can add a cross-stack reference
 * in between. Code that composes stacks itself uses ChatStack, which keeps the pass.
 */
export class StandaloneChatStack extends ChatStack {
  public prepareStack(): void {
    // The rest of TerraformStack.prepareStack: a stack without a backend gets the local one.
    this.ensureBackendExists();
  }
}

/**
 * Whether a value holds no cdktf token anywhere: strings (a token marker inside text
 * counts, so JSON that spells one is not data), numbers, lists and nested objects.
 * Iterative, and each object is visited once, so neither depth nor a cycle can hang it.
 */
export function isTokenFree(value: unknown): boolean {
  const pending: unknown[] = [value];
  const seen = new Set<object>();
  while (pending.length > 0) {
    const v = pending.pop();
    if (v === null || v === undefined || typeof v === "boolean") continue;
    if (Token.isUnresolved(v)) return false;
    if (typeof v !== "object" || seen.has(v)) continue;
    seen.add(v);
    for (const item of Array.isArray(v) ? v : Object.values(v)) pending.push(item);
  }
  return true;
}
