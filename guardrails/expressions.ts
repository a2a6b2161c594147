/**
 * The part of Terraform's expression language people write around the resources the
 * rules judge, evaluated statically: literals, tuples and objects, `var.*`, `local.*`,
 * `each.*`, `count.index`, `module.<name>.<output>`, `path.module`, conditionals,
 * comparisons, `&&` `||` `!`, arithmetic, `for` expressions, splats and a few pure
 * functions (toset, length, coalesce, try, lookup, merge, jsonencode, file...).
 *
 * Anything else (a resource attribute, a variable without default, an unknown function)
 * is UNKNOWN; an error Terraform would raise (an attribute of null, a missing map key)
 * is FAILED, so `try()` and `can()` behave as in Terraform. Inside a tuple or object an
 * unknown element stays as its source text (`"${azurerm_x.y.id}"`), so references
 * survive evaluation and the rules still see them.
 *
 * The input is other people's Terraform: the scanner is one forward pass, the parser is
 * bounded in nesting depth and size, and nothing recurses on input depth unbounded.
 * Expression syntax: https://developer.hashicorp.com/terraform/language/expressions
 */

/** The value is not known before apply (or not to a static audit). */
export const UNKNOWN: unique symbol = Symbol("unknown");
/** Evaluating it is an error in Terraform (`try()` moves on, `can()` is false). */
export const FAILED: unique symbol = Symbol("failed");

export type Outcome = unknown;

/** What names resolve to: the caller supplies variables, locals, modules, iterators. */
export interface Environment {
  /** `var.<name>`: a final value, or UNKNOWN. */
  variable(name: string): unknown;
  /** `local.<name>`: a final value, or UNKNOWN. */
  local(name: string): unknown;
  /** `each.key` / `each.value`, inside a `for_each` resource. */
  readonly each?: { readonly key: string; readonly value: unknown };
  /** `count.index`, inside a `count` resource. */
  readonly countIndex?: number;
  /** `<name>.key` / `<name>.value` of `dynamic "<name>"` blocks being expanded. */
  readonly iterators?: ReadonlyMap<string, { readonly key: unknown; readonly value: unknown }>;
  /** `module.<name>`: the calls' outputs (an object, a list or map of objects with count/for_each), or UNKNOWN. */
  module?(name: string): unknown;
  /** `path.module`, `path.root`, `path.cwd`. */
  readonly path?: { readonly module: string; readonly root: string; readonly cwd: string };
  /** `file(path)`: the text of a file of the configuration, or undefined when it cannot be read. */
  readFile?(path: string): string | undefined;
}

/** Expressions longer than this are not parsed (a value this long is data, not logic). */
const MAX_EXPRESSION = 256 * 1024;
/** Deepest syntactic nesting parsed. */
const MAX_DEPTH = 64;
/** Most elements a `for` expression or function produces. */
const MAX_ELEMENTS = 10_000;

// ---------------------------------------------------------------------------------
// Tokens

type TokenKind = "num" | "str" | "ident" | "punct" | "eof";
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const PUNCT3 = ["..."];
const PUNCT2 = ["==", "!=", "<=", ">=", "&&", "||", "=>", ".*"];
const PUNCT1 = "()[]{},.:?=<>!+-*/%";

class SyntaxFailure extends Error {}

function isIdentStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}
function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= "0" && c <= "9") || c === "-";
}
function isDigitChar(c: string): boolean {
  return c >= "0" && c <= "9";
}

/**
 * The end of a quoted string starting at `start` (the opening quote), honouring escapes
 * and `${ ... }` templates that hold strings of their own. One pass, explicit stack.
 */
export function stringEnd(text: string, start: number): number {
  // Each entry: "s" inside a string, or a brace depth inside a template expression.
  const stack: ("s" | number)[] = ["s"];
  let i = start + 1;
  while (i < text.length) {
    const top = stack[stack.length - 1];
    const c = text[i];
    if (top === "s") {
      if (c === "\\") i += 2;
      else if (c === '"') {
        stack.pop();
        i++;
        if (stack.length === 0) return i;
      } else if (c === "$" && text[i + 1] === "{") {
        stack.push(0);
        i += 2;
      } else i++;
    } else {
      if (c === '"') stack.push("s");
      else if (c === "{") stack[stack.length - 1] = top + 1;
      else if (c === "}") {
        if (top === 0) stack.pop();
        else stack[stack.length - 1] = top - 1;
      }
      i++;
    }
  }
  throw new SyntaxFailure("unterminated string");
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      i = close === -1 ? text.length : close + 2;
      continue;
    }
    const start = i;
    if (isDigitChar(c)) {
      while (i < text.length && (isDigitChar(text[i]) || text[i] === ".")) {
        // `a[0].b`: a dot followed by a letter ends the number.
        if (text[i] === "." && !isDigitChar(text[i + 1] ?? "")) break;
        i++;
      }
      if (text[i] === "e" || text[i] === "E") {
        i++;
        if (text[i] === "+" || text[i] === "-") i++;
        while (i < text.length && isDigitChar(text[i])) i++;
      }
      out.push({ kind: "num", text: text.slice(start, i), start, end: i });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < text.length && isIdentPart(text[i])) i++;
      // `provider::ns::fn(...)`: a provider-defined function, always unknown here.
      while (text[i] === ":" && text[i + 1] === ":" && isIdentStart(text[i + 2] ?? "")) {
        i += 2;
        while (i < text.length && isIdentPart(text[i])) i++;
      }
      out.push({ kind: "ident", text: text.slice(start, i), start, end: i });
      continue;
    }
    if (c === '"') {
      i = stringEnd(text, i);
      out.push({ kind: "str", text: text.slice(start + 1, i - 1), start, end: i });
      continue;
    }
    if (c === "<" && text[i + 1] === "<") throw new SyntaxFailure("heredoc inside an expression");
    const three = text.slice(i, i + 3);
    const two = text.slice(i, i + 2);
    if (PUNCT3.includes(three)) {
      out.push({ kind: "punct", text: three, start, end: i + 3 });
      i += 3;
    } else if (PUNCT2.includes(two) && !(two === ".*" && !isSplatDot(text, i))) {
      out.push({ kind: "punct", text: two, start, end: i + 2 });
      i += 2;
    } else if (PUNCT1.includes(c)) {
      out.push({ kind: "punct", text: c, start, end: i + 1 });
      i++;
    } else throw new SyntaxFailure(`unexpected ${JSON.stringify(c)}`);
  }
  out.push({ kind: "eof", text: "", start: text.length, end: text.length });
  return out;
}

