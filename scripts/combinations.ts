#!/usr/bin/env node
/**
 * combinations: synthesize every ChatPlatform feature combination in one process and
 * print what each one is: accepted or rejected (and why), the access flows it implies,
 * its role assignments and its guardrails audit.
 *
 *   npm run combinations
 *   npm run combinations -- --out cdktf.out/combinations     # + <name>/cdk.tf.json per accepted one
 *   npm run combinations -- --filter 'keyless-oyd.*devs$'
 *   node dist/bin/audit.js cdktf.out/combinations/keyless-sampleApp/cdk.tf.json   # any written one
 *
 * Exit codes: 0 every combination is accepted-and-safe or rejected on purpose;
 * 1 a crash (an error that is not a ValidationError) or an accepted combination that
 * breaks a check; 2 usage or I/O error. See testing/combinations.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { coveringStacks, shapesOf } from "../testing/resource-cover";
import { Accepted, CHECK_IDS, CHECKS, CombinationResult, enumerateCombinations, runCombinations, summarize } from "../testing/combinations";
import { UsageError, eachArg } from "../bin/cli-args";

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly writeFile: (file: string, text: string) => void;
}

export const nodeIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  writeFile: (file, text) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  },
};

export const USAGE = `Usage: combinations [--out DIR] [--filter REGEX]

Synthesizes every ChatPlatform feature combination (auth mode x features x
user-assigned identity x settings profile x developers) and prints one row each.

Options:
  --out, -o DIR      also write DIR/<combination>/cdk.tf.json for every accepted
                     combination, and DIR/combinations.json with every row
  --filter, -f RE    only combinations whose name matches the regular expression
  --cover            with --out: write only a few accepted combinations that together
                     hold every distinct resource shape (for slow validators such as
                     ../shared/tools/tfvalidate; see testing/resource-cover.ts)
  --help, -h         show this help

Exit codes: 0 all accepted combinations pass every check and nothing crashed;
1 otherwise; 2 usage or I/O error.
`;

export interface Args {
  readonly out?: string;
  readonly filter?: RegExp;
  readonly help: boolean;
  readonly cover: boolean;
}

export function parseArgs(argv: readonly string[]): Args {
  let out: string | undefined;
  let filter: RegExp | undefined;
  let help = false;
  let cover = false;
  eachArg(argv, ({ arg, flag, value }) => {
    if (flag === "--help" || flag === "-h") help = true;
    else if (flag === "--out" || flag === "-o") out = value();
    else if (flag === "--cover") cover = true;
    else if (flag === "--filter" || flag === "-f") {
      const v = value();
      try {
        filter = new RegExp(v);
      } catch (e) {
        throw new UsageError(`--filter ${JSON.stringify(v)} is not a regular expression: ${(e as Error).message}`);
      }
    } else throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
  });
  if (cover && out === undefined) throw new UsageError("--cover needs --out DIR");
  return { out, filter, help, cover };
}

/** Failed checks of an accepted row, or "ok". */
function checksCell(r: CombinationResult): string {
  if (r.kind !== "accepted") return "";
  const failed = CHECK_IDS.filter((c) => r.report!.violations[c].length > 0);
  return failed.length === 0 ? "ok" : failed.join(", ");
}

/**
 * The table, as aligned markdown. Rejection reasons are long, so rows name them R1, R2...
 * and the legend under the table spells them out.
 */
export function renderTable(results: readonly CombinationResult[]): string {
  const reasons = [...new Set(results.filter((r) => r.kind === "rejected").map((r) => r.reason!))];
  const header = ["combination", "result", "flows implied", "role assignments", "audit errors/warnings", "checks"];
  const rows = results.map((r) => {
    const result = r.kind === "accepted" ? "accepted" : r.kind === "rejected" ? `rejected R${reasons.indexOf(r.reason!) + 1}` : "CRASH";
    const report = r.report;
    return [
      r.combination.name,
      result,
      report ? report.flows.join(" ") : "",
      report ? String(report.roleAssignments) : "",
      report ? `${report.auditErrors}/${report.auditWarnings}` : "",
      checksCell(r),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  const out = [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)];

  const summary = summarize(results);
  out.push("");
  out.push(
    `${summary.total} combinations: ${summary.accepted} accepted (${summary.accepted - summary.unsafe} safe, ${summary.unsafe} breaking a check), ${summary.total - summary.accepted - summary.crashed} rejected, ${summary.crashed} crashed.`,
  );
  for (const [i, reason] of reasons.entries()) out.push(`R${i + 1} (${summary.rejected[reason]}): ${reason}`);
  const flowCounts = Object.entries(summary.flowCounts)
    .map(([f, n]) => `${f} ${n}`)
    .join(", ");
  if (summary.accepted > 0)
    out.push(`Flows per accepted combination: ${summary.flowsPerCombination.min} to ${summary.flowsPerCombination.max}; accepted combinations implying each flow: ${flowCounts}.`);

  for (const r of results.filter((x) => x.kind === "crashed")) out.push(`CRASH ${r.combination.name}: ${r.reason}`);
  for (const check of CHECK_IDS) {
    const broken = results.filter((r) => r.kind === "accepted" && r.report!.violations[check].length > 0);
    if (broken.length === 0) continue;
    const first = broken[0];
    out.push(`Check ${check} (${CHECKS[check]}) fails for ${broken.length} combination(s), e.g. ${first.combination.name}: ${first.report!.violations[check][0]}`);
  }
  return `${out.join("\n")}\n`;
}

export function main(argv: readonly string[], io: CliIo = nodeIo): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`combinations: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  const combinations = enumerateCombinations().filter((c) => !args.filter || args.filter.test(c.name));
  if (combinations.length === 0) {
    io.stderr(`combinations: no combination matches ${args.filter}\n`);
    return 2;
  }

  let results: CombinationResult[];
  const shapes = new Map<string, Set<string>>();
  const write = (a: Accepted) => io.writeFile(path.join(args.out!, a.combination.name, "cdk.tf.json"), `${JSON.stringify(a.json, null, 2)}\n`);
  try {
    results = runCombinations({
      combinations,
      onAccepted: args.out && !args.cover ? (a) => write(a) : args.cover ? (a) => shapes.set(a.combination.name, shapesOf(a.json)) : undefined,
    });
    if (args.cover) {
      // Only the chosen ones are synthesized again and written: memory stays flat.
      const chosen = new Set(coveringStacks(shapes));
      runCombinations({ combinations: combinations.filter((c) => chosen.has(c.name)), onAccepted: write });
    }
    if (args.out) {
      const rows = results.map((r) => ({
        combination: r.combination.name,
        result: r.kind,
        reason: r.reason,
        flows: r.report?.flows,
        roleAssignments: r.report?.roleAssignments,
        audit: r.report ? { errors: r.report.auditErrors, warnings: r.report.auditWarnings } : undefined,
        violations: r.report ? Object.fromEntries(CHECK_IDS.filter((c) => r.report!.violations[c].length > 0).map((c) => [c, r.report!.violations[c]])) : undefined,
      }));
      io.writeFile(path.join(args.out, "combinations.json"), `${JSON.stringify({ summary: summarize(results), combinations: rows }, null, 2)}\n`);
    }
  } catch (e) {
    io.stderr(`combinations: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  io.stdout(renderTable(results));
  const summary = summarize(results);
  return summary.crashed > 0 || summary.unsafe > 0 ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
