import type { ConfigIssue } from "./environments";

/**
 * Configuration strings are data, but Terraform reads every string of its configuration as a
 * template: `${...}` runs an expression and `%{...}` a directive at plan time, with the
 * runner's files and environment in reach. A tag value `${base64encode(file("/proc/self/environ"))}`
 * passed the schema and the guardrails and put the runner's token-request credential into the plan.
 * https://developer.hashicorp.com/terraform/language/expressions/strings#string-templates
 *
 * Refused rather than escaped (`$${`): an escaped value would have to be unescaped wherever it
 * is shown or measured (the review, the app settings, Azure's 256-character tag limit), and
 * `$${` in the file would mean one thing to us and another to Terraform. No Azure name, tag
 * or app setting the platform writes needs the sequence literally.
 */
const SEQUENCES = ["${", "%{"] as const;

/**
 * cdktf's token markers (`${TfToken[TOKEN.12]}`), which code that builds props from other
 * constructs passes through loadEnvironments: cdktf replaces them at synth, Terraform never
 * sees them. Exactly that shape, nothing else inside the braces.
 */
const CDKTF_TOKEN = /\$\{TfToken\[TOKEN\.\d+\]\}/g;

/**
 * Every key and string value under `root` (found at the dotted path `at`) holding a template
 * sequence. An explicit stack: depth costs no call stack.
 */
export function templateSequenceIssues(root: unknown, at: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const pending: { value: unknown; path: string }[] = [{ value: root, path: at }];
  const judge = (text: string, path: string, what: string) => {
    const rest = text.replace(CDKTF_TOKEN, "");
    const found = SEQUENCES.find((s) => rest.includes(s));
    if (found === undefined) return;
    issues.push({
      path,
      value: text,
      message: `${what} holds "${found}", which Terraform would evaluate as an expression at plan time, not keep as text`,
      fix: `configuration values are text: remove "${found}" (no name or value in the configuration may contain "\${" or "%{")`,
    });
  };
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (typeof value === "string") judge(value, path, "the value");
    else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) pending.push({ value: value[i], path: `${path}[${i}]` });
    } else if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        judge(k, `${path}.${k}`, "the name");
        pending.push({ value: v, path: `${path}.${k}` });
      }
    }
  }
  return issues.reverse();
}
