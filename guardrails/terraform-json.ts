/**
 * Loads Terraform JSON into one flat, format-independent list of resources.
 *
 * Two inputs are understood:
 * - a cdktf `cdk.tf.json` (or `stack.toTerraform()`): `resource.<type>.<name>` with
 *   references as `${type.name.attr}` strings and the construct path in `"//".metadata`;
 * - `terraform show -json` of a plan (`planned_values` + `configuration`) or of a state
 *   (`values`), where unknown values are absent and references live in
 *   `configuration...expressions.<arg>.references`.
 *
 * Everything is read in one pass; the indexes the rules share are built once in
 * {@link StackModel} (model.ts).
 */

export type InputFormat = "cdktf" | "plan" | "state";

/** A reference found in configuration: `azurerm_search_service.s` + `id`. */
export interface Reference {
  /** `type.name` or `data.type.name` (module-prefixed in plans, instance keys dropped). */
  readonly address: string;
  /** The traversal after the address, normalised: `identity[0].principal_id`, `id`, or "". */
  readonly attribute: string;
}

/** A rule the owner of a resource chose to switch off for it, with the reason why. */
export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
}

export interface TfResource {
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  /** `type.name`, `data.type.name`; plans keep module prefix and instance key. */
  readonly address: string;
  /** The cdktf construct path (`dev/platform/openai/account`) when known. */
  readonly constructPath?: string;
  /**
   * Argument values as written. Nested blocks keep the input's shape (an object in
   * cdk.tf.json, an array of objects in plans): read them with `block()` / `blocks()`.
   */
  readonly values: Readonly<Record<string, unknown>>;
  /** Addresses from `depends_on`. */
  readonly dependsOn: readonly string[];
  readonly suppressions: readonly Suppression[];
  /**
   * Plans only: references per top-level argument, from `configuration`. Terraform
   * records them per argument, not per map key (one list for all of `app_settings`).
   */
  readonly configReferences: Readonly<Record<string, readonly Reference[]>>;
  /** Plans only: top-level arguments (or `arg.key` map entries) known only after apply. */
  readonly unknown: ReadonlySet<string>;
}

export interface ParsedTerraform {
  readonly format: InputFormat;
  readonly resources: readonly TfResource[];
  /** Provider configurations by local name (`azurerm` -> [{ features, storage_use_azuread }]). */
  readonly providers: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  /** Malformed suppressions found while loading (reported by the engine as errors). */
  readonly problems: readonly { readonly address: string; readonly constructPath?: string; readonly message: string }[];
}

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Which of the understood shapes `input` is, or undefined. */
export function detectFormat(input: unknown): InputFormat | undefined {
  if (!isObject(input)) return undefined;
  if (isObject(input.planned_values) || isObject(input.configuration) || Array.isArray(input.resource_changes)) return "plan";
  if (isObject(input.values) && isObject((input.values as Json).root_module)) return "state";
  if (isObject(input.resource) || isObject(input.data) || isObject(input.terraform) || isObject(input.provider)) return "cdktf";
  return undefined;
}

export function parseTerraformJson(input: unknown): ParsedTerraform {
  const format = detectFormat(input);
  if (!format) {
    throw new Error("input is neither a cdktf cdk.tf.json (top-level `resource`) nor `terraform show -json` output (`planned_values` or `values.root_module`)");
  }
  return format === "cdktf" ? parseCdktf(input as Json) : parseShowJson(input as Json, format);
}

// ---------------------------------------------------------------------------------
// Nested blocks and scalar values, whatever shape the input used.

/** The first (usually only) instance of a nested block: `identity`, `site_config`. */
export function block(value: unknown): Json | undefined {
  if (Array.isArray(value)) return value.find(isObject);
  return isObject(value) ? value : undefined;
}

