#!/usr/bin/env node
/**
 * diagnostics: what may leave the runner when `terraform init` or `plan` fails.
 *
 *   terraform plan -json ... > "$work/plan.jsonl"
 *   node scripts/ci/diagnostics.ts "$work/plan.jsonl" >> plans/prod.failed
 *
 * Reads Terraform's machine-readable output (one JSON message a line,
 * https://developer.hashicorp.com/terraform/internals/machine-readable-ui) and prints one line
 * per error diagnostic: its summary and the address or block it names. Never the detail, the
 * snippet or the raw output: a precondition's `error_message`, a provider's API response or
 * a backend's error can carry a value of the state, and they are all in the detail. The
 * summaries themselves are cut, stripped of control characters, and cleaned of key-shaped
 * text, inline credentials and the runner's credentials (catalogue/secrets.ts decides).
 *
 * Dependency-free, erasable TypeScript: the token jobs run it with Node's type stripping.
 */
import * as fs from "node:fs";
import { inlineCredential, keyShapedRun, redactCopies, secretSkeletons } from "../../catalogue/secrets.ts";
import { runnerCredentials } from "./runner-credentials.ts";

/** A summary longer than this is cut: summaries are one line in Terraform's own diagnostics. */
const MAX_SUMMARY = 240;
/** More errors than this are counted, not listed. */
const MAX_DIAGNOSTICS = 20;
const REDACTED = "(redacted)";

/** The error diagnostics of a `-json` output, one safe line each. */
export function errorSummaries(jsonLines: string, knownSecrets: readonly string[] = []): string[] {
  const skeletons = knownSecrets.flatMap(secretSkeletons);
  const out: string[] = [];
  let more = 0;
  for (const line of jsonLines.split("\n")) {
    if (!line.startsWith("{")) continue;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      continue;
    }
    const diagnostic = isObject(message) && isObject(message.diagnostic) ? message.diagnostic : undefined;
    if (diagnostic?.severity !== "error") continue;
    if (out.length >= MAX_DIAGNOSTICS) {
      more++;
      continue;
    }
    const summary = clean(typeof diagnostic.summary === "string" ? diagnostic.summary : "(no summary)", skeletons);
    const snippet = isObject(diagnostic.snippet) ? diagnostic.snippet : undefined;
    const where = typeof diagnostic.address === "string" ? diagnostic.address : typeof snippet?.context === "string" ? snippet.context : undefined;
    out.push(where ? `${summary} (${clean(where, skeletons)})` : summary);
  }
  if (more > 0) out.push(`… and ${more} more error(s)`);
  return out;
}

/** One line of plain text: no control characters, no key-shaped runs or inline credentials. */
function clean(text: string, skeletons: readonly string[]): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  let s = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, " ").trim();
  if (s.length > MAX_SUMMARY) s = `${s.slice(0, MAX_SUMMARY)}…`;
  for (let run = keyShapedRun(s); run !== undefined; run = keyShapedRun(s)) s = s.split(run).join(REDACTED);
  const marker = inlineCredential(s);
  if (marker !== undefined) s = `${s.slice(0, s.indexOf(marker))}${REDACTED}`;
  return redactCopies(s, skeletons).replace(/::/g, ": :");
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Not `require.main === module`: Node runs this file as an ES module when it strips the types.
if (/diagnostics\.m?[jt]s$/.test(process.argv[1] ?? "")) {
  const file = process.argv[2];
  if (!file || process.argv.length !== 3) {
    process.stderr.write("Usage: diagnostics TERRAFORM_JSON_OUTPUT\n");
    process.exitCode = 2;
  } else {
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const lines = errorSummaries(text, runnerCredentials(process.env));
    process.stdout.write(lines.length ? lines.map((l) => `  error: ${l}\n`).join("") : "  (Terraform reported no error diagnostic)\n");
  }
}
