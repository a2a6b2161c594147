import { type Environment, FAILED, UNKNOWN, evaluateExpression } from "./expressions";
import { forEachInterpolation } from "./traversal";

/**
 * Static evaluation of configuration: `${...}` interpolations resolved against a module's
 * variables (defaults, `.tfvars`, or what its caller passes), locals, module outputs and
 * the instance being expanded (`each`, `count.index`, a `dynamic` block's iterator).
 * The expression language is expressions.ts; this file applies it to values and decides
 * what a resource's instances are.
 *
 * What cannot be resolved stays as written: rules then see an unresolved expression and
 * its references, and the loader reports what it could not expand as "not judged"
 * instead of guessing.
 */

/** The values a module's expressions can see, shared by every resource of the module. */
export class ModuleScope {
  private readonly resolved = new Map<string, unknown>();
  private readonly resolving = new Set<string>();

  constructor(
    /** Variables with a value: defaults, overridden by `.tfvars` or the caller's inputs. */
    readonly variables: ReadonlyMap<string, unknown>,
    /** Locals as written; each is resolved on first use. */
    readonly locals: ReadonlyMap<string, unknown>,
    readonly options: {
      readonly module?: (name: string) => unknown;
      readonly path?: Environment["path"];
      readonly readFile?: (path: string) => string | undefined;
    } = {},
  ) {}

  /** Whether anything here can resolve (a module without variables or locals skips the walk). */
  get empty(): boolean {
    return this.variables.size === 0 && this.locals.size === 0 && !this.options.module;
  }

  local(name: string): unknown {
    if (this.resolved.has(name)) return this.resolved.get(name);
    if (!this.locals.has(name) || this.resolving.has(name)) return UNKNOWN;
    this.resolving.add(name);
    const value = substitute(this.locals.get(name), { module: this });
    this.resolving.delete(name);
    this.resolved.set(name, value);
    return value;
  }
}

/** One evaluation context: the module's scope plus the instance being expanded. */
export interface Scope {
  readonly module: ModuleScope;
  readonly each?: { readonly key: string; readonly value: unknown };
  readonly countIndex?: number;
  readonly iterators?: ReadonlyMap<string, { readonly key: unknown; readonly value: unknown }>;
}

/** How deep a value is walked; deeper parts are kept as written (Terraform values are shallow). */
const MAX_VALUE_DEPTH = 64;

function environment(scope: Scope): Environment {
  const m = scope.module;
  return {
    variable: (name) => (m.variables.has(name) ? m.variables.get(name) : UNKNOWN),
    local: (name) => m.local(name),
    each: scope.each,
    countIndex: scope.countIndex,
    iterators: scope.iterators,
    module: m.options.module,
    path: m.options.path,
    readFile: m.options.readFile,
  };
}

/** `value` with every resolvable `${...}` replaced; objects are rebuilt without a prototype. */
export function substitute(value: unknown, scope: Scope, depth = 0): unknown {
  if (typeof value === "string") return substituteString(value, scope);
  if (depth >= MAX_VALUE_DEPTH || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => substitute(v, scope, depth + 1));
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value)) out[k] = substitute(v, scope, depth + 1);
  return out;
}

/**
 * A Terraform string with its interpolations evaluated: `"${expr}"` alone is the value
 * itself, whatever its type; in a longer template, known scalars are spliced in and the
 * rest is kept as written.
 */
export function substituteString(text: string, scope: Scope): unknown {
  if (!text.includes("${")) return text;
  const spans: { start: number; end: number; value: unknown }[] = [];
  let env: Environment | undefined;
  forEachInterpolation(text, (start, end) => {
    const body = text.slice(start + 2, end - 1);
    if (isPlainReference(body)) return;
    env ??= environment(scope);
    const value = evaluateExpression(body, env, (raw) => substituteString(unescapeTemplate(raw), scope));
    if (value !== UNKNOWN && value !== FAILED) spans.push({ start, end, value });
  });
  if (spans.length === 0) return text;
  if (spans.length === 1 && spans[0].start === 0 && spans[0].end === text.length) return spans[0].value;
  let out = "";
  let last = 0;
  for (const s of spans) {
    const v = s.value;
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean" && v !== null) continue;
    out += text.slice(last, s.start) + (v === null ? "" : String(v));
    last = s.end;
  }
  return out + text.slice(last);
}

/**
 * Nearly every interpolation in a stack is a resource reference (`${azurerm_x.y.id}`),
 * which never resolves statically: recognised in one pass, without parsing.
 */
