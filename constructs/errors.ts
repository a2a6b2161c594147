import { IConstruct } from "constructs";

/**
 * Bad input, reported at synth time before anything reaches Azure.
 *
 * The message always answers the four questions a person needs to act:
 * which construct, which field, which value, and what to do instead.
 */
export class ValidationError extends Error {
  public readonly constructPath: string;
  public readonly field: string;
  public readonly value: unknown;
  /** What is wrong with the value, e.g. "is out of range". */
  public readonly problem: string;
  public readonly fix: string;

  constructor(scope: IConstruct | string, field: string, value: unknown, problem: string, fix: string) {
    const path = typeof scope === "string" ? scope : scope.node.path;
    super(`${path}: ${field} = ${describe(value)} ${problem}. Fix: ${fix}`);
    this.name = "ValidationError";
    this.constructPath = path;
    this.field = field;
    this.value = value;
    this.problem = problem;
    this.fix = fix;
  }
}

/** A value as it appears in error messages: JSON, at most 120 characters. */
export function describe(value: unknown): string {
  if (value === undefined) return "(not set)";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
