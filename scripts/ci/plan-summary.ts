#!/usr/bin/env node
/**
 * plan-summary: what a deploy's reviewers approve, as the job summary of the plan job.
 *
 *   node scripts/ci/plan-summary.ts --stack prod --plans plans [--deployed deployed.cdk.tf.json] >> "$GITHUB_STEP_SUMMARY"
 *
 * In this order, and never cut: the fingerprint, the counts, every destroyed, replaced and
 * forgotten address, and what changed in the configuration since it was last deployed (the
 * backend and provider blocks whole, every changed block by address). Then, cut with a note
 * when the whole would pass GitHub's 1 MiB limit for one step's summary, the line diff of each
 * changed block and the plan text. When even the part that must not be cut does not fit, it
 * says so and exits 1: nobody should approve what they cannot see.
 * https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands#step-isolation-and-limits
 *
 * Everything shown is HTML-escaped (addresses and values come from the configuration), and
 * `@` is written as an entity so nothing mentions anyone.
 *
 * Dependency-free, erasable TypeScript: the token jobs run it with Node's type stripping.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isStackName } from "../../config/stack-name.ts";
import { diffConfigurations } from "./config-diff.ts";
import { describeActions } from "./plan-text.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** GitHub drops a step summary over 1 MiB; this leaves room for what other steps append. */
export const SUMMARY_BYTES = 900_000;

export interface SummaryInput {
  readonly stack: string;
  readonly fingerprint?: string;
  readonly failed?: string;
  readonly diagnostics?: string;
  readonly skipped?: string;
  /** The redacted plan (scripts/ci/redact-plan.ts). */
  readonly plan?: { readonly resource_changes?: readonly { readonly address: string; readonly change: { readonly actions: readonly string[] } }[] };
  readonly planText?: string;
  /** The checked configuration about to run, and the one last deployed (undefined: none recorded). */
  readonly configuration?: Json;
  readonly deployed?: Json;
}

/** The summary and whether it could show everything approvers must see. */
export function renderPlanSummary(input: SummaryInput, limit = SUMMARY_BYTES): { markdown: string; complete: boolean } {
  const head: string[] = [`## Plan: <code>${html(input.stack)}</code>`, ""];
  if (!input.plan || input.failed) {
    head.push(
      input.failed ? `❌ failed: ${html(input.failed.trim())}` : input.skipped ? `⏭️ skipped: ${html(input.skipped.trim())}` : "❌ no plan result",
      "",
      ...(input.diagnostics ? [`<pre>${html(input.diagnostics)}</pre>`, ""] : []),
    );
    return { markdown: head.join("\n"), complete: false };
  }
  head.push(
    `Fingerprint: <code>${html(input.fingerprint ?? "none")}</code>. The apply job applies only a plan with this fingerprint, which covers the changes below, the whole configuration and the provider lock file.`,
    "",
  );
  const counts = { add: 0, change: 0, destroy: 0, replace: 0, forget: 0, other: 0 };
  const destructive: string[] = [];
  for (const rc of input.plan.resource_changes ?? []) {
    const actions = rc.change?.actions ?? [];
    const key = actions.join(",");
    if (key === "create") counts.add++;
    else if (key === "update") counts.change++;
    else if (key === "delete") counts.destroy++;
    else if (key === "delete,create" || key === "create,delete") counts.replace++;
    else if (actions.includes("forget")) counts.forget++;
    else if (key !== "no-op" && key !== "read") counts.other++;
    if (actions.includes("delete") || actions.includes("forget") || !["create", "update", "no-op", "read"].includes(key)) {
      destructive.push(`<li><code>${html(rc.address)}</code> ${html(describeActions(actions).verb)}</li>`);
    }
  }
  head.push(
    "| Add | Change | Destroy | Replace | Forget | Other |",
    "|---:|---:|---:|---:|---:|---:|",
    `| ${counts.add} | ${counts.change} | ${counts.destroy} | ${counts.replace} | ${counts.forget} | ${counts.other} |`,
    "",
  );
  if (destructive.length > 0) head.push(`### ⚠️ Destroyed, replaced or forgotten: ${destructive.length}`, "", "<ul>", ...destructive, "</ul>", "");

  const diff = diffConfigurations(input.deployed, input.configuration ?? null);
  head.push(
    "### The configuration, compared with what was last deployed",
    "",
    input.deployed === undefined
      ? "No deployed configuration is recorded for this stack: all of it is new."
      : diff.changes.length === 0
        ? "Unchanged since the last deploy."
        : `${diff.changes.length} block(s) changed:`,
    "",
  );
  if (diff.changes.length > 0) head.push("<ul>", ...diff.changes.map((c) => `<li><code>${html(c.block)}</code> ${c.kind}</li>`), "</ul>", "");
  head.push("<details><summary>Backend and providers, as they will run</summary>", "", `<pre>${html(diff.backendAndProviders)}</pre>`, "", "</details>", "");

  const must = head.join("\n");
  if (bytes(must) > limit) {
    const cut = `## Plan: <code>${html(input.stack)}</code>\n\n❌ This plan is too large to show in a job summary (${bytes(must)} bytes before any detail, GitHub's limit is about 1 MiB): its destroyed and changed blocks alone do not fit. Do not approve it; split the change into smaller deploys.\n`;
    return { markdown: cut, complete: false };
  }
  const rest = [
    ...diff.changes.map((c) => ({ title: `Configuration: ${c.block} (${c.kind})`, text: c.diff })),
    { title: "Plan (rendered from the redacted plan JSON)", text: input.planText ?? "" },
  ];
  let room = limit - bytes(must) - 400;
  const blocks: string[] = [];
  let omitted = 0;
  for (const r of rest) {
    const block = `<details><summary>${html(r.title)}</summary>\n\n<pre>${html(r.text)}</pre>\n\n</details>\n`;
    if (bytes(block) <= room) {
      blocks.push(block);
      room -= bytes(block);
    } else {
      omitted++;
    }
  }
  if (omitted > 0) {
    blocks.push(
      `> [!NOTE]\n> ${omitted} detail section(s) left out to stay under GitHub's 1 MiB summary limit; everything above is complete. The full redacted plan is in this job's log.\n`,
    );
  }
  return { markdown: [must, ...blocks].join("\n"), complete: true };
}

