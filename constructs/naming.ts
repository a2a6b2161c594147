import { createHash } from "node:crypto";
import type { IConstruct } from "constructs";
import { Fn, TerraformLocal, TerraformStack } from "cdktf";
import { clientConfigOf } from "./rbac/client-config";
import { AppClaims } from "./app-claims";
import { ValidationError } from "./errors";
import { isUnresolved } from "./validate";

/**
 * Deterministic, rule-abiding resource names.
 *
 * A name is `<prefix>-<environment>-<abbreviation>-<suffix>`, squeezed into the
 * resource's length and charset. The suffix is 6 characters:
 * - in a ChatPlatform, a Terraform expression evaluated at plan time over the deploying
 *   subscription and the naming inputs (uniqueSuffix below, like azd's resource token),
 *   so two people deploying the same configuration into different subscriptions never
 *   collide in Azure's global namespaces (storage, Key Vault, Search, web apps, OpenAI
 *   subdomains), names stay the same across plans of one subscription, and the
 *   synthesized JSON holds no machine-specific value;
 * - otherwise, a digest of the naming inputs computed at synth.
 * Lengths and charsets are checked at synth either way: the suffix's length and
 * alphabet (lower-case hex or base 36) are known.
 *
 * Rules: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
 */

/** Characters in every name's suffix. */
export const SUFFIX_LENGTH = 6;

/** `${local.name_suffix...}`: a plan-time suffix inside a name (see uniqueSuffix). */
const PLAN_TIME_SUFFIX = /\$\{local\.name_suffix[a-z0-9_]*\}/g;

/** How a plan-time suffix is shown to people (the review): `chat-dev-kv-{suffix}`. */
export const SUFFIX_PLACEHOLDER = "{suffix}";

/** `text` with every plan-time suffix shown as SUFFIX_PLACEHOLDER. */
export function withSuffixPlaceholder(text: string): string {
  return text.replace(PLAN_TIME_SUFFIX, SUFFIX_PLACEHOLDER);
}

/** The plan-time suffix expression of a naming (`${local.name_suffix_chat_dev}`), if it has one. */
export function planTimeSuffix(naming: Naming): string | undefined {
  return naming.hash.match(PLAN_TIME_SUFFIX)?.[0];
}

/** The name as it will be checked: a plan-time suffix stands in as 6 characters it can take. */
export function nameForChecks(value: string): string {
  return value.replace(PLAN_TIME_SUFFIX, "0".repeat(SUFFIX_LENGTH));
}

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
  keyVault: rule(
    "Key Vault name",
    3,
    24,
    /^[a-zA-Z](?:[a-zA-Z0-9]|-(?!-))*[a-zA-Z0-9]$/,
    "letters, digits and single hyphens; start with a letter, end with a letter or digit",
    "kv",
    true,
  ),
  keyVaultObject: rule("Key Vault secret or key name", 1, 127, /^[a-zA-Z0-9-]+$/, "letters, digits and hyphens", "", true),
  webApp: rule("web app name", 2, 60, /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/, ALNUM_HYPHEN, "app", true),
  servicePlan: rule("App Service plan name", 1, 60, /^[a-zA-Z0-9-]+$/, "letters, digits and hyphens", "asp", true),
  userIdentity: rule("user-assigned identity name", 3, 128, /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/, "letters, digits, '-' and '_'; start with a letter or digit", "id", true),
  deployment: rule("model deployment name", 2, 64, /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/, "letters, digits, '.', '_' and '-'; start with a letter or digit", "", true),
  logAnalytics: rule("Log Analytics workspace name", 4, 63, /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/, ALNUM_HYPHEN, "log", true),
  appInsights: rule("Application Insights name", 1, 255, /^[^%&\\?/]+$/, "any characters except % & \\ ? /", "appi", true),
  // Objects inside a Search service, named in the app's settings; the index and its
  // fields are made later, so a name Search refuses would only fail the first chat.
  // https://learn.microsoft.com/rest/api/searchservice/naming-rules
  searchIndex: rule(
    "Search index name",
    2,
    128,
    /^[a-z0-9](?:[a-z0-9]|-(?!-)|_(?!_))*$/,
    "lower-case letters, digits, '-' and '_'; start with a letter or digit; no '--' or '__'",
    "",
    true,
  ),
  searchField: rule(
    "Search field name",
    1,
    128,
    /^(?!azureSearch)[A-Za-z][A-Za-z0-9_]*$/,
    "letters, digits and '_'; start with a letter; not starting with \"azureSearch\"",
    "",
    false,
  ),
});

export type NamedKind = keyof typeof NAME_RULES;

function rule(label: string, min: number, max: number, pattern: RegExp, allowed: string, abbreviation: string, hyphens: boolean): NameRule {
  return Object.freeze({ label, min, max, pattern, allowed, abbreviation, hyphens });
}

/** A short lower-case base-36 digest; stable across machines and Node versions. */
export function stableHash(input: string, length = 6): string {
  const digest = createHash("sha256").update(input).digest();
  return BigInt(`0x${digest.subarray(0, 8).toString("hex")}`)
    .toString(36)
    .padStart(length, "0")
    .slice(0, length);
}

