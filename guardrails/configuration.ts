/**
 * Terraform configuration JSON (cdk.tf.json, *.tf.json, HCL converted by hcl.ts) into
 * resources, the way Terraform would expand it, as far as a static audit can:
 * - `count` and `for_each` over values known before plan (literals, locals, variable
 *   defaults and `.tfvars`, conditionals over them) become one resource per instance;
 * - `dynamic` blocks become the blocks they generate;
 * - `module` calls whose source the loader could read (a local path, or what
 *   `terraform init` downloaded) are expanded with the inputs the caller passes, their
 *   outputs flow back, and every address is the one Terraform writes
 *   (`module.app["eu"].azurerm_linux_web_app.this`).
 * What cannot be expanded is one "not judged" problem naming the expression and how to
 * get it judged, never a guess. JSON syntax:
 * https://developer.hashicorp.com/terraform/language/syntax/json
 */

import { FAILED, UNKNOWN, conformToType } from "./expressions";
import { ModuleScope, type Scope, countOf, forEachInstances, resolveBody, substitute } from "./static-eval";
import type { LoadProblem, ParsedTerraform, Suppression, TfResource } from "./terraform-json";
import { forEachInterpolation } from "./traversal";
import { type Json, block, blocks, bodiesOf, isObject, kindOf, shown, str } from "./values";

/** A module a call names, as the loader read it (input.ts). */
export interface ModuleFiles {
  /** The module's configuration, its files merged. */
  readonly json: Json;
  /** Its directory relative to the root module, as `path.module` gives it (`modules/app`). */
  readonly dir: string;
}

export interface ConfigOptions {
  /**
   * Modules by module path, the key `terraform init` writes in
   * `.terraform/modules/modules.json`: `app` for `module "app"` at the root, `app.net`
   * for `module "net"` inside it. A string says why the module could not be read.
   * Without this map, module calls are reported as not judged.
   */
  readonly modules?: ReadonlyMap<string, ModuleFiles | string>;
  /** Root variable values from `terraform.tfvars` and `*.auto.tfvars`, over the defaults. */
  readonly variables?: ReadonlyMap<string, unknown>;
  /** `file(path)`, relative to the root module's directory. */
  readonly readFile?: (path: string) => string | undefined;
  /** The root module's directory as reports name it, for "run `terraform init` in ...". */
  readonly root?: string;
}

/** What `modules` holds for a registry or remote module `terraform init` has not installed. */
export const NOT_INSTALLED = "(not installed)";

/** More instances than this from one `count` / `for_each` are not expanded. */
const MAX_INSTANCES = 1000;
/** Modules nest at most this deep (Terraform has no limit; real trees stay under 5). */
const MAX_MODULE_DEPTH = 12;
/** Module instances expanded per input, so a `count = 1000` module of modules stays bounded. */
const MAX_MODULE_INSTANCES = 500;

const META_ARGUMENTS = new Set(["source", "version", "count", "for_each", "providers", "depends_on"]);

export function parseConfig(root: Json, format: "cdktf" | "hcl", options: ConfigOptions = {}): ParsedTerraform {
  const reader = new ConfigReader(options);
  reader.expand({ json: root, key: "", prefix: "", dir: ".", inputs: options.variables ?? new Map(), depth: 0, root: true });
  return { format, resources: reader.resources, providers: providersOf(root.provider), problems: reader.finish() };
}

interface ModuleContext {
  readonly json: Json;
  /** Module path (`app.net`), "" at the root. */
  readonly key: string;
  /** Address prefix of this instance (`module.app[0].`), "" at the root. */
  readonly prefix: string;
  readonly dir: string;
  /** Variable values: the root's from .tfvars, a child's from its caller. */
  readonly inputs: ReadonlyMap<string, unknown>;
  readonly depth: number;
  readonly root: boolean;
}

class ConfigReader {
  readonly resources: TfResource[] = [];
  readonly problems: LoadProblem[] = [];
  private moduleInstances = 0;
  /** Module calls reported not judged, by address, with the resources whose instances their outputs decide. */
  private readonly unexpandedCalls = new Map<string, { index: number; dependents: string[] }>();
  /** Remote modules not installed: one root cause, one finding (finish). */
  private readonly notInstalled: { address: string; source: string }[] = [];

  constructor(private readonly options: ConfigOptions) {}

