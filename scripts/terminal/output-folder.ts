import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * Files a synth writes into `stacks/<stack>/` (cdktf's Manifest: the stack as JSON or,
 * with `--hcl`, as HCL plus its metadata). Nothing else there is ours: `.terraform/`,
 * `.terraform.lock.hcl` and plan files belong to Terraform and stay across synths.
 */
const SYNTH_OUTPUTS = new Set(["cdk.tf.json", "cdk.tf", "metadata.json", "assets"]);
const STACKS = "stacks";

/** Hidden working folders inside the output folder (ignored with it by git). */
const STAGING_PREFIX = ".staging-";
const PREVIOUS_PREFIX = ".previous-";

/**
 * Runs `write` against an empty staging folder and, only if it returns, moves what it
 * wrote into `outdir` in place of the previous synth. A failed run (bad config, a
 * guardrail error, a crash) leaves `outdir` exactly as it was, and a synth never leaves
 * a stale file of another format beside the new one (`cdktf synth --hcl` after a JSON
 * synth: cdk.tf.json beside cdk.tf would define everything twice for `terraform init`).
 *
 * Terraform's own files in each stack folder (provider plugins, lock file) are kept.
 */
export function writeOutputFolder<T>(outdir: string, write: (staging: string) => T): T {
  const target = resolve(outdir);
  mkdirSync(target, { recursive: true });
  removeAbandoned(target);
  const staging = mkdtempSync(join(target, `${STAGING_PREFIX}${process.pid}-`));
  let result: T;
  try {
    result = write(staging);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  keepTerraformFiles(target, staging);
  const previous = join(target, `${PREVIOUS_PREFIX}${process.pid}`);
  mkdirSync(previous);
  for (const entry of readdirSync(target)) {
    if (!entry.startsWith(STAGING_PREFIX) && !entry.startsWith(PREVIOUS_PREFIX)) renameSync(join(target, entry), join(previous, entry));
  }
  for (const entry of readdirSync(staging)) renameSync(join(staging, entry), join(target, entry));
  rmSync(staging, { recursive: true, force: true });
  rmSync(previous, { recursive: true, force: true });
  return result;
}

/** Working folders of runs that were killed midway (their process is gone). */
function removeAbandoned(target: string): void {
  for (const entry of readdirSync(target)) {
    const prefix = [STAGING_PREFIX, PREVIOUS_PREFIX].find((p) => entry.startsWith(p));
    const pid = prefix ? Number.parseInt(entry.slice(prefix.length), 10) : Number.NaN;
    if (Number.isInteger(pid) && !isRunning(pid)) rmSync(join(target, entry), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Moves Terraform's files from each previous stack folder into the new one of the same stack. */
function keepTerraformFiles(target: string, staging: string): void {
  const newStacks = join(staging, STACKS);
  if (!existsSync(newStacks)) return;
  for (const stack of readdirSync(newStacks)) {
    const before = join(target, STACKS, stack);
    if (!existsSync(before)) continue;
    for (const entry of readdirSync(before)) {
      const after = join(newStacks, stack, entry);
      if (!SYNTH_OUTPUTS.has(entry) && !existsSync(after)) renameSync(join(before, entry), after);
    }
  }
}
