/**
 * Small scanners over Terraform expression text: references (`azurerm_x.y.identity[0]`),
 * `${...}` interpolations and instance keys. Written as single forward passes, not
 * regular expressions, because their input is other people's Terraform: a backtracking
 * pattern over a 100 KB setting value took over 20 s (issue 15).
 */

/** A reference found in configuration: `azurerm_search_service.s` + `id`. */
export interface Reference {
  /** `type.name`, `data.type.name`, with a module path (`module.m.`) and instance key (`[0]`) when written. */
  readonly address: string;
  /** The traversal after the address, normalised: `identity[0].principal_id`, `id`, or "". */
  readonly attribute: string;
}

const code = (c: string) => c.charCodeAt(0);
const A = code("A");
const Z = code("Z");
const a = code("a");
const z = code("z");
const ZERO = code("0");
const NINE = code("9");
const UNDERSCORE = code("_");

const isLower = (c: number) => c >= a && c <= z;
const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isLetter = (c: number) => isLower(c) || (c >= A && c <= Z);
const isWord = (c: number) => isLetter(c) || isDigit(c) || c === UNDERSCORE;
/** Characters that, right before a name, mean it is part of something longer (`x.azurerm_a`, `"azurerm_a`). */
const continuesToken = (c: number) => isWord(c) || c === code(".") || c === code("$") || c === code('"') || c === code("-");

/** End of `[A-Za-z_][A-Za-z0-9_-]*` starting at `i`, or `i` when there is none. */
function identifierEnd(text: string, i: number): number {
  if (i >= text.length) return i;
  const first = text.charCodeAt(i);
  if (!isLetter(first) && first !== UNDERSCORE) return i;
  let j = i + 1;
  while (j < text.length && (isWord(text.charCodeAt(j)) || text.charCodeAt(j) === code("-"))) j++;
  return j;
}

/**
 * Parses the traversals in one expression (`azurerm_x.y.identity[0].principal_id`) into
 * address + attribute. Resource types always carry a provider prefix (`azurerm_`,
 * `time_`), which is what separates them from `var.`, `local.`, `each.`, `count.`,
 * `path.` and `module.`. A module path in front (`module.m["k"].azurerm_x.y`) and the
 * resource's instance key (`x.y[0]`, `x.y["k"]`) belong to the address, so a reference
 * names the instance it reads; StackModel.get falls back to the resource when the
 * instance is not known. Legacy `identity.0.principal_id` becomes `identity[0]`.
 */
export function parseTraversal(text: string, modulePrefix = ""): Reference[] {
  const out: Reference[] = [];
  // Cached position of the next `]`, so unterminated `[` never rescans the rest of the text.
  let nextClose = -2;
  const closeFrom = (pos: number) => {
    if (nextClose !== -1 && nextClose < pos) nextClose = text.indexOf("]", pos);
    return nextClose;
  };
  /** End of consecutive `[...]` groups starting at `j` (j itself when there are none). */
  const bracketsEnd = (j: number) => {
    let k = j;
    while (text[k] === "[") {
      const close = closeFrom(k + 1);
      if (close === -1) break;
      k = close + 1;
    }
    return k;
  };
  let i = 0;
  while (i < text.length) {
    if (!isLower(text.charCodeAt(i)) || (i > 0 && continuesToken(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    const start = i;
    let j = i;
    // `module.a["k"].module.b.`: a module path in front of the resource.
    while (text.startsWith("module.", j)) {
      const nameEnd = identifierEnd(text, j + 7);
      if (nameEnd === j + 7) break;
      const after = bracketsEnd(nameEnd);
      if (text[after] !== ".") break;
      j = after + 1;
    }
    if (text.startsWith("data.", j)) j += 5;
    // Type: [a-z][a-z0-9_]* with at least one underscore.
    const typeStart = j;
    let underscore = false;
    if (j < text.length && isLower(text.charCodeAt(j))) {
      j++;
      while (j < text.length && (isLower(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)) || text.charCodeAt(j) === UNDERSCORE)) {
        if (text.charCodeAt(j) === UNDERSCORE) underscore = true;
        j++;
      }
    }
    const nameEnd = underscore && text[j] === "." ? identifierEnd(text, j + 1) : j + 1;
    if (j === typeStart || !underscore || text[j] !== "." || nameEnd === j + 1) {
      i = Math.max(j, i + 1);
      continue;
    }
    j = bracketsEnd(nameEnd);
    const address = text.slice(start, j);
    const parts: string[] = [];
    for (;;) {
      if (text[j] === "[") {
        const close = closeFrom(j + 1);
        if (close === -1) break;
        parts.push(text.slice(j, close + 1));
        j = close + 1;
      } else if (text[j] === "." && j + 1 < text.length) {
        const idEnd = identifierEnd(text, j + 1);
        if (idEnd > j + 1) {
          parts.push(text.slice(j, idEnd));
          j = idEnd;
        } else {
          let d = j + 1;
          while (d < text.length && isDigit(text.charCodeAt(d))) d++;
          if (d === j + 1) break;
          parts.push(`[${text.slice(j + 1, d)}]`);
          j = d;
        }
      } else break;
    }
    const attribute = parts.join("").replace(/^\./, "");
    out.push({ address: modulePrefix + address, attribute });
    i = j;
  }
  return out;
}

/** Bodies of the top-level `${ ... }` interpolations, honouring nested braces. */
export function interpolations(text: string): string[] {
  const bodies: string[] = [];
  forEachInterpolation(text, (start, end) => {
    bodies.push(text.slice(start + 2, end - 1));
  });
  return bodies;
}

/** `text` with every `${...}` replaced by `replacement` (an unterminated one runs to the end). */
export function replaceInterpolations(text: string, replacement: string): string {
  let out = "";
  let last = 0;
  forEachInterpolation(text, (start, end) => {
    out += text.slice(last, start) + replacement;
    last = end;
  });
  return out + text.slice(last);
}

/** Calls `visit(start, end)` for each top-level `${...}`; one pass over `text`. */
export function forEachInterpolation(text: string, visit: (start: number, end: number) => void): void {
  let i = text.indexOf("${");
  while (i !== -1) {
    let depth = 1;
    let j = i + 2;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === "{") depth++;
      else if (text[j] === "}") depth--;
    }
    visit(i, j);
    i = text.indexOf("${", j);
  }
}

