/**
 * ARM templates (embedded in Terraform by `azurerm_resource_group_template_deployment`,
 * the legacy `azurerm_template_deployment` or an azapi `Microsoft.Resources/deployments`,
 * or handed to the CLI as JSON, e.g. from `bicep build`): the resources they deploy, with
 * their template expressions evaluated where the values are literal, parameters with
 * defaults or values the deployment passes, and variables.
 *
 * What ARM computes at deploy time stays a reference the rules can follow:
 * `[resourceId(...)]` is the resource's id, `[reference(..., 'Full').identity.principalId]`
 * its system identity, `[listKeys(...).key1]` its key (a credential). A resource the
 * template names by a Terraform-provided name (`parameters('openAiName')` =
 * `${azurerm_cognitive_account.x.name}`) is that Terraform resource.
 * Template syntax: https://learn.microsoft.com/azure/azure-resource-manager/templates/syntax
 * Functions: https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions
 */

import { type Json, isObject } from "./values";

/** A resource the template deploys, as ARM would send it, with expressions evaluated. */
export interface ArmResource {
  /** Full type, child types joined: `Microsoft.Web/sites/config`. */
  readonly type: string;
  /** Full name, child names joined: `chat-app/authsettingsV2`; undefined when not known statically. */
  readonly name?: string;
  /** Where it sits in the template, for report locations: `resources[2].resources[0]`. */
  readonly path: string;
  readonly body: Json;
}

export interface ArmTemplate {
  readonly resources: readonly ArmResource[];
  /** What could not be read, one line each (the caller reports them as not judged). */
  readonly problems: readonly string[];
}

/** How a template refers to the resources it deploys or reads (`resourceId(...)`). */
export interface ArmAddressing {
  /** The address of a resource of the template (`<deployment>["Microsoft.Web/sites/app"]`). */
  templateResource(type: string, name: string): string;
}

/** The value of an ARM expression that the audit cannot know. */
const UNKNOWN: unique symbol = Symbol("arm-unknown");

/** A resource, as `resourceId()` or `reference()` names it: a Terraform address plus what is read of it. */
class Ref {
  constructor(
    /** The resource's address. */
    readonly address: string,
    /** ARM resource type (lower case), to map runtime properties to azurerm attributes. */
    readonly type: string,
    /** What the value is: the id, the runtime object (`reference`), or its keys (`listKeys`). */
    readonly kind: "id" | "runtime" | "full" | "keys",
    /** Property steps read from it. */
    readonly steps: readonly string[] = [],
  ) {}
}

/** Most resources read from one template (copy loops included). */
const MAX_RESOURCES = 2000;
/** Deepest nesting of expressions and child resources followed. */
const MAX_DEPTH = 32;

/**
 * The resources of `template`, given the parameter values the deployment passes
 * (`{ name: value }`; template defaults fill the rest).
 */
export function readTemplate(template: Json, parameters: Readonly<Record<string, unknown>>, addressing: ArmAddressing): ArmTemplate {
  const problems: string[] = [];
  const params: Record<string, unknown> = Object.create(null);
  if (isObject(template.parameters)) {
    for (const [name, decl] of Object.entries(template.parameters)) {
      if (Object.hasOwn(parameters, name)) params[name] = parameters[name];
      else if (isObject(decl) && Object.hasOwn(decl, "defaultValue")) params[name] = decl.defaultValue;
    }
  }
  const evaluator = new ArmEvaluator(params, isObject(template.variables) ? template.variables : {}, addressing);
  // Names first: resourceId() of a sibling needs every resource's evaluated name.
  const flat: { decl: Json; type: string; nameExpr: unknown; parentName?: string; path: string }[] = [];
  const queue: { list: unknown; parentType?: string; parentName?: string; path: string; depth: number }[] = [{ list: template.resources, path: "resources", depth: 0 }];
  for (let q = 0; q < queue.length; q++) {
    const { list, parentType, parentName, path, depth } = queue[q];
    // languageVersion 2.0 templates hold resources in an object keyed by symbolic name.
    const entries = Array.isArray(list)
      ? list.map((r, i) => [`${path}[${i}]`, r] as const)
      : isObject(list)
        ? Object.entries(list).map(([k, r]) => [`${path}.${k}`, r] as const)
        : [];
    for (const [where, decl] of entries) {
      if (!isObject(decl) || typeof decl.type !== "string") continue;
      const type = parentType && !decl.type.includes("/") ? `${parentType}/${decl.type}` : decl.type;
      flat.push({ decl, type, nameExpr: decl.name, parentName, path: where });
      if (decl.resources !== undefined && depth < MAX_DEPTH) {
        const name = evaluator.text(decl.name);
        queue.push({
          list: decl.resources,
          parentType: type,
          parentName: name === undefined ? undefined : joinName(parentName, name),
          path: `${where}.resources`,
          depth: depth + 1,
        });
      }
      if (flat.length > MAX_RESOURCES) break;
    }
  }
  const resources: ArmResource[] = [];
  for (const { decl, type, nameExpr, parentName, path } of flat) {
    if (decl.copy !== undefined) {
      problems.push(`${path} (${type}) is a copy loop, which the audit does not expand`);
      continue;
    }
    if (decl.condition !== undefined) {
      const condition = evaluator.value(decl.condition);
      if (condition === false) continue;
    }
    const own = evaluator.text(nameExpr);
    const name = own === undefined ? undefined : parentName !== undefined && !own.includes("/") ? joinName(parentName, own) : own;
    if (name !== undefined) evaluator.declare(type, name);
    resources.push({ type, name, path, body: decl });
  }
  // Bodies last: every sibling is declared, so resourceId() finds it.
  return {
    resources: resources.map((r) => ({ ...r, body: evaluator.body(r.body) })),
    problems,
  };
}

