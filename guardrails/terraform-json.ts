/**
 * Loads Terraform JSON into one flat, format-independent list of resources.
 *
 * Three inputs are understood:
 * - Terraform configuration JSON: a cdktf `cdk.tf.json`, a hand-written `*.tf.json`, or
 *   HCL converted by hcl.ts. `resource.<type>.<name>` with references as
 *   `${type.name.attr}` strings, the construct path in `"//".metadata` (cdktf), and the
 *   JSON syntax's list forms (a list of type objects, a list of bodies). `count` and
 *   `for_each` over literal values, locals and variable defaults are expanded
 *   (static-eval.ts); what cannot be expanded is reported as not judged.
 * - `terraform show -json` of a plan (`planned_values` + `configuration`, or only
 *   `resource_changes`) or of a state (`values`), where unknown values are absent and
 *   references live in `configuration...expressions.<arg>.references`.
 *
 * Shapes that are not Terraform's throw {@link InputError}: the CLI exits 2 and says what
 * it expected instead of passing input it did not understand. No walk recurses on
 * input depth and every map built from input keys has no prototype.
 * JSON syntax: https://developer.hashicorp.com/terraform/language/syntax/json
 * JSON output: https://developer.hashicorp.com/terraform/internals/json-format
 */

import { type ConfigOptions, parseConfig } from "./configuration";
import { ARM_FILE_ADDRESS, templateResources } from "./normalize";
import { InputError, type Json, isObject, kindOf } from "./values";
import { type Reference, configAddress, interpolations, parseTraversal } from "./traversal";

export type { Reference } from "./traversal";
export { InputError, block, blocks, bool, isObject, str } from "./values";
export { readSuppressions } from "./configuration";
export type { ConfigOptions, ModuleFiles } from "./configuration";
export { configAddress, parseTraversal } from "./traversal";

export type InputFormat = "cdktf" | "hcl" | "plan" | "state" | "arm";

/** Where a resource written another way than azurerm's came from (normalize.ts). */
export interface ResourceOrigin {
  /** An `azapi_resource`, or a resource of an ARM template. */
  readonly via: "azapi" | "arm";
  /** The ARM type as written: `Microsoft.CognitiveServices/accounts`. */
  readonly armType: string;
  /** For a template's resource: the Terraform resource that deploys the template. */
  readonly deployment?: string;
  /** For a template's resource: where it sits in the template (`resources[2]`). */
  readonly path?: string;
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
  /** `type.name`, `data.type.name`; plans and expanded `count`/`for_each` keep module prefix and instance key. */
  readonly address: string;
  /** The cdktf construct path (`dev/platform/openai/account`) when known. */
  readonly constructPath?: string;
  /**
   * Argument values as written. Nested blocks keep the input's shape (an object in
   * cdk.tf.json, an array of objects in plans and HCL): read them with `block()` / `blocks()`.
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
  /** Why this resource's values are not fully known to the audit (an unexpanded `for_each`). */
  readonly notJudged?: string;
  /** Set when the resource was written as azapi or ARM and is read as its azurerm counterpart. */
  readonly origin?: ResourceOrigin;
  /**
   * What the resource's creator declared for the guardrails in cdk.tf.json
   * (`"//".guardrails`): a web app's settings contract, the flows it intends
   * (guardrails/declarations.ts reads them). Undefined for plans, states and HCL.
   */
  readonly declared?: Readonly<Record<string, unknown>>;
}

export interface LoadProblem {
  readonly address: string;
  readonly constructPath?: string;
  readonly message: string;
  /** `suppression`: a malformed suppression (an error); `notJudged`: input the audit could not judge. */
  readonly kind: "suppression" | "notJudged";
  /** The resource left unexpanded, when the problem is one resource's (the engine reports it only if a rule reads its type). */
  readonly resource?: TfResource;
}

