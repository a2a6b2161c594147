import type { TerraformStack } from "cdktf";
import type { BuiltInRole } from "../catalogue/roles";
import { type GrantPrincipal, type GrantScope, PlatformTemplate } from "./platform-template";

/** What a matcher returns, as Jest's `expect.extend` (and Vitest's) expect it. */
export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

/** A stack, or a template made from one (reused, so a test synthesizes once). */
export type Synthesizable = TerraformStack | PlatformTemplate;

const cache = new WeakMap<TerraformStack, PlatformTemplate>();
function templateOf(received: Synthesizable): PlatformTemplate {
  if (received instanceof PlatformTemplate) return received;
  let t = cache.get(received);
  if (!t) cache.set(received, (t = PlatformTemplate.fromStack(received)));
  return t;
}

/**
 * Matchers for `expect.extend(chatPlatformMatchers)`, with no dependency on a test
 * runner: `import "azure-ai-chat-platform/jest"` registers them with Jest and types them.
 *
 *   expect(stack).toGrant(platform.webApp, Roles.SearchIndexDataReader, platform.search);
 *   expect(stack).toPassGuardrails();
 *   expect(stack).toHaveAppSetting("LLM_URL", /openai\.azure\.com/);
 */
export const chatPlatformMatchers = {
  /** `principal` holds `role` on `scope` in the synthesized stack. */
  toGrant(received: Synthesizable, principal: GrantPrincipal, role: BuiltInRole | string, scope: GrantScope): MatcherResult {
    const problem = templateOf(received).grantProblem(principal, role, scope);
    const name = typeof role === "string" ? role : role.name;
    return { pass: problem === undefined, message: () => problem ?? `expected no ${name} grant, but there is one` };
  },
  /** The guardrails find no error (no finding at all with `"warning"`). */
  toPassGuardrails(received: Synthesizable, failOn: "error" | "warning" = "error"): MatcherResult {
    try {
      templateOf(received).passesGuardrails(failOn);
      return { pass: true, message: () => "expected guardrail findings, but the stack passes" };
    } catch (e) {
      return { pass: false, message: () => (e as Error).message };
    }
  },
  /** The (only, or named) web app has the setting, equal to `value` or matching it when given. */
  toHaveAppSetting(received: Synthesizable, name: string, value?: string | RegExp): MatcherResult {
    const settings = templateOf(received).appSettings();
    const actual = settings[name];
    const pass = actual !== undefined && (value === undefined || (typeof value === "string" ? actual === value : value.test(actual)));
    return {
      pass,
      message: () =>
        actual === undefined
          ? `no app setting ${name}; the app has ${Object.keys(settings).join(", ") || "none"}`
          : `app setting ${name} is ${JSON.stringify(actual)}${value === undefined ? "" : `, expected ${value instanceof RegExp ? value : JSON.stringify(value)}`}`,
    };
  },
};