function joinName(parent: string | undefined, child: string): string {
  return parent === undefined ? child : `${parent}/${child}`;
}

/** ARM template expression evaluation over parameters, variables and the template's resources. */
class ArmEvaluator {
  private readonly declared = new Map<string, string>();
  private readonly variableValues = new Map<string, unknown>();
  private readonly resolvingVariables = new Set<string>();

  constructor(
    private readonly params: Readonly<Record<string, unknown>>,
    private readonly variables: Json,
    private readonly addressing: ArmAddressing,
  ) {}

  declare(type: string, name: string): void {
    this.declared.set(`${type.toLowerCase()}|${name.toLowerCase()}`, this.addressing.templateResource(type, name));
  }

  /** A resource body with every expression evaluated; what is not known becomes null. */
  body(decl: Json): Json {
    const { resources: _children, copy: _copy, condition: _condition, dependsOn: _dependsOn, comments: _comments, ...rest } = decl;
    const out = this.deep(rest, 0) as Json;
    // An extension resource's scope may name its target as `<type>/<name>`.
    if (typeof out.scope === "string" && !out.scope.includes("${")) {
      const m = /^([A-Za-z0-9.]+\/[A-Za-z0-9]+)\/(.+)$/.exec(out.scope);
      const own = m ? this.declared.get(`${m[1].toLowerCase()}|${m[2].toLowerCase()}`) : undefined;
      if (own) out.scope = `\${${own}.id}`;
    }
    return out;
  }

  private deep(value: unknown, depth: number): unknown {
    if (typeof value === "string") return output(this.value(value));
    if (depth > MAX_DEPTH || typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) return value.map((v) => this.deep(v, depth + 1));
    const out: Json = Object.create(null);
    for (const [k, v] of Object.entries(value)) out[k] = this.deep(v, depth + 1);
    return out;
  }

  /** A string's value: literal text, or the value of the `[...]` expression it holds. */
  value(raw: unknown): unknown {
    if (typeof raw !== "string") return raw;
    const t = raw.trim();
    if (!t.startsWith("[") || !t.endsWith("]")) return raw;
    // `[[` escapes a literal string that starts with a bracket.
    if (t.startsWith("[[")) return raw.replace("[[", "[");
    try {
      const parser = new ArmParser(t.slice(1, -1));
      const node = parser.parse();
      return this.eval(node, 0);
    } catch {
      return UNKNOWN;
    }
  }

  /** A name or other text, or undefined when it is not a known string. */
  text(raw: unknown): string | undefined {
    const v = this.value(raw);
    return typeof v === "string" && !v.includes("${") ? v : typeof v === "string" ? v : undefined;
  }

  private variable(name: string): unknown {
    if (this.variableValues.has(name)) return this.variableValues.get(name);
    if (!Object.hasOwn(this.variables, name) || this.resolvingVariables.has(name)) return UNKNOWN;
    this.resolvingVariables.add(name);
    const v = this.deepValue(this.variables[name]);
    this.resolvingVariables.delete(name);
    this.variableValues.set(name, v);
    return v;
  }