  /** The problems, each unexpanded module call naming the resources its outputs left unexpanded. */
  finish(): LoadProblem[] {
    const list = (items: string[]) => items.slice(0, 5).join(", ") + (items.length > 5 ? ` and ${items.length - 5} more` : "");
    for (const { index, dependents } of this.unexpandedCalls.values()) {
      if (dependents.length === 0 || index < 0) continue;
      const p = this.problems[index];
      this.problems[index] = { ...p, message: `${p.message}. Its outputs also decide the instances of ${list(dependents)}, not judged either` };
    }
    if (this.notInstalled.length > 0) {
      // One root cause (init has not run here), one finding that names every call.
      this.notInstalled.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
      const [first] = this.notInstalled;
      const calls = this.notInstalled.map((c) => `${c.address} (source ${JSON.stringify(c.source)})`);
      const what =
        calls.length === 1
          ? `${calls[0]} is a remote module that \`terraform init\` has not installed here`
          : `${calls.length} remote modules (${list(calls)}) are not installed here: \`terraform init\` has not run`;
      const where = this.options.root ? ` in ${this.options.root}` : "";
      const dependents = this.notInstalled.flatMap((c) => this.unexpandedCalls.get(c.address)?.dependents ?? []);
      this.problems.push({
        address: first.address,
        message:
          `${what} (no .terraform/modules/modules.json entry), so ${calls.length === 1 ? "its" : "their"} resources are not judged; run \`terraform init\`${where} and audit again, or audit \`terraform show -json\` of a plan` +
          (dependents.length > 0 ? `. ${calls.length === 1 ? "Its" : "Their"} outputs also decide the instances of ${list(dependents)}, not judged either` : ""),
        kind: "notJudged",
      });
    }
    return this.problems;
  }

  /** Expands one module instance; returns its outputs (`output "x"` values by name). */
  expand(ctx: ModuleContext): Record<string, unknown> {
    const json = ctx.root ? ctx.json : (prefixReferences(ctx.json, ctx.prefix, declaredAddresses(ctx.json)) as Json);
    const calls = moduleCalls(json);
    const outputs = new Map<string, unknown>();
    const expanding = new Set<string>();
    const scope = new ModuleScope(variablesOf(json, ctx.inputs), localsOf(json), {
      module: (name) => {
        if (outputs.has(name)) return outputs.get(name);
        const call = calls.get(name);
        if (!call || expanding.has(name)) return UNKNOWN;
        expanding.add(name);
        const value = this.expandCall(ctx, scope, name, call);
        expanding.delete(name);
        outputs.set(name, value);
        return value;
      },
      path: { module: ctx.dir, root: ".", cwd: "." },
      readFile: this.options.readFile,
    });

    this.addResources(ctx, scope, "managed", json.resource, "resource");
    this.addResources(ctx, scope, "data", json.data, "data");
    // Calls no resource read still create their resources.
    for (const name of calls.keys()) scope.options.module?.(name);

    const out: Record<string, unknown> = Object.create(null);
    if (json.output !== undefined) {
      for (const body of bodiesOf(json.output, "output", "an object of outputs")) {
        for (const [name, decl] of Object.entries(body)) {
          const d = block(decl);
          if (d && Object.hasOwn(d, "value")) out[name] = substitute(d.value, { module: scope });
        }
      }
    }
    return out;
  }

  private addResources(ctx: ModuleContext, scope: ModuleScope, mode: "managed" | "data", group: unknown, key: string): void {
    if (group === undefined) return;
    for (const [t, types] of bodiesOf(group, key, "an object of resource types").entries()) {
      for (const [type, byName] of Object.entries(types)) {
        const typeWhere = () => `${key}${Array.isArray(group) ? `[${t}]` : ""}.${shown(type)}`;
        for (const names of bodiesOf(byName, typeWhere, "an object of resource names")) {
          for (const [name, raw] of Object.entries(names)) {
            const base = `${ctx.prefix}${mode === "data" ? `data.${type}.${name}` : `${type}.${name}`}`;
            for (const body of bodiesOf(raw, () => `${key}.${shown(type)}.${shown(name)}`, "an object of arguments")) {
              this.addResource(ctx, scope, mode, type, name, base, body);
            }
          }
        }
      }
    }
  }