/** Text for HTML context: entities, and `@` as an entity so no mention renders. */
export function html(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/@/g, "&#64;")
  );
}

function bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

// --- CLI ---------------------------------------------------------------------------------

export const USAGE = "Usage: plan-summary --stack STACK --plans PLANS_DIR [--deployed DEPLOYED_CDK_TF_JSON]\n";

export function runCli(argv: readonly string[]): { code: number; stdout: string; stderr: string } {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!["--stack", "--plans", "--deployed"].includes(argv[i]) || argv[i + 1] === undefined) return { code: 2, stdout: "", stderr: USAGE };
    args.set(argv[i], argv[i + 1]);
  }
  const stack = args.get("--stack");
  const dir = args.get("--plans");
  if (!isStackName(stack) || !dir) return { code: 2, stdout: "", stderr: `plan-summary: a stack name and the plans directory are required\n${USAGE}` };
  const read = (file: string | undefined) => (file && fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined);
  const json = (file: string | undefined): Json | undefined => {
    const text = read(file);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as Json;
    } catch {
      return undefined;
    }
  };
  const at = (suffix: string) => path.join(dir, `${stack}${suffix}`);
  const { markdown, complete } = renderPlanSummary({
    stack,
    fingerprint: read(at(".fingerprint"))?.trim(),
    failed: read(at(".failed")),
    diagnostics: read(at(".diagnostics.txt")),
    skipped: read(at(".skipped")),
    plan: json(at(".plan.json")) as SummaryInput["plan"],
    planText: read(at(".plan.txt")),
    configuration: json(at(".config.json")),
    deployed: json(args.get("--deployed")),
  });
  return { code: complete ? 0 : 1, stdout: markdown, stderr: complete ? "" : `plan-summary: ${stack} has nothing complete to approve\n` };
}

// Not `require.main === module`: Node runs this file as an ES module when it strips the types.
if (/plan-summary\.m?[jt]s$/.test(process.argv[1] ?? "")) {
  const { code, stdout, stderr } = runCli(process.argv.slice(2));
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exitCode = code;
}
