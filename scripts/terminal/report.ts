import { ConfigError } from "../../config/environments";
import { ValidationError, ValidationErrors, describe } from "../../constructs/errors";
import { mapStackToSources } from "./stack";
import { SynthFailure } from "../../guardrails/synth-failure";

/**
 * The terminal's error boundary: every command run through `scripts/run.cjs` ends here
 * when it fails. Known failures (a bad configuration, a construct's validation, a
 * guardrail error) print one short block per problem, where, the value and the fix,
 * with no stack trace; anything else is a bug and prints its stack, mapped to the
 * TypeScript sources.
 *
 * The exit code is set, never forced: `process.exit()` would cut off output still
 * queued for a pipe (CI logs, `| tee`, the cdktf CLI capturing the app).
 */
export async function runCommand(command: () => void | Promise<void>, outcome: () => Outcome = () => NOTHING_SYNTHESIZED): Promise<void> {
  try {
    await command();
  } catch (e) {
    process.stderr.write(formatFailure(e, outcome()));
    process.exitCode = 1;
  }
}

/** The line after a known failure's problems: what the command left as it was ("1 problem", "2 problems"). */
export type Outcome = (count: string) => string;

export const NOTHING_SYNTHESIZED: Outcome = (count) => `Nothing was synthesized (${count}; the previous output is unchanged).`;

/** One problem: where (file and field, or construct path), what is wrong and the fix. */
export interface Problem {
  readonly where: string;
  readonly problem: string;
  readonly fix?: string;
}

/** The text printed for a failure; known failures end with a count of problems. */
export function formatFailure(e: unknown, outcome: Outcome = NOTHING_SYNTHESIZED): string {
  const problems = knownProblems(e);
  if (!problems) {
    const stack = e instanceof Error ? mapStackToSources(e.stack ?? `${e.name}: ${e.message}`) : String(e);
    return `${clean(`Unexpected error (a bug, not your input; please report it with this output):\n${stack}`)}\n`;
  }
  const blocks = problems.map((p) => [`✗ ${p.where}`, `  ${p.problem}`, ...(p.fix ? [`  fix: ${p.fix}`] : [])].map(clean).join("\n"));
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return `${blocks.join("\n\n")}\n\n${outcome(count)}\n`;
}

/** The problems of a known failure, or undefined for anything else. */
export function knownProblems(e: unknown): Problem[] | undefined {
  if (e instanceof ConfigError) {
    return e.issues.map((i) => ({
      where: `${e.source}${i.path ? `: ${i.path}` : ""}${i.value !== undefined && typeof i.value !== "object" ? ` = ${describe(i.value)}` : ""}`,
      problem: i.message,
      fix: i.fix,
    }));
  }
  if (e instanceof SynthFailure) {
    return e.problems.map((p) => ({ where: p.ruleId ? `${p.where}: guardrail ${p.ruleId}` : p.where, problem: p.problem, fix: p.fix }));
  }
  if (e instanceof ValidationError) return [validationProblem(e)];
  if (e instanceof ValidationErrors) return e.errors.map(validationProblem);
  if (e instanceof Error) return validationFailures(e.message);
  return undefined;
}

function validationProblem(e: ValidationError): Problem {
  return { where: `${e.constructPath}: ${e.field} = ${describe(e.value)}`, problem: e.problem, fix: e.fix };
}

/**
 * cdktf reports failed validations (our guardrails among them) as one Error whose
 * message lists `[construct path] message` lines under a fixed heading
 * (cdktf/lib/errors.js stackValidationFailure and appValidationFailure).
 */
const VALIDATION_HEADING = /^(?:App-level validation|Validation) failed with the following errors:\n/;

function validationFailures(message: string): Problem[] | undefined {
  if (!VALIDATION_HEADING.test(message)) return undefined;
  const lines = message.replace(VALIDATION_HEADING, "").split("\n");
  const problems: Problem[] = [];
  for (const line of lines) {
    const m = /^\s*\[([^\]]*)\] (.*)$/.exec(line);
    if (!m) continue;
    const [, path, text] = m;
    // Guardrail findings read "[RULE-ID] address (construct path): message Fix: fix".
    const fixAt = text.lastIndexOf(" Fix: ");
    const body = fixAt >= 0 ? text.slice(0, fixAt) : text;
    const finding = /^\[([A-Z0-9-]+)\] (.*)$/.exec(body);
    problems.push({
      where: finding ? `${path}: guardrail ${finding[1]}` : path,
      problem: finding ? finding[2] : body,
      fix: fixAt >= 0 ? text.slice(fixAt + " Fix: ".length) : undefined,
    });
  }
  return problems.length > 0 ? problems : undefined;
}

/** Terminal-safe text: control characters (escape sequences) from config values are shown, not obeyed. */
function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