  /** A variable's value: objects and arrays hold expressions too. */
  private deepValue(value: unknown, depth = 0): unknown {
    if (typeof value === "string") return this.value(value);
    if (typeof value !== "object" || value === null || depth > MAX_DEPTH) return value;
    if (Array.isArray(value)) return value.map((v) => this.deepValue(v, depth + 1));
    const out: Json = Object.create(null);
    for (const [k, v] of Object.entries(value)) out[k] = this.deepValue(v, depth + 1);
    return out;
  }

  private eval(node: ArmNode, depth: number): unknown {
    if (depth > MAX_DEPTH) return UNKNOWN;
    switch (node.k) {
      case "str":
      case "num":
        return node.v;
      case "prop": {
        const x = this.eval(node.x, depth + 1);
        return step(x, node.name);
      }
      case "index": {
        const x = this.eval(node.x, depth + 1);
        const key = this.eval(node.key, depth + 1);
        if (typeof key !== "string" && typeof key !== "number") return UNKNOWN;
        return step(x, key);
      }
      case "call": {
        const args = node.args.map((a) => this.eval(a, depth + 1));
        return this.call(node.name.toLowerCase(), args);
      }
    }
  }

  private call(name: string, args: unknown[]): unknown {
    const [a, b, c] = args;
    switch (name) {
      case "parameters":
        return typeof a === "string" && Object.hasOwn(this.params, a) ? this.params[a] : UNKNOWN;
      case "variables":
        return typeof a === "string" ? this.variable(a) : UNKNOWN;
      case "concat":
        if (args.every(Array.isArray)) return (args as unknown[][]).flat();
        return args.every((x) => typeof x === "string" || typeof x === "number" || typeof x === "boolean") ? args.join("") : UNKNOWN;
      case "format": {
        if (typeof a !== "string") return UNKNOWN;
        let ok = true;
        const out = a.replace(/\{(\d+)(?::[^}]*)?\}/g, (_m, i: string) => {
          const v = args[Number(i) + 1];
          if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") ok = false;
          return String(v);
        });
        return ok ? out : UNKNOWN;
      }
      case "tolower":
        return typeof a === "string" ? a.toLowerCase() : UNKNOWN;
      case "toupper":
        return typeof a === "string" ? a.toUpperCase() : UNKNOWN;
      case "string":
        return typeof a === "string" ? a : typeof a === "number" || typeof a === "boolean" ? String(a) : UNKNOWN;
      case "int":
        return typeof a === "number" ? Math.trunc(a) : typeof a === "string" && /^-?\d+$/.test(a) ? Number(a) : UNKNOWN;
      case "bool":
        return typeof a === "boolean" ? a : a === "true" ? true : a === "false" ? false : UNKNOWN;
      case "true":
        return true;
      case "false":
        return false;
      case "null":
        return null;
      case "json":
        if (typeof a !== "string") return UNKNOWN;
        try {
          return JSON.parse(a);
        } catch {
          return UNKNOWN;
        }
      case "createobject": {
        const out: Json = Object.create(null);
        for (let i = 0; i + 1 < args.length; i += 2) {
          if (typeof args[i] !== "string") return UNKNOWN;
          out[args[i] as string] = args[i + 1];
        }
        return out;
      }
      case "createarray":
        return args;
      case "union":
        if (args.every((x) => isObject(x))) return Object.assign(Object.create(null), ...args);
        if (args.every(Array.isArray)) return [...new Set((args as unknown[][]).flat())];
        return UNKNOWN;
      case "if":
        return a === true ? b : a === false ? c : UNKNOWN;
      case "equals":
        return known(a) && known(b) ? JSON.stringify(a) === JSON.stringify(b) : UNKNOWN;
      case "not":
        return typeof a === "boolean" ? !a : UNKNOWN;
      case "and":
        return args.some((x) => x === false) ? false : args.every((x) => x === true) ? true : UNKNOWN;
      case "or":
        return args.some((x) => x === true) ? true : args.every((x) => x === false) ? false : UNKNOWN;
      case "empty":
        if (a === null || a === "") return true;
        if (Array.isArray(a)) return a.length === 0;
        if (isObject(a)) return Object.keys(a).length === 0;
        return typeof a === "string" ? false : UNKNOWN;
      case "coalesce":
        for (const x of args) {
          if (x === UNKNOWN) return UNKNOWN;
          if (x !== null) return x;
        }
        return null;
      case "replace":
        return typeof a === "string" && typeof b === "string" && typeof c === "string" && !a.includes("${") ? a.split(b).join(c) : UNKNOWN;
      case "resourceid":
      case "subscriptionresourceid":
      case "tenantresourceid":
      case "extensionresourceid":
        return this.resourceId(name, args);
      case "reference":
        return this.reference(a, typeof c === "string" && c.toLowerCase() === "full" ? "full" : "runtime");
      case "listkeys":
      case "listadminkeys":
      case "listquerykeys":
      case "listaccountsas":
      case "listservicesas":
      case "listsecrets":
        return this.reference(a, "keys");
      default:
        // uniqueString, guid, resourceGroup, subscription, deployment, utcNow...: known at deploy time only.
        return UNKNOWN;
    }
  }

  /** `resourceId([subscriptionId], [resourceGroupName], type, name1, name2...)`. */
  private resourceId(fn: string, args: unknown[]): unknown {
    const typeAt = args.findIndex((x) => typeof x === "string" && /^[A-Za-z0-9.]+\/[A-Za-z0-9]/.test(x) && !x.includes("${"));
    if (typeAt < 0 || (fn === "extensionresourceid" && typeAt < 1)) return UNKNOWN;
    const type = args[typeAt] as string;
    const names = args.slice(typeAt + 1);
    if (names.some((n) => typeof n !== "string")) return UNKNOWN;
    const name = (names as string[]).join("/");
    const own = this.declared.get(`${type.toLowerCase()}|${name.toLowerCase()}`);
    if (own) return new Ref(own, type.toLowerCase(), "id");
    // A resource Terraform made and passed by name: `${azurerm_cognitive_account.x.name}`.
    const tf = names.length === 1 ? /^\$\{([^{}]+)\.name\}$/.exec(name) : null;
    if (tf) return new Ref(tf[1].trim(), type.toLowerCase(), "id");
    // Anything else (a role definition, a resource outside the template): its id, with
    // the subscription and resource group ARM fills in unknown.
    if (name.includes("${")) return UNKNOWN;
    if (fn === "subscriptionresourceid") return `/subscriptions/(subscription)/providers/${type}/${name}`;
    if (fn === "tenantresourceid") return `/providers/${type}/${name}`;
    return `/subscriptions/(subscription)/resourceGroups/(resource group)/providers/${type}/${name}`;
  }

  private reference(target: unknown, kind: "runtime" | "full" | "keys"): unknown {
    if (target instanceof Ref) return new Ref(target.address, target.type, kind);
    if (typeof target === "string") {
      // reference('name') of a resource in the template, by its name alone.
      for (const [key, address] of this.declared) if (key.endsWith(`|${target.toLowerCase()}`)) return new Ref(address, key.split("|")[0], kind);
    }
    return UNKNOWN;
  }
}

