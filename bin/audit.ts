#!/usr/bin/env node
/**
 * audit: run the guardrails over Terraform: configuration (.tf files, a directory with
 * its modules, *.tf.json, cdktf's cdk.tf.json), `terraform show -json` output of a plan
 * or state, or an ARM template.
 *
 *   audit cdktf.out/stacks/dev/cdk.tf.json
 *   audit infra/                                   (a directory of .tf files)
 *   terraform show -json plan.tfplan > plan.json && audit plan.json --format sarif --out guardrails.sarif
 *
 * Exit codes: 0 passed, 1 findings at or above --fail-on, 2 usage, input or internal error.
 * Depends on node only (no cdktf), so it runs in CI on a plan produced anywhere.
 */
import * as fs from "node:fs";
import { type AuditResult, audit } from "../guardrails/audit";
import { renderJson } from "../guardrails/format/json";
import { renderSarif } from "../guardrails/format/sarif";
import { renderTable, summary } from "../guardrails/format/table";
import { foldControl } from "../guardrails/format/safe-text";
import { type InputFs, MAX_INPUT_BYTES, loadInput, nodeInputFs } from "../guardrails/input";
import { InputError } from "../guardrails/terraform-json";
import { UsageError, eachArg } from "./cli-args";
import { isIsoDate, resolveToday } from "../catalogue/today";

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly writeFile: (path: string, text: string) => void;
  /** How inputs are read; the real file system unless a test passes its own. */
  readonly fs?: InputFs;
  /** Directory report paths are relative to, unless --base is given. @default process.cwd() */
  readonly cwd?: string;
}

export const nodeIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  writeFile: (p, t) => fs.writeFileSync(p, t),
  fs: nodeInputFs,
};

/** Inputs read ahead of the one being audited. */
const READ_AHEAD = 8;

const FORMATS = ["table", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON = ["error", "warning"] as const;
type FailOn = (typeof FAIL_ON)[number];

export const USAGE = `Usage: chat-platform-audit <input>... [--format table|json|sarif] [--out FILE] [--fail-on error|warning] [--base DIR] [--today YYYY-MM-DD]

Audits Terraform against the Azure AI chat guardrails. Each input is one of:
  - a .tf file, or a directory of .tf / .tf.json files (one root module, with its .tfvars,
    its local modules and the modules \`terraform init\` installed)
  - Terraform JSON configuration: *.tf.json or cdktf's cdk.tf.json
  - \`terraform show -json <planfile>\` (plan) or \`terraform show -json\` (state) output
  - an ARM template (bicep build output, an azuredeploy.json)
Files over ${MAX_INPUT_BYTES / 1024 / 1024} MiB (HCL: 1 MiB) and special files (FIFOs, devices) are refused.

Options:
  --format, -f  table (default), json, or sarif (SARIF 2.1.0 for GitHub code scanning)
  --out, -o     write the report to FILE instead of stdout
  --fail-on     lowest severity that fails the run: error (default) or warning (notes never fail)
  --base        directory report paths are relative to (default: the working directory)
  --today       the day model and service lifecycles are judged on (default: $CHAT_PLATFORM_TODAY, else the clock)
  --help, -h    show this help

Exit codes: 0 passed, 1 findings at or above --fail-on, 2 usage, input or internal error.
`;

interface Args {
  readonly files: string[];
  readonly format: Format;
  readonly out?: string;
  readonly failOn: FailOn;
  readonly base?: string;
  readonly today?: string;
  readonly help: boolean;
}

export function parseArgs(argv: readonly string[]): Args {
  const files: string[] = [];
  let format: Format = "table";
  let out: string | undefined;
  let failOn: FailOn = "error";
  let base: string | undefined;
  let today: string | undefined;
  let help = false;
  eachArg(argv, ({ arg, flag, value }) => {
    if (flag === "--help" || flag === "-h") help = true;
    else if (flag === "--format" || flag === "-f") {
      const v = value();
      if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}; got ${JSON.stringify(v)}`);
      format = v as Format;
    } else if (flag === "--fail-on") {
      const v = value();
      if (!(FAIL_ON as readonly string[]).includes(v)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(", ")}; got ${JSON.stringify(v)}`);
      failOn = v as FailOn;
    } else if (flag === "--base") base = value();
    else if (flag === "--today") {
      const v = value();
      if (!isIsoDate(v)) throw new UsageError(`--today must be a date written YYYY-MM-DD; got ${JSON.stringify(v)}`);
      today = v;
    }
    else if (flag === "--out" || flag === "-o") out = value();
    else if (flag.startsWith("-") && flag !== "-") throw new UsageError(`unknown option ${flag}`);
    else files.push(arg);
  });
  return { files, format, out, failOn, base, today, help };
}

