#!/usr/bin/env node
/**
 * pr-comment: the one sticky pull-request comment of the PR review workflow, and the job
 * summary that holds what the comment had to leave out.
 *
 *   pr-comment --review review/review.md --audit review/audit.txt --audit-exit-code 1 \
 *              --stacks trusted-stacks.txt --plans-dir plans --job build=success --job plan=success \
 *              --current-head SHA --out comment.md --summary-out summary.md
 *   pr-comment --log FILE        print FILE so that it is safe in an Actions log
 *
 * `--plans-dir` holds what scripts/ci/plan-stacks.sh writes per stack: `<stack>.plan.json`
 * (the plan, already redacted by scripts/ci/redact-plan.ts), `<stack>.plan.txt` (the human
 * plan rendered from it), `<stack>.skipped` (why no plan) or `<stack>.failed` (which step
 * failed) with `<stack>.diagnostics.txt` (Terraform's error summaries). `--stacks` is the base
 * branch's list (scripts/ci/check-config.ts stacks), never the pull request's: a stack in it
 * with none of these failed too (the plan job died before it got there), and an empty or
 * missing list is a failure, not "0 of 0 planned". `--job NAME=RESULT` passes in the result of
 * each job the comment depends on; anything but success is a failure. `--current-head` is the
 * pull request's head now: when it is not the commit reviewed, the comment says the review is
 * outdated instead of giving a verdict.
 *
 * Everything it prints is untrusted: stack names, addresses (for_each keys), the review and
 * the audit come from the pull request. Identifiers go in code spans fenced longer than any
 * backtick run inside; free text is Markdown-escaped; blocks go in fences the text cannot
 * close; the review keeps its Markdown but loses HTML (an unclosed `<!--` would hide the rest
 * of the comment), links of every kind (inline, reference-style, bare URLs) and
 * cross-references (`#12`, `GH-12`), and its unclosed fences are closed; @mentions are broken
 * with a zero-width space everywhere. Every failure state is a ❌ in the comment and exit code
 * 1, and so is a failure of the renderer itself (renderFailureComment). Input of any size is
 * rendered in linear time without deep recursion.
 *
 * Runs in the comment job from the base branch with no npm install: dependency-free, one file,
 * erasable TypeScript only (Node 22.18+ runs it directly). `renderPrComment` is pure.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isStackName } from "../config/stack-name.ts";

/** The comment's first line: the workflow updates the comment of its own App whose body starts with it. */
export const COMMENT_MARKER = "<!-- chat-platform-review -->";
/** The second line names the commit the comment describes, so a run for an older head never replaces it. */
export const commitMarker = (sha: string): string => `<!-- commit: ${sha} -->`;
/** Each input file is read up to this many bytes; the rest is reported as cut. */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;
/** GitHub rejects issue comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** A job summary may hold 1 MiB per step: 300,000 characters stay under it even at 3 bytes each. */
export const JOB_SUMMARY_LIMIT = 300_000;
/** Destroyed or replaced addresses listed by name in the comment, per stack. */
const MAX_LISTED_ADDRESSES = 25;
/** An identifier longer than this is cut in the comment (a for_each key can be anything). */
const MAX_IDENTIFIER = 200;

/** The parts of a (redacted) `terraform show -json` plan this comment reads. */
export interface TerraformPlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly errored?: boolean;
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly change: { readonly actions: readonly string[] };
  }[];
}

export interface PlanInput {
  readonly stack: string;
  /** The redacted plan JSON, parsed. `null` (a file holding `null`) is a failure. */
  readonly planJson?: TerraformPlanJson | null;
  /** The plan JSON file existed but could not be parsed: why. */
  readonly planJsonError?: string;
  /** Human-readable plan (redacted), or the failed command's output. */
  readonly planText?: string;
  /** Why no plan was made (local state, no Azure credentials on fork PRs). */
  readonly skipped?: string;
  /** A step failed: `true`, or which step and why (e.g. "show: terraform show -json exited 1"). */
  readonly failed?: boolean | string;
  /** sha256 of the redacted changes (scripts/ci/redact-plan.ts). */
  readonly fingerprint?: string;
}