/** All instances of a repeatable nested block. */
export function blocks(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** A string value, or undefined for anything else (including unknown). */
export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** `true`/`false` for booleans and their string forms; undefined when unset or an expression. */
export function bool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

// ---------------------------------------------------------------------------------
// References.

/**
 * Resource types always carry a provider prefix (`azurerm_`, `time_`), which is what
 * separates them from `var.`, `local.`, `each.`, `count.`, `path.` and `module.`.
 */
const REFERENCE = /(?<![\w.$"-])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]*\.[A-Za-z_][\w-]*)((?:\[[^\]]*\])?(?:\.[A-Za-z_][\w-]*|\.\d+|\[[^\]]*\])*)/g;

/** Parses one traversal (`azurerm_x.y.identity[0].principal_id`) into address + attribute. */
export function parseTraversal(text: string, modulePrefix = ""): Reference[] {
  const out: Reference[] = [];
  for (const m of text.matchAll(REFERENCE)) {
    let attribute = m[2] ?? "";
    // Drop a resource instance key (`x.y[0].id` -> `id`): rules reason about resources, not instances.
    attribute = attribute.replace(/^\[[^\]]*\]/, "");
    attribute = attribute
      .replace(/^\./, "")
      .replace(/\.(\d+)(?=\.|$)/g, "[$1]"); // legacy `identity.0.principal_id`
    out.push({ address: modulePrefix + m[1], attribute });
  }
  return out;
}

/**
 * Every reference inside `${...}` interpolations anywhere in `value` (strings, arrays,
 * objects), e.g. `@Microsoft.KeyVault(SecretUri=${azurerm_key_vault_secret.s.versionless_id})`.
 */
export function referencesIn(value: unknown): Reference[] {
  const out: Reference[] = [];
  collect(value, out);
  return out;
}

function collect(value: unknown, out: Reference[]): void {
  if (typeof value === "string") {
    if (value.includes("${")) for (const body of interpolations(value)) out.push(...parseTraversal(body));
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, out);
  } else if (isObject(value)) {
    for (const v of Object.values(value)) collect(v, out);
  }
}

/** Bodies of the top-level `${ ... }` interpolations, honouring nested braces. */
function interpolations(text: string): string[] {
  const bodies: string[] = [];
  let i = text.indexOf("${");
  while (i !== -1) {
    let depth = 1;
    let j = i + 2;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === "{") depth++;
      else if (text[j] === "}") depth--;
    }
    bodies.push(text.slice(i + 2, j - 1));
    i = text.indexOf("${", j);
  }
  return bodies;
}

// ---------------------------------------------------------------------------------
// cdk.tf.json

function parseCdktf(root: Json): ParsedTerraform {
  const resources: TfResource[] = [];
  const problems: { address: string; constructPath?: string; message: string }[] = [];
  const add = (mode: "managed" | "data", group: unknown) => {
    if (!isObject(group)) return;
    for (const [type, byName] of Object.entries(group)) {
      if (!isObject(byName)) continue;
      for (const [name, body] of Object.entries(byName)) {
        if (!isObject(body)) continue;
        const address = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
        const { "//": meta, depends_on, ...values } = body;
        const metadata = isObject(meta) && isObject(meta.metadata) ? meta.metadata : undefined;
        const constructPath = str(metadata?.path);
        const suppressions = readSuppressions(isObject(meta) ? meta.guardrails : undefined, (message) => problems.push({ address, constructPath, message }));
        resources.push({
          mode,
          type,
          name,
          address,
          constructPath,
          values,
          dependsOn: Array.isArray(depends_on) ? depends_on.map(String).map(stripInterpolation) : [],
          suppressions,
          configReferences: {},
          unknown: new Set(),
        });
      }
    }
  };
  add("managed", root.resource);
  add("data", root.data);
  return { format: "cdktf", resources, providers: providersOf(root.provider), problems };
}

/** cdktf writes `depends_on: ["azurerm_x.y"]`; older versions wrapped them as `${azurerm_x.y}`. */
function stripInterpolation(text: string): string {
  const m = /^\$\{(.*)\}$/.exec(text.trim());
  return m ? m[1] : text.trim();
}

function providersOf(value: unknown): Record<string, Record<string, unknown>[]> {
  const out: Record<string, Record<string, unknown>[]> = {};
  if (isObject(value)) for (const [name, configs] of Object.entries(value)) out[name] = blocks(configs);
  return out;
}

/**
 * Reads `"//": { guardrails: { suppressions: [{ id, reason }] } }`. A map
 * `{ "<ruleId>": "<reason>" }` is accepted as well, for hand-written JSON.
 */
