#!/usr/bin/env node
/**
 * pr-comment: the one sticky pull-request comment of the PR review workflow.
 *
 *   pr-comment --review cdktf.out/review.md --audit audit.txt --audit-exit-code 1 \
 *              --plans-dir plans --out comment.md
 *
 * `--plans-dir` holds, per stack, `<stack>.plan.json` (`terraform show -json tfplan`),
 * `<stack>.plan.txt` (`terraform show -no-color tfplan` or the failed plan's output),
 * and optionally `<stack>.skipped` (why no plan was made) or `<stack>.failed`.
 *
 * `renderPrComment` is pure: tests call it with fixtures; the CLI only reads files.
 */
import * as fs from "fs";
import * as path from "path";

/** Finds the comment to update instead of adding a new one on every push. */
export const COMMENT_MARKER = "<!-- chat-platform-review -->";
/** GitHub rejects issue comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** The parts of `terraform show -json` output this comment reads. */
export interface TerraformPlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly change: { readonly actions: readonly string[] };
  }[];
}

export interface PlanInput {
  readonly stack: string;
  /** `terraform show -json` output, parsed. */
  readonly planJson?: TerraformPlanJson;
  /** Human-readable plan (or the error output of a failed plan). */
  readonly planText?: string;
  /** Why no plan was made (e.g. local state, no Azure credentials on fork PRs). */
  readonly skipped?: string;
  /** The plan command failed; planText holds its output. */
  readonly failed?: boolean;
}

export interface AuditInput {
  /** The audit CLI's table output. */
  readonly text: string;
  /** The audit CLI's exit code: 0 clean, 1 error findings, 2 could not run. */
  readonly exitCode?: number;
}

export interface PrCommentInput {
  /** The review markdown `npm start` writes (access matrix, app settings, flows). */
  readonly review?: string;
  readonly audit?: AuditInput | string;
  readonly plans: readonly PlanInput[];
  /** Commit and run, shown so reviewers know which push the comment describes. */
  readonly commit?: string;
  readonly runUrl?: string;
  /** @default GITHUB_COMMENT_LIMIT */
  readonly maxLength?: number;
}

export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Delete-and-recreate, counted apart from add and destroy (Terraform counts it in both). */
  readonly replace: number;
  /** Addresses destroyed or replaced: what a reviewer must look at first. */
  readonly destructive: readonly string[];
}

/** Counts a plan's changes from `resource_changes[].change.actions`. */
export function summarizePlan(plan: TerraformPlanJson): PlanSummary {
  let add = 0;
  let change = 0;
  let destroy = 0;
  let replace = 0;
  const destructive: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const a = rc.change.actions;
    // https://developer.hashicorp.com/terraform/internals/json-format#change-representation
    if (a.includes("delete") && a.includes("create")) {
      replace++;
      destructive.push(rc.address);
    } else if (a.includes("create")) add++;
    else if (a.includes("update")) change++;
    else if (a.includes("delete")) {
      destroy++;
      destructive.push(rc.address);
    }
  }
  return { add, change, destroy, replace, destructive };
}