export interface AuditInput {
  /** The audit CLI's table output. */
  readonly text: string;
  /** The audit CLI's exit code: 0 clean, 1 error findings, anything else could not run. */
  readonly exitCode?: number;
}

/** A job the comment depends on, and how it ended (`needs.<job>.result`, or a run's conclusion). */
export interface JobResult {
  readonly job: string;
  readonly result: string;
}

export interface PrCommentInput {
  /** The review markdown `npm start` writes (access matrix, app settings, flows). */
  readonly review?: string;
  /** Why an input could not be read (a directory where a file was expected, an unreadable file). */
  readonly unreadable?: readonly string[];
  /** The stacks the base branch's configuration says must have a result; absent: the list was missing. */
  readonly expectedStacks?: readonly string[];
  /** The results of the jobs this comment depends on; anything but success fails. */
  readonly jobs?: readonly JobResult[];
  readonly audit?: AuditInput | string;
  readonly plans: readonly PlanInput[];
  /** Commit and run, shown so reviewers know which push the comment describes. */
  readonly commit?: string;
  readonly runUrl?: string;
  /** @default GITHUB_COMMENT_LIMIT */
  readonly maxLength?: number;
  /** Where truncation notes send the reader. @default "the job summary of the workflow run" */
  readonly fullTextAt?: string;
}

export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Delete-and-recreate, counted apart from add and destroy (Terraform counts it in both). */
  readonly replace: number;
  /** Removed from state without being destroyed (a `removed` block with `destroy = false`). */
  readonly forget: number;
  /** Addresses destroyed or replaced: what a reviewer must look at first. */
  readonly destructive: readonly string[];
  /** Action lists this renderer does not know; shown, never silently counted as no-op. */
  readonly unknown: readonly string[];
}

/** Counts a plan's changes from `resource_changes[].change.actions`. */
export function summarizePlan(plan: TerraformPlanJson): PlanSummary {
  let add = 0;
  let change = 0;
  let destroy = 0;
  let replace = 0;
  let forget = 0;
  const destructive: string[] = [];
  const unknown: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const a = rc.change?.actions ?? [];
    const key = a.join(",");
    // https://developer.hashicorp.com/terraform/internals/json-format#change-representation
    if (key === "delete,create" || key === "create,delete") {
      replace++;
      destructive.push(rc.address);
    } else if (key === "create") add++;
    else if (key === "update") change++;
    else if (key === "delete") {
      destroy++;
      destructive.push(rc.address);
    } else if (a.includes("forget")) forget++;
    else if (key !== "no-op" && key !== "read") unknown.push(`${rc.address} (${key || "no actions"})`);
  }
  return { add, change, destroy, replace, forget, destructive, unknown };
}

/** One line per problem that must fail the check; empty when everything ran. */
export function failures(input: PrCommentInput): string[] {
  const out: string[] = [];
  for (const why of input.unreadable ?? []) out.push(why);
  for (const j of input.jobs ?? []) if (j.result !== "success") out.push(`job ${j.job}: ${j.result || "no result"}`);
  if (input.expectedStacks !== undefined && input.expectedStacks.length === 0) out.push("the base branch's configuration lists no stack to plan");
  const audit = auditOf(input);
  if (!input.review?.trim()) out.push("no review: `npm start` did not write cdktf.out/review.md");
  if (!audit) out.push("the audit did not run");
  else if (audit.exitCode === 1) out.push("the audit found errors");
  else if (audit.exitCode !== 0) out.push(`the audit crashed (exit code ${audit.exitCode ?? "unknown"})`);
  for (const p of input.plans) {
    const why = planFailure(p);
    if (why) out.push(`${p.stack}: ${why}`);
  }
  return out;
}

/** Why a stack's plan failed, or undefined when it planned or was skipped on purpose. */
function planFailure(p: PlanInput): string | undefined {
  if (p.failed) return typeof p.failed === "string" ? p.failed : "plan failed";
  if (p.planJsonError) return `plan JSON unreadable: ${p.planJsonError}`;
  if (p.planJson === null) return "plan JSON is null";
  if (p.planJson?.errored) return "terraform reported the plan as errored";
  if (!p.planJson && p.skipped === undefined) return "no plan result (the plan job did not finish this stack)";
  return undefined;
}