/** Index of the `]` closing the `[` at `open`, stepping over quoted keys (`["a]b"]`); `address.length` if none. */
function closingBracket(address: string, open: number): number {
  let quoted = false;
  for (let j = open + 1; j < address.length; j++) {
    const d = address[j];
    if (quoted && d === "\\") j++;
    else if (d === '"') quoted = !quoted;
    else if (!quoted && d === "]") return j;
  }
  return address.length;
}

/** `module.m["k"].azurerm_x.y[0]` -> `module.m.azurerm_x.y`: the address in configuration. */
export function configAddress(address: string): string {
  if (!address.includes("[")) return address;
  let out = "";
  let i = 0;
  while (i < address.length) {
    const c = address[i];
    if (c !== "[") {
      out += c;
      i++;
      continue;
    }
    const j = closingBracket(address, i);
    if (j >= address.length) return out + address.slice(i);
    i = j + 1;
  }
  return out;
}

/** `x.y[0]` -> `x.y`, `module.m["k"].x.y` unchanged: the address without the resource's own instance key. */
export function withoutInstanceKey(address: string): string {
  if (!address.endsWith("]")) return address;
  let i = 0;
  let groupStart = -1;
  while (i < address.length) {
    if (address[i] !== "[") {
      i++;
      continue;
    }
    const start = i;
    const j = closingBracket(address, i);
    if (j >= address.length) return address;
    // Consecutive groups (`x.y[0]["k"]`) count as one key.
    if (address[start - 1] !== "]") groupStart = start;
    i = j + 1;
    if (i === address.length) return address.slice(0, groupStart);
  }
  return address;
}

/** The resource type an address names: `module.m[0].azurerm_x.y["k"]` -> `azurerm_x`, `data.t.n` -> `data.t`. */
export function addressType(address: string): string {
  const parts = configAddress(address).split(".");
  let i = 0;
  while (parts[i] === "module" && i + 2 < parts.length) i += 2;
  return parts[i] === "data" ? `data.${parts[i + 1] ?? ""}` : (parts[i] ?? "");
}

/** `module.m[0].module.n.` of an address (empty at the root). */
export function modulePathOf(address: string): string {
  let i = 0;
  let end = 0;
  while (address.startsWith("module.", i)) {
    let j = i + 7;
    while (j < address.length && address[j] !== "." && address[j] !== "[") j++;
    while (address[j] === "[") {
      const close = address.indexOf("]", j);
      if (close === -1) return address.slice(0, end);
      j = close + 1;
    }
    if (address[j] !== ".") break;
    end = i = j + 1;
  }
  return address.slice(0, end);
}
