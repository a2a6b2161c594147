import { IConstruct } from "constructs";
import { Token } from "cdktf";
import { ValidationError } from "./errors";

/**
 * Small, composable input checks. Each throws a ValidationError naming the construct,
 * the field, the value and the fix. Unresolved tokens (values known only at apply
 * time) are accepted as they are: they cannot be judged at synth.
 */

export function isUnresolved(value: unknown): boolean {
  return typeof value === "string" ? Token.isUnresolved(value) : typeof value === "number" && Token.isUnresolved(value);
}

export function checkOneOf<T extends string>(scope: IConstruct, field: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    throw new ValidationError(scope, field, value, "is not supported", `use one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
  }
  return value;
}

export function checkIntRange(scope: IConstruct, field: string, value: number, min: number, max: number, hint = ""): number {
  if (isUnresolved(value)) return value;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(scope, field, value, `is out of range`, `use a whole number from ${min} to ${max}${hint ? ` (${hint})` : ""}`);
  }
  return value;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkGuid(scope: IConstruct, field: string, value: string, what: string): string {
  if (isUnresolved(value)) return value;
  if (!GUID.test(value)) {
    throw new ValidationError(scope, field, value, `is not a GUID`, `give the ${what} as a GUID like 00000000-0000-0000-0000-000000000000 (az ad user show --id <upn> --query id -o tsv)`);
  }
  return value;
}

/** Azure region names as the provider expects them: lower case, no spaces (`swedencentral`). */
const REGION = /^[a-z]+[a-z0-9]*$/;

export function checkRegion(scope: IConstruct, field: string, value: string): string {
  if (isUnresolved(value)) return value;
  if (!REGION.test(value) || value.length < 4 || value.length > 30) {
    throw new ValidationError(scope, field, value, "is not an Azure region name", 'use the programmatic name, lower case without spaces, e.g. "swedencentral" or "eastus2" (az account list-locations -o table)');
  }
  return value;
}

export function checkNonEmpty(scope: IConstruct, field: string, value: string | undefined, fix: string): string {
  if (value === undefined || (typeof value === "string" && value.trim() === "")) {
    throw new ValidationError(scope, field, value, "is required", fix);
  }
  return value;
}

export function checkUnique(scope: IConstruct, field: string, values: readonly string[]): void {
  const seen = new Set<string>();
  for (const value of values) {
    const key = value.toLowerCase();
    if (seen.has(key)) {
      throw new ValidationError(scope, field, value, "appears twice", "give every entry a distinct name (names are case-insensitive in Azure)");
    }
    seen.add(key);
  }
}
