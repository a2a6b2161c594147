/** A command-line mistake: the CLI prints it with its usage and exits 2. */
export class UsageError extends Error {}

/** One argument as a CLI sees it: `--out x`, `--out=x` and `-o x` all give flag and value. */
export interface CliArg {
  /** The argument as typed. */
  readonly arg: string;
  /** The flag part (`--out` of `--out=x`), or the whole argument. */
  readonly flag: string;
  /** The flag's value, inline or the next argument (consumed); a UsageError when missing. */
  value(): string;
}

/** Walks `argv`, handing each argument to `visit` with its value accessor. */
export function eachArg(argv: readonly string[], visit: (a: CliArg) => void): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    visit({
      arg,
      flag,
      value: () => {
        const v = inline ?? argv[++i];
        if (v === undefined || v === "") throw new UsageError(`${flag} needs a value`);
        return v;
      },
    });
  }
}