export function readSuppressions(guardrails: unknown, problem: (message: string) => void): Suppression[] {
  if (!isObject(guardrails) || guardrails.suppressions === undefined) return [];
  const raw = guardrails.suppressions;
  const entries: [unknown, unknown][] = Array.isArray(raw)
    ? raw.map((s) => (isObject(s) ? [s.id ?? s.ruleId, s.reason] : [undefined, undefined]))
    : isObject(raw)
      ? Object.entries(raw)
      : [];
  if (entries.length === 0 && !(Array.isArray(raw) && raw.length === 0)) {
    problem(`guardrails.suppressions must be a list of { id, reason }; got ${JSON.stringify(raw)}`);
  }
  const out: Suppression[] = [];
  for (const [id, reason] of entries) {
    if (typeof id !== "string" || id.trim() === "") {
      problem(`a suppression has no rule id (${JSON.stringify(reason)})`);
    } else {
      out.push({ ruleId: id.trim(), reason: typeof reason === "string" ? reason.trim() : "" });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------
// terraform show -json (plan or state)

interface ConfigResource {
  readonly references: Record<string, Reference[]>;
  readonly dependsOn: string[];
}

function parseShowJson(root: Json, format: "plan" | "state"): ParsedTerraform {
  // Configuration first: references per argument, keyed by module-prefixed config address.
  const config = new Map<string, ConfigResource>();
  const configuration = isObject(root.configuration) ? root.configuration : undefined;
  if (configuration) walkConfigModule(configuration.root_module, "", new Map(), config);

  // Which values are unknown until apply: resource_changes[].change.after_unknown.
  const unknownByAddress = new Map<string, Set<string>>();
  if (Array.isArray(root.resource_changes)) {
    for (const rc of root.resource_changes) {
      if (!isObject(rc) || !isObject(rc.change) || typeof rc.address !== "string") continue;
      const afterUnknown = rc.change.after_unknown;
      if (!isObject(afterUnknown)) continue;
      const paths = new Set<string>();
      for (const [arg, u] of Object.entries(afterUnknown)) {
        if (u === true) paths.add(arg);
        else if (isObject(u)) for (const [key, v] of Object.entries(u)) if (v === true) paths.add(`${arg}.${key}`);
      }
      unknownByAddress.set(rc.address, paths);
    }
  }

  const resources: TfResource[] = [];
  const values = format === "plan" ? root.planned_values : root.values;
  const walk = (module: unknown) => {
    if (!isObject(module)) return;
    if (Array.isArray(module.resources)) {
      for (const r of module.resources) {
        if (!isObject(r) || typeof r.address !== "string" || typeof r.type !== "string") continue;
        const address = r.address;
        const cfg = config.get(configAddress(address));
        resources.push({
          mode: r.mode === "data" ? "data" : "managed",
          type: r.type,
          name: String(r.name ?? ""),
          address,
          values: isObject(r.values) ? r.values : {},
          dependsOn: cfg?.dependsOn ?? [],
          suppressions: [],
          configReferences: cfg?.references ?? {},
          unknown: unknownByAddress.get(address) ?? new Set(),
        });
      }
    }
    if (Array.isArray(module.child_modules)) for (const child of module.child_modules) walk(child);
  };
  walk(isObject(values) ? values.root_module : undefined);

  const providers: Record<string, Record<string, unknown>[]> = {};
  if (configuration && isObject(configuration.provider_config)) {
    for (const p of Object.values(configuration.provider_config)) {
      if (isObject(p) && typeof p.name === "string") (providers[p.name] ??= []).push(constantsOf(p.expressions));
    }
  }
  return { format, resources, providers, problems: [] };
}

/**
 * `vars` maps a module's input variables to what the calling module passed, so a
 * reference to `var.openai_id` inside `module.web` resolves to the account outside it.
 */
function walkConfigModule(module: unknown, prefix: string, vars: ReadonlyMap<string, Reference[]>, into: Map<string, ConfigResource>): void {
  if (!isObject(module)) return;
  if (Array.isArray(module.resources)) {
    for (const r of module.resources) {
      if (!isObject(r) || typeof r.address !== "string") continue;
      const references: Record<string, Reference[]> = {};
      if (isObject(r.expressions)) {
        for (const [arg, expr] of Object.entries(r.expressions)) {
          const refs = expressionReferences(expr, prefix, vars);
          if (refs.length > 0) references[arg] = refs;
        }
      }
      const dependsOn = Array.isArray(r.depends_on) ? r.depends_on.map((d) => prefix + String(d)) : [];
      into.set(prefix + r.address, { references, dependsOn });
    }
  }
  if (isObject(module.module_calls)) {
    for (const [name, call] of Object.entries(module.module_calls)) {
      if (!isObject(call)) continue;
      const childVars = new Map<string, Reference[]>();
      if (isObject(call.expressions)) {
        for (const [arg, expr] of Object.entries(call.expressions)) childVars.set(arg, expressionReferences(expr, prefix, vars));
      }
      walkConfigModule(call.module, `${prefix}module.${name}.`, childVars, into);
    }
  }
}

/**
 * Terraform lists each reference and then every shorter prefix of it
 * (`a.b.identity[0].principal_id`, `a.b.identity[0]`, `a.b.identity`, `a.b`); keep
 * only the longest of each run. Nested block expressions are searched recursively.
 */
function expressionReferences(expr: unknown, prefix: string, vars: ReadonlyMap<string, Reference[]>): Reference[] {
  const out: Reference[] = [];
  const visit = (e: unknown) => {
    if (Array.isArray(e)) return e.forEach(visit);
    if (!isObject(e)) return;
    if (Array.isArray(e.references)) {
      let previous = "";
      for (const text of e.references) {
        if (typeof text !== "string") continue;
        if (previous.startsWith(text)) continue;
        previous = text;
        const variable = /^var\.([\w-]+)/.exec(text);
        if (variable) out.push(...(vars.get(variable[1]) ?? []));
        else out.push(...parseTraversal(text, prefix));
      }
      return;
    }
    if (!("constant_value" in e)) for (const v of Object.values(e)) visit(v);
  };
  visit(expr);
  return out;
}

function constantsOf(expressions: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (isObject(expressions)) {
    for (const [k, v] of Object.entries(expressions)) if (isObject(v) && "constant_value" in v) out[k] = v.constant_value;
  }
  return out;
}

/** `module.m["k"].azurerm_x.y[0]` -> `module.m.azurerm_x.y`: the address in configuration. */
export function configAddress(address: string): string {
  return address.replace(/\[[^\]]*\]/g, "");
}