  private addResource(ctx: ModuleContext, module: ModuleScope, mode: "managed" | "data", type: string, name: string, base: string, body: Json): void {
    const { "//": meta, depends_on, for_each, count, lifecycle: _lifecycle, provider: _provider, ...rest } = body;
    const metadata = isObject(meta) && isObject(meta.metadata) ? meta.metadata : undefined;
    const constructPath = str(metadata?.path);
    const suppressions = readSuppressions(isObject(meta) ? meta.guardrails : undefined, (message) =>
      this.problems.push({ address: base, constructPath, message, kind: "suppression" }),
    );
    const dependsOn = Array.isArray(depends_on) ? depends_on.filter((d) => typeof d === "string").map((d) => stripInterpolation(d)) : [];
    const make = (address: string, values: Json, notJudged?: string): TfResource => ({
      mode,
      type,
      name,
      address,
      constructPath,
      values,
      dependsOn,
      suppressions,
      configReferences: {},
      unknown: new Set(),
      ...(notJudged ? { notJudged } : {}),
      ...(isObject(meta) && isObject(meta.guardrails) ? { declared: meta.guardrails } : {}),
    });
    const notJudged = (what: string, expression?: unknown): void => {
      const message = `${base}: ${what}, so its instances are not judged; audit \`terraform show -json\` of a plan to check them`;
      const resource = make(base, resolveBody(rest, { module }), message);
      this.resources.push(resource);
      // Instances decided by a module that was not expanded: that module's one finding says so.
      const call =
        typeof expression === "string"
          ? [...expression.matchAll(/\bmodule\.([A-Za-z_][A-Za-z0-9_-]*)/g)].map((m) => this.unexpandedCalls.get(`${ctx.prefix}module.${m[1]}`)).find(Boolean)
          : undefined;
      if (call) call.dependents.push(base);
      else this.problems.push({ address: base, constructPath, message, kind: "notJudged", resource });
    };
    const scope: Scope = { module };

    if (for_each !== undefined) {
      const instances = forEachInstances(for_each, scope);
      if (!instances) notJudged(`for_each = ${showExpression(for_each)} cannot be resolved statically${why(for_each, module)}`, for_each);
      else if (instances.length > MAX_INSTANCES) notJudged(`for_each has ${instances.length} instances (over ${MAX_INSTANCES})`);
      else for (const each of instances) this.resources.push(make(`${base}[${JSON.stringify(each.key)}]`, resolveBody(rest, { module, each })));
    } else if (count !== undefined) {
      const n = countOf(count, scope);
      if (n === undefined) notJudged(`count = ${showExpression(count)} cannot be resolved statically${why(count, module)}`, count);
      else if (n > MAX_INSTANCES) notJudged(`count = ${n} (over ${MAX_INSTANCES})`);
      else for (let k = 0; k < n; k++) this.resources.push(make(`${base}[${k}]`, resolveBody(rest, { module, countIndex: k })));
    } else {
      this.resources.push(make(base, module.empty && !hasDynamic(rest) ? rest : resolveBody(rest, scope)));
    }
  }

