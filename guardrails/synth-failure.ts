import type { Finding } from "./rule";

/**
 * Every problem that fails the synth of one stack, in one error: the guardrails' error
 * findings (in the construct API's terms where a library construct made the resource:
 * construct-fixes.ts) and every other validation of the stack's construct tree (the
 * constructs' own, cdktf's). cdktf would report validations itself with a hint to pass
 * `skipValidation: true`, which switches every guardrail off; this error says how to
 * fix each problem, or to suppress one finding for one resource with a reason, and
 * nothing else.
 */
export class SynthFailure extends Error {
  constructor(
    /** The stack's construct path. */
    public readonly stack: string,
    public readonly problems: readonly SynthProblem[],
  ) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    const guardrails = problems.some((p) => p.ruleId !== undefined);
    super(
      [
        `Synth of stack "${stack}" failed, ${count}:`,
        ...problems.map((p) => `  ${problemLine(p)}`),
        ...(guardrails ? ["A guardrail finding you accept on purpose is suppressed for that one resource, with the reason: Guardrails.suppress(resource, ruleId, reason)."] : []),
      ].join("\n"),
    );
    this.name = "SynthFailure";
  }
}

/** One problem: where (a construct path), what, the fix. */
export interface SynthProblem {
  /** A construct path, or a Terraform address with its construct path. */
  readonly where: string;
  /** The guardrail rule, for a finding. */
  readonly ruleId?: string;
  readonly problem: string;
  readonly fix?: string;
}

/** `[RULE] message Fix: fix` when the message names its resource or construct, else `[RULE] where: message Fix: fix`. */
export function problemLine(p: SynthProblem): string {
  const names = p.ruleId !== undefined && (p.problem.startsWith(p.where) || p.problem.startsWith("the ") || /^[a-z_]+\.[\w-]+ /.test(p.problem));
  return `${p.ruleId ? `[${p.ruleId}] ` : ""}${names ? "" : `${p.where}: `}${p.problem}${p.fix ? ` Fix: ${p.fix}` : ""}`;
}

/** A guardrail finding as a problem of the synth. */
export function findingProblem(f: Finding): SynthProblem {
  return { where: f.constructPath ?? f.address, ruleId: f.ruleId, problem: f.message, fix: f.fix };
}

/**
 * A validation message as a problem: the constructs' ValidationError reads
 * `<path>: <field> = <value> <problem>. Fix: <fix>`; anything else (cdktf's) is kept whole.
 */
export function validationProblem(path: string, message: string): SynthProblem {
  const fixAt = message.lastIndexOf(". Fix: ");
  const body = fixAt >= 0 ? message.slice(0, fixAt) : message;
  const own = /^([^\s:]+): /.exec(body);
  return {
    where: own ? own[1] : path,
    problem: own ? body.slice(own[0].length) : body,
    ...(fixAt >= 0 ? { fix: message.slice(fixAt + ". Fix: ".length) } : {}),
  };
}
