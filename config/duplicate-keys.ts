/** A name that appears twice in one JSON object. */
export interface DuplicateKey {
  /** Path of the repeated member, e.g. `["environments", "dev"]`. */
  readonly path: readonly PropertyKey[];
  /** 1-based line of the first and of the repeated occurrence. */
  readonly firstLine: number;
  readonly line: number;
  readonly column: number;
}

interface Container {
  /** Where this container sits: the enclosing one and its key or index there (a linked path, so deep input costs no copies). */
  readonly parent?: Container;
  readonly segment?: PropertyKey;
  /** Key -> line of its first occurrence (objects only). */
  readonly keys?: Map<string, number>;
  index: number;
  /** In an object: the key whose value comes next. */
  key?: string;
}

function pathOf(container: Container, last: PropertyKey): PropertyKey[] {
  const path = [last];
  for (let c: Container | undefined = container; c?.parent; c = c.parent) path.unshift(c.segment as PropertyKey);
  return path;
}

/**
 * Every member name repeated within one object of `text`, which JSON.parse has already
 * accepted. JSON.parse keeps the last of two equal names without a word, so a copied
 * environment block that was not renamed would replace the first one silently.
 *
 * One linear pass with an explicit stack (input depth never reaches the call stack).
 */
export function findDuplicateKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const stack: Container[] = [];
  let line = 1;
  let lineStart = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      line++;
      lineStart = i + 1;
    } else if (c === "{" || c === "[") {
      const parent = stack[stack.length - 1];
      stack.push({ parent, segment: parent && (parent.keys ? parent.key : parent.index), keys: c === "{" ? new Map() : undefined, index: 0 });
      expectKey = c === "{";
    } else if (c === "}" || c === "]") {
      stack.pop();
      expectKey = false;
    } else if (c === ",") {
      const top = stack[stack.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) top.index++;
    } else if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === "\\") i++;
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        const first = top.keys.get(key);
        if (first === undefined) top.keys.set(key, line);
        else found.push({ path: pathOf(top, key), firstLine: first, line, column: start - lineStart + 1 });
        top.key = key;
        expectKey = false;
      }
    }
  }
  return found;
}