/**
 * Runs the CLI; resolves to the exit code instead of exiting, so tests need no child
 * process. Never throws: input problems and internal errors are one line on stderr and
 * exit 2, per input file, never a stack trace or a pass.
 */
export async function main(argv: readonly string[], io: CliIo = nodeIo): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    io.stderr(`audit: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (args.files.length === 0) {
    io.stderr(`audit: no input file given\n\n${USAGE}`);
    return 2;
  }

  const base = args.base ?? io.cwd ?? process.cwd();
  let today: string;
  try {
    today = resolveToday(args.today).date;
  } catch (e) {
    io.stderr(`audit: ${(e as Error).message}\n`);
    return 2;
  }
  const results: AuditResult[] = [];
  // Inputs are read a few ahead of the one being audited (converting HCL waits on its
  // own scheduler), and audited in order: the first bad input still ends the run.
  const load = (file: string) => loadInput(file, { base, fs: io.fs ?? nodeInputFs });
  const ahead: Promise<Awaited<ReturnType<typeof loadInput>>>[] = [];
  const fetch = (i: number) => {
    if (i < args.files.length && ahead[i] === undefined) {
      ahead[i] = load(args.files[i]);
      ahead[i].catch(() => undefined);
    }
  };
  for (const [i, file] of args.files.entries()) {
    for (let k = i; k < i + READ_AHEAD; k++) fetch(k);
    try {
      const input = await ahead[i];
      results.push(audit(input.json, { source: input.source, format: input.format, locate: input.locate, config: input.config, today }));
    } catch (e) {
      // Shape errors from the parser name the JSON path; the file goes in front.
      const message = e instanceof InputError ? (e.message.startsWith(`${file}:`) ? e.message : `${file}: ${e.message}`) : `${file}: internal error: ${e instanceof Error ? e.message : String(e)}`;
      io.stderr(`audit: ${oneLine(message)}\n`);
      return 2;
    }
  }

  let report: string;
  try {
    report = args.format === "json" ? renderJson(results) : args.format === "sarif" ? renderSarif(results) : results.map(renderTable).join("\n");
  } catch (e) {
    io.stderr(`audit: internal error while rendering the report: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
    return 2;
  }
  try {
    if (args.out) io.writeFile(args.out, report);
    else io.stdout(report);
  } catch (e) {
    io.stderr(`audit: cannot write ${args.out}: ${oneLine((e as Error).message)}\n`);
    return 2;
  }
  const errors = results.reduce((n, r) => n + r.errors, 0);
  const warnings = results.reduce((n, r) => n + r.warnings, 0);
  const notes = results.reduce((n, r) => n + r.notes, 0);
  if (args.out || args.format !== "table") {
    // Keep a one-line verdict on stderr when the report goes elsewhere or is machine-readable.
    io.stderr(`audit: ${summary({ errors, warnings, notes, suppressed: results.flatMap((r) => r.suppressed) })}\n`);
  }
  return errors > 0 || (args.failOn === "warning" && warnings > 0) ? 1 : 0;
}

/** Messages carry untrusted text (paths, keys): one line, bounded, no control characters. */
function oneLine(text: string): string {
  const flat = foldControl(text).trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`audit: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
