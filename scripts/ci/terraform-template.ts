/**
 * What Terraform evaluates inside one string of a `.tf.json` file: every string there is a
 * template (https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping),
 * so `${...}` runs an expression and `%{...}` a directive; `$${` and `%%{` are the escapes for
 * the literal text.
 *
 * The scanner follows the template grammar closely enough that nothing can hide from it:
 * strings inside an expression are templates again (scanned too), and anything it cannot
 * follow the way Terraform would (comments and heredocs inside an expression, an
 * unterminated expression or string) is reported as an error, so a caller refuses it rather
 * than guess. https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md#templates
 *
 * Dependency-free, erasable TypeScript: the token jobs run it from a trusted checkout.
 */

/** What one string makes Terraform do. */
export interface TemplateScan {
  /** Functions called anywhere inside, by name (`file`, `provider::azurerm::normalise_resource_id`). */
  readonly functions: readonly string[];
  /** The first word of every reference (`path` of `path.cwd`, `var`, `data`, `azurerm_key_vault`). */
  readonly roots: readonly string[];
  /** `%{` directives (`if`, `for`): the product never writes one. */
  readonly directives: number;
  /** `${` interpolations. */
  readonly interpolations: number;
  /** Why the string could not be followed as Terraform would, if it could not. */
  readonly error?: string;
}

/** Scans one string of Terraform JSON. Linear in its length; nesting costs no call stack. */
export function scanTemplate(text: string): TemplateScan {
  const functions: string[] = [];
  const roots: string[] = [];
  let directives = 0;
  let interpolations = 0;
  // What we are inside: a template (the string itself, or a quoted string in an expression)
  // or an expression (after `${` / `%{`, with the depth of its own braces).
  const stack: ({ kind: "template"; quoted: boolean } | { kind: "expression"; braces: number })[] = [{ kind: "template", quoted: false }];
  let i = 0;
  const fail = (why: string): TemplateScan => ({ functions, roots, directives, interpolations, error: `${why} at character ${i + 1}` });
  while (i < text.length) {
    const top = stack[stack.length - 1];
    const c = text[i];
    if (top.kind === "template") {
      if ((c === "$" || c === "%") && text[i + 1] === c && text[i + 2] === "{") {
        i += 3; // `$${` and `%%{`: the literal text
      } else if ((c === "$" || c === "%") && text[i + 1] === "{") {
        if (c === "$") interpolations++;
        else directives++;
        stack.push({ kind: "expression", braces: 0 });
        i += 2;
      } else if (top.quoted && c === "\\") {
        i += 2; // an escape inside a quoted string: `\"` does not end it
      } else if (top.quoted && c === '"') {
        stack.pop();
        i++;
      } else {
        i++;
      }
      continue;
    }
    // Expression mode.
    if (c === '"') {
      stack.push({ kind: "template", quoted: true });
      i++;
    } else if (c === "{") {
      top.braces++;
      i++;
    } else if (c === "}") {
      if (top.braces === 0) stack.pop();
      else top.braces--;
      i++;
    } else if (c === "#" || (c === "/" && (text[i + 1] === "/" || text[i + 1] === "*"))) {
      return fail("a comment inside an expression");
    } else if (c === "<" && text[i + 1] === "<") {
      return fail("a heredoc inside an expression");
    } else if (isIdentifierStart(c)) {
      const start = i;
      while (i < text.length && (isIdentifierPart(text[i]) || (text[i] === ":" && text[i + 1] === ":" && isIdentifierStart(text[i + 2] ?? "")))) {
        i += text[i] === ":" ? 2 : 1;
      }
      const word = text.slice(start, i);
      // A word after "." is an attribute of something already counted (`a.b.c`), unless the
      // dot ends a `...` expansion.
      let k = start - 1;
      while (k >= 0 && isBlank(text[k])) k--;
      const afterTraversal = text[k] === "." && text[k - 1] !== ".";
      let j = i;
      while (j < text.length && isBlank(text[j])) j++;
      if (text[j] === "(") functions.push(word);
      else if (!afterTraversal && text[j] === "." && !KEYWORDS.has(word)) roots.push(word);
    } else {
      i++;
    }
  }
  if (stack.length > 1) return fail(stack[stack.length - 1].kind === "expression" ? "an unterminated `${` or `%{`" : "an unterminated string inside an expression");
  return { functions, roots, directives, interpolations };
}

/** Words of the expression language, not references: `for x in y : x.id`. */
const KEYWORDS: ReadonlySet<string> = new Set(["for", "in", "if", "true", "false", "null"]);

function isBlank(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r";
}

function isIdentifierStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}

function isIdentifierPart(c: string): boolean {
  return isIdentifierStart(c) || (c >= "0" && c <= "9") || c === "-";
}
