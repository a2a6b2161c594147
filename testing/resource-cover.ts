/**
 * A small set of synthesized stacks that together contain every distinct resource
 * body of a larger set, so a slow per-file validator (tfvalidate: the real azurerm
 * provider, ~1.5 s a file) judges every shape of every resource the enumeration
 * produces without running on all of them.
 *
 * Two resource bodies are the same shape when they agree after normalising what the
 * provider's validation does not look at: references (`${...}`), names, ids, GUIDs and
 * other long literals, tags, depends_on, cdktf metadata and the app settings map
 * (`map(string)`: any keys and values validate alike). Short literals (SKUs, enums,
 * booleans, numbers) are kept: those are what the provider validates.
 */

type Json = Record<string, unknown>;

function normalise(value: unknown, key = ""): unknown {
  if (typeof value === "string") {
    if (value.includes("${")) return "<ref>";
    return key === "name" || value.length > 30 || value.includes("/") || /^[0-9a-f-]{36}$/i.test(value) ? "<literal>" : value;
  }
  if (Array.isArray(value)) return [...new Set(value.map((v) => JSON.stringify(normalise(v, key))))].sort();
  if (value && typeof value === "object") {
    const out: Json = {};
    for (const k of Object.keys(value).sort()) {
      if (k === "//" || k === "tags" || k === "depends_on" || k === "app_settings") continue;
      out[k] = normalise((value as Json)[k], k);
    }
    return out;
  }
  return value;
}

/** The shapes one stack contains: `type + normalised body` per resource, and its provider block. */
export function shapesOf(json: { resource?: Record<string, Record<string, unknown>>; provider?: unknown }): Set<string> {
  const shapes = new Set<string>();
  for (const [type, resources] of Object.entries(json.resource ?? {})) {
    for (const body of Object.values(resources)) shapes.add(`${type} ${JSON.stringify(normalise(body))}`);
  }
  shapes.add(`provider ${JSON.stringify(normalise(json.provider))}`);
  return shapes;
}

/**
 * Greedy set cover: names of stacks that together hold every shape of `stacks`
 * (each pick takes the stack with the most shapes not yet covered; ties go to the
 * earlier name, so the choice is stable).
 */
export function coveringStacks(stacks: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const left = new Set([...stacks.values()].flatMap((s) => [...s]));
  const chosen: string[] = [];
  while (left.size > 0) {
    let best: string | undefined;
    let bestCount = 0;
    for (const [name, shapes] of stacks) {
      let count = 0;
      for (const s of shapes) if (left.has(s)) count++;
      if (count > bestCount) [best, bestCount] = [name, count];
    }
    if (!best) break;
    chosen.push(best);
    for (const s of stacks.get(best)!) left.delete(s);
  }
  return chosen;
}
