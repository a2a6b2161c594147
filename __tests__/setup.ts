import { readFileSync } from "fs";
// The typings of cdktf's matchers (toHaveResourceWithProperties, ...); types only.
import type {} from "cdktf/lib/testing/adapters/jest";

// cdktf's matchers, added to expect() as Testing.setupJest() adds them, but loaded on first
// use: loading cdktf costs each test file ~85 ms, and the files that never synthesize
// (the audit, the catalogue, the scripts) need none of it.
const CDKTF_MATCHERS = [
  "toHaveResource",
  "toHaveResourceWithProperties",
  "toHaveDataSource",
  "toHaveDataSourceWithProperties",
  "toHaveProvider",
  "toHaveProviderWithProperties",
  "toBeValidTerraform",
  "toPlanSuccessfully",
] as const;
type Matcher = (this: jest.MatcherContext, ...args: unknown[]) => jest.CustomMatcherResult;
let cdktfMatchers: Record<string, Matcher> | undefined;
function loadCdktfMatchers(): Record<string, Matcher> {
  if (!cdktfMatchers) {
    const extend = expect.extend;
    expect.extend = (matchers) => {
      cdktfMatchers = matchers as Record<string, Matcher>;
    };
    try {
      require("cdktf").Testing.setupJest();
    } finally {
      expect.extend = extend;
    }
  }
  return cdktfMatchers!;
}
expect.extend(
  Object.fromEntries(
    CDKTF_MATCHERS.map((name) => [
      name,
      function (this: jest.MatcherContext, ...args: unknown[]) {
        return loadCdktfMatchers()[name].apply(this, args);
      },
    ]),
  ),
);

// Lifecycle checks judge on "today": tests and snapshots fix it, so none depends on the
// clock (catalogue/today.ts). Tests of other days pass `today` or their own environment.
process.env.CHAT_PLATFORM_TODAY = "2026-12-06";

// cdktf records where every token was created by reading `.stack` of a plain object
// (`{ stack: "" }` after Error.captureStackTrace), thousands of times per synth. Jest's
// formatter source-maps every frame of each, which makes a synth several times slower
// under Jest than in Node. Those records only show up in cdktf's own error messages, so
// they get V8's plain format; every real error still goes to Jest's formatter.
// Error.prepareStackTrace is V8's documented hook (https://v8.dev/docs/stack-trace-api);
// Jest installs its formatter on the worker's own Error, which Node consults when this
// realm has none, and which owns the errors Node itself throws.
const jestFormatter = (() => {
  try {
    readFileSync("");
  } catch (e) {
    return ((e as object).constructor as ErrorConstructor).prepareStackTrace;
  }
  return undefined;
})();
if (jestFormatter) {
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) =>
    Object.getPrototypeOf(error) === Object.prototype ? [`${error}`, ...frames.map((frame) => `    at ${frame}`)].join("\n") : jestFormatter(error, frames);
}