function known(v: unknown): boolean {
  return v !== UNKNOWN && !(v instanceof Ref);
}

/** `x.name` / `x[key]` of an evaluated value. */
function step(x: unknown, key: string | number): unknown {
  if (x instanceof Ref) return new Ref(x.address, x.type, x.kind, [...x.steps, String(key)]);
  if (Array.isArray(x) && typeof key === "number") return key < x.length ? x[key] : UNKNOWN;
  if (isObject(x)) {
    const hit = Object.keys(x).find((k) => k.toLowerCase() === String(key).toLowerCase());
    return hit === undefined ? UNKNOWN : x[hit];
  }
  return UNKNOWN;
}

/**
 * Runtime properties ARM exposes, by the azurerm attribute that carries the same value,
 * so the rules read one vocabulary (catalogue/secrets.ts judges these attributes).
 */
const KEY_ATTRIBUTE: Readonly<Record<string, string>> = {
  "microsoft.cognitiveservices/accounts": "primary_access_key",
  "microsoft.storage/storageaccounts": "primary_access_key",
  "microsoft.search/searchservices": "primary_key",
};

/** A value as the normalized resource holds it: references as `${...}`, unknown as null. */
function output(v: unknown): unknown {
  if (v === UNKNOWN) return null;
  if (!(v instanceof Ref)) return v;
  const steps = v.steps.map((s) => s.toLowerCase());
  switch (v.kind) {
    case "id":
      return `\${${v.address}.id}`;
    case "keys": {
      // listKeys().key1, listKeys().keys[0].value, listAdminKeys().primaryKey, listQueryKeys().value[0].key, listAccountSas().accountSasToken
      const sas = steps.some((s) => s.includes("sas"));
      const query = steps.includes("value") && !steps.includes("keys");
      const attribute = sas ? "sas" : query && v.type === "microsoft.search/searchservices" ? "query_keys" : (KEY_ATTRIBUTE[v.type] ?? "primary_access_key");
      return `\${${v.address}.${attribute}}`;
    }
    case "full":
      if (steps[0] === "identity" && steps[1] === "principalid") return `\${${v.address}.identity[0].principal_id}`;
      if (steps[0] === "properties") return `\${${v.address}.${runtimeAttribute(v.type, steps.slice(1))}}`;
      return `\${${v.address}}`;
    default:
      return `\${${v.address}.${runtimeAttribute(v.type, steps)}}`;
  }
}

