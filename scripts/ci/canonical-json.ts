/**
 * JSON with object keys sorted at every level: the form the CI tools compare and hash, so
 * that key order and spacing never read as a change (check-config's backend comparison,
 * redact-plan's fingerprint).
 *
 * Dependency-free, erasable TypeScript: the token jobs run it with Node's type stripping.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}
