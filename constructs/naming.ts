import { createHash } from "crypto";
import { IConstruct } from "constructs";
import { ValidationError } from "./errors";
import { isUnresolved } from "./validate";

/**
 * Deterministic, rule-abiding resource names.
 *
 * A name is `<prefix>-<environment>-<abbreviation>-<hash>`, squeezed into the
 * resource's length and charset. The hash is a short digest of the naming seed, so the
 * same inputs give the same names on every machine (stable plans), while two
 * platforms that differ in prefix, environment, region or seed do not collide in
 * Azure's global namespaces (storage, Key Vault, Search, web apps, OpenAI subdomains).
 *
 * Rules: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
 */

export interface NameRule {
  /** What the name names, for error messages. */
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly pattern: RegExp;
  /** The rule in words, for error messages. */
  readonly allowed: string;
  /** Abbreviation (Cloud Adoption Framework style) used when deriving the name. */
  readonly abbreviation: string;
  /** Whether hyphens may separate the parts of a derived name. */
  readonly hyphens: boolean;
}

const ALNUM_HYPHEN = "letters, digits and single hyphens; start and end with a letter or digit";

export const NAME_RULES = Object.freeze({
  resourceGroup: rule("resource group name", 1, 90, /^[-\w.()]*[-\w()]$/, "letters, digits, '-', '_', '.', '(' and ')'; must not end with '.'", "rg", true),
  openai: rule("Azure OpenAI account name", 2, 64, /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/, ALNUM_HYPHEN, "oai", true),
  customSubdomain: rule("custom subdomain", 2, 64, /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, `lower-case ${ALNUM_HYPHEN}`, "oai", true),
  search: rule("Search service name", 2, 60, /^[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$/, `lower-case ${ALNUM_HYPHEN}; no '--'`, "srch", true),
  storage: rule("storage account name", 3, 24, /^[a-z0-9]+$/, "lower-case letters and digits only", "st", false),
  storageContainer: rule("storage container name", 3, 63, /^[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$/, `lower-case ${ALNUM_HYPHEN}; no '--'`, "", true),
  keyVault: rule("Key Vault name", 3, 24, /^[a-zA-Z](?:[a-zA-Z0-9]|-(?!-))*[a-zA-Z0-9]$/, "letters, digits and single hyphens; start with a letter, end with a letter or digit", "kv", true),
  keyVaultObject: rule("Key Vault secret or key name", 1, 127, /^[a-zA-Z0-9-]+$/, "letters, digits and hyphens", "", true),
  webApp: rule("web app name", 2, 60, /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/, ALNUM_HYPHEN, "app", true),
  servicePlan: rule("App Service plan name", 1, 60, /^[a-zA-Z0-9-]+$/, "letters, digits and hyphens", "asp", true),
  userIdentity: rule("user-assigned identity name", 3, 128, /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/, "letters, digits, '-' and '_'; start with a letter or digit", "id", true),
  deployment: rule("model deployment name", 2, 64, /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/, "letters, digits, '.', '_' and '-'; start with a letter or digit", "", true),
  logAnalytics: rule("Log Analytics workspace name", 4, 63, /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/, ALNUM_HYPHEN, "log", true),
  appInsights: rule("Application Insights name", 1, 255, /^[^%&\\?/]+$/, "any characters except % & \\ ? /", "appi", true),
});

export type NamedKind = keyof typeof NAME_RULES;

function rule(label: string, min: number, max: number, pattern: RegExp, allowed: string, abbreviation: string, hyphens: boolean): NameRule {
  return Object.freeze({ label, min, max, pattern, allowed, abbreviation, hyphens });
}

/** A short lower-case base-36 digest; stable across machines and Node versions. */
export function stableHash(input: string, length = 6): string {
  const digest = createHash("sha256").update(input).digest();
  return BigInt(`0x${digest.subarray(0, 8).toString("hex")}`).toString(36).padStart(length, "0").slice(0, length);
}

/** Throws unless `value` is a valid name for `kind`. Unresolved tokens pass. */
export function checkName(scope: IConstruct, field: string, kind: NamedKind, value: string): string {
  if (isUnresolved(value)) return value;
  const r: NameRule = NAME_RULES[kind];
  if (value.length < r.min || value.length > r.max || !r.pattern.test(value)) {
    throw new ValidationError(scope, field, value, `is not a valid ${r.label}`, `use ${r.min}-${r.max} characters: ${r.allowed}`);
  }
  return value;
}

export interface NamingProps {
  /** Short product or team prefix, e.g. "chat". Lower-case letters and digits. */
  readonly prefix: string;
  /** Environment or stamp name, e.g. "dev". Lower-case letters and digits. */
  readonly environment: string;
  /**
   * Extra input to the hash, to keep globally unique names apart between
   * organisations that share a prefix (e.g. your tenant's domain).
   * @default "" (prefix, environment and location alone)
   */
  readonly seed?: string;
  /** Region, part of the hash so stamps in two regions do not collide. */
  readonly location: string;
}

/** Derives every resource name of one platform stamp. */
export class Naming {
  /** The 6-character hash shared by all names of this stamp. */
  public readonly hash: string;

  constructor(public readonly props: NamingProps) {
    this.hash = stableHash([props.prefix, props.environment, props.location, props.seed ?? ""].join("|"));
  }

  /** The derived name for `kind`, within its rules. */
  public name(kind: NamedKind): string {
    const r: NameRule = NAME_RULES[kind];
    const sep = r.hyphens ? "-" : "";
    const clean = (s: string) => (r.hyphens ? s.toLowerCase().replace(/[^a-z0-9-]/g, "") : s.toLowerCase().replace(/[^a-z0-9]/g, ""));
    const tail = [r.abbreviation, this.hash].filter(Boolean).join(sep);
    const room = r.max - tail.length - sep.length;
    let head = [this.props.prefix, this.props.environment].map(clean).filter(Boolean).join(sep).slice(0, room);
    head = head.replace(/-+$/, "");
    if (kind === "keyVault" && !/^[a-z]/.test(head)) head = `kv${head}`.slice(0, room);
    return head ? `${head}${sep}${tail}` : tail;
  }
}

const NAMING_SOURCE = Symbol.for("azure-ai-chat.naming");

/** A construct that provides names to the constructs below it (ChatPlatform does). */
export function provideNaming(scope: IConstruct, naming: Naming): void {
  (scope as unknown as Record<symbol, Naming>)[NAMING_SOURCE] = naming;
}

/**
 * The naming in force at `scope`: the nearest ancestor's, or one derived from the
 * construct path when a construct is used on its own.
 */
export function namingOf(scope: IConstruct): Naming {
  for (const c of scope.node.scopes.slice().reverse()) {
    const found = (c as unknown as Record<symbol, Naming | undefined>)[NAMING_SOURCE];
    if (found) return found;
  }
  const root = scope.node.scopes[1]?.node.id ?? scope.node.id;
  return new Naming({ prefix: root.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 10) || "app", environment: "", location: "", seed: scope.node.path });
}
