/**
 * Resource names, setting values and paths come from other people's Terraform: control
 * characters (ANSI escapes, carriage returns, NUL) must never reach a terminal, a CI log
 * or a PR comment as themselves. A scan by character code, not a pattern.
 */

const isControl = (c: number) => c < 0x20 || (c >= 0x7f && c <= 0x9f);

/** Control characters shown as `\u001b`: visible, inert, still greppable. */
export function escapeControl(text: string): string {
  return mapControl(text, (c) => `\\u${c.toString(16).padStart(4, "0")}`);
}

/** Every run of control characters (newlines included) folded into one space. */
export function foldControl(text: string): string {
  let out = "";
  let inRun = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isControl(c)) {
      if (!inRun) out += " ";
      inRun = true;
    } else {
      out += text[i];
      inRun = false;
    }
  }
  return out;
}

function mapControl(text: string, replace: (code: number) => string): string {
  let out = "";
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isControl(c)) continue;
    out += text.slice(last, i) + replace(c);
    last = i + 1;
  }
  return last === 0 ? text : out + text.slice(last);
}