/** Globally unique names claimed per app: `<kind>:<name>` -> the construct that creates it. */
const GLOBAL_NAMES = new AppClaims();

/**
 * Claims a name Azure turns into a DNS name (`<name>.blob.core.windows.net`,
 * `.vault.azure.net`, `.search.windows.net`, `.openai.azure.com`, `.azurewebsites.net`)
 * for the construct that creates the resource. Such names are unique across all of
 * Azure, so of two resources of one app with the same one, only the first can ever be
 * created, whatever the subscriptions: the second fails at synth instead (a name set
 * once in the configuration's defaults does this to every environment). Call it only
 * where a resource is created, never for a reference to an existing one.
 */
export function claimGlobalName(scope: IConstruct, field: string, kind: NamedKind, name: string): string {
  // A plan-time suffix reads the same in every stack but evaluates per stamp: those
  // names are kept apart by uniqueNaming's claim of the naming inputs.
  if (isUnresolved(name) || name.search(PLAN_TIME_SUFFIX) >= 0) return name;
  const other = GLOBAL_NAMES.claim(scope, `${kind}:${name.toLowerCase()}`);
  if (other !== undefined) {
    const { label } = NAME_RULES[kind];
    throw new ValidationError(
      scope,
      field,
      name,
      `is also the ${label} of ${other}; Azure makes it a global DNS name, so only one of the two can ever be created`,
      "give each its own name, or leave the name out to derive a unique one per stamp",
    );
  }
  return name;
}

/** Throws unless `value` is a valid name for `kind`. Unresolved tokens pass. */
export function checkName(scope: IConstruct, field: string, kind: NamedKind, value: string): string {
  if (isUnresolved(value)) return value;
  const r: NameRule = NAME_RULES[kind];
  const checked = nameForChecks(value);
  if (checked.length < r.min || checked.length > r.max || !r.pattern.test(checked)) {
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
  /**
   * The suffix of every name: SUFFIX_LENGTH characters, or a Terraform expression that
   * evaluates to them at plan time (`${local.name_suffix...}`, see ChatPlatform).
   * @default a digest of prefix, environment, location and seed computed at synth
   */
  readonly suffix?: string;
}

/** Derives every resource name of one platform stamp. */
export class Naming {
  /**
   * The suffix shared by all names of this stamp: SUFFIX_LENGTH characters, possibly a
   * Terraform expression evaluated at plan time (see NamingProps.suffix).
   */
  public readonly hash: string;
  /** prefix|environment|location|seed: two stamps with the same key get the same names. */
  public readonly key: string;

  constructor(public readonly props: NamingProps) {
    this.key = [props.prefix, props.environment, props.location, props.seed ?? ""].join("|");
    this.hash = props.suffix ?? stableHash(this.key, SUFFIX_LENGTH);
  }

  /** The derived name for `kind`, within its rules. */
  public name(kind: NamedKind): string {
    const r: NameRule = NAME_RULES[kind];
    const sep = r.hyphens ? "-" : "";
    const clean = (s: string) => (r.hyphens ? s.toLowerCase().replace(/[^a-z0-9-]/g, "") : s.toLowerCase().replace(/[^a-z0-9]/g, ""));
    const tail = [r.abbreviation, this.hash].filter(Boolean).join(sep);
    const room = r.max - nameForChecks(tail).length - sep.length;
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
  return new Naming({
    prefix:
      root
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "")
        .slice(0, 10) || "app",
    environment: "",
    location: "",
    seed: scope.node.path,
  });
}

const CLAIMED = new AppClaims();

/**
 * The naming of a platform stamp whose names are unique per subscription: the suffix is
 * a Terraform local evaluated at plan time, the first 6 hex digits of
 * `sha256(join("|", [subscription_id, prefix, environment, location, seed]))` (hex fits
 * every name's charset, storage accounts' included). The local is named after the stamp
 * (`local.name_suffix_<prefix>_<environment>`) so names read well in the JSON and the review.
 *
 * @throws ValidationError when another stamp in the same app has the same naming inputs:
 * both would get the same names
 */
export function uniqueNaming(scope: IConstruct, props: Omit<NamingProps, "suffix">): Naming {
  const key = new Naming(props).key;
  const other = CLAIMED.claim(scope, key);
  if (other !== undefined) {
    throw new ValidationError(
      scope,
      "environment",
      props.environment,
      `gives every resource the same name as ${other} (same prefix, environment, location and nameSeed)`,
      "give each stamp its own environment name, or a different prefix, location or nameSeed",
    );
  }

  const stack = TerraformStack.of(scope);
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  let id = `name_suffix_${clean(props.prefix)}_${clean(props.environment)}`;
  if (stack.node.findAll().some((c) => c instanceof TerraformLocal && c.friendlyUniqueId === id)) id = `name_suffix_${stableHash(key)}`;
  const subscriptionId = clientConfigOf(scope).subscriptionId;
  const suffix = new TerraformLocal(
    scope,
    "NameSuffix",
    Fn.substr(Fn.sha256(Fn.join("|", [subscriptionId, props.prefix, props.environment, props.location, props.seed ?? ""])), 0, SUFFIX_LENGTH),
  );
  suffix.overrideLogicalId(id);
  return new Naming({ ...props, suffix: `\${local.${id}}` });
}