/** The comment, never longer than `maxLength`: long sections are cut with a note. */
export function renderPrComment(input: PrCommentInput): string {
  return render(input, input.maxLength ?? GITHUB_COMMENT_LIMIT, input.fullTextAt ?? "the job summary of the workflow run");
}

/**
 * The comment when the pull request has moved on since the commit this run reviewed: no
 * verdict (a re-run of an old run must not post its old ✅), only what happened.
 */
export function renderOutdatedComment(reviewed: string, current: string, runUrl?: string): string {
  const sha = (s: string) => (/^[0-9a-f]{7,64}$/i.test(s) ? `\`${s.slice(0, 12)}\`` : "an unknown commit");
  const run = runUrl && /^https:\/\/[\w.-]+\/[\w./-]+$/.test(runUrl) ? ` ([workflow run](${runUrl}))` : "";
  return [
    COMMENT_MARKER,
    commitMarker(/^[0-9a-f]{7,64}$/i.test(reviewed) ? reviewed : "unknown"),
    "## Chat platform review",
    "",
    `**⏳ Outdated:** this run reviewed commit ${sha(reviewed)}, but the pull request is now at ${sha(current)}${run}. The review of the new head replaces this comment when it finishes.`,
    "",
  ].join("\n");
}

/** What the comment says when the renderer itself failed: never the previous comment's verdict. */
export function renderFailureComment(why: string, commit?: string): string {
  return [
    COMMENT_MARKER,
    commitMarker(commit && /^[0-9a-f]{7,64}$/i.test(commit) ? commit : "unknown"),
    "## Chat platform review",
    "",
    `**❌ The review could not be rendered:** ${inline(why).slice(0, 500)}. The check fails; see the workflow run.`,
    "",
  ].join("\n");
}

/** The same report for the job summary, with room for the full plans. */
export function renderJobSummary(input: PrCommentInput): string {
  const body = render({ ...input, maxLength: JOB_SUMMARY_LIMIT }, JOB_SUMMARY_LIMIT, "the run's plans artifact");
  // Without the two marker lines: they only mean something in the comment.
  return body.split("\n").slice(2).join("\n");
}