/** Renders the whole comment, never longer than `maxLength`. */
export function renderPrComment(input: PrCommentInput): string {
  const limit = input.maxLength ?? GITHUB_COMMENT_LIMIT;
  const audit = typeof input.audit === "string" ? { text: input.audit } : input.audit;
  const failedPlans = input.plans.filter((p) => p.failed);

  const head: string[] = [COMMENT_MARKER, "## Chat platform review", ""];
  const meta = [input.commit && `commit \`${input.commit.slice(0, 12)}\``, input.runUrl && `[workflow run](${input.runUrl})`].filter(Boolean);
  if (meta.length) head.push(`<sub>${meta.join(" · ")}</sub>`, "");
  head.push(`**Guardrails:** ${auditStatus(audit)} · **Plans:** ${failedPlans.length ? `❌ ${failedPlans.length} failed` : `${input.plans.filter((p) => p.planJson).length} of ${input.plans.length} stacks planned`}`, "");

  head.push("### Terraform plan", "", "| Stack | Add | Change | Destroy | Replace | |", "|---|---:|---:|---:|---:|---|");
  for (const p of input.plans) head.push(planRow(p));
  head.push("");
  for (const p of input.plans) {
    const s = p.planJson && summarizePlan(p.planJson);
    if (s?.destructive.length) {
      head.push(`> [!WARNING]`, `> **${p.stack}** destroys or replaces ${s.destructive.length} resource(s): ${s.destructive.map((a) => `\`${a}\``).join(", ")}`, "");
    }
  }

  // Fixed parts first; the review and the plan texts share what is left of the limit.
  const auditBlock = audit ? ["### Guardrails audit", "", details("Audit findings", fence(audit.text, "text")), ""].join("\n") : "";
  const footer = "\n<sub>Updated in place on every push. Plans are speculative (`-lock=false`): `terraform apply` in the deploy workflow plans again.</sub>\n";
  let budget = limit - head.join("\n").length - auditBlock.length - footer.length - 200;

  const reviewText = input.review?.trim() ? input.review.trim() : "_No review was generated (`npm start` writes cdktf.out/review.md)._";
  const review = truncate(reviewText, Math.max(0, Math.min(reviewText.length, Math.floor(budget * 0.4))), "review");
  budget -= review.length + 40;

  const planBlocks: string[] = [];
  const texts = input.plans.filter((p) => p.planText !== undefined);
  let remaining = texts.length;
  for (const p of texts) {
    const share = Math.max(0, Math.floor(budget / remaining) - 120);
    const block = details(`Plan output: ${p.stack}${p.failed ? " (failed)" : ""}`, fence(truncate(stripAnsi(p.planText ?? ""), share, "plan"), p.failed ? "text" : "diff"));
    planBlocks.push(block);
    budget -= block.length + 2;
    remaining--;
  }

  const body = [...head, ...planBlocks.flatMap((b) => [b, ""]), auditBlock, "### Review", "", review, footer].join("\n");
  // The shares above are estimates; this guarantees the limit whatever the input.
  return body.length <= limit ? body : `${body.slice(0, limit - 80)}\n\n_Comment truncated to GitHub's ${limit}-character limit._\n`;
}

function planRow(p: PlanInput): string {
  if (p.failed) return `| ${p.stack} | | | | | ❌ plan failed |`;
  if (!p.planJson) return `| ${p.stack} | | | | | ⏭️ ${escapeCell(p.skipped ?? "not planned")} |`;
  const s = summarizePlan(p.planJson);
  const none = s.add + s.change + s.destroy + s.replace === 0;
  return `| ${p.stack} | ${s.add} | ${s.change} | ${s.destroy} | ${s.replace} | ${none ? "✅ no changes" : s.destructive.length ? "⚠️ destructive" : ""} |`;
}

function auditStatus(audit: AuditInput | undefined): string {
  if (!audit) return "⏭️ not run";
  if (audit.exitCode === undefined) return "see below";
  if (audit.exitCode === 0) return "✅ no errors";
  if (audit.exitCode === 1) return "❌ error findings (the check fails)";
  return `⚠️ could not run (exit ${audit.exitCode})`;
}

function details(summary: string, content: string): string {
  return `<details><summary>${summary}</summary>\n\n${content}\n\n</details>`;
}

/** A code fence longer than any backtick run inside, so plan text cannot close it. */
function fence(text: string, lang: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const f = "`".repeat(longest + 1);
  return `${f}${lang}\n${text.replace(/\n+$/, "")}\n${f}`;
}

/** Keeps the head of `text` within `max` characters and says what was cut. */
function truncate(text: string, max: number, what: string): string {
  if (text.length <= max) return text;
  const note = `\n... ${what} truncated: ${max} of ${text.length} characters shown; the full text is in the workflow run's artifacts.`;
  const keep = Math.max(0, max - note.length);
  const cut = text.lastIndexOf("\n", keep);
  return `${text.slice(0, cut > keep / 2 ? cut : keep)}${note}`;
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

// --- CLI ------------------------------------------------------------------------------

export const USAGE = `Usage: pr-comment [--review FILE] [--audit FILE] [--audit-exit-code N] [--plans-dir DIR] [--out FILE]

Renders the pull-request review comment (markdown) from the review, the audit output
and the per-stack plans in DIR (<stack>.plan.json, <stack>.plan.txt, <stack>.skipped,
<stack>.failed). Writes to stdout unless --out is given. Reads GITHUB_SHA and the run URL
from the GitHub Actions environment when present.
`;

export function readInputs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { input: PrCommentInput; out?: string } {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!["--review", "--audit", "--audit-exit-code", "--plans-dir", "--out"].includes(flag)) throw new Error(`unknown argument ${flag}\n\n${USAGE}`);
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n\n${USAGE}`);
    args.set(flag, value);
  }
  const read = (file: string | undefined) => (file && fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined);
  const auditText = read(args.get("--audit"));
  const exitCode = args.has("--audit-exit-code") ? Number(args.get("--audit-exit-code")) : undefined;
  const runUrl = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  return {
    input: {
      review: read(args.get("--review")),
      audit: auditText !== undefined ? { text: auditText, exitCode } : exitCode !== undefined ? { text: "(no audit output)", exitCode } : undefined,
      plans: readPlans(args.get("--plans-dir")),
      commit: env.PR_HEAD_SHA ?? env.GITHUB_SHA,
      runUrl,
    },
    out: args.get("--out"),
  };
}

const PLAN_FILE = /\.(plan\.json|plan\.txt|skipped|failed)$/;

function readPlans(dir: string | undefined): PlanInput[] {
  if (!dir || !fs.existsSync(dir)) return [];
  const stacks = [...new Set(fs.readdirSync(dir).filter((f) => PLAN_FILE.test(f)).map((f) => f.replace(PLAN_FILE, "")))].sort();
  return stacks.map((stack) => {
    const file = (suffix: string) => path.join(dir, `${stack}${suffix}`);
    const text = (suffix: string) => (fs.existsSync(file(suffix)) ? fs.readFileSync(file(suffix), "utf8") : undefined);
    const json = text(".plan.json");
    return {
      stack,
      planJson: json ? (JSON.parse(json) as TerraformPlanJson) : undefined,
      planText: text(".plan.txt"),
      skipped: text(".skipped")?.trim(),
      failed: fs.existsSync(file(".failed")),
    };
  });
}

if (require.main === module) {
  try {
    const { input, out } = readInputs(process.argv.slice(2));
    const body = renderPrComment(input);
    if (out) fs.writeFileSync(out, body);
    else process.stdout.write(body);
  } catch (e) {
    process.stderr.write(`pr-comment: ${(e as Error).message}\n`);
    process.exit(2);
  }
}