export interface ParsedTerraform {
  readonly format: InputFormat;
  readonly resources: readonly TfResource[];
  /** Provider configurations by local name (`azurerm` -> [{ features, storage_use_azuread }]). */
  readonly providers: ReadonlyMap<string, readonly Record<string, unknown>[]>;
  /** Malformed suppressions and what could not be judged, reported by the engine. */
  readonly problems: readonly LoadProblem[];
}

const has = (o: Json, key: string) => Object.hasOwn(o, key);
const CONFIG_KEYS = ["resource", "data", "module", "terraform", "provider", "locals", "variable", "output"];

/** Which of the understood shapes `input` is, or undefined. */
export function detectFormat(input: unknown): InputFormat | undefined {
  if (!isObject(input)) return undefined;
  if (has(input, "planned_values") || has(input, "configuration") || has(input, "resource_changes")) return "plan";
  if (isObject(input.values) && has(input.values, "root_module")) return "state";
  if (CONFIG_KEYS.some((k) => has(input, k))) return "cdktf";
  if (isArmTemplate(input)) return "arm";
  return undefined;
}

/** An ARM deployment template (`bicep build` output, a "Deploy to Azure" azuredeploy.json). */
function isArmTemplate(input: Json): boolean {
  const schema = typeof input.$schema === "string" ? input.$schema.toLowerCase() : "";
  return schema.includes("deploymenttemplate.json") && (Array.isArray(input.resources) || isObject(input.resources));
}

/** One line on what the audit reads, for errors about unrecognised input. */
export const EXPECTED_INPUT =
  "expected Terraform configuration (.tf files, a directory of them, *.tf.json or cdktf's cdk.tf.json), `terraform show -json` output of a plan or state, or an ARM template";

export function parseTerraformJson(input: unknown, format: InputFormat | undefined = detectFormat(input), options: ConfigOptions = {}): ParsedTerraform {
  if (!format) throw new InputError(`not Terraform: ${EXPECTED_INPUT}`);
  if (format === "arm") {
    const { resources, problems } = templateResources(input as Json, {}, ARM_FILE_ADDRESS);
    return {
      format,
      resources,
      providers: new Map(),
      problems: problems.map((message) => ({ address: ARM_FILE_ADDRESS, message: `${message}, so it is not judged`, kind: "notJudged" })),
    };
  }
  return format === "cdktf" || format === "hcl" ? parseConfig(input as Json, format, options) : parseShowJson(input as Json, format);
}

// ---------------------------------------------------------------------------------
// References.

/**
 * Every reference inside `${...}` interpolations anywhere in `value` (strings, arrays,
 * objects), e.g. `@Microsoft.KeyVault(SecretUri=${azurerm_key_vault_secret.s.versionless_id})`.
 * Walks with an explicit stack: input depth never reaches the call stack.
 */
