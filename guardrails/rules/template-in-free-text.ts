import { describe } from "../azure";
import { type Finding, type Rule, finding, show } from "../rule";
import { interpolations } from "../../catalogue/secrets";

/**
 * Tags and app settings are free text the platform copies from configuration. Terraform
 * evaluates every string of its configuration as a template, so `${...}` in such a value runs
 * an expression at plan time with the runner's access: `${base64encode(file("/proc/self/environ"))}`
 * in a tag put the runner's token-request credential into the plan. The platform writes
 * references and name expressions there (`${azurerm_x.y.endpoint}`, `${substr(sha256(...))}`),
 * never a function that reads the runner's files or undoes redaction, a reference to `path.*`,
 * or a `%{` directive; text meant literally is written `$${` and `%%{`.
 * https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences-1
 * https://developer.hashicorp.com/terraform/language/functions/file
 */
const FREE_TEXT = ["tags", "app_settings"] as const;

/** Functions that read the machine Terraform runs on, or make a sensitive value printable. */
const RUNNER_FUNCTIONS: ReadonlySet<string> = new Set([
  "file",
  "filebase64",
  "filebase64sha256",
  "filebase64sha512",
  "fileexists",
  "fileset",
  "filemd5",
  "filesha1",
  "filesha256",
  "filesha512",
  "templatefile",
  "abspath",
  "pathexpand",
  "nonsensitive",
]);

export const templateInFreeText: Rule = {
  id: "AZ-TF-001",
  name: "template-in-free-text",
  severity: "error",
  title: "A tag or app setting holds a Terraform template that reads the runner, unmarks a secret or uses a directive",
  why: "Terraform evaluates ${...} and %{...} in every string: a value copied from configuration runs as an expression at plan time, with the runner's files and environment in reach.",
  fix: "Write the value as text: escape it as $${ and %%{ (configuration files refuse both), or reference an attribute directly.",
  helpUri: "https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences-1",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const resource of model.resources) {
      for (const attribute of FREE_TEXT) {
        const map = resource.values[attribute];
        if (typeof map !== "object" || map === null || Array.isArray(map)) continue;
        for (const [name, value] of Object.entries(map)) {
          const bad = [name, typeof value === "string" ? value : ""].find(isEvaluatedTemplate);
          if (bad !== undefined) findings.push(finding(this, resource, `${describe(resource)}: ${attribute}.${name} holds ${show(bad.slice(0, 200))}.`));
        }
      }
    }
    return findings;
  },
};

/**
 * A `%{` directive, or a `${...}` that calls a RUNNER_FUNCTIONS function or refers to `path.*`
 * (`$${` and `%%{` are text).
 */
export function isEvaluatedTemplate(text: string): boolean {
  for (let at = text.indexOf("%{"); at >= 0; at = text.indexOf("%{", at + 1)) if (text[at - 1] !== "%") return true;
  return interpolations(text).some((expression) => {
    for (const m of expression.matchAll(/([A-Za-z_][\w:-]*)\s*\(/g)) if (RUNNER_FUNCTIONS.has(m[1]) || m[1].startsWith("provider::")) return true;
    return /(^|[^\w.])path\.\w/.test(expression);
  });
}
