/**
 * What changed in a stack's synthesized configuration since it was last deployed, block by
 * block: the backend, each provider, each resource, data source, output and local. The
 * redacted plan shows what Terraform will change in Azure; this shows what will *run*, which
 * the plan cannot: a provider setting, a backend field or a lifecycle rule changes no
 * resource until it is too late.
 *
 * Dependency-free, erasable TypeScript: the token jobs run it with Node's type stripping.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** One block of the configuration that is new, gone or different. */
export interface BlockChange {
  /** `terraform.backend`, `provider.azurerm`, `resource.azurerm_key_vault.Platform_KeyVault`, ... */
  readonly block: string;
  readonly kind: "added" | "removed" | "changed";
  /** A line diff of the block's JSON (`+`/`-`/` ` prefixed lines). */
  readonly diff: string;
}

export interface ConfigDiff {
  /** The backend and provider blocks as they will run, always shown whole. */
  readonly backendAndProviders: string;
  readonly changes: readonly BlockChange[];
}

/** Blocks whose every change approvers must see before anything else. */
const ALWAYS_SHOWN = ["terraform.backend", "terraform.required_providers"];

/** Splits a configuration into its blocks, keyed by address; `//` metadata (construct paths) aside. */
export function blocks(config: Json | undefined): Map<string, Json> {
  const out = new Map<string, Json>();
  if (!isObject(config)) return out;
  for (const [top, value] of Object.entries(config)) {
    if (top === "//") continue;
    if (top === "terraform" && isObject(value)) {
      for (const [k, v] of Object.entries(value)) out.set(`terraform.${k}`, v);
    } else if ((top === "resource" || top === "data") && isObject(value)) {
      for (const [type, byName] of Object.entries(value)) {
        for (const [name, body] of Object.entries(isObject(byName) ? byName : { "(not an object)": byName })) out.set(`${top}.${type}.${name}`, withoutMetadata(body));
      }
    } else if ((top === "provider" || top === "output" || top === "locals") && isObject(value)) {
      for (const [name, body] of Object.entries(value)) out.set(`${top}.${name}`, withoutMetadata(body));
    } else {
      out.set(top, value);
    }
  }
  return out;
}

/** Compares the configuration last deployed (undefined: none recorded) with the one about to run. */
export function diffConfigurations(previous: Json | undefined, current: Json): ConfigDiff {
  const before = blocks(previous);
  const after = blocks(current);
  const changes: BlockChange[] = [];
  for (const block of [...new Set([...before.keys(), ...after.keys()])]) {
    const was = before.has(block) ? pretty(before.get(block)!) : undefined;
    const now = after.has(block) ? pretty(after.get(block)!) : undefined;
    if (was === now) continue;
    const kind = was === undefined ? "added" : now === undefined ? "removed" : "changed";
    changes.push({ block, kind, diff: lineDiff(was ?? "", now ?? "") });
  }
  // The backend and providers first, then the rest in address order.
  const rank = (b: string) => (ALWAYS_SHOWN.includes(b) ? 0 : b.startsWith("provider.") ? 1 : 2);
  changes.sort((a, b) => rank(a.block) - rank(b.block) || (a.block < b.block ? -1 : a.block > b.block ? 1 : 0));
  const shown = [...after.entries()].filter(([b]) => rank(b) < 2).map(([b, v]) => `${b} = ${pretty(v)}`);
  return { backendAndProviders: shown.join("\n"), changes };
}

/**
 * A line diff (longest common subsequence) of two texts; past `maxCells` of work it shows
 * the old text removed and the new one added, which is as true and costs nothing.
 */
export function lineDiff(before: string, after: string, maxCells = 4_000_000): string {
  const a = before === "" ? [] : before.split("\n");
  const b = after === "" ? [] : after.split("\n");
  if (a.length * b.length > maxCells) return [...a.map((l) => `- ${l}`), ...b.map((l) => `+ ${l}`)].join("\n");
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..], in one flat array.
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i * width + j + 1] >= lcs[(i + 1) * width + j])) {
      out.push(`+ ${b[j++]}`);
    } else {
      out.push(`- ${a[i++]}`);
    }
  }
  return out.join("\n");
}

function withoutMetadata(body: Json): Json {
  if (!isObject(body) || !("//" in body)) return body;
  const { "//": _metadata, ...rest } = body;
  return rest;
}

/** Indented JSON with sorted keys, so key order never reads as a change. */
function pretty(value: Json): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys(value[k]);
  return out;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