/** `endpoint` -> `endpoint`, `defaultHostName` -> `default_hostname`: runtime properties in azurerm's words. */
function runtimeAttribute(type: string, steps: readonly string[]): string {
  const first = steps[0] ?? "id";
  if (first === "defaulthostname") return "default_hostname";
  if (first === "clientid") return "client_id";
  // A user-assigned identity's own principalId; any other resource's is its system identity's.
  if (first === "principalid") return type === "microsoft.managedidentity/userassignedidentities" ? "principal_id" : "identity[0].principal_id";
  return first.replace(/[^a-z0-9_]/g, "_");
}

// ---------------------------------------------------------------------------------
// Expression syntax: func(args).prop[index], 'strings' with '' escapes, numbers.

type ArmNode =
  | { readonly k: "str"; readonly v: string }
  | { readonly k: "num"; readonly v: number }
  | { readonly k: "call"; readonly name: string; readonly args: readonly ArmNode[] }
  | { readonly k: "prop"; readonly x: ArmNode; readonly name: string }
  | { readonly k: "index"; readonly x: ArmNode; readonly key: ArmNode };

class ArmParser {
  private i = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  parse(): ArmNode {
    const node = this.expression();
    this.blank();
    if (this.i !== this.text.length) throw new Error("trailing text");
    return node;
  }

  private blank(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i])) this.i++;
  }

  private expression(): ArmNode {
    if (++this.depth > MAX_DEPTH) throw new Error("too deep");
    let node = this.primary();
    for (;;) {
      this.blank();
      const c = this.text[this.i];
      if (c === ".") {
        this.i++;
        node = { k: "prop", x: node, name: this.identifier() };
      } else if (c === "[") {
        this.i++;
        const key = this.expression();
        this.blank();
        if (this.text[this.i] !== "]") throw new Error("expected ]");
        this.i++;
        node = { k: "index", x: node, key };
      } else break;
    }
    this.depth--;
    return node;
  }

  private identifier(): string {
    this.blank();
    const start = this.i;
    while (this.i < this.text.length && /[A-Za-z0-9_$]/.test(this.text[this.i])) this.i++;
    if (this.i === start) throw new Error("expected a name");
    return this.text.slice(start, this.i);
  }

  private primary(): ArmNode {
    this.blank();
    const c = this.text[this.i];
    if (c === "'") {
      let out = "";
      this.i++;
      for (;;) {
        if (this.i >= this.text.length) throw new Error("unterminated string");
        if (this.text[this.i] === "'") {
          if (this.text[this.i + 1] === "'") {
            out += "'";
            this.i += 2;
            continue;
          }
          this.i++;
          return { k: "str", v: out };
        }
        out += this.text[this.i++];
      }
    }
    if (c !== undefined && /[-0-9]/.test(c)) {
      const start = this.i++;
      while (this.i < this.text.length && /[0-9.]/.test(this.text[this.i])) this.i++;
      return { k: "num", v: Number(this.text.slice(start, this.i)) };
    }
    const name = this.identifier();
    this.blank();
    if (this.text[this.i] !== "(") throw new Error("expected (");
    this.i++;
    const args: ArmNode[] = [];
    this.blank();
    if (this.text[this.i] === ")") this.i++;
    else {
      for (;;) {
        args.push(this.expression());
        this.blank();
        const d = this.text[this.i++];
        if (d === ")") break;
        if (d !== ",") throw new Error("expected , or )");
      }
    }
    return { k: "call", name, args };
  }
}