function render(input: PrCommentInput, limit: number, fullTextAt: string): string {
  const audit = auditOf(input);
  const problems = failures(input);
  const head: string[] = [COMMENT_MARKER, commitMarker(input.commit && /^[0-9a-f]{7,64}$/i.test(input.commit) ? input.commit : "unknown"), "## Chat platform review", ""];
  const commit = input.commit && /^[0-9a-f]{7,64}$/i.test(input.commit) ? `commit \`${input.commit.slice(0, 12)}\`` : undefined;
  const run = input.runUrl && /^https:\/\/[\w.-]+\/[\w./-]+$/.test(input.runUrl) ? `[workflow run](${input.runUrl})` : undefined;
  const meta = [commit, run].filter(Boolean);
  if (meta.length) head.push(`<sub>${meta.join(" · ")}</sub>`, "");
  if (problems.length) {
    head.push(`**❌ ${problems.length} problem(s); the check fails:**`, "", ...problems.slice(0, 20).map((p) => `- ${inline(p)}`));
    if (problems.length > 20) head.push(`- … and ${problems.length - 20} more in ${fullTextAt}`);
    head.push("");
  }
  const planned = input.plans.filter((p) => p.planJson && !planFailure(p)).length;
  const failedPlans = input.plans.filter((p) => planFailure(p)).length;
  const planStatus = failedPlans ? `❌ ${failedPlans} failed, ` : planned === 0 ? "⚠️ " : "";
  head.push(`**Guardrails:** ${auditStatus(audit)} · **Plans:** ${planStatus}${planned} of ${input.plans.length} stacks planned`, "");
  if (input.jobs?.length) {
    head.push(`**Jobs:** ${input.jobs.map((j) => `${inline(j.job)} ${j.result === "success" ? "✅" : "❌"} ${inline(j.result || "no result")}`).join(" · ")}`, "");
  }

  head.push("### Terraform plan", "", "| Stack | Add | Change | Destroy | Replace | Forget | |", "|---|---:|---:|---:|---:|---:|---|");
  const rows = input.plans.map(planRow);
  const maxRows = Math.max(1, Math.floor((limit * 0.25) / 120));
  head.push(...rows.slice(0, maxRows));
  if (rows.length > maxRows) head.push(`| … | | | | | | ${rows.length - maxRows} more stacks in ${inline(fullTextAt)} |`);
  head.push("");
  for (const p of input.plans.slice(0, maxRows)) head.push(...warnings(p, fullTextAt));

  const footer =
    "<sub>Updated in place on every push. Plans are speculative (`-lock=false`, read-only identity); deploys plan again and apply only what the environment's reviewers approved.</sub>\n";

  // The sections share what the head and footer leave: small ones whole, the rest an equal share.
  const sections: Section[] = [];
  for (const p of input.plans.filter((x) => x.planText !== undefined)) {
    const bad = planFailure(p) !== undefined;
    sections.push({ title: `Plan output: <code>${html(p.stack)}</code>${bad ? " ❌" : ""}`, text: stripControl(p.planText ?? ""), kind: bad ? "text" : "diff", what: "plan" });
  }
  if (audit) sections.push({ heading: "### Guardrails audit", title: "Audit findings", text: stripControl(audit.text), kind: "text", what: "audit" });
  sections.push({
    heading: "### Review",
    text: input.review?.trim() ? sanitizeMarkdown(input.review.trim()) : "_No review was generated (`npm start` writes cdktf.out/review.md)._",
    kind: "markdown",
    what: "review",
  });

  const fixed = head.join("\n").length + footer.length + 2;
  let slack = 0;
  for (let attempt = 0; attempt < 4; attempt++) {
    const blocks = fitSections(sections, limit - fixed - slack, fullTextAt);
    const body = [...head, ...blocks.flatMap((b) => [b, ""]), footer].join("\n");
    if (body.length <= limit) return body;
    slack += body.length - limit + 200;
  }
  // Unreachable with sane limits; still never exceed GitHub's.
  return `${head.join("\n").slice(0, Math.max(0, limit - 200))}\n\n_Comment truncated: see ${inline(fullTextAt)}._\n`;
}

interface Section {
  readonly heading?: string;
  readonly title?: string;
  readonly text: string;
  readonly kind: "diff" | "text" | "markdown";
  readonly what: string;
}

function fitSections(sections: readonly Section[], budget: number, fullTextAt: string): string[] {
  const overhead = (s: Section) => (s.heading?.length ?? 0) + (s.title ? s.title.length + 60 : 0) + 40;
  const order = sections.map((s, i) => ({ s, i })).sort((a, b) => a.s.text.length + overhead(a.s) - (b.s.text.length + overhead(b.s)));
  const out: string[] = new Array(sections.length);
  let left = Math.max(0, budget);
  let count = order.length;
  for (const { s, i } of order) {
    const share = Math.floor(left / count) - overhead(s);
    const text = s.kind === "markdown" ? truncateMarkdown(s.text, share, fullTextAt) : truncate(s.text, share, s.what, fullTextAt);
    const body = s.kind === "markdown" ? text : fence(text, s.kind);
    const block = [s.heading ? `${s.heading}\n\n` : "", s.title ? details(s.title, body) : body].join("");
    out[i] = block;
    left -= block.length + 2;
    count--;
  }
  return out;
}

function planRow(p: PlanInput): string {
  const stack = codeSpan(p.stack, true);
  const failure = planFailure(p);
  if (failure) return `| ${stack} | | | | | | ❌ ${inline(failure)} |`;
  if (!p.planJson) return `| ${stack} | | | | | | ⏭️ ${inline(p.skipped ?? "not planned")} |`;
  const s = summarizePlan(p.planJson);
  const none = s.add + s.change + s.destroy + s.replace + s.forget + s.unknown.length === 0;
  const note = none ? "✅ no changes" : s.destructive.length ? "⚠️ destructive" : s.unknown.length ? "⚠️ unrecognised actions" : "";
  return `| ${stack} | ${s.add} | ${s.change} | ${s.destroy} | ${s.replace} | ${s.forget} | ${note} |`;
}

