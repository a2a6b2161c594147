#!/usr/bin/env node
/**
 * audit: run the guardrails over synthesized or planned Terraform JSON.
 *
 *   audit cdktf.out/stacks/dev/cdk.tf.json
 *   terraform show -json plan.tfplan > plan.json && audit plan.json --format sarif --out guardrails.sarif
 *
 * Exit codes: 0 no error findings, 1 error findings, 2 usage or I/O error.
 * Depends on node only (no cdktf), so it runs in CI on a plan produced anywhere.
 */
import * as fs from "fs";
import { AuditResult, audit } from "../guardrails/audit";
import { renderJson } from "../guardrails/format/json";
import { renderSarif } from "../guardrails/format/sarif";
import { renderTable, summary } from "../guardrails/format/table";
import { detectFormat } from "../guardrails/terraform-json";
import { UsageError, eachArg } from "./cli-args";

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (path: string) => string;
  readonly writeFile: (path: string, text: string) => void;
}

export const nodeIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readFile: (p) => fs.readFileSync(p, "utf8"),
  writeFile: (p, t) => fs.writeFileSync(p, t),
};

const FORMATS = ["table", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];

export const USAGE = `Usage: audit <cdk.tf.json | plan.json>... [--format table|json|sarif] [--out FILE]

Audits Terraform JSON against the Azure AI chat guardrails.
Inputs: a cdktf cdk.tf.json, or \`terraform show -json <planfile>\` output (detected per file).

Options:
  --format, -f  table (default), json, or sarif (SARIF 2.1.0 for GitHub code scanning)
  --out, -o     write the report to FILE instead of stdout
  --help, -h    show this help

Exit codes: 0 no errors, 1 error findings, 2 usage or input error.
`;

interface Args {
  readonly files: string[];
  readonly format: Format;
  readonly out?: string;
  readonly help: boolean;
}

export function parseArgs(argv: readonly string[]): Args {
  const files: string[] = [];
  let format: Format = "table";
  let out: string | undefined;
  let help = false;
  eachArg(argv, ({ arg, flag, value }) => {
    if (flag === "--help" || flag === "-h") help = true;
    else if (flag === "--format" || flag === "-f") {
      const v = value();
      if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}; got ${JSON.stringify(v)}`);
      format = v as Format;
    } else if (flag === "--out" || flag === "-o") out = value();
    else if (flag.startsWith("-") && flag !== "-") throw new UsageError(`unknown option ${flag}`);
    else files.push(arg);
  });
  return { files, format, out, help };
}

/** Runs the CLI; returns the exit code instead of exiting, so tests need no child process. */
export function main(argv: readonly string[], io: CliIo = nodeIo): number {
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

  const results: AuditResult[] = [];
  for (const file of args.files) {
    let json: unknown;
    try {
      json = JSON.parse(io.readFile(file));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      io.stderr(`audit: cannot read ${file}: ${err.code === "ENOENT" ? "no such file" : err instanceof SyntaxError ? `not valid JSON (${err.message})` : err.message}\n`);
      return 2;
    }
    if (!detectFormat(json)) {
      io.stderr(`audit: ${file} is neither a cdk.tf.json (top-level "resource") nor \`terraform show -json\` output ("planned_values" or "values")\n`);
      return 2;
    }
    results.push(audit(json, { source: file }));
  }

  const report = args.format === "json" ? renderJson(results) : args.format === "sarif" ? renderSarif(results) : results.map(renderTable).join("\n");
  try {
    if (args.out) io.writeFile(args.out, report);
    else io.stdout(report);
  } catch (e) {
    io.stderr(`audit: cannot write ${args.out}: ${(e as Error).message}\n`);
    return 2;
  }
  const errors = results.reduce((n, r) => n + r.errors, 0);
  if (args.out || args.format !== "table") {
    // Keep a one-line verdict on stderr when the report goes elsewhere or is machine-readable.
    const total = { errors, warnings: results.reduce((n, r) => n + r.warnings, 0), suppressed: results.flatMap((r) => r.suppressed) };
    io.stderr(`audit: ${summary(total)}\n`);
  }
  return errors > 0 ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
