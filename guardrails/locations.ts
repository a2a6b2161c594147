/**
 * Where resources are defined in the text that was read, for report locations users can
 * click (SARIF regions, JSON `location`). Linear scanners, no parser: the JSON was
 * already parsed and validated, this only counts lines.
 */

/** Address -> 1-based line, for configuration JSON (`resource.<type>.<name>`, list forms too) or plan/state JSON (`"address"` values). */
export function jsonLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  // Per open container: the key it is the value of (null inside arrays), and whether it is an object.
  const keys: (string | null)[] = [];
  const isObject: boolean[] = [];
  // Keys of the enclosing objects only (arrays skipped): `resource`, `azurerm_x`.
  const named: string[] = [];
  let line = 1;
  let expectKey = false;
  let currentKey: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    else if (c === '"') {
      let j = i + 1;
      let escaped = false;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === "\\") {
          escaped = true;
          j++;
        }
      }
      let s = text.slice(i + 1, j);
      if (escaped) {
        try {
          s = JSON.parse(`"${s}"`) as string;
        } catch {
          // Left as written; the input was parsed before, so this does not happen.
        }
      }
      i = j;
      if (isObject[isObject.length - 1] && expectKey) {
        currentKey = s;
        expectKey = false;
        const depth = named.length;
        if (depth === 2 && (named[0] === "resource" || named[0] === "data")) {
          const address = `${named[0] === "data" ? "data." : ""}${named[1]}.${s}`;
          if (!out.has(address)) out.set(address, line);
        } else if (depth === 1 && named[0] === "module" && !out.has(`module.${s}`)) out.set(`module.${s}`, line);
      } else if (currentKey === "address" && !out.has(s)) {
        out.set(s, line);
      }
    } else if (c === "{" || c === "[") {
      const key = isObject[isObject.length - 1] ? currentKey : null;
      keys.push(key);
      isObject.push(c === "{");
      if (key !== null) named.push(key);
      expectKey = c === "{";
      currentKey = null;
    } else if (c === "}" || c === "]") {
      isObject.pop();
      if (keys.pop() !== null) named.pop();
      currentKey = null;
    } else if (c === ",") {
      expectKey = isObject[isObject.length - 1] === true;
      if (!expectKey) currentKey = null;
    }
  }
  return out;
}

/** Address -> 1-based line of `resource "type" "name"`, `data "type" "name"` and `module "name"` blocks in HCL. */
export function hclLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    const end = text.indexOf("\n", start);
    const row = text.slice(start, end === -1 ? text.length : end).trim();
    line++;
    const [keyword, ...labels] = blockHeader(row);
    if (keyword === "resource" && labels.length >= 2) out.set(`${labels[0]}.${labels[1]}`, line);
    else if (keyword === "data" && labels.length >= 2) out.set(`data.${labels[0]}.${labels[1]}`, line);
    else if (keyword === "module" && labels.length >= 1) out.set(`module.${labels[0]}`, line);
    if (end === -1) break;
    start = end + 1;
  }
  return out;
}

/** `resource "a" "b" {` -> ["resource", "a", "b"]; [] for other lines. */
function blockHeader(row: string): string[] {
  const space = row.indexOf(" ");
  if (space === -1) return [];
  const keyword = row.slice(0, space);
  if (keyword !== "resource" && keyword !== "data" && keyword !== "module") return [];
  const labels: string[] = [];
  let i = space;
  while (labels.length < 2) {
    while (row[i] === " " || row[i] === "\t") i++;
    if (row[i] !== '"') break;
    const close = row.indexOf('"', i + 1);
    if (close === -1) break;
    labels.push(row.slice(i + 1, close));
    i = close + 1;
  }
  return [keyword, ...labels];
}

/**
 * JSON path -> 1-based line of each resource object of an ARM template: `resources[2]`,
 * `resources[2].resources[0]` (children), `resources.site` (languageVersion 2.0).
 */
export function armResourceLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  // Per open container: its path when it is on the way to a resource (the root, a
  // `resources` list or object, a resource), else null; whether it is an array; the
  // next element's index; whether it is a `resources` container.
  const stack: { path: string | null; array: boolean; index: number; resources: boolean }[] = [];
  let line = 1;
  let key: string | null = null;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) if (text[j] === "\\") j++;
      const top = stack[stack.length - 1];
      if (expectKey && top && !top.array) {
        key = text.slice(i + 1, j);
        expectKey = false;
      }
      i = j;
    } else if (c === "{" || c === "[") {
      const parent = stack[stack.length - 1];
      let path: string | null = null;
      let resources = false;
      if (!parent) path = "";
      else if (parent.path !== null && parent.resources) {
        // An element of a `resources` list or object: a resource.
        path = parent.array ? `${parent.path}[${parent.index}]` : `${parent.path}.${key ?? ""}`;
        if (c === "{") out.set(path, line);
      } else if (parent.path !== null && !parent.array && key === "resources") {
        path = parent.path === "" ? "resources" : `${parent.path}.resources`;
        resources = true;
      }
      stack.push({ path, array: c === "[", index: 0, resources });
      expectKey = c === "{";
      key = null;
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (c === ",") {
      // Commas separate an array's elements and an object's members.
      const top = stack[stack.length - 1];
      if (top?.array) top.index++;
      else if (top) expectKey = true;
    }
  }
  return out;
}