function warnings(p: PlanInput, fullTextAt: string): string[] {
  if (!p.planJson || planFailure(p)) return [];
  const s = summarizePlan(p.planJson);
  const out: string[] = [];
  const list = (addresses: readonly string[]) => {
    const shown = addresses
      .slice(0, MAX_LISTED_ADDRESSES)
      .map((a) => codeSpan(a))
      .join(", ");
    return addresses.length > MAX_LISTED_ADDRESSES ? `${shown} and ${addresses.length - MAX_LISTED_ADDRESSES} more (see ${inline(fullTextAt)})` : shown;
  };
  if (s.destructive.length) out.push("> [!WARNING]", `> ${codeSpan(p.stack)} destroys or replaces ${s.destructive.length} resource(s): ${list(s.destructive)}`, "");
  if (s.unknown.length) out.push("> [!WARNING]", `> ${codeSpan(p.stack)} has ${s.unknown.length} change(s) with actions this comment does not know: ${list(s.unknown)}`, "");
  return out;
}

function auditOf(input: PrCommentInput): AuditInput | undefined {
  return typeof input.audit === "string" ? { text: input.audit, exitCode: 0 } : input.audit;
}

function auditStatus(audit: AuditInput | undefined): string {
  if (!audit) return "❌ not run";
  if (audit.exitCode === 0) return "✅ no errors";
  if (audit.exitCode === 1) return "❌ error findings";
  return `❌ crashed (exit code ${audit.exitCode ?? "unknown"})`;
}

function details(summary: string, content: string): string {
  return `<details><summary>${summary}</summary>\n\n${content}\n\n</details>`;
}

// --- escaping -------------------------------------------------------------------------

/**
 * Removes what must never reach a comment or a log: ANSI escapes, C0/C1 control characters
 * (but tab and newline), and the bidirectional overrides that make text read differently
 * from what it is (https://trojansource.codes).
 */
export function stripControl(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, "")
      .replace(/\r\n?/g, "\n")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
  );
}

/** `@name` notifies name: a zero-width space after the `@` keeps the text and drops the ping. */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(?=[\w-])/g, "@\u200b");
}