  /**
   * Expands `module "<name>"` of `ctx`: every instance of it, with the inputs the call
   * passes. Returns what `module.<name>` evaluates to: the outputs, a list of them
   * (`count`) or a map of them (`for_each`); UNKNOWN when the module was not expanded.
   */
  private expandCall(ctx: ModuleContext, scope: ModuleScope, name: string, call: Json): unknown {
    const address = `${ctx.prefix}module.${name}`;
    const key = ctx.key ? `${ctx.key}.${name}` : name;
    const source = str(call.source) ?? "";
    const notJudged = (message: string) => {
      this.unexpandedCalls.set(address, { index: this.problems.length, dependents: [] });
      this.problems.push({ address, message: `${address}${source ? ` (source ${JSON.stringify(source)})` : ""} ${message}`, kind: "notJudged" });
      return UNKNOWN;
    };
    const loaded = this.options.modules?.get(key);
    if (loaded === undefined) {
      return notJudged(
        "is not expanded: the audit reads modules from a directory (local paths, and what `terraform init` put in .terraform/modules), so its resources are not judged; audit the directory, or `terraform show -json` of a plan",
      );
    }
    if (loaded === NOT_INSTALLED) {
      this.notInstalled.push({ address, source });
      this.unexpandedCalls.set(address, { index: -1, dependents: [] });
      return UNKNOWN;
    }
    if (typeof loaded === "string") return notJudged(loaded);
    if (ctx.depth + 1 > MAX_MODULE_DEPTH)
      return notJudged(`nests deeper than ${MAX_MODULE_DEPTH} modules, so its resources are not judged; audit \`terraform show -json\` of a plan`);

    const instances: { suffix: string; each?: { key: string; value: unknown }; countIndex?: number }[] = [];
    if (call.for_each !== undefined) {
      const each = forEachInstances(call.for_each, { module: scope });
      if (!each)
        return notJudged(
          `has for_each = ${showExpression(call.for_each)}, which cannot be resolved statically${why(call.for_each, scope)}, so its resources are not judged; audit \`terraform show -json\` of a plan`,
        );
      for (const e of each) instances.push({ suffix: `[${JSON.stringify(e.key)}]`, each: e });
    } else if (call.count !== undefined) {
      const n = countOf(call.count, { module: scope });
      if (n === undefined)
        return notJudged(
          `has count = ${showExpression(call.count)}, which cannot be resolved statically${why(call.count, scope)}, so its resources are not judged; audit \`terraform show -json\` of a plan`,
        );
      for (let k = 0; k < n; k++) instances.push({ suffix: `[${k}]`, countIndex: k });
    } else instances.push({ suffix: "" });
    this.moduleInstances += instances.length;
    if (this.moduleInstances > MAX_MODULE_INSTANCES)
      return notJudged(`would make over ${MAX_MODULE_INSTANCES} module instances, so its resources are not judged; audit \`terraform show -json\` of a plan`);

    const results: unknown[] = [];
    for (const instance of instances) {
      const inputs = new Map<string, unknown>();
      const callScope: Scope = { module: scope, each: instance.each, countIndex: instance.countIndex };
      for (const [arg, value] of Object.entries(call)) if (!META_ARGUMENTS.has(arg)) inputs.set(arg, substitute(value, callScope));
      results.push(this.expand({ json: loaded.json, key, prefix: `${address}${instance.suffix}.`, dir: loaded.dir, inputs, depth: ctx.depth + 1, root: false }));
    }
    if (call.for_each !== undefined) return Object.fromEntries(instances.map((inst, i) => [inst.each!.key, results[i]]));
    return call.count !== undefined ? results : results[0];
  }
}

/** ` (var.x has no default)`: why an expression did not resolve, when it is one variable. */
function why(expression: unknown, scope: ModuleScope): string {
  if (typeof expression !== "string") return "";
  const names = new Set<string>();
  for (const m of expression.matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g)) names.add(m[1]);
  const missing = [...names].filter((n) => !scope.variables.has(n));
  return missing.length > 0 ? ` (${missing.map((n) => `var.${n}`).join(", ")} ${missing.length === 1 ? "has" : "have"} no default or .tfvars value)` : "";
}

function hasDynamic(body: Json): boolean {
  for (const v of Object.values(body)) {
    if (isObject(v) && v.dynamic !== undefined) return true;
    if (Array.isArray(v) && v.some((b) => isObject(b) && b.dynamic !== undefined)) return true;
  }
  return body.dynamic !== undefined;
}

/** `module "<name>"` blocks of a module, by name. */
function moduleCalls(json: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  if (json.module === undefined) return out;
  for (const group of bodiesOf(json.module, "module", "an object of module calls")) {
    for (const [name, call] of Object.entries(group)) {
      const body = block(call);
      if (body) out.set(name, body);
    }
  }
  return out;
}

/** Variable values: a caller's input (or .tfvars) over the default, shaped by the variable's type. */
function variablesOf(json: Json, inputs: ReadonlyMap<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (json.variable !== undefined) {
    for (const body of bodiesOf(json.variable, "variable", "an object of variables")) {
      for (const [name, decl] of Object.entries(body)) {
        const d = block(decl);
        const given = inputs.has(name) ? inputs.get(name) : undefined;
        // A null input means "use the default" for variables declared nullable = false.
        const value = inputs.has(name) && !(given === null && d?.nullable === false) ? given : d && Object.hasOwn(d, "default") ? d.default : undefined;
        if (value === undefined || value === UNKNOWN || value === FAILED) continue;
        out.set(name, conformToType(value, d?.type));
      }
    }
  }
  return out;
}

function localsOf(json: Json): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (json.locals !== undefined) for (const body of bodiesOf(json.locals, "locals", "an object of local values")) for (const [k, v] of Object.entries(body)) out.set(k, v);
  return out;
}

