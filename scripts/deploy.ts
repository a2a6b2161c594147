import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_ENV, ConfigError, configFile } from "../config/environments";
import { synthesize } from "../main";
import { InputError, checkDeployments, checkToday, formatChecks, listedModels, stackDeployments } from "./ci/check-models";
import { NOTHING_SYNTHESIZED, type Outcome, runCommand } from "./terminal/report";

/**
 * `npm run deploy -- <stack>... [cdktf deploy options]`: synthesizes, asks Azure's live
 * model list (`az cognitiveservices model list`, with the `az login` the deploy uses
 * anyway) whether every model deployment can be created today in its region, and only
 * then runs `cdktf deploy`. The catalogue judged the models at synth; this asks the
 * authority (docs/retrieval.md "2. Model lifecycle"), so a model that closed after the catalogue was
 * written fails here, before a plan is applied, not half-way through an apply.
 *
 *   --skip-model-check   deploy without asking (a warning says so)
 */
export const SKIP_FLAG = "--skip-model-check";

export function main(args: string[]): Promise<void> {
  let outcome: Outcome = NOTHING_SYNTHESIZED;
  return runCommand(
    () => {
      const skip = args.includes(SKIP_FLAG);
      const rest = args.filter((a) => a !== SKIP_FLAG);
      const config = configFile(rest);
      const { stacks, outdir } = synthesize(rest);
      outcome = (count) => `Nothing was deployed (${count}; the stacks were synthesized to ${outdir}).`;
      const named = rest.filter((a, i) => !a.startsWith("-") && rest[i - 1] !== "--config");
      const targets = stackTargets(
        named,
        stacks.map((s) => s.node.id),
      );
      if (skip) {
        process.stderr.write(`⚠ ${SKIP_FLAG}: Azure's model list was not read; a closed or retired model fails at apply.\n`);
      } else {
        const failed = checkModels(outdir, targets);
        if (failed) {
          process.exitCode = 1;
          return;
        }
      }
      const cdktfArgs = rest.filter((a, i) => a !== "--config" && rest[i - 1] !== "--config" && !a.startsWith("--config="));
      const result = spawnSync("npx", ["cdktf", "deploy", ...cdktfArgs], {
        stdio: "inherit",
        shell: process.platform === "win32",
        env: { ...process.env, [CONFIG_ENV]: config },
      });
      process.exitCode = result.status ?? 1;
    },
    () => outcome,
  );
}

/**
 * The stacks `named` selects, as cdktf deploy selects them (a name, or a pattern with `*`
 * and `?`); all of them when none is named. A name or pattern that selects nothing is a
 * usage error here, before Azure is asked anything.
 */
export function stackTargets(named: readonly string[], stacks: readonly string[]): string[] {
  if (named.length === 0) return [...stacks];
  const targets = new Set<string>();
  for (const name of named) {
    if (/[[\]{}!()+@]/.test(name)) {
      throw new ConfigError("npm run deploy", [
        { path: "stack", value: name, message: "is a pattern this command does not read (it reads names, * and ?)", fix: `name the stacks instead: ${stacks.join(", ")}` },
      ]);
    }
    const pattern = new RegExp(
      `^${name
        .replace(/[.^$|\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    );
    const matched = stacks.filter((s) => pattern.test(s));
    if (matched.length === 0) {
      throw new ConfigError("npm run deploy", [{ path: "stack", value: name, message: "names no stack of this configuration", fix: `name one of: ${stacks.join(", ")}` }]);
    }
    for (const s of matched) targets.add(s);
  }
  return [...targets];
}

/** Prints the check of each stack's deployments; true when one would fail at apply. */
function checkModels(outdir: string, stacks: readonly string[]): boolean {
  try {
    return checkAll(outdir, stacks);
  } catch (e) {
    if (e instanceof InputError) throw new ConfigError("model check", [{ path: "", message: e.message, fix: `plan first, or deploy with ${SKIP_FLAG}` }]);
    throw e;
  }
}

function checkAll(outdir: string, stacks: readonly string[]): boolean {
  const today = checkToday();
  let failed = false;
  const lists = new Map<string, ReturnType<typeof listedModels>>();
  for (const stack of stacks) {
    const deployments = stackDeployments(JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")));
    for (const region of new Set(deployments.map((d) => d.region))) {
      if (!lists.has(region)) lists.set(region, listedModels(JSON.parse(azModelList(region))));
    }
    const checks = checkDeployments(deployments, lists, today);
    process.stdout.write(`Azure's model list for stack ${stack} (${today}):\n${formatChecks(checks)}\n`);
    if (checks.some((c) => c.verdict === "refused")) failed = true;
  }
  if (failed)
    process.stderr.write('\nNothing deployed: a model deployment above would fail at apply. Fix the configuration (the review\'s "Model deployments" names the replacement).\n');
  return failed;
}

/** `az cognitiveservices model list -l <region> -o json`, or a message that says what to do without az. */
function azModelList(region: string): string {
  try {
    const out = execFileSync("az", ["cognitiveservices", "model", "list", "-l", region, "-o", "json"], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      env: process.env,
      shell: process.platform === "win32",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return out;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    const why = err.code === "ENOENT" ? "the Azure CLI (az) is not installed" : `az failed: ${(err.stderr ?? err.message).trim().split("\n")[0]}`;
    throw new ConfigError(`az cognitiveservices model list -l ${region}`, [
      {
        path: "",
        message: `${why}: Azure's model list for ${region} could not be read before deploying`,
        fix: `install the Azure CLI and run az login, or deploy with ${SKIP_FLAG}`,
      },
    ]);
  }
}
