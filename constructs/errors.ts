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

/**
 * Several problems found in one pass. Each is a ValidationError of its own; a person
 * fixing a configuration sees all of them in one run instead of one per run.
 */
export class ValidationErrors extends Error {
  constructor(public readonly errors: readonly ValidationError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.name = "ValidationErrors";
  }
}

/**
 * Gathers ValidationErrors from checks that do not depend on each other, so one run
 * reports every problem: `attempt` runs a check and keeps its error, `throwIfAny` ends
 * the pass (one error is thrown as itself, several as ValidationErrors).
 */
export class ProblemCollector {
  private readonly found: ValidationError[] = [];

  /** Runs `check`; a validation failure is recorded and undefined returned. Anything else is a bug and propagates. */
  public attempt<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (e) {
      if (e instanceof ValidationError) this.found.push(e);
      else if (e instanceof ValidationErrors) this.found.push(...e.errors);
      else throw e;
      return undefined;
    }
  }

  public add(error: ValidationError): void {
    this.found.push(error);
  }

  public get errors(): readonly ValidationError[] {
    return this.found;
  }

  public throwIfAny(): void {
    if (this.found.length === 1) throw this.found[0];
    if (this.found.length > 1) throw new ValidationErrors([...this.found]);
  }
}
