import { tagProblems } from "../constructs/tags";
import type { ConfigIssue } from "./environments";
import type { EnvironmentConfig, EnvironmentsFile, ObservabilityConfig, RemoteStateConfig } from "./schema";
import { STACK_NAME, STACK_NAME_FIX } from "./stack-name";
import { templateSequenceIssues } from "./template-text";

/**
 * What Azure or the state backend would refuse at deploy time, refused when the
 * configuration is read instead: each problem names the field, the value and the fix.
 * The schema (config/schema.ts) checks shape; the constructs check what they build
 * (names, regions, SKUs); these rules cover the fields that reach Azure untouched.
 */

/** A stack name: also the platform's `environment`, part of every resource name (config/stack-name.ts). */
export { STACK_NAME };

/**
 * The azurerm backend's state storage.
 * Storage account: 3-24 lower-case letters and digits
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftstorage).
 * Container: 3-63 lower-case letters, digits and single hyphens, starting and ending with
 * a letter or digit; blob (the state key): 1-1024 characters, not ending in "." or "/"
 * (https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata).
 * Resource group: 1-90 letters, digits, "-", "_", ".", "(", ")", not ending in "."
 * (resource-name-rules#microsoftresources).
 */
const STATE_RULES = {
  storageAccountName: { pattern: /^[a-z0-9]{3,24}$/, fix: "use 3-24 lower-case letters and digits (the name of the existing state storage account)" },
  containerName: {
    pattern: /^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$/,
    fix: 'use 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit, e.g. "tfstate"',
  },
  resourceGroupName: { pattern: /^(?=.{1,90}$)[-\w.()]*[-\w()]$/u, fix: "use 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'" },
  subscriptionId: {
    pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    fix: "give the subscription id as a GUID (az account show --query id -o tsv), or leave it out to use ARM_SUBSCRIPTION_ID",
  },
} as const;
const MAX_BLOB_NAME = 1024;

/** Every rule below, over a file that already has the right shape. */
export function checkEnvironments(file: EnvironmentsFile): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const name of Object.keys(file.environments)) {
    if (!STACK_NAME.test(name)) {
      issues.push({
        path: `environments.${name}`,
        value: name,
        message: "is not a valid environment name (it names the stack and is part of every resource name)",
        fix: STACK_NAME_FIX,
      });
    }
  }
  // Strings reach Terraform as templates: refused where they could run (config/template-text.ts).
  issues.push(...templateSequenceIssues(file.defaults, "defaults"), ...templateSequenceIssues(file.environments, "environments"));
  if (file.defaults) issues.push(...checkEnvironment("defaults", file.defaults));
  for (const [name, env] of Object.entries(file.environments)) issues.push(...checkEnvironment(`environments.${name}`, env));
  if (file.defaults?.observability) issues.push(...checkObservability("defaults.observability", file.defaults.observability, file.defaults.observability));
  for (const [name, env] of Object.entries(file.environments)) {
    if (env.observability) issues.push(...checkObservability(`environments.${name}.observability`, env.observability, file.defaults?.observability));
  }
  return issues;
}

/**
 * Settings that observability or alerts being off would silently drop: refused where
 * they are written. An environment may switch off what the defaults configure (the
 * defaults' settings are then not its own), but not configure what is switched off.
 *
 * @param own the observability object at `path`
 * @param defaults the defaults' object, which decides `enabled` when `own` does not
 */
export function checkObservability(path: string, own: ObservabilityConfig, defaults: ObservabilityConfig | undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const enabled = own.enabled ?? defaults?.enabled ?? true;
  const alertsEnabled = own.alerts?.enabled ?? defaults?.alerts?.enabled ?? true;
  const ignored = (field: string, value: unknown, off: string) =>
    issues.push({ path: `${path}.${field}`, value, message: `is set, but ${off} is false, so it would be ignored`, fix: `remove it, or set ${off} to true` });
  for (const [field, value] of Object.entries(own)) {
    if (field !== "enabled" && field !== "alerts" && !enabled) ignored(field, value, "observability.enabled");
  }
  for (const [field, value] of Object.entries(own.alerts ?? {})) {
    // alerts.enabled = false beside observability.enabled = false says the same thing twice.
    if (!enabled && !(field === "enabled" && value === false)) ignored(`alerts.${field}`, value, "observability.enabled");
    else if (field !== "enabled" && !alertsEnabled) ignored(`alerts.${field}`, value, "observability.alerts.enabled");
  }
  return issues;
}

function checkEnvironment(path: string, env: EnvironmentConfig): ConfigIssue[] {
  return [...(env.tags ? checkTags(`${path}.tags`, env.tags) : []), ...(env.remoteState ? checkRemoteState(`${path}.remoteState`, env.remoteState) : [])];
}

/** Azure's tag rules (constructs/tags.ts), for one tags object. */
export function checkTags(path: string, tags: Record<string, string>): ConfigIssue[] {
  return tagProblems(tags).map((p) => ({ path: p.tag === undefined ? path : `${path}.${p.tag}`, value: p.value, message: p.problem, fix: p.fix }));
}

/** The azurerm backend's rules (STATE_RULES) for one remoteState object. */
export function checkRemoteState(path: string, state: RemoteStateConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const field of ["resourceGroupName", "storageAccountName", "containerName", "subscriptionId"] as const) {
    const value = state[field];
    if (value === undefined) continue;
    const rule = STATE_RULES[field];
    if (!rule.pattern.test(value)) issues.push({ path: `${path}.${field}`, value, message: "is not a name Azure accepts", fix: rule.fix });
  }
  const key = state.key;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a blob name with control characters is refused, so the regex must match them
  if (key !== undefined && (key.length > MAX_BLOB_NAME || /[./]$/.test(key) || /[\\\u0000-\u001f]/.test(key))) {
    issues.push({
      path: `${path}.key`,
      value: key,
      message: "is not a blob name the state backend can use",
      fix: `use up to ${MAX_BLOB_NAME} characters, no backslash or control characters, not ending in "." or "/", e.g. "prod.tfstate"`,
    });
  }
  return issues;
}