/** `x.*` (legacy splat) versus `a.b * c`: a splat's star is followed by `.`, `[` or the end. */
function isSplatDot(text: string, i: number): boolean {
  const next = text[i + 2];
  return next === undefined || next === "." || next === "[" || next === " " || next === ")" || next === "]" || next === "," || next === "}";
}

// ---------------------------------------------------------------------------------
// Syntax tree

type Node =
  | { readonly k: "lit"; readonly v: unknown; readonly s: number; readonly e: number }
  | { readonly k: "str"; readonly raw: string; readonly s: number; readonly e: number }
  | { readonly k: "name"; readonly name: string; readonly s: number; readonly e: number }
  | { readonly k: "attr"; readonly x: Node; readonly name: string; readonly s: number; readonly e: number }
  | { readonly k: "index"; readonly x: Node; readonly key: Node; readonly s: number; readonly e: number }
  | { readonly k: "splat"; readonly x: Node; readonly steps: readonly Step[]; readonly s: number; readonly e: number }
  | { readonly k: "tuple"; readonly items: readonly Node[]; readonly s: number; readonly e: number }
  | { readonly k: "object"; readonly entries: readonly (readonly [Node, Node])[]; readonly s: number; readonly e: number }
  | { readonly k: "call"; readonly name: string; readonly args: readonly Node[]; readonly expand: boolean; readonly s: number; readonly e: number }
  | { readonly k: "unary"; readonly op: string; readonly x: Node; readonly s: number; readonly e: number }
  | { readonly k: "binary"; readonly op: string; readonly l: Node; readonly r: Node; readonly s: number; readonly e: number }
  | { readonly k: "cond"; readonly c: Node; readonly t: Node; readonly f: Node; readonly s: number; readonly e: number }
  | {
      readonly k: "for";
      readonly object: boolean;
      readonly key?: string;
      readonly value: string;
      readonly coll: Node;
      readonly kexpr?: Node;
      readonly vexpr: Node;
      readonly cond?: Node;
      readonly group: boolean;
      readonly s: number;
      readonly e: number;
    };

/** A step applied to each element of a splat: `.name` or `[index]`. */
type Step = { readonly attr: string } | { readonly index: Node };

