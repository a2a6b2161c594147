/**
 * Bench entry: one app with N environment stamps (s1..sN), one ChatStack (and so one
 * ChatPlatform) each, as a platform team composing stamps would build it.
 *
 *   node scripts/run.cjs stamps 20
 *
 * Writes to CDKTF_OUTDIR (or cdktf.out) like any cdktf app.
 */
import { App } from "cdktf";
import { ChatStack } from "../app/chat-stack";

/** An app with `count` default stamps named s1..s<count>. */
export function createStampsApp(count: number, outdir?: string): App {
  if (!Number.isInteger(count) || count < 1 || count > 999) throw new Error(`stamps: count must be an integer from 1 to 999, got ${count}`);
  const app = new App({ outdir, skipValidation: false });
  for (let i = 1; i <= count; i++) {
    const name = `s${i}`;
    new ChatStack(app, name, { platform: { environment: name } });
  }
  return app;
}

export function main(args: string[]): void {
  createStampsApp(Number(args[0] ?? "1")).synth();
}
