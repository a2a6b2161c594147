import { InputError } from "./terraform-json";

/**
 * HCL (`.tf`) to Terraform JSON through cdktf's own converter, `@cdktf/hcl2json`
 * (HashiCorp's HCL parser compiled to WebAssembly; async, loaded on first use so the
 * synth path never pays for it). Its output is the JSON syntax with every block as a
 * list of bodies, which terraform-json.ts reads.
 *
 * The converter runs Go code in-process: deep nesting overflows its stack and can end
 * the whole process, and error-dense input takes seconds per 100 KB. So input is
 * bounded before it gets there: size and bracket nesting.
 */

/** Largest HCL text converted (all files of a directory together). */
export const MAX_HCL_BYTES = 1024 * 1024;
/** Deepest bracket nesting accepted; real configurations stay far below. */
export const MAX_HCL_NESTING = 100;

export async function hclToJson(file: string, text: string): Promise<Record<string, unknown>> {
  if (text.length > MAX_HCL_BYTES) throw new InputError(`${file}: HCL over ${MAX_HCL_BYTES / 1024 / 1024} MiB is not converted; audit \`terraform show -json\` of a plan instead`);
  const depth = nesting(text);
  if (depth > MAX_HCL_NESTING) throw new InputError(`${file}: brackets nest ${depth} deep (over ${MAX_HCL_NESTING}); this is not a Terraform configuration the audit converts`);
  const { parse } = await import("@cdktf/hcl2json");
  try {
    return await parse(file, text);
  } catch (e) {
    throw new InputError(`${file}: not valid HCL: ${firstDiagnostic(e instanceof Error ? e.message : String(e))}`);
  }
}

/** Deepest nesting of (), [] and {} (strings included: a bound, not a parser). */
function nesting(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) max = Math.max(max, ++depth);
    else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
  }
  return max;
}

/** `parse config: [x.tf:1,11-12: Argument or block definition required; An argument ...]` -> its first part, one line. */
function firstDiagnostic(message: string): string {
  const body = message.replace(/^parse config: \[/, "");
  const end = body.indexOf("; ");
  const first = (end === -1 ? body : body.slice(0, end)).replace(/\s+/g, " ").trim();
  return first.length > 200 ? `${first.slice(0, 197)}...` : first;
}
