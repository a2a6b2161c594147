import { forEachInterpolation } from "./traversal";

/**
 * Static evaluation of the few expressions Terraform users write around role
 * assignments: `local.x`, `var.x` (its default), `each.key`, `each.value.x` and
 * `count.index`, with `.attr`, `[n]` and `["key"]` steps, optionally wrapped in
 * `toset(...)` / `tomap(...)`. Azure Verified Modules create role assignments with
 * `for_each = var.role_assignments` and `principal_id = each.value.principal_id`.
 * Anything else (function calls, conditionals, `for` expressions) stays as written:
 * rules then see an unresolved expression, and the loader reports what it could not
 * expand as "not judged" instead of guessing.
 */

export interface Scope {
  readonly locals: ReadonlyMap<string, unknown>;
  readonly variables: ReadonlyMap<string, unknown>;
  readonly each?: { readonly key: string; readonly value: unknown };
  readonly countIndex?: number;
}

/** How deep a value is walked; deeper parts are kept as written (Terraform values are shallow). */
const MAX_VALUE_DEPTH = 64;
/** How many times a resolved value is itself resolved (`local.a` = `${local.b}` ...). */
const MAX_INDIRECTIONS = 8;

const UNRESOLVED: unique symbol = Symbol("unresolved");

/** `value` with every resolvable `${...}` replaced; objects are rebuilt without a prototype. */
export function substitute(value: unknown, scope: Scope, depth = 0): unknown {
  if (typeof value === "string") return substituteString(value, scope, 0);
  if (depth >= MAX_VALUE_DEPTH || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => substitute(v, scope, depth + 1));
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value)) out[k] = substitute(v, scope, depth + 1);
  return out;
}

function substituteString(text: string, scope: Scope, indirections: number): unknown {
  if (!text.includes("${")) return text;
  const spans: { start: number; end: number; value: unknown }[] = [];
  forEachInterpolation(text, (start, end) => {
    const resolved = evaluate(text.slice(start + 2, end - 1), scope);
    if (resolved !== UNRESOLVED) spans.push({ start, end, value: resolved });
  });
  if (spans.length === 0) return text;
  // `"${local.roles}"` is the value itself, whatever its type.
  if (spans.length === 1 && spans[0].start === 0 && spans[0].end === text.length) {
    const v = spans[0].value;
    return typeof v === "string" && indirections < MAX_INDIRECTIONS ? substituteString(v, scope, indirections + 1) : v;
  }
  let out = "";
  let last = 0;
  for (const s of spans) {
    if (typeof s.value !== "string" && typeof s.value !== "number" && typeof s.value !== "boolean") continue;
    out += text.slice(last, s.start) + String(s.value);
    last = s.end;
  }
  return out + text.slice(last);
}

/** The roots `evaluate` resolves, as a whole first name (parsePath's `[A-Za-z0-9_-]+`). */
const STATIC_ROOT = /^(local|var|each|count)(?![A-Za-z0-9_-])/;

/** Evaluates one interpolation body, or UNRESOLVED. */
function evaluate(body: string, scope: Scope): unknown {
  let expr = body.trim();
  for (const wrapper of ["toset(", "tomap(", "tolist("]) {
    if (expr.startsWith(wrapper) && expr.endsWith(")")) expr = expr.slice(wrapper.length, -1).trim();
  }
  // Nearly every interpolation in a stack is a resource reference (`${azurerm_x.y.id}`),
  // which can never resolve here: skip parsing it.
  if (!STATIC_ROOT.test(expr)) return UNRESOLVED;
  const path = parsePath(expr);
  if (!path || path.length === 0) return UNRESOLVED;
  const [root, ...rest] = path;
  let value: unknown;
  let steps = rest;
  if (root === "local" || root === "var") {
    const name = rest[0];
    const table = root === "local" ? scope.locals : scope.variables;
    if (typeof name !== "string" || !table.has(name)) return UNRESOLVED;
    value = table.get(name);
    steps = rest.slice(1);
  } else if (root === "each" && scope.each) {
    if (rest[0] === "key") return rest.length === 1 ? scope.each.key : UNRESOLVED;
    if (rest[0] !== "value") return UNRESOLVED;
    value = scope.each.value;
    steps = rest.slice(1);
  } else if (root === "count" && scope.countIndex !== undefined) {
    return rest.length === 1 && rest[0] === "index" ? scope.countIndex : UNRESOLVED;
  } else {
    return UNRESOLVED;
  }
  for (const step of steps) {
    if (typeof value === "string" && value.includes("${")) {
      // `local.roles.reader` where `local.roles` is itself an expression.
      value = substituteString(value, scope, 1);
    }
    if (Array.isArray(value) && typeof step === "number") value = value[step];
    else if (typeof value === "object" && value !== null && !Array.isArray(value) && Object.hasOwn(value, String(step))) {
      value = (value as Record<string, unknown>)[String(step)];
    } else return UNRESOLVED;
  }
  return value === undefined ? UNRESOLVED : value;
}

/** `each.value["principal"].id` -> ["each", "value", "principal", "id"]; undefined for anything else. */
export function parsePath(expr: string): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  let i = 0;
  const ident = () => {
    const start = i;
    while (i < expr.length && /[A-Za-z0-9_-]/.test(expr[i])) i++;
    return i > start ? expr.slice(start, i) : undefined;
  };
  const first = ident();
  if (!first) return undefined;
  out.push(first);
  while (i < expr.length) {
    if (expr[i] === ".") {
      i++;
      const name = ident();
      if (name === undefined) return undefined;
      out.push(/^\d+$/.test(name) ? Number(name) : name);
    } else if (expr[i] === "[") {
      const close = expr.indexOf("]", i);
      if (close === -1) return undefined;
      const inner = expr.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) out.push(Number(inner));
      else if (inner.length >= 2 && inner.startsWith('"') && inner.endsWith('"') && !inner.slice(1, -1).includes('"')) out.push(inner.slice(1, -1));
      else return undefined;
      i = close + 1;
    } else return undefined;
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