/** `type.name` and `data.type.name` of every resource a module declares. */
function declaredAddresses(json: Json): Set<string> {
  const out = new Set<string>();
  for (const [key, prefix] of [
    ["resource", ""],
    ["data", "data."],
  ] as const) {
    if (json[key] === undefined) continue;
    for (const types of bodiesOf(json[key], key, "an object of resource types")) {
      for (const [type, byName] of Object.entries(types)) for (const names of blocks(byName)) for (const name of Object.keys(names)) out.add(`${prefix}${type}.${name}`);
    }
  }
  return out;
}

/**
 * A child module's JSON with its references to its own resources made absolute:
 * `${azurerm_x.y.id}` becomes `${module.app.azurerm_x.y.id}`. Only addresses the module
 * declares are rewritten, so a `dynamic` block's iterator (`service_delegation.value`)
 * or a `for` expression's names are left alone.
 */
function prefixReferences(value: unknown, prefix: string, declared: ReadonlySet<string>, depth = 0): unknown {
  if (typeof value === "string") return value.includes("${") ? prefixInText(value, prefix, declared) : value;
  if (depth > 64 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => prefixReferences(v, prefix, declared, depth + 1));
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value)) out[k] = prefixReferences(v, prefix, declared, depth + 1);
  return out;
}

function prefixInText(text: string, prefix: string, declared: ReadonlySet<string>): string {
  const inserts: number[] = [];
  forEachInterpolation(text, (start, end) => {
    for (let i = start + 2; i < end; i++) {
      const c = text[i];
      if (!(c >= "a" && c <= "z")) continue;
      const before = text[i - 1];
      if (/[A-Za-z0-9_.$"-]/.test(before)) continue;
      // `data.t.n` or `t.n`, as far as identifier characters go.
      let j = i;
      let dots = 0;
      const limit = text.startsWith("data.", i) ? 3 : 2;
      while (j < end && (/[A-Za-z0-9_-]/.test(text[j]) || (text[j] === "." && dots < limit - 1 && ++dots))) j++;
      const candidate = text.slice(i, j);
      if (declared.has(candidate) && (text[j] === "." || text[j] === "[" || text[j] === "}" || /[\s),\]*+?:=!<>&|/%-]/.test(text[j] ?? ""))) inserts.push(i);
      i = j;
    }
  });
  if (inserts.length === 0) return text;
  let out = "";
  let last = 0;
  for (const at of inserts) {
    out += text.slice(last, at) + prefix;
    last = at;
  }
  return out + text.slice(last);
}

function showExpression(value: unknown): string {
  const text = typeof value === "string" ? value : Array.isArray(value) ? "[...]" : isObject(value) ? "{...}" : String(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

/** cdktf writes `depends_on: ["azurerm_x.y"]`; older versions and HCL wrap them as `${azurerm_x.y}`. */
function stripInterpolation(text: string): string {
  const t = text.trim();
  return t.startsWith("${") && t.endsWith("}") ? t.slice(2, -1) : t;
}

function providersOf(value: unknown): Map<string, Record<string, unknown>[]> {
  const out = new Map<string, Record<string, unknown>[]>();
  if (value === undefined) return out;
  for (const body of bodiesOf(value, "provider", "an object of provider configurations")) {
    for (const [name, configs] of Object.entries(body)) {
      const list = out.get(name) ?? [];
      out.set(name, list);
      for (const config of blocks(configs)) list.push(config);
    }
  }
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
    ? raw.map((s) => (isObject(s) ? [Object.hasOwn(s, "id") ? s.id : Object.hasOwn(s, "ruleId") ? s.ruleId : undefined, s.reason] : [undefined, undefined]))
    : isObject(raw)
      ? Object.entries(raw)
      : [];
  if (entries.length === 0 && !(Array.isArray(raw) && raw.length === 0)) {
    problem(`guardrails.suppressions must be a list of { id, reason }; got ${kindOf(raw)}`);
  }
  const out: Suppression[] = [];
  for (const [id, reason] of entries) {
    if (typeof id !== "string" || id.trim() === "") {
      problem(`a suppression has no rule id (reason ${typeof reason === "string" ? JSON.stringify(reason.slice(0, 80)) : kindOf(reason)})`);
    } else {
      out.push({ ruleId: id.trim(), reason: typeof reason === "string" ? reason.trim() : "" });
    }
  }
  return out;
}
