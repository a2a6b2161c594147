import { App, TerraformStack } from "cdktf";
import { ChatStack, type ChatStackProps } from "./app/chat-stack";
import { StandaloneChatStack, isTokenFree } from "./app/standalone-stack";
import { configFile, readEnvironments } from "./config/environments";
import { ProblemCollector } from "./constructs/errors";
import { writeOutputFolder } from "./scripts/terminal/output-folder";
import { runCommand } from "./scripts/terminal/report";

export interface CreateAppOptions {
  /** @default CDKTF_OUTDIR, else "cdktf.out" (cdktf.json's output) */
  readonly outdir?: string;
  /**
   * Stack name -> props.
   * @default config/environments.json (or --config / CHAT_CONFIG), read now and validated
   */
  readonly environments?: Record<string, ChatStackProps>;
}

/**
 * The ready app: one stack per environment, named after it (`cdktf deploy dev`). The
 * caller may add to it before synthesizing, so its stacks are ChatStacks with cdktf's
 * full pipeline; synthesize() builds the same stacks and synthesizes them at once.
 */
export function createApp(options: CreateAppOptions | string = {}): App {
  const { outdir, environments = readEnvironments() } = typeof options === "string" ? { outdir: options } : options;
  return buildApp(outdir, environments, ChatStack);
}

function buildApp(outdir: string | undefined, environments: Record<string, ChatStackProps>, Stack: typeof ChatStack): App {
  const app = new App({ outdir, skipValidation: false });
  // Every environment is built even when one fails, so one run reports every problem.
  const problems = new ProblemCollector();
  for (const [name, props] of Object.entries(environments)) {
    problems.attempt(() => new Stack(app, name, props));
  }
  problems.throwIfAny();
  return app;
}

/** What a synth of the ready app produced. */
export interface SynthResult {
  /** The synthesized app (its `outdir` is the staging folder it was written to). */
  readonly app: App;
  readonly stacks: TerraformStack[];
  /** Where the output is now. */
  readonly outdir: string;
}

/**
 * Reads the configuration named by `args` (`--config FILE`) and synthesizes every stack
 * into the output folder (CDKTF_OUTDIR when the cdktf CLI runs the app, else cdktf.out).
 * Nothing in the output folder changes unless the whole synth succeeds; `beforeMove`
 * may add files (the review) to the staging folder first.
 */
export function synthesize(args: readonly string[] = [], beforeMove?: (result: SynthResult, staging: string) => void): SynthResult {
  const environments = readEnvironments(configFile(args));
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  return writeOutputFolder(outdir, (staging) => {
    // Built from configuration data and synthesized at once: nothing can add a
    // cross-stack reference in between, so cdktf's preparing pass is skipped
    // (app/standalone-stack.ts).
    const app = buildApp(staging, environments, isTokenFree(environments) ? StandaloneChatStack : ChatStack);
    app.synth();
    const result = { app, outdir, stacks: app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack) };
    beforeMove?.(result, staging);
    return result;
  });
}

/** cdktf.json's app (`node scripts/run.cjs app`): synthesize, print nothing on success. */
export function main(args: string[]): Promise<void> {
  return runCommand(() => {
    synthesize(args);
  });
}

if (require.main === module) void main(process.argv.slice(2));
