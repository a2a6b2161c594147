/**
 * Reading JSON values whatever shape the input used: nested blocks as one object
 * (cdk.tf.json) or a list of them (plans, HCL), booleans as strings, keys from
 * untrusted input shown safely. Shared by every reader of Terraform JSON.
 */

export type Json = Record<string, unknown>;

/** Input the loader cannot read as Terraform: the message says what was expected (exit 2). */
export class InputError extends Error {}

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Appends `value` to the list under `key`, in place: linear where copying would be quadratic. */
export function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

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

/**
 * Bodies of `value`: an object is one body, an array holds several (the JSON syntax
 * allows both). `where` names the JSON path for the error, built only when needed.
 */
export function bodiesOf(value: unknown, where: string | (() => string), what: string): Json[] {
  if (isObject(value)) return [value];
  const path = () => (typeof where === "string" ? where : where());
  if (Array.isArray(value)) {
    return value.map((v, i) => {
      if (!isObject(v)) throw new InputError(`${path()}[${i}] is ${kindOf(v)}; expected ${what}`);
      return v;
    });
  }
  throw new InputError(`${path()} is ${kindOf(value)}; expected ${what}`);
}

export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** A short, printable form of an input key for messages (keys are untrusted). */
export function shown(key: string): string {
  const text = JSON.stringify(key.length > 80 ? `${key.slice(0, 77)}...` : key);
  return text.slice(1, -1);
}
