import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { ChatStackProps, StackObservabilityProps } from "../app/chat-stack";
import { type EnvironmentConfig, EnvironmentsFileSchema, type ObservabilityConfig } from "./schema";
import { findDuplicateKeys } from "./duplicate-keys";
import { checkEnvironments } from "./rules";

/** The configuration file, relative to the project root (the directory commands run in). */
export const ENVIRONMENTS_FILE = "config/environments.json";

/** The environment variable naming another configuration file (`--config FILE` wins over it). */
export const CONFIG_ENV = "CHAT_CONFIG";

/** One problem in the configuration file: where, and what is wrong. */
export interface ConfigIssue {
  /** Dotted path of the bad field, e.g. `environments.prod.search.replicaCount`. */
  readonly path: string;
  readonly message: string;
  /** The value found there, when there is one. */
  readonly value?: unknown;
  /** What to write instead. */
  readonly fix?: string;
}

/** The configuration file does not have the expected shape. Lists every problem at once. */
export class ConfigError extends Error {
  constructor(
    public readonly source: string,
    public readonly issues: readonly ConfigIssue[],
  ) {
    super(`${source} is invalid:\n${issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Validates a parsed environments file and maps each environment to the props of its
 * stack. The result's keys are the stack names.
 *
 * @param json the parsed file content (anything: it is validated here)
 * @param source how to name the file in errors
 * @throws ConfigError naming the path of every bad field
 */
export function loadEnvironments(json: unknown, source = ENVIRONMENTS_FILE): Record<string, ChatStackProps> {
  const parsed = EnvironmentsFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      source,
      parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message, value: valueAt(json, i.path), fix: fixFor(i) })),
    );
  }
  const { defaults = {}, environments } = parsed.data;
  // Rules the shape cannot express: what Azure or the state backend refuses at deploy.
  const issues = checkEnvironments(parsed.data);
  if (issues.length > 0) throw new ConfigError(source, issues);
  const stacks: Record<string, ChatStackProps> = {};
  for (const [name, env] of Object.entries(environments)) {
    stacks[name] = toChatStackProps(name, deepMerge(defaults, env));
  }
  return stacks;
}

/** Maps one validated environment to ChatStack props. Semantics are the constructs' job. */
export function toChatStackProps(name: string, env: EnvironmentConfig): ChatStackProps {
  const { remoteState, observability, ...platform } = env;
  return {
    platform: { ...platform, environment: name },
    remoteState,
    observability: toObservability(observability),
  };
}

function toObservability(config: ObservabilityConfig | undefined): StackObservabilityProps | false {
  if (config?.enabled === false) return false;
  const { enabled: _enabled, alerts, ...rest } = config ?? {};
  if (alerts?.enabled === false) return { ...rest, alerts: false };
  const { enabled: _alertsEnabled, ...alertProps } = alerts ?? {};
  return { ...rest, alerts: alertProps };
}

/** The value at a zod issue's path in the raw JSON, if it is there. */
function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = json;
  for (const key of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** The fix for one shape problem, in the words of the schema (zod's message says what was expected). */
function fixFor(issue: { code: string; message: string; keys?: readonly string[] }): string {
  if (issue.code === "unrecognized_keys")
    return `remove ${issue.keys?.map((k) => JSON.stringify(k)).join(", ") ?? "it"} or correct the spelling (config/environments.schema.json lists every field; editors complete them)`;
  return "see config/environments.schema.json for the allowed values (editors that read $schema show them as you type)";
}

/** `environments.prod.developers[0].objectId` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), "");
}

/** Objects merge key by key; arrays, null and scalars from `over` replace `base`. */
function deepMerge<T extends object>(base: T, over: T): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(over) as [string, unknown][]) {
    const prior = out[key];
    out[key] = isPlainObject(prior) && isPlainObject(value) ? deepMerge<Record<string, unknown>>(prior, value) : value;
  }
  return out as T;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The configuration file a command uses: `--config FILE`, else $CHAT_CONFIG, else
 * config/environments.json; relative paths are resolved from `cwd`.
 */
export function configFile(args: readonly string[] = [], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const i = args.indexOf("--config");
  const given = i >= 0 ? args[i + 1] : args.find((a) => a.startsWith("--config="))?.slice("--config=".length);
  if (i >= 0 && (!given || given.startsWith("--"))) {
    throw new ConfigError("--config", [{ path: "--config", message: "needs a file name", fix: "run with --config path/to/environments.json" }]);
  }
  return resolve(cwd, given || env[CONFIG_ENV] || ENVIRONMENTS_FILE);
}

/**
 * Reads, parses and validates an environments file now (never at build time, so every
 * command sees the file as it is on disk).
 *
 * @throws ConfigError when the file cannot be read, is not JSON (with line and column)
 * or has a bad field
 */
export function readEnvironments(file = configFile()): Record<string, ChatStackProps> {
  const fromCwd = relative(process.cwd(), file);
  const shown = fromCwd && !fromCwd.startsWith("..") ? fromCwd : file;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a folder, not a file" : `cannot be read (${(e as Error).message})`;
    throw new ConfigError(shown, [{ path: "", message: reason, fix: `create it (copy ${ENVIRONMENTS_FILE}) or point --config / ${CONFIG_ENV} at an existing file` }]);
  }
  // A byte order mark is what Windows PowerShell 5.1 (Set-Content -Encoding UTF8) and
  // some editors write first; JSON parsers may ignore it (RFC 8259, section 8.1).
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const { line, column, reason } = jsonSyntaxError(text, (e as Error).message);
    throw new ConfigError(`${shown}:${line}:${column}`, [
      { path: "", message: `is not valid JSON: ${reason}`, fix: "correct the JSON at that line and column (no trailing commas, no comments, double-quoted names)" },
    ]);
  }
  const duplicates = findDuplicateKeys(text);
  if (duplicates.length > 0) {
    throw new ConfigError(
      shown,
      duplicates.map((d) => ({
        path: formatPath(d.path),
        message: `is written twice in one object (lines ${d.firstLine} and ${d.line}); JSON keeps only the last, so the first would be dropped without a word`,
        fix: `rename or remove one of them (line ${d.line}, column ${d.column})`,
      })),
    );
  }
  return loadEnvironments(json, shown);
}

/**
 * Line and column (1-based) of a JSON.parse failure. V8 names a position for most
 * errors ("... in JSON at position 7"); for the rest ("Unexpected token"), the shortest
 * prefix of the text that fails other than by running out of text ends at the bad
 * character.
 */
export function jsonSyntaxError(text: string, message: string): { line: number; column: number; reason: string } {
  // V8 quotes the text around the error, cut with "..." at either end; the line and column say where.
  const reason = message.replace(/ in JSON at position \d+.*$/s, "").replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "");
  let position = Number(/at position (\d+)/.exec(message)?.[1] ?? Number.NaN);
  if (Number.isNaN(position)) {
    const failsEarly = (n: number) => {
      try {
        JSON.parse(text.slice(0, n));
        return false;
      } catch (e) {
        // Running out of text is not the error we are looking for.
        const m = (e as Error).message;
        const at = /at position (\d+)/.exec(m);
        return at ? Number(at[1]) < n : !/Unexpected end of JSON input/.test(m);
      }
    };
    let lo = 0;
    let hi = text.length;
    if (failsEarly(hi)) {
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (failsEarly(mid)) hi = mid;
        else lo = mid + 1;
      }
      position = lo - 1;
    } else {
      position = text.length;
    }
  }
  const before = text.slice(0, Math.max(0, position));
  const line = before.split("\n").length;
  const column = position - (before.lastIndexOf("\n") + 1) + 1;
  return { line, column, reason };
}

/** The shipped environments (config/environments.json, or --config / $CHAT_CONFIG), validated. */
export function shippedEnvironments(): Record<string, ChatStackProps> {
  return readEnvironments();
}
