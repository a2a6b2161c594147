import type { ChatStackProps, StackObservabilityProps } from "../app/chat-stack";
import { EnvironmentConfig, EnvironmentsFileSchema, ObservabilityConfig } from "./schema";
import environmentsJson from "./environments.json";

/** The path the shipped configuration is reported under. */
export const ENVIRONMENTS_FILE = "config/environments.json";

/** One problem in the configuration file: where, and what is wrong. */
export interface ConfigIssue {
  /** Dotted path of the bad field, e.g. `environments.prod.search.replicaCount`. */
  readonly path: string;
  readonly message: string;
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
      parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  const { defaults = {}, environments } = parsed.data;
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

/** `environments.prod.developers[0].objectId` */
function formatPath(path: readonly PropertyKey[]): string {
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

/** The shipped environments (config/environments.json), validated. */
export function shippedEnvironments(): Record<string, ChatStackProps> {
  return loadEnvironments(environmentsJson);
}