/** Free text for one Markdown line (and a table cell: `|` is escaped too): every ASCII punctuation escaped, no HTML, no mentions. */
export function inline(text: string): string {
  const flat = stripControl(text).replace(/\s*\n\s*/g, " ");
  const escaped = disarmAutolinks(flat).replace(/[\\`*_{}[\]()#+!|~:=&<>@-]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : `\\${c}`));
  return neutraliseMentions(escaped);
}

/**
 * An identifier as a code span: fenced with one backtick more than the longest run inside,
 * so it cannot close early; on one line; `|` escaped in a table (GFM splits cells first).
 */
export function codeSpan(text: string, inTable = false): string {
  let s = stripControl(text).replace(/\n/g, " ");
  if (s.length > MAX_IDENTIFIER) s = `${s.slice(0, MAX_IDENTIFIER)}…`;
  if (inTable) s = s.replace(/\|/g, "\\|");
  const ticks = "`".repeat(longestRun(s, "`") + 1);
  const pad = s.startsWith("`") || s.endsWith("`") || s === "" ? " " : "";
  return `${ticks}${pad}${s}${pad}${ticks}`;
}

/**
 * The longest run of `char` in `text`, in one pass: a spread of every run into Math.max
 * overflows the call stack on hostile input (hundreds of thousands of backticks).
 */
export function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    run = text[i] === char ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

/**
 * Links GitHub would make out of plain text, disarmed with a zero-width space: bare URLs
 * (`https://`, `www.`), issue and pull-request references (`#12`, `owner/repo#12`, `GH-12`).
 * https://docs.github.com/get-started/writing-on-github/working-with-advanced-formatting/autolinked-references-and-urls
 */
export function disarmAutolinks(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*):\/\//gi, "$1:\u200b//")
    .replace(/\bwww\./gi, "www\u200b.")
    .replace(/(?<!&)#(?=\d)/g, "#\u200b")
    .replace(/\bGH-(?=\d)/gi, (m) => `${m.slice(0, 2)}\u200b-`);
}

/** Text for HTML context (`<summary>`): entities, no mentions. */
export function html(text: string): string {
  const s = stripControl(text).replace(/\n/g, " ").slice(0, MAX_IDENTIFIER);
  return neutraliseMentions(s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"));
}

/** A fenced code block longer than any backtick run inside, so the text cannot close it. */
export function fence(text: string, lang: string): string {
  const longest = Math.max(2, longestRun(text, "`"));
  const f = "`".repeat(longest + 1);
  return `${f}${lang}\n${text.replace(/\n+$/, "")}\n${f}`;
}

const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * The review's Markdown without HTML or mentions outside its code fences, images and links of
 * every kind disarmed (every `[` is written as an entity, so neither inline nor
 * reference-style links nor their definitions form; bare URLs and cross-references get a zero-width space), and every
 * fence closed. Inside fences the text is left alone: nothing renders there.
 */
export function sanitizeMarkdown(markdown: string): string {
  const lines = stripControl(markdown).split("\n");
  let open: { char: string; length: number } | undefined;
  const out: string[] = [];
  for (const line of lines) {
    const m = FENCE_LINE.exec(line);
    if (open) {
      if (m && m[1][0] === open.char && m[1].length >= open.length && m[2].trim() === "") open = undefined;
      out.push(line);
    } else if (m && !(m[1][0] === "`" && m[2].includes("`"))) {
      open = { char: m[1][0], length: m[1].length };
      out.push(line);
    } else {
      out.push(
        neutraliseMentions(
          disarmAutolinks(
            line
              .replace(/&(?![a-z]+;|#\d+;)/gi, "&amp;")
              .replace(/</g, "&lt;")
              .replace(/\[/g, "&#91;")
              .replace(/\]\(/g, "]\\("),
          ),
        ),
      );
    }
  }
  if (open) out.push(open.char.repeat(open.length));
  return out.join("\n");
}

/** Keeps the head of `text` within `max` characters and says what was cut. */
function truncate(text: string, max: number, what: string, fullTextAt: string): string {
  if (text.length <= max) return text;
  const note = `\n… ${what} truncated: ${Math.max(0, max)} of ${text.length} characters shown; the full text is in ${fullTextAt}.`;
  const keep = Math.max(0, max - note.length);
  const cut = text.lastIndexOf("\n", keep);
  return `${text.slice(0, cut > keep / 2 ? cut : keep)}${note}`;
}

/** Cuts sanitized Markdown at a line, closes a fence left open, and says what was cut. */
function truncateMarkdown(markdown: string, max: number, fullTextAt: string): string {
  if (markdown.length <= max) return markdown;
  const note = `\n\n_… review truncated: the full review is in ${fullTextAt}._`;
  const keep = Math.max(0, max - note.length - 20);
  const cut = markdown.lastIndexOf("\n", keep);
  return `${sanitizeMarkdown(markdown.slice(0, Math.max(cut, 0)))}${note}`;
}

/**
 * Text for an Actions log: no control characters, and no line that the runner would read as
 * a workflow command (`::set-output`, `::add-mask`, ... or the old `##[...]` form).
 * https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands
 */
export function safeForLog(text: string): string {
  return stripControl(text).replace(/^(\s*)(::|##\[)/gm, (_m, space: string, cmd: string) => `${space}${cmd[0]}\u200b${cmd.slice(1)}`);
}

// --- CLI ------------------------------------------------------------------------------

export const USAGE = `Usage: pr-comment [--review FILE] [--audit FILE] [--audit-exit-code N] [--stacks FILE]
                  [--plans-dir DIR] [--job NAME=RESULT]... [--current-head SHA]
                  [--out FILE] [--summary-out FILE]
       pr-comment --log FILE

Renders the pull-request review comment (markdown) from the review, the audit output and
the per-stack results in DIR (<stack>.plan.json, .plan.txt, .skipped, .failed,
.diagnostics.txt). --stacks is the base branch's list of stacks ("<stack> remote|local" a
line, scripts/ci/check-config.ts stacks): each must have a result. --job gives the result of
a job the comment depends on. With --current-head other than the reviewed commit
(PR_HEAD_SHA), the comment says the review is outdated instead of giving a verdict. Writes
the comment to --out (else stdout) and the untruncated report to --summary-out. Exit 1 when
anything failed (the comment says what; a failure of the renderer itself too), 2 on bad
arguments. --log prints FILE safe for an Actions log.
`;

const FLAGS = ["--review", "--audit", "--audit-exit-code", "--stacks", "--plans-dir", "--job", "--current-head", "--out", "--summary-out", "--log"];

export interface CliInputs {
  readonly input: PrCommentInput;
  readonly out?: string;
  readonly summaryOut?: string;
  readonly log?: string;
  /** The pull request's head now, when the workflow looked it up. */
  readonly currentHead?: string;
}

export function readInputs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliInputs {
  const args = new Map<string, string>();
  const jobs: JobResult[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!FLAGS.includes(flag)) throw new UsageError(`unknown argument ${JSON.stringify(flag)}\n\n${USAGE}`);
    const value = argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value\n\n${USAGE}`);
    if (flag === "--job") {
      const at = value.indexOf("=");
      if (at <= 0) throw new UsageError(`--job needs NAME=RESULT, not ${JSON.stringify(value)}\n\n${USAGE}`);
      jobs.push({ job: value.slice(0, at), result: value.slice(at + 1) });
    } else {
      args.set(flag, value);
    }
  }
  const unreadable: string[] = [];
  const read = (flag: string) => {
    const file = args.get(flag);
    if (file === undefined) return undefined;
    const got = readBounded(file);
    if (typeof got !== "string" && got.error !== "missing") unreadable.push(`${flag} ${JSON.stringify(file)} could not be read (${got.error})`);
    return typeof got === "string" ? got : undefined;
  };
  const auditText = read("--audit");
  const rawExit = args.get("--audit-exit-code");
  const exitCode = rawExit !== undefined && /^\d+$/.test(rawExit.trim()) ? Number(rawExit) : undefined;
  const runUrl =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  const stacksText = read("--stacks");
  if (args.has("--stacks") && stacksText === undefined && !unreadable.some((u) => u.startsWith("--stacks"))) {
    unreadable.push("the base branch's list of stacks to plan is missing");
  }
  const expectedStacks = stacksText
    ?.split("\n")
    .map((line) => line.trim().split(/\s+/)[0])
    .filter(Boolean);
  const review = read("--review");
  const plans = readPlans(args.get("--plans-dir"), expectedStacks, unreadable);
  return {
    input: {
      review,
      unreadable,
      ...(args.has("--stacks") ? { expectedStacks: expectedStacks ?? [] } : {}),
      jobs,
      audit: auditText !== undefined || rawExit !== undefined ? { text: auditText ?? "(no audit output)", exitCode } : undefined,
      plans,
      commit: env.PR_HEAD_SHA ?? env.GITHUB_SHA,
      runUrl,
    },
    out: args.get("--out"),
    summaryOut: args.get("--summary-out"),
    log: args.get("--log"),
    currentHead: args.get("--current-head"),
  };
}

export class UsageError extends Error {}

/** A file's text, at most MAX_INPUT_BYTES of it, or why not: a directory, a device, no file. */
function readBounded(file: string): string | { error: string } {
  let fd: number | undefined;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return { error: stat.isDirectory() ? "a directory, not a file" : "not a regular file" };
    fd = fs.openSync(file, "r");
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_INPUT_BYTES));
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, n).toString("utf8");
    return stat.size > MAX_INPUT_BYTES ? `${text}\n… cut: the file has ${stat.size} bytes, ${MAX_INPUT_BYTES} were read\n` : text;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: code === "ENOENT" ? "missing" : (code ?? "unreadable") };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const PLAN_FILE = /\.(plan\.json|plan\.txt|skipped|failed|fingerprint|diagnostics\.txt|config\.json)$/;

function readPlans(dir: string | undefined, expected: readonly string[] | undefined, unreadable: string[]): PlanInput[] {
  let found: string[] = [];
  if (dir !== undefined) {
    try {
      found = fs
        .readdirSync(dir)
        .filter((f) => PLAN_FILE.test(f))
        .map((f) => f.replace(PLAN_FILE, ""));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") unreadable.push(`the plans directory could not be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  const stacks = [...new Set([...(expected ?? []), ...found])].sort();
  return stacks.map((stack): PlanInput => {
    // A name outside the one stack-name grammar never becomes a path.
    if (!isStackName(stack)) return { stack, failed: "not a stack name (config/stack-name.ts); not read" };
    const text = (suffix: string) => {
      const got = dir === undefined ? { error: "missing" } : readBounded(path.join(dir, `${stack}${suffix}`));
      if (typeof got !== "string" && got.error !== "missing") unreadable.push(`${stack}${suffix} could not be read (${got.error})`);
      return typeof got === "string" ? got : undefined;
    };
    const json = text(".plan.json");
    let planJson: TerraformPlanJson | null | undefined;
    let planJsonError: string | undefined;
    if (json !== undefined) {
      try {
        planJson = JSON.parse(json) as TerraformPlanJson | null;
        if (planJson !== null && (typeof planJson !== "object" || Array.isArray(planJson))) planJsonError = "not a JSON object";
      } catch (e) {
        // Not the parser's message: V8 quotes the text around the error.
        const at = /position (\d+)/.exec((e as Error).message);
        planJsonError = `truncated or invalid JSON${at ? ` at character ${at[1]} of ${json.length}` : ""}`;
      }
    }
    const failed = text(".failed");
    return {
      stack,
      ...(planJsonError ? { planJsonError } : { planJson }),
      // A failed stack has Terraform's error summaries, never its raw output.
      planText: failed === undefined ? text(".plan.txt") : text(".diagnostics.txt"),
      skipped: text(".skipped")?.trim(),
      failed: failed === undefined ? undefined : failed.trim() || true,
      fingerprint: text(".fingerprint")?.trim(),
    };
  });
}

/** Runs the CLI; any failure of the renderer still writes a ❌ comment to --out. */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const parsed = readInputs(argv, env);
  const { input, out, summaryOut, log, currentHead } = parsed;
  if (log !== undefined) {
    const got = readBounded(log);
    process.stdout.write(safeForLog(typeof got === "string" ? got : `(no file ${log}: ${got.error})\n`));
    return 0;
  }
  const write = (body: string) => (out ? fs.writeFileSync(out, body) : process.stdout.write(body));
  try {
    if (currentHead !== undefined && input.commit !== undefined && currentHead !== input.commit) {
      write(renderOutdatedComment(input.commit, currentHead, input.runUrl));
      process.stderr.write(safeForLog(`pr-comment: outdated: reviewed ${input.commit}, the pull request is at ${currentHead}; no verdict\n`));
      return 0;
    }
    write(renderPrComment(input));
    if (summaryOut) fs.writeFileSync(summaryOut, renderJobSummary(input));
  } catch (e) {
    write(renderFailureComment(`${(e as Error).name}: ${(e as Error).message}`, input.commit));
    process.stderr.write(safeForLog(`pr-comment: the renderer failed: ${(e as Error).message}\n`));
    return 1;
  }
  const problems = failures(input);
  for (const p of problems) process.stderr.write(safeForLog(`pr-comment: ❌ ${p}\n`));
  return problems.length ? 1 : 0;
}

// Not `require.main === module`: Node runs this file as an ES module when it strips the types.
if (/pr-comment\.m?[jt]s$/.test(process.argv[1] ?? "")) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(safeForLog(`pr-comment: ${(e as Error).message}\n`));
    process.exitCode = 2;
  }
}