const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 4,
  ">": 4,
  "<=": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Node {
    const node = this.expression();
    if (this.peek().kind !== "eof") throw new SyntaxFailure(`unexpected ${this.peek().text}`);
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }
  private next(): Token {
    const t = this.peek();
    this.i = Math.min(this.i + 1, this.tokens.length - 1);
    return t;
  }
  private is(text: string): boolean {
    const t = this.peek();
    return t.kind === "punct" && t.text === text;
  }
  private expect(text: string): Token {
    if (!this.is(text)) throw new SyntaxFailure(`expected ${text}`);
    return this.next();
  }
  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new SyntaxFailure("nested too deep");
  }

  expression(): Node {
    this.enter();
    const c = this.binary(1);
    let out = c;
    if (this.is("?")) {
      this.next();
      const t = this.expression();
      this.expect(":");
      const f = this.expression();
      out = { k: "cond", c, t, f, s: c.s, e: f.e };
    }
    this.depth--;
    return out;
  }

  private binary(min: number): Node {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      const p = t.kind === "punct" ? BINARY_PRECEDENCE[t.text] : undefined;
      if (p === undefined || p < min) return left;
      this.next();
      this.enter();
      const right = this.binary(p + 1);
      this.depth--;
      left = { k: "binary", op: t.text, l: left, r: right, s: left.s, e: right.e };
    }
  }

  private unary(): Node {
    if (this.is("!") || this.is("-")) {
      const op = this.next();
      this.enter();
      const x = this.unary();
      this.depth--;
      return { k: "unary", op: op.text, x, s: op.start, e: x.e };
    }
    return this.postfix(this.primary());
  }

  private postfix(node: Node): Node {
    let x = node;
    for (;;) {
      if (this.is(".") && this.peek(1).kind === "ident") {
        this.next();
        const name = this.next();
        x = { k: "attr", x, name: name.text, s: x.s, e: name.end };
      } else if (this.is(".") && this.peek(1).kind === "num") {
        // Legacy `list.0` index.
        this.next();
        const n = this.next();
        x = { k: "index", x, key: { k: "lit", v: Number(n.text), s: n.start, e: n.end }, s: x.s, e: n.end };
      } else if (this.is("[") && this.peek(1).kind === "punct" && this.peek(1).text === "*" && this.peek(2).text === "]") {
        this.next();
        this.next();
        const close = this.next();
        x = this.splatSteps(x, close.end);
      } else if (this.is(".*")) {
        const star = this.next();
        x = this.splatSteps(x, star.end);
      } else if (this.is("[")) {
        this.next();
        const key = this.expression();
        const close = this.expect("]");
        x = { k: "index", x, key, s: x.s, e: close.end };
      } else return x;
    }
  }

  private splatSteps(x: Node, end: number): Node {
    const steps: Step[] = [];
    let e = end;
    for (;;) {
      if (this.is(".") && this.peek(1).kind === "ident") {
        this.next();
        const name = this.next();
        steps.push({ attr: name.text });
        e = name.end;
      } else if (this.is("[") && !(this.peek(1).text === "*")) {
        this.next();
        const key = this.expression();
        e = this.expect("]").end;
        steps.push({ index: key });
      } else return { k: "splat", x, steps, s: x.s, e };
    }
  }

  private primary(): Node {
    const t = this.next();
    switch (t.kind) {
      case "num":
        return { k: "lit", v: Number(t.text), s: t.start, e: t.end };
      case "str":
        return { k: "str", raw: t.text, s: t.start, e: t.end };
      case "ident": {
        if (t.text === "true" || t.text === "false") return { k: "lit", v: t.text === "true", s: t.start, e: t.end };
        if (t.text === "null") return { k: "lit", v: null, s: t.start, e: t.end };
        if (this.is("(")) return this.call(t);
        return { k: "name", name: t.text, s: t.start, e: t.end };
      }
      case "punct":
        if (t.text === "(") {
          const inner = this.expression();
          this.expect(")");
          return inner;
        }
        if (t.text === "[") return this.tuple(t);
        if (t.text === "{") return this.object(t);
        throw new SyntaxFailure(`unexpected ${t.text}`);
      default:
        throw new SyntaxFailure("unexpected end");
    }
  }

  private call(name: Token): Node {
    this.expect("(");
    const args: Node[] = [];
    let expand = false;
    while (!this.is(")")) {
      args.push(this.expression());
      if (this.is("...")) {
        this.next();
        expand = true;
      }
      if (!this.is(",")) break;
      this.next();
    }
    const close = this.expect(")");
    return { k: "call", name: name.text, args, expand, s: name.start, e: close.end };
  }

  private tuple(open: Token): Node {
    this.enter();
    if (this.peek().kind === "ident" && this.peek().text === "for") return this.forExpr(open, false);
    const items: Node[] = [];
    while (!this.is("]")) {
      items.push(this.expression());
      if (!this.is(",")) break;
      this.next();
    }
    const close = this.expect("]");
    this.depth--;
    return { k: "tuple", items, s: open.start, e: close.end };
  }

  private object(open: Token): Node {
    this.enter();
    if (this.peek().kind === "ident" && this.peek().text === "for") return this.forExpr(open, true);
    const entries: [Node, Node][] = [];
    while (!this.is("}")) {
      const keyToken = this.peek();
      // A bare name is the key itself; anything else (a string, a parenthesised expression) is evaluated.
      let key: Node;
      if (keyToken.kind === "ident" && (this.peek(1).text === "=" || this.peek(1).text === ":")) {
        this.next();
        key = { k: "lit", v: keyToken.text, s: keyToken.start, e: keyToken.end };
      } else key = this.expression();
      if (this.is("=") || this.is(":")) this.next();
      else throw new SyntaxFailure("expected = in object");
      entries.push([key, this.expression()]);
      if (this.is(",")) this.next();
    }
    const close = this.expect("}");
    this.depth--;
    return { k: "object", entries, s: open.start, e: close.end };
  }

  private forExpr(open: Token, object: boolean): Node {
    this.next(); // for
    const first = this.next();
    if (first.kind !== "ident") throw new SyntaxFailure("expected a name after for");
    let key: string | undefined;
    let value = first.text;
    if (this.is(",")) {
      this.next();
      const second = this.next();
      if (second.kind !== "ident") throw new SyntaxFailure("expected a name");
      key = first.text;
      value = second.text;
    }
    const inToken = this.next();
    if (inToken.text !== "in") throw new SyntaxFailure("expected in");
    const coll = this.expression();
    this.expect(":");
    let kexpr: Node | undefined;
    let vexpr = this.expression();
    if (object) {
      this.expect("=>");
      kexpr = vexpr;
      vexpr = this.expression();
    }
    let group = false;
    if (this.is("...")) {
      this.next();
      group = true;
    }
    let cond: Node | undefined;
    if (this.peek().kind === "ident" && this.peek().text === "if") {
      this.next();
      cond = this.expression();
    }
    const close = this.expect(object ? "}" : "]");
    this.depth--;
    return { k: "for", object, key, value, coll, kexpr, vexpr, cond, group, s: open.start, e: close.end };
  }
}

/** Parsed expressions by text: the same few expressions repeat across resources. */
const PARSED = new Map<string, Node | null>();
const MAX_CACHED = 5000;

function parse(text: string): Node | undefined {
  const cached = PARSED.get(text);
  if (cached !== undefined) return cached ?? undefined;
  let node: Node | null = null;
  if (text.length <= MAX_EXPRESSION) {
    try {
      node = new Parser(tokenize(text)).parseAll();
    } catch (e) {
      if (!(e instanceof SyntaxFailure)) throw e;
    }
  }
  if (PARSED.size >= MAX_CACHED) PARSED.clear();
  PARSED.set(text, node);
  return node ?? undefined;
}

// ---------------------------------------------------------------------------------
// Evaluation

/** Names that are namespaces, not values: `var.x`, `module.m.o`. */
const NAMESPACES = new Set(["var", "local", "each", "count", "module", "path", "terraform"]);