export function referencesIn(value: unknown): Reference[] {
  const out: Reference[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") {
      if (v.includes("${")) for (const body of interpolations(v)) for (const ref of parseTraversal(body)) out.push(ref);
    } else if (typeof v === "object" && v !== null) {
      const children = Object.values(v);
      for (let k = children.length - 1; k >= 0; k--) stack.push(children[k]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------
// terraform show -json (plan or state)

interface ConfigResource {
  readonly references: Record<string, Reference[]>;
  readonly dependsOn: string[];
  /** Arguments whose expression reads `each.*` or `count.*` (values differ per instance). */
  readonly perInstance: readonly string[];
}

function parseShowJson(root: Json, format: "plan" | "state"): ParsedTerraform {
  // Configuration first: references per argument, keyed by module-prefixed config address.
  const config = new Map<string, ConfigResource>();
  const configuration = root.configuration;
  if (configuration !== undefined && !isObject(configuration)) throw new InputError(`"configuration" is ${kindOf(configuration)}; expected an object`);
  if (configuration) walkConfigModules(configuration.root_module, config);

  // Which values are unknown until apply: resource_changes[].change.after_unknown.
  const unknownByAddress = new Map<string, Set<string>>();
  const changes = root.resource_changes;
  if (changes !== undefined && !Array.isArray(changes)) throw new InputError(`"resource_changes" is ${kindOf(changes)}; expected a list`);
  for (const rc of changes ?? []) {
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

  const resources: TfResource[] = [];
  const toResource = (r: Json, values: unknown): TfResource | undefined => {
    if (typeof r.address !== "string" || typeof r.type !== "string") return undefined;
    const cfg = config.get(configAddress(r.address));
    const unknown = unknownByAddress.get(r.address) ?? new Set<string>();
    // `principal_id = each.value.principal` for an identity created in this plan: unknown
    // values, and configuration names only `each`, so the audit cannot tell whose it is.
    const opaque = (cfg?.perInstance ?? []).filter((arg) => unknown.has(arg) && (cfg?.references[arg] ?? []).length === 0);
    return {
      mode: r.mode === "data" ? "data" : "managed",
      type: r.type,
      name: typeof r.name === "string" ? r.name : "",
      address: r.address,
      values: isObject(values) ? values : {},
      dependsOn: cfg?.dependsOn ?? [],
      suppressions: [],
      configReferences: cfg?.references ?? {},
      unknown,
      ...(opaque.length > 0
        ? { notJudged: `${r.address}: ${opaque.join(", ")} ${opaque.length === 1 ? "comes from each/count and is" : "come from each/count and are"} known only after apply` }
        : {}),
    };
  };

  const valuesKey = format === "plan" ? "planned_values" : "values";
  const values = root[valuesKey];
  if (values !== undefined && !isObject(values)) throw new InputError(`"${valuesKey}" is ${kindOf(values)}; expected an object with "root_module"`);
  if (values) {
    // Modules nest as deep as the input does: walk them with a queue, not recursion.
    const queue: [unknown, string][] = [[values.root_module, `${valuesKey}.root_module`]];
    for (let q = 0; q < queue.length; q++) {
      const [module, where] = queue[q];
      if (module === undefined) continue;
      if (!isObject(module)) throw new InputError(`${where} is ${kindOf(module)}; expected a module object`);
      if (module.resources !== undefined) {
        if (!Array.isArray(module.resources)) throw new InputError(`${where}.resources is ${kindOf(module.resources)}; expected a list of resources`);
        for (const r of module.resources) {
          const resource = isObject(r) ? toResource(r, r.values) : undefined;
          if (resource) resources.push(resource);
        }
      }
      if (module.child_modules !== undefined) {
        if (!Array.isArray(module.child_modules)) throw new InputError(`${where}.child_modules is ${kindOf(module.child_modules)}; expected a list of modules`);
        for (let i = 0; i < module.child_modules.length; i++) queue.push([module.child_modules[i], `${where}.child_modules[${i}]`]);
      }
    }
  } else if (changes) {
    // A plan trimmed to resource_changes: judge what each change leaves behind (`after`).
    for (const rc of changes) {
      if (!isObject(rc) || !isObject(rc.change) || !isObject(rc.change.after)) continue;
      const resource = toResource(rc, rc.change.after);
      if (resource) resources.push(resource);
    }
  }

  const providers = new Map<string, Record<string, unknown>[]>();
  if (configuration && isObject(configuration.provider_config)) {
    for (const p of Object.values(configuration.provider_config)) {
      if (!isObject(p) || typeof p.name !== "string") continue;
      const list = providers.get(p.name) ?? [];
      providers.set(p.name, list);
      list.push(constantsOf(p.expressions));
    }
  }
  // One "not judged" per configuration address, however many instances it expands to.
  const problems: LoadProblem[] = [];
  const seen = new Set<string>();
  for (const r of resources) {
    const key = configAddress(r.address);
    if (r.notJudged === undefined || seen.has(key)) continue;
    seen.add(key);
    problems.push({ address: r.address, message: `${r.notJudged}, so the audit cannot tell whose identity or which scope they name`, kind: "notJudged" });
  }
  return { format, resources, providers, problems };
}

/**
 * Walks `configuration.root_module` and its `module_calls` with a queue. `vars` maps a
 * module's input variables to what the calling module passed, so a reference to
 * `var.openai_id` inside `module.web` resolves to the account outside it.
 */
function walkConfigModules(rootModule: unknown, into: Map<string, ConfigResource>): void {
  const queue: { module: unknown; prefix: string; vars: ReadonlyMap<string, Reference[]> }[] = [{ module: rootModule, prefix: "", vars: new Map() }];
  for (let q = 0; q < queue.length; q++) {
    const { module, prefix, vars } = queue[q];
    if (!isObject(module)) continue;
    if (Array.isArray(module.resources)) {
      for (const r of module.resources) {
        if (!isObject(r) || typeof r.address !== "string") continue;
        const references: Record<string, Reference[]> = Object.create(null);
        const perInstance: string[] = [];
        if (isObject(r.expressions)) {
          for (const [arg, expr] of Object.entries(r.expressions)) {
            const refs = expressionReferences(expr, prefix, vars);
            if (refs.length > 0) references[arg] = refs;
            if (readsInstance(expr)) perInstance.push(arg);
          }
        }
        const dependsOn = Array.isArray(r.depends_on) ? r.depends_on.filter((d) => typeof d === "string").map((d) => prefix + d) : [];
        into.set(prefix + r.address, { references, dependsOn, perInstance });
      }
    }
    if (isObject(module.module_calls)) {
      for (const [name, call] of Object.entries(module.module_calls)) {
        if (!isObject(call)) continue;
        const childVars = new Map<string, Reference[]>();
        if (isObject(call.expressions)) {
          for (const [arg, expr] of Object.entries(call.expressions)) childVars.set(arg, expressionReferences(expr, prefix, vars));
        }
        queue.push({ module: call.module, prefix: `${prefix}module.${name}.`, vars: childVars });
      }
    }
  }
}

/**
 * Terraform lists each reference and then every shorter prefix of it
 * (`a.b.identity[0].principal_id`, `a.b.identity[0]`, `a.b.identity`, `a.b`); keep
 * only the longest of each run. Nested block expressions are searched with a stack.
 */
function expressionReferences(expr: unknown, prefix: string, vars: ReadonlyMap<string, Reference[]>): Reference[] {
  const out: Reference[] = [];
  const stack: unknown[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop();
    if (Array.isArray(e)) {
      for (let k = e.length - 1; k >= 0; k--) stack.push(e[k]);
      continue;
    }
    if (!isObject(e)) continue;
    if (Array.isArray(e.references)) {
      let previous = "";
      for (const text of e.references) {
        if (typeof text !== "string") continue;
        if (previous.startsWith(text)) continue;
        previous = text;
        if (text.startsWith("var.")) {
          const name = text.slice(4).split(/[.[]/, 1)[0];
          for (const ref of vars.get(name) ?? []) out.push(ref);
        } else for (const ref of parseTraversal(text, prefix)) out.push(ref);
      }
      continue;
    }
    if (!has(e, "constant_value")) {
      const children = Object.values(e);
      for (let k = children.length - 1; k >= 0; k--) stack.push(children[k]);
    }
  }
  return out;
}

/** Whether an argument's top-level expression references `each.*` or `count.*`. */
function readsInstance(expr: unknown): boolean {
  return isObject(expr) && Array.isArray(expr.references) && expr.references.some((t) => typeof t === "string" && (t.startsWith("each.") || t.startsWith("count.")));
}

function constantsOf(expressions: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  if (isObject(expressions)) {
    for (const [k, v] of Object.entries(expressions)) if (isObject(v) && has(v, "constant_value")) out[k] = v.constant_value;
  }
  return out;
}
