/**
 * `import "azure-ai-chat-platform/jest"` (a Jest setup file, or the top of a test):
 * registers the platform's matchers (assertions/matchers.ts) and declares their types.
 * A separate entry point, so the library's main types never reference Jest.
 */
import type { BuiltInRole } from "../catalogue/roles";
import { chatPlatformMatchers } from "./matchers";
import type { GrantPrincipal, GrantScope } from "./platform-template";

declare global {
  namespace jest {
    // Type parameters as @types/jest declares them, so the declarations merge.
    // biome-ignore lint/complexity/noBannedTypes: @types/jest's own default
    interface Matchers<R, T = {}> {
      /** The synthesized stack grants `role` to `principal` on `scope`. */
      toGrant(principal: GrantPrincipal, role: BuiltInRole | string, scope: GrantScope): R;
      /** The guardrails find no error (no finding at all with "warning"). */
      toPassGuardrails(failOn?: "error" | "warning"): R;
      /** The stack's web app has the setting, equal to or matching `value` when given. */
      toHaveAppSetting(name: string, value?: string | RegExp): R;
    }
  }
}

const runner = (globalThis as { expect?: { extend?: (matchers: object) => void } }).expect;
if (typeof runner?.extend === "function") runner.extend(chatPlatformMatchers);