class Namespace {
  constructor(readonly name: string) {}
}

/**
 * A value known only by the expression that computes it (`azapi_resource.this[0]`), kept
 * as text so that a known condition, an attribute step or a local in between still
 * leaves the reference a rule can follow: `local.account.id` where `local.account` is
 * `var.ai ? azapi_resource.ai[0] : azapi_resource.this[0]` becomes
 * `${azapi_resource.this[0].id}`.
 */
class Residual {
  constructor(readonly text: string) {}
}

const PLAIN_TRAVERSAL = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[(?:\d+|"[^"\\]*")\])*$/;

/** A whole-value interpolation (`"${azurerm_x.y}"`) as a residual; undefined for anything else. */
function residualOf(x: unknown): Residual | undefined {
  if (x instanceof Residual) return x;
  if (typeof x !== "string" || !x.startsWith("${") || !x.endsWith("}")) return undefined;
  let depth = 0;
  for (let i = 2; i < x.length - 1; i++) {
    if (x[i] === "{") depth++;
    else if (x[i] === "}" && --depth < 0) return undefined;
  }
  const body = x.slice(2, -1).trim();
  return new Residual(PLAIN_TRAVERSAL.test(body) ? body : `(${body})`);
}

/** Where a value is used as data (a function argument, an object element): a residual is its `${...}` text. */
function asData(v: unknown): unknown {
  return v instanceof Residual ? `\${${v.text}}` : v instanceof Namespace ? UNKNOWN : v;
}

/** Where a value is computed with (an operator, a condition): a residual is unknown. */
function asOperand(v: unknown): unknown {
  return v instanceof Residual || v instanceof Namespace ? UNKNOWN : v;
}

/** Whether a value is fully known (no UNKNOWN, no FAILED, no unresolved `${...}` text). */
function isKnownScalar(v: unknown): boolean {
  return v !== UNKNOWN && v !== FAILED && !(v instanceof Namespace) && !(typeof v === "string" && v.includes("${"));
}

/**
 * Evaluates one interpolation body (the text inside `${...}`) in `env`. Returns the value,
 * UNKNOWN, or FAILED.
 */
export function evaluateExpression(text: string, env: Environment, template: (raw: string) => unknown): unknown {
  const node = parse(text);
  if (!node) return UNKNOWN;
  return new Evaluator(env, text, template).run(node);
}

class Evaluator {
  /** `for` expression names in scope, innermost last. */
  private readonly bound: Map<string, unknown>[] = [];
  constructor(
    private readonly env: Environment,
    private readonly text: string,
    /** Evaluates a string literal's template (its raw text, escapes included). */
    private readonly template: (raw: string) => unknown,
  ) {}

  run(node: Node): unknown {
    return asData(this.eval(node));
  }

  /** An unknown element of a tuple or object, kept as its text when it does not read `for` names. */
  private keep(node: Node, value: unknown): unknown {
    const v = value instanceof Residual && !(this.bound.length > 0 && this.readsBound(node)) ? asData(value) : value;
    if (v !== UNKNOWN && !(v instanceof Residual)) return v;
    if (this.bound.length > 0 && this.readsBound(node)) return UNKNOWN;
    return `\${${this.text.slice(node.s, node.e)}}`;
  }

  private readsBound(node: Node): boolean {
    const stack: Node[] = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.k === "name" && this.bound.some((b) => b.has(n.name))) return true;
      for (const child of children(n)) stack.push(child);
    }
    return false;
  }

  private lookupBound(name: string): { found: boolean; value?: unknown } {
    for (let i = this.bound.length - 1; i >= 0; i--) if (this.bound[i].has(name)) return { found: true, value: this.bound[i].get(name) };
    return { found: false };
  }

  private eval(node: Node): unknown {
    switch (node.k) {
      case "lit":
        return node.v;
      case "str":
        return this.template(node.raw);
      case "name": {
        const b = this.lookupBound(node.name);
        if (b.found) return b.value;
        const it = this.env.iterators?.get(node.name);
        if (it) return it;
        if (NAMESPACES.has(node.name)) return new Namespace(node.name);
        return new Residual(node.name);
      }
      case "attr":
        return this.attr(this.eval(node.x), node.name);
      case "index":
        return this.index(this.eval(node.x), this.eval(node.key));
      case "splat":
        return this.splat(node);
      case "tuple": {
        const out: unknown[] = [];
        for (const item of node.items) {
          const v = this.keep(item, this.eval(item));
          if (v === UNKNOWN || v === FAILED || v instanceof Namespace) return v === FAILED ? FAILED : UNKNOWN;
          out.push(v);
        }
        return out;
      }
      case "object": {
        const out: Record<string, unknown> = Object.create(null);
        for (const [k, v] of node.entries) {
          const key = asOperand(this.eval(k));
          if (key === FAILED) return FAILED;
          if (typeof key !== "string" && typeof key !== "number") return UNKNOWN;
          const value = this.keep(v, this.eval(v));
          if (value === FAILED) return FAILED;
          if (value === UNKNOWN || value instanceof Namespace) return UNKNOWN;
          out[String(key)] = value;
        }
        return out;
      }
      case "call":
        return this.call(node);
      case "unary": {
        const x = asOperand(this.eval(node.x));
        if (x === FAILED) return FAILED;
        if (node.op === "!") return typeof x === "boolean" ? !x : UNKNOWN;
        return typeof x === "number" ? -x : UNKNOWN;
      }
      case "binary":
        return this.binary(node.op, node.l, node.r);
      case "cond": {
        const c = asOperand(this.eval(node.c));
        if (c === FAILED) return FAILED;
        if (typeof c !== "boolean") return UNKNOWN;
        return this.eval(c ? node.t : node.f);
      }
      case "for":
        return this.forExpr(node);
    }
  }

  private attr(x: unknown, name: string): unknown {
    if (x === UNKNOWN || x === FAILED) return x;
    if (x instanceof Namespace) return this.namespaceAttr(x, name);
    if (x === null) return FAILED;
    const residual = residualOf(x);
    if (residual) return new Residual(`${residual.text}.${name}`);
    if (typeof x === "object" && !Array.isArray(x)) return Object.hasOwn(x, name) ? (x as Record<string, unknown>)[name] : FAILED;
    if (typeof x === "string" && x.includes("${")) return UNKNOWN;
    return FAILED;
  }

  private namespaceAttr(ns: Namespace, name: string): unknown {
    const env = this.env;
    switch (ns.name) {
      case "var":
        return env.variable(name);
      case "local":
        return env.local(name);
      case "each":
        if (!env.each) return UNKNOWN;
        return name === "key" ? env.each.key : name === "value" ? env.each.value : FAILED;
      case "count":
        return env.countIndex !== undefined && name === "index" ? env.countIndex : UNKNOWN;
      case "path":
        return env.path && (name === "module" || name === "root" || name === "cwd") ? env.path[name] : UNKNOWN;
      case "terraform":
        // Without a workspace selected, Terraform's workspace is "default".
        return name === "workspace" ? "default" : UNKNOWN;
      case "module":
        return env.module ? env.module(name) : UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private index(x: unknown, keyValue: unknown): unknown {
    const key = asOperand(keyValue);
    if (x === FAILED || key === FAILED) return FAILED;
    if (x === UNKNOWN || key === UNKNOWN || x instanceof Namespace) return UNKNOWN;
    const residual = residualOf(x);
    if (residual) {
      if (typeof key === "number" && Number.isInteger(key)) return new Residual(`${residual.text}[${key}]`);
      return typeof key === "string" && !key.includes("${") ? new Residual(`${residual.text}[${JSON.stringify(key)}]`) : UNKNOWN;
    }
    if (x === null) return FAILED;
    if (Array.isArray(x)) {
      const n = typeof key === "number" ? key : typeof key === "string" && /^\d+$/.test(key) ? Number(key) : Number.NaN;
      if (!Number.isInteger(n)) return typeof key === "string" && key.includes("${") ? UNKNOWN : FAILED;
      return n >= 0 && n < x.length ? x[n] : FAILED;
    }
    if (typeof x === "object") {
      if (typeof key !== "string" && typeof key !== "number") return FAILED;
      if (typeof key === "string" && key.includes("${")) return UNKNOWN;
      return Object.hasOwn(x, String(key)) ? (x as Record<string, unknown>)[String(key)] : FAILED;
    }
    return typeof x === "string" && x.includes("${") ? UNKNOWN : FAILED;
  }

  private splat(node: Extract<Node, { k: "splat" }>): unknown {
    const x = asOperand(this.eval(node.x));
    if (x === FAILED || x === UNKNOWN || x instanceof Namespace) return x instanceof Namespace ? UNKNOWN : x;
    // A splat of null is an empty list; of one object, a list of it.
    const list = x === null ? [] : Array.isArray(x) ? x : [x];
    const out: unknown[] = [];
    for (const item of list) {
      let v: unknown = item;
      for (const step of node.steps) v = "attr" in step ? this.attr(v, step.attr) : this.index(v, this.eval(step.index));
      if (v === UNKNOWN || v === FAILED) return v;
      out.push(v);
    }
    return out;
  }

  private binary(op: string, ln: Node, rn: Node): unknown {
    const l = asOperand(this.eval(ln));
    if (l === FAILED) return FAILED;
    // Short circuits Terraform does not have, but whose answer is the same when the other side is known.
    if (op === "&&" && l === false) return this.eval(rn) === FAILED ? FAILED : false;
    if (op === "||" && l === true) return this.eval(rn) === FAILED ? FAILED : true;
    const r = asOperand(this.eval(rn));
    if (r === FAILED) return FAILED;
    if (op === "&&" || op === "||") {
      if (op === "&&" && r === false && l === UNKNOWN) return false;
      if (op === "||" && r === true && l === UNKNOWN) return true;
      if (typeof l !== "boolean" || typeof r !== "boolean") return UNKNOWN;
      return op === "&&" ? l && r : l || r;
    }
    // `v != null` over a value kept as text: the text is some value, and the usual filter
    // (`{ for k, v in {...} : k => v if v != null }`) keeps it.
    if ((op === "==" || op === "!=") && (l === null || r === null) && l !== UNKNOWN && r !== UNKNOWN) return (l === r) === (op === "==");
    if (!isKnownDeep(l) || !isKnownDeep(r)) return UNKNOWN;
    switch (op) {
      case "==":
        return sameValue(l, r);
      case "!=":
        return !sameValue(l, r);
    }
    const a = toNumber(l);
    const b = toNumber(r);
    if (a === undefined || b === undefined) return FAILED;
    switch (op) {
      case "<":
        return a < b;
      case ">":
        return a > b;
      case "<=":
        return a <= b;
      case ">=":
        return a >= b;
      case "+":
        return a + b;
      case "-":
        return a - b;
      case "*":
        return a * b;
      case "/":
        return b === 0 ? FAILED : a / b;
      case "%":
        return b === 0 ? FAILED : a % b;
      default:
        return UNKNOWN;
    }
  }

  private forExpr(node: Extract<Node, { k: "for" }>): unknown {
    const coll = asOperand(this.eval(node.coll));
    if (coll === FAILED) return FAILED;
    if (coll === UNKNOWN || coll instanceof Namespace || coll === null || typeof coll !== "object") return coll === null ? FAILED : UNKNOWN;
    if (node.group) return UNKNOWN;
    const pairs: [unknown, unknown][] = Array.isArray(coll)
      ? coll.map((v, i) => [i, v])
      : Object.keys(coll)
          .sort()
          .map((k) => [k, (coll as Record<string, unknown>)[k]]);
    if (pairs.length > MAX_ELEMENTS) return UNKNOWN;
    const list: unknown[] = [];
    const map: Record<string, unknown> = Object.create(null);
    for (const [k, v] of pairs) {
      const frame = new Map<string, unknown>([[node.value, v]]);
      if (node.key) frame.set(node.key, k);
      this.bound.push(frame);
      try {
        if (node.cond) {
          const c = asOperand(this.eval(node.cond));
          if (c === FAILED) return FAILED;
          if (typeof c !== "boolean") return UNKNOWN;
          if (!c) continue;
        }
        const value = this.keep(node.vexpr, this.eval(node.vexpr));
        if (value === FAILED) return FAILED;
        if (value === UNKNOWN || value instanceof Namespace) return UNKNOWN;
        if (node.kexpr) {
          const key = asOperand(this.eval(node.kexpr));
          if (key === FAILED) return FAILED;
          if (typeof key !== "string" && typeof key !== "number") return UNKNOWN;
          if (typeof key === "string" && key.includes("${")) return UNKNOWN;
          map[String(key)] = value;
        } else list.push(value);
      } finally {
        this.bound.pop();
      }
    }
    return node.object ? map : list;
  }

  private call(node: Extract<Node, { k: "call" }>): unknown {
    const name = node.name;
    // try() and can() judge their arguments' failures, so they evaluate lazily.
    if (name === "try") {
      for (const arg of node.args) {
        const v = this.eval(arg);
        if (v !== FAILED) return v;
      }
      return FAILED;
    }
    if (name === "can") {
      const v = node.args.length === 1 ? asOperand(this.eval(node.args[0])) : UNKNOWN;
      return v === FAILED ? false : v === UNKNOWN ? UNKNOWN : true;
    }
    const args: unknown[] = [];
    for (const a of node.args) {
      const v = this.eval(a);
      if (v === FAILED) return FAILED;
      args.push(asData(v));
    }
    if (node.expand) {
      const last = args.pop();
      if (!Array.isArray(last)) return UNKNOWN;
      args.push(...last);
    }
    const fn = FUNCTIONS[name];
    if (!fn) return UNKNOWN;
    return fn(args, this.env);
  }
}

function children(n: Node): Node[] {
  switch (n.k) {
    case "attr":
      return [n.x];
    case "index":
      return [n.x, n.key];
    case "splat":
      return [n.x, ...n.steps.flatMap((s) => ("index" in s ? [s.index] : []))];
    case "tuple":
      return [...n.items];
    case "object":
      return n.entries.flat();
    case "call":
      return [...n.args];
    case "unary":
      return [n.x];
    case "binary":
      return [n.l, n.r];
    case "cond":
      return [n.c, n.t, n.f];
    case "for":
      return [n.coll, n.vexpr, ...(n.kexpr ? [n.kexpr] : []), ...(n.cond ? [n.cond] : [])];
    default:
      return [];
  }
}

/** Fully known, however deep (bounded): no UNKNOWN and no unresolved `${...}` inside. */
function isKnownDeep(v: unknown): boolean {
  const stack: unknown[] = [v];
  let seen = 0;
  while (stack.length > 0) {
    const x = stack.pop();
    if (++seen > MAX_ELEMENTS) return false;
    if (!isKnownScalar(x)) return false;
    if (typeof x === "object" && x !== null) for (const c of Object.values(x)) stack.push(c);
  }
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  // Terraform compares by type too: 1 == "1" is false.
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return a === b;
  const left = stableJson(a);
  return left !== undefined && left === stableJson(b);
}

/** JSON with sorted keys; undefined for a value too deep to print (it then compares unequal). */
function stableJson(v: unknown): string | undefined {
  try {
    return JSON.stringify(v, (_k, x) =>
      typeof x === "object" && x !== null && !Array.isArray(x)
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, x[k]]),
          )
        : x,
    );
  } catch {
    return undefined;
  }
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