function isPlainReference(body: string): boolean {
  let i = 0;
  while (i < body.length && body.charCodeAt(i) <= 32) i++;
  const start = i;
  while (i < body.length && /[a-z0-9_]/.test(body[i])) i++;
  const root = body.slice(start, i);
  if (!root.includes("_") || body[i] !== ".") return false;
  for (; i < body.length; i++) {
    const c = body[i];
    if (!/[A-Za-z0-9_.\-[\]"]/.test(c) && c.charCodeAt(0) > 32) return false;
  }
  return true;
}

/**
 * An HCL string literal's text (as written between the quotes) with its escapes decoded,
 * leaving `${...}` templates as written for substituteString.
 */
export function unescapeTemplate(raw: string): string {
  if (!raw.includes("\\")) return raw;
  let out = "";
  let depth = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (depth > 0) {
      if (c === "{") depth++;
      else if (c === "}") depth--;
      out += c;
      continue;
    }
    if (c === "$" && raw[i + 1] === "{") {
      depth = 1;
      out += "${";
      i++;
      continue;
    }
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = raw[++i];
    if (n === "n") out += "\n";
    else if (n === "t") out += "\t";
    else if (n === "r") out += "\r";
    else if (n === "u" && /^[0-9a-fA-F]{4}$/.test(raw.slice(i + 1, i + 5))) {
      out += String.fromCharCode(Number.parseInt(raw.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (n !== undefined) out += n;
  }
  return out;
}

/**
 * The instances `for_each` names (key and value), or undefined when they cannot be known
 * statically. Keys must be known before apply; values may still reference resources.
 */
export function forEachInstances(value: unknown, scope: Scope): { key: string; value: unknown }[] | undefined {
  const v = substitute(value, scope);
  if (Array.isArray(v)) {
    // A set of strings: each.key = each.value = the element.
    if (!v.every((x) => typeof x === "string" && !x.includes("${"))) return undefined;
    return [...new Set(v as string[])].map((x) => ({ key: x, value: x }));
  }
  if (typeof v === "object" && v !== null) return Object.entries(v).map(([key, value]) => ({ key, value }));
  return undefined;
}

/** The number `count` evaluates to, or undefined when it cannot be known statically. */
export function countOf(value: unknown, scope: Scope): number | undefined {
  const v = substitute(value, scope);
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d{1,9}$/.test(v) ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** `dynamic "<label>" { for_each = ..., iterator = ..., content { ... } }`, in either JSON shape. */
interface DynamicBlock {
  readonly label: string;
  readonly forEach: unknown;
  readonly iterator: string;
  readonly content: unknown;
}

function dynamicBlocks(value: unknown): DynamicBlock[] {
  const out: DynamicBlock[] = [];
  for (const group of asBodies(value)) {
    for (const [label, specs] of Object.entries(group)) {
      for (const spec of asBodies(specs)) {
        if (spec.content === undefined) continue;
        const iterator = typeof spec.iterator === "string" ? spec.iterator.replace(/^\$\{(.*)\}$/, "$1").trim() : label;
        out.push({ label, forEach: spec.for_each, iterator, content: asBodies(spec.content)[0] ?? {} });
      }
    }
  }
  return out;
}

function asBodies(value: unknown): Record<string, unknown>[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v));
}

/**
 * A resource body with its interpolations resolved and its `dynamic` blocks expanded
 * into the blocks they generate (`dynamic "delegation"` becomes `delegation` blocks).
 * A `dynamic` block whose `for_each` cannot be resolved is kept as one block with its
 * iterator unresolved: present, values unknown, so no rule claims the block is missing
 * on a guess.
 */
export function resolveBody(body: Record<string, unknown>, scope: Scope, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(body)) {
    if (k === "dynamic") continue;
    out[k] = depth < MAX_VALUE_DEPTH ? resolveNested(v, scope, depth + 1) : v;
  }
  const dynamics = depth < MAX_VALUE_DEPTH ? dynamicBlocks(body.dynamic) : [];
  // A map entry that happens to be called "dynamic" (an app setting) is a value, not a block.
  if (dynamics.length === 0) {
    if (body.dynamic !== undefined) out.dynamic = substitute(body.dynamic, scope, depth + 1);
    return out;
  }
  for (const d of dynamics) {
    const generated: unknown[] = [];
    const forEach = substitute(d.forEach, scope);
    const instances: { key: unknown; value: unknown }[] | undefined = Array.isArray(forEach)
      ? forEach.map((value, key) => ({ key, value }))
      : typeof forEach === "object" && forEach !== null
        ? Object.entries(forEach).map(([key, value]) => ({ key, value }))
        : undefined;
    if (instances) {
      for (const it of instances.slice(0, 1000)) {
        const iterators = new Map(scope.iterators ?? []);
        iterators.set(d.iterator, it);
        generated.push(resolveBody(asBodies(d.content)[0] ?? {}, { ...scope, iterators }, depth + 1));
      }
    } else {
      generated.push(resolveBody(asBodies(d.content)[0] ?? {}, scope, depth + 1));
    }
    const existing = out[d.label];
    out[d.label] = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), ...generated];
  }
  return out;
}

/** Nested blocks may hold `dynamic` blocks of their own. */
function resolveNested(value: unknown, scope: Scope, depth: number): unknown {
  if (Array.isArray(value)) return value.map((v) => (isBody(v) ? resolveBody(v, scope, depth) : substitute(v, scope, depth)));
  if (isBody(value)) return resolveBody(value, scope, depth);
  return substitute(value, scope, depth);
}

function isBody(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Whether any string inside `value` still holds `${` (bounded walk, no recursion). */
export function containsInterpolation(value: unknown): boolean {
  const stack: unknown[] = [value];
  let visited = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (++visited > 100_000) return true;
    if (typeof v === "string") {
      if (v.includes("${")) return true;
    } else if (typeof v === "object" && v !== null) {
      for (const x of Object.values(v)) stack.push(x);
    }
  }
  return false;
}
