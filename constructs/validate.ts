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
const NIL_GUID = "00000000-0000-0000-0000-000000000000";

/**
 * @param what what the id identifies, e.g. "developer's object id"
 * @param how where to find it, for the fix
 */
export function checkGuid(scope: IConstruct, field: string, value: string, what: string, how = "az ad user show --id <upn> --query id -o tsv"): string {
  if (isUnresolved(value)) return value;
  if (!GUID.test(value ?? "")) {
    throw new ValidationError(scope, field, value, `is not a GUID`, `give the ${what} as a GUID like 12345678-90ab-cdef-1234-567890abcdef (${how})`);
  }
  if (value === NIL_GUID) {
    throw new ValidationError(scope, field, value, "is the nil GUID (a placeholder)", `give the real ${what} (${how})`);
  }
  return value;
}

/**
 * Azure regions by programmatic name (public, US Government and China clouds), as
 * `az account list-locations --query "[].name"` lists them. A typo such as
 * "swedencentrall" would otherwise only fail at apply time, after a long plan.
 */
export const AZURE_REGIONS: ReadonlySet<string> = new Set(
  (
    "australiacentral australiacentral2 australiaeast australiasoutheast austriaeast belgiumcentral brazilsouth brazilsoutheast " +
    "canadacentral canadaeast centralindia centralus chilecentral denmarkeast eastasia eastus eastus2 francecentral francesouth " +
    "germanynorth germanywestcentral indonesiacentral israelcentral italynorth japaneast japanwest jioindiacentral jioindiawest " +
    "koreacentral koreasouth malaysiawest mexicocentral newzealandnorth northcentralus northeurope norwayeast norwaywest " +
    "polandcentral qatarcentral southafricanorth southafricawest southcentralus southeastasia southindia spaincentral " +
    "swedencentral swedensouth switzerlandnorth switzerlandwest taiwannorth taiwannorthwest uaecentral uaenorth uksouth ukwest " +
    "westcentralus westeurope westindia westus westus2 westus3 " +
    "usgovarizona usgovtexas usgovvirginia usdodcentral usdodeast " +
    "chinaeast chinaeast2 chinaeast3 chinanorth chinanorth2 chinanorth3"
  ).split(" "),
);

export function checkRegion(scope: IConstruct, field: string, value: string): string {
  if (isUnresolved(value)) return value;
  if (!AZURE_REGIONS.has(value)) {
    throw new ValidationError(
      scope,
      field,
      value,
      "is not an Azure region name",
      'use the programmatic name, lower case without spaces, e.g. "swedencentral" or "eastus2" (az account list-locations -o table)',
    );
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

/** Seconds in a duration written as a number followed by s, m or h ("90s", "5m", "1h"); undefined otherwise. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)([smh])$/.exec(text);
  return m ? Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"] : undefined;
}