/** Terraform's string conversion of a primitive; undefined for anything else. */
function toText(v: unknown): string | undefined {
  if (typeof v === "string") return v.includes("${") ? undefined : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

type Fn = (args: unknown[], env: Environment) => unknown;

const unknownIn = (args: unknown[]) => args.some((a) => a === UNKNOWN);

const FUNCTIONS: Readonly<Record<string, Fn>> = {
  // A set of objects is a set too (a dynamic block's for_each over toset(list of objects)).
  toset: ([x]) => (Array.isArray(x) ? (x.every(isKnownDeep) ? x.filter((v, i) => x.findIndex((w) => sameValue(v, w)) === i) : UNKNOWN) : x === UNKNOWN ? UNKNOWN : FAILED),
  tolist: ([x]) => (Array.isArray(x) ? x : x === UNKNOWN ? UNKNOWN : FAILED),
  tomap: ([x]) => (typeof x === "object" && x !== null && !Array.isArray(x) ? x : x === UNKNOWN ? UNKNOWN : FAILED),
  tostring: ([x]) => (x === null ? null : (toText(x) ?? UNKNOWN)),
  tonumber: ([x]) => (x === null ? null : (toNumber(x) ?? (x === UNKNOWN ? UNKNOWN : FAILED))),
  tobool: ([x]) => (typeof x === "boolean" || x === null ? x : x === "true" ? true : x === "false" ? false : x === UNKNOWN ? UNKNOWN : FAILED),
  sensitive: ([x]) => x,
  nonsensitive: ([x]) => x,
  length: ([x]) => {
    if (typeof x === "string") return x.includes("${") ? UNKNOWN : [...x].length;
    if (Array.isArray(x)) return x.length;
    if (typeof x === "object" && x !== null) return Object.keys(x).length;
    return x === UNKNOWN ? UNKNOWN : FAILED;
  },
  coalesce: (args) => {
    for (const a of args) {
      if (a === UNKNOWN || (typeof a === "string" && a.includes("${"))) return UNKNOWN;
      if (a !== null && a !== "") return a;
    }
    return FAILED;
  },
  coalescelist: (args) => {
    for (const a of args) {
      if (!Array.isArray(a)) return UNKNOWN;
      if (a.length > 0) return a;
    }
    return FAILED;
  },
  lookup: ([map, key, ...fallback]) => {
    if (map === UNKNOWN || key === UNKNOWN) return UNKNOWN;
    if (typeof map !== "object" || map === null || Array.isArray(map) || typeof key !== "string") return FAILED;
    if (Object.hasOwn(map, key)) return (map as Record<string, unknown>)[key];
    return fallback.length > 0 ? fallback[0] : FAILED;
  },
  contains: ([list, v]) => {
    if (!Array.isArray(list) || !isKnownDeep(list) || !isKnownDeep(v)) return list === UNKNOWN || v === UNKNOWN ? UNKNOWN : Array.isArray(list) ? UNKNOWN : FAILED;
    return list.some((x) => sameValue(x, v));
  },
  keys: ([m]) => (typeof m === "object" && m !== null && !Array.isArray(m) ? Object.keys(m).sort() : m === UNKNOWN ? UNKNOWN : FAILED),
  values: ([m]) =>
    typeof m === "object" && m !== null && !Array.isArray(m)
      ? Object.keys(m)
          .sort()
          .map((k) => (m as Record<string, unknown>)[k])
      : m === UNKNOWN
        ? UNKNOWN
        : FAILED,
  merge: (args) => {
    if (unknownIn(args)) return UNKNOWN;
    const out: Record<string, unknown> = Object.create(null);
    for (const a of args) {
      if (a === null) continue;
      if (typeof a !== "object" || Array.isArray(a)) return FAILED;
      Object.assign(out, a);
    }
    return out;
  },
  concat: (args) => {
    if (unknownIn(args)) return UNKNOWN;
    if (!args.every(Array.isArray)) return FAILED;
    return (args as unknown[][]).flat();
  },
  flatten: ([x]) => {
    if (!Array.isArray(x)) return x === UNKNOWN ? UNKNOWN : FAILED;
    const out: unknown[] = [];
    const stack: unknown[] = [...x].reverse();
    while (stack.length > 0) {
      const v = stack.pop();
      if (v === UNKNOWN) return UNKNOWN;
      if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
      else out.push(v);
      if (out.length > MAX_ELEMENTS) return UNKNOWN;
    }
    return out;
  },
  distinct: ([x]) => (Array.isArray(x) ? x.filter((v, i) => x.findIndex((w) => sameValue(v, w)) === i) : x === UNKNOWN ? UNKNOWN : FAILED),
  compact: ([x]) => (Array.isArray(x) ? x.filter((v) => v !== null && v !== "") : x === UNKNOWN ? UNKNOWN : FAILED),
  one: ([x]) => (Array.isArray(x) ? (x.length === 0 ? null : x.length === 1 ? x[0] : FAILED) : x === UNKNOWN ? UNKNOWN : FAILED),
  element: ([list, i]) => (Array.isArray(list) && typeof i === "number" && list.length > 0 ? list[i % list.length] : unknownIn([list, i]) ? UNKNOWN : FAILED),
  join: ([sep, list]) => {
    const s = toText(sep);
    if (s === undefined || !Array.isArray(list)) return unknownIn([sep, list]) ? UNKNOWN : FAILED;
    const parts = list.map(toText);
    return parts.every((p) => p !== undefined) ? parts.join(s) : UNKNOWN;
  },
  split: ([sep, text]) => {
    const s = toText(sep);
    const t = toText(text);
    return s !== undefined && t !== undefined ? t.split(s) : UNKNOWN;
  },
  lower: ([x]) => toText(x)?.toLowerCase() ?? UNKNOWN,
  upper: ([x]) => toText(x)?.toUpperCase() ?? UNKNOWN,
  trimspace: ([x]) => toText(x)?.trim() ?? UNKNOWN,
  strcontains: ([x, p]) => (toText(x) !== undefined && toText(p) !== undefined ? toText(x)!.includes(toText(p)!) : UNKNOWN),
  anytrue: ([x]) => (Array.isArray(x) ? (x.some((v) => v === true) ? true : x.every((v) => typeof v === "boolean") ? false : UNKNOWN) : x === UNKNOWN ? UNKNOWN : FAILED),
  alltrue: ([x]) => (Array.isArray(x) ? (x.some((v) => v === false) ? false : x.every((v) => v === true) ? true : UNKNOWN) : x === UNKNOWN ? UNKNOWN : FAILED),
  trimprefix: ([x, p]) => (toText(x) !== undefined && toText(p) !== undefined ? (toText(x)!.startsWith(toText(p)!) ? toText(x)!.slice(toText(p)!.length) : toText(x)) : UNKNOWN),
  trimsuffix: ([x, p]) =>
    toText(x) !== undefined && toText(p) !== undefined ? (toText(x)!.endsWith(toText(p)!) && toText(p) !== "" ? toText(x)!.slice(0, -toText(p)!.length) : toText(x)) : UNKNOWN,
  reverse: ([x]) => (Array.isArray(x) ? [...x].reverse() : x === UNKNOWN ? UNKNOWN : FAILED),
  zipmap: ([k, v]) =>
    Array.isArray(k) && Array.isArray(v) && k.length === v.length && k.every((x) => toText(x) !== undefined)
      ? Object.fromEntries(k.map((x, i) => [toText(x)!, v[i]]))
      : unknownIn([k, v])
        ? UNKNOWN
        : FAILED,
  range: (args) => {
    if (!args.every((a) => typeof a === "number")) return UNKNOWN;
    const [start, end, step] = args.length === 1 ? [0, args[0] as number, 1] : [args[0] as number, args[1] as number, (args[2] as number) ?? 1];
    if (step === 0 || Math.abs((end - start) / step) > MAX_ELEMENTS) return UNKNOWN;
    const out: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
    return out;
  },
  startswith: ([x, p]) => (toText(x) !== undefined && toText(p) !== undefined ? toText(x)!.startsWith(toText(p)!) : UNKNOWN),
  endswith: ([x, p]) => (toText(x) !== undefined && toText(p) !== undefined ? toText(x)!.endsWith(toText(p)!) : UNKNOWN),
  replace: ([x, from, to]) => {
    const [a, b, c] = [toText(x), toText(from), toText(to)];
    // A `/regex/` pattern is not evaluated here.
    if (a === undefined || b === undefined || c === undefined || (b.length > 1 && b.startsWith("/") && b.endsWith("/"))) return UNKNOWN;
    return a.split(b).join(c);
  },
  format: ([spec, ...args]) => {
    const s = toText(spec);
    if (s === undefined) return UNKNOWN;
    let i = 0;
    let ok = true;
    const out = s.replace(/%(%|s|d|v)/g, (_m, c: string) => {
      if (c === "%") return "%";
      const t = toText(args[i++]);
      if (t === undefined) ok = false;
      return t ?? "";
    });
    return ok ? out : UNKNOWN;
  },
  min: (args) => (args.every((a) => typeof a === "number") ? Math.min(...(args as number[])) : UNKNOWN),
  max: (args) => (args.every((a) => typeof a === "number") ? Math.max(...(args as number[])) : UNKNOWN),
  jsonencode: ([x]) => {
    // A value with unknown parts still encodes: the `${...}` text inside keeps its references.
    if (x === UNKNOWN) return UNKNOWN;
    try {
      return JSON.stringify(x) ?? "null";
    } catch {
      return UNKNOWN;
    }
  },
  jsondecode: ([x]) => {
    if (typeof x !== "string") return x === UNKNOWN ? UNKNOWN : FAILED;
    try {
      return JSON.parse(x);
    } catch {
      return x.includes("${") ? UNKNOWN : FAILED;
    }
  },
  file: ([p], env) => {
    const path = toText(p);
    if (path === undefined || !env.readFile) return UNKNOWN;
    return env.readFile(path) ?? UNKNOWN;
  },
};

// ---------------------------------------------------------------------------------
// Type constraints

/**
 * `value` shaped by a variable's type constraint the way Terraform converts it: an
 * `object({...})` attribute declared `optional(T, default)` and left out takes the
 * default (`optional(T)`: null), through `map()`, `list()`, `set()` and nested objects.
 * Azure Verified Modules read `var.managed_identities.system_assigned` of a `{}` default
 * this way. Anything the audit cannot read is returned as it was.
 * https://developer.hashicorp.com/terraform/language/expressions/type-constraints#optional-object-type-attributes
 */
export function conformToType(value: unknown, typeText: unknown): unknown {
  if (typeof typeText !== "string" || value === UNKNOWN || value === null || typeof value !== "object") return value;
  const body = typeText.startsWith("${") && typeText.endsWith("}") ? typeText.slice(2, -1) : typeText;
  const node = parse(body);
  return node ? conform(value, node, body, 0) : value;
}

function conform(value: unknown, type: Node, text: string, depth: number): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== "object" || type.k !== "call") return value;
  const arg = type.args[0];
  switch (type.name) {
    case "map":
      if (Array.isArray(value) || !arg) return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, conform(v, arg, text, depth + 1)]));
    case "list":
    case "set":
      return Array.isArray(value) && arg ? value.map((v) => conform(v, arg, text, depth + 1)) : value;
    case "optional":
      return arg ? conform(value, arg, text, depth + 1) : value;
    case "object": {
      if (Array.isArray(value) || !arg || arg.k !== "object") return value;
      const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const [keyNode, attrType] of arg.entries) {
        if (keyNode.k !== "lit" || typeof keyNode.v !== "string") continue;
        const key = keyNode.v;
        if (Object.hasOwn(out, key)) out[key] = conform(out[key], attrType, text, depth + 1);
        else if (attrType.k === "call" && attrType.name === "optional") {
          const fallback = attrType.args[1] ? new Evaluator(NO_NAMES, text, (raw) => raw).run(attrType.args[1]) : null;
          out[key] = fallback === UNKNOWN || fallback === FAILED ? null : conform(fallback, attrType, text, depth + 1);
        }
      }
      return out;
    }
    default:
      return value;
  }
}

/** An environment where no name resolves: for literal defaults in type constraints. */
const NO_NAMES: Environment = { variable: () => UNKNOWN, local: () => UNKNOWN };
