#!/usr/bin/env node
/**
 * redact-plan: the only way a Terraform plan leaves the runner.
 *
 *   terraform show -json tfplan > "$RUNNER_TEMP/raw.json"
 *   node scripts/ci/redact-plan.ts --plan "$RUNNER_TEMP/raw.json" --out plans/prod.plan.json \
 *        --text-out plans/prod.plan.txt --config checked/cdk.tf.json --lock .terraform.lock.hcl
 *
 * Prints the plan's fingerprint on stdout: the sha256 of the redacted changes *and* of the
 * whole configuration that produced them (the checked cdk.tf.json and the provider lock
 * file), so an approval covers everything that will run, not only the changes it shows.
 * Exits 1 when the plan JSON is missing, truncated or not a plan, so a failed
 * `terraform show` cannot pass as "no changes".
 *
 * What it keeps is an allowlist, not a denylist: the resource and output changes (addresses,
 * actions, before/after values) and the plan's status flags. Everything else in
 * `terraform show -json` (prior_state, planned_values, variables, configuration,
 * relevant_attributes, checks) is dropped: those hold the same values again, and the
 * configuration's literals are not marked sensitive at all.
 * Values are redacted by the plan's own markers, `before_sensitive` / `after_sensitive`
 * (https://developer.hashicorp.com/terraform/internals/json-format#change-representation):
 * `true` at a path means the value there is sensitive. A change without markers is redacted
 * whole. Providers do not mark everything: azurerm 4.55 marks neither `app_settings` nor
 * `tags`, so those entries, and credential-named attributes, are judged by
 * catalogue/secrets.ts (the one module that decides what a secret is). Every sensitive string
 * is then scrubbed from the rest of the output wherever it was copied, in any form the
 * catalogue knows (upper case, spaced, escaped, base64, hex), and so are the runner's own
 * credentials (the OIDC request token), which a configuration could have copied into a value.
 *
 * The human-readable plan is rendered from the redacted JSON (scripts/ci/plan-text.ts), never
 * scrubbed from Terraform's text: a provider can print anything there.
 *
 * Runs in the privileged plan and deploy jobs, which must not run npm: dependency-free,
 * erasable TypeScript only, so Node 22.18+ runs it directly (type stripping).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { isCredentialAttribute, isSecretSetting, MIN_COPY_SKELETON, redactCopies, secretSkeletons } from "../../catalogue/secrets.ts";
import { canonicalJson } from "./canonical-json.ts";
import { renderPlanText } from "./plan-text.ts";
import { RUNNER_CREDENTIALS, runnerCredentials } from "./runner-credentials.ts";

/** What a redacted value is replaced with; the same words `terraform show` prints. */
export const SENSITIVE = "(sensitive value)";
/** Shorter sensitive strings are redacted where marked, but not searched for elsewhere. */
const MIN_SCRUB_LENGTH = 6;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The redacted plan: changes and flags only. */
export interface RedactedPlan {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly errored?: boolean;
  readonly applyable?: boolean;
  readonly complete?: boolean;
  readonly resource_changes: readonly RedactedResourceChange[];
  readonly resource_drift: readonly RedactedResourceChange[];
  readonly output_changes: { readonly [name: string]: Json };
}

/** A resource change: its identifying fields and `change` (actions, redacted before/after). */
export interface RedactedResourceChange {
  readonly address: string;
  readonly change: { readonly actions: string[]; readonly before: Json; readonly after: Json };
}

export interface RedactionResult {
  readonly plan: RedactedPlan;
  /** The sensitive strings found, to scrub from other text (never printed). */
  readonly secrets: readonly string[];
}

export interface RedactionOptions {
  /** Secrets known before reading the plan (the runner's credentials): scrubbed wherever they appear. */
  readonly knownSecrets?: readonly string[];
}

/**
 * Attributes that hold settings or labels as a name -> value map which providers do not mark
 * sensitive: each entry is judged by its name and value (catalogue/secrets.ts isSecretSetting).
 */
const SETTING_MAPS: ReadonlySet<string> = new Set(["app_settings", "tags", "environment_variables", "settings"]);

/** The fields of a resource change that identify it; copied as they are. */
const RESOURCE_FIELDS = ["address", "previous_address", "module_address", "mode", "type", "name", "index", "provider_name", "deposed", "action_reason"];
/**
 * The fields of a change that carry no values; copied as they are. Not `generated_config`:
 * the HCL Terraform writes for an import holds the imported values, sensitive ones included.
 */
const CHANGE_FIELDS = ["actions", "after_unknown", "before_sensitive", "after_sensitive", "replace_paths", "importing"];

/** Thrown for input that is not a complete plan; the message says what was wrong. */
export class PlanJsonError extends Error {}

/** Parses `terraform show -json` output; a truncated or empty file is an error, not an empty plan. */
export function parsePlan(text: string): JsonObject {
  if (!text.trim()) throw new PlanJsonError("the plan JSON is empty (did `terraform show -json` fail?)");
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch (e) {
    // Not the parser's message: V8 quotes the text around the error, which may be a secret.
    const at = /position (\d+)/.exec((e as Error).message);
    throw new PlanJsonError(`the plan JSON is truncated or invalid${at ? ` at character ${at[1]} of ${text.length}` : ""}`);
  }
  if (!isObject(parsed) || typeof parsed.format_version !== "string") {
    throw new PlanJsonError("the file is not `terraform show -json` output of a plan: no format_version");
  }
  return parsed;
}

/** Keeps the changes of a plan, with every sensitive value replaced by SENSITIVE. */
export function redactPlan(raw: JsonObject, options: RedactionOptions = {}): RedactionResult {
  const secrets = new Set<string>();
  const collect = (value: Json): void => {
    const pending: Json[] = [value];
    while (pending.length > 0) {
      const v = pending.pop()!;
      if (typeof v === "string" && v.length >= MIN_SCRUB_LENGTH) secrets.add(v);
      else if (Array.isArray(v)) pending.push(...v);
      else if (isObject(v)) pending.push(...Object.values(v));
    }
  };
  for (const known of options.knownSecrets ?? []) collect(known);

  const resourceChanges = (list: Json | undefined): RedactedResourceChange[] =>
    (Array.isArray(list) ? list : []).filter(isObject).map((rc) => {
      const change = isObject(rc.change) ? rc.change : {};
      const out: JsonObject = pick(rc, RESOURCE_FIELDS);
      const redacted: JsonObject = pick(change, CHANGE_FIELDS);
      if (!Array.isArray(redacted.actions)) redacted.actions = [];
      const type = typeof rc.type === "string" ? rc.type : undefined;
      redacted.before = redactUnmarked(type, redactValue(change.before ?? null, change.before_sensitive, collect), collect);
      redacted.after = redactUnmarked(type, redactValue(change.after ?? null, change.after_sensitive, collect), collect);
      out.change = redacted;
      return out as unknown as RedactedResourceChange;
    });

  const outputs: JsonObject = {};
  if (isObject(raw.output_changes)) {
    for (const [name, oc] of Object.entries(raw.output_changes)) {
      if (!isObject(oc)) continue;
      const redacted: JsonObject = pick(oc, CHANGE_FIELDS);
      redacted.before = redactValue(oc.before ?? null, oc.before_sensitive, collect);
      redacted.after = redactValue(oc.after ?? null, oc.after_sensitive, collect);
      outputs[name] = redacted;
    }
  }

  // Sensitive values the changes do not show still exist in the raw plan (prior state,
  // planned values, sensitive variables): collect them too, so they are scrubbed wherever
  // they were copied.
  collectSensitiveState(raw.prior_state, collect);
  collectSensitiveState(raw.planned_values, collect);
  collectSensitiveVariables(raw, collect);

  const plan: RedactedPlan = {
    ...(pick(raw, ["format_version", "terraform_version", "errored", "applyable", "complete"]) as object),
    resource_changes: resourceChanges(raw.resource_changes),
    resource_drift: resourceChanges(raw.resource_drift),
    output_changes: outputs,
  };
  const list = [...secrets].sort((a, b) => b.length - a.length);
  const skeletons = [...new Set(list.flatMap(secretSkeletons))];
  return { plan: scrubJson(plan as unknown as Json, list, skeletons) as unknown as RedactedPlan, secrets: list };
}

/**
 * What the provider did not mark but catalogue/secrets.ts calls a secret: entries of
 * SETTING_MAPS (app settings and tags: azurerm marks neither) and credential-named attributes
 * (`primary_access_key`, `*_connection_string`, `client_secret`), judged by their own name.
 * Already redacted values stay as they are. An explicit stack: depth costs no call stack.
 */
export function redactUnmarked(resourceType: string | undefined, value: Json, collect: (secret: Json) => void): Json {
  if (!isObject(value)) return value;
  const root: JsonObject = { ...value };
  const pending: JsonObject[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    for (const [key, v] of Object.entries(node)) {
      if (v === SENSITIVE || v === null) continue;
      if (SETTING_MAPS.has(key) && isObject(v)) {
        const settings: JsonObject = {};
        for (const [name, setting] of Object.entries(v)) {
          const secret = typeof setting === "string" ? isSecretSetting(name, setting) : setting !== null && isSecretSetting(name, undefined);
          if (secret) collect(setting);
          settings[name] = secret ? SENSITIVE : setting;
        }
        node[key] = settings;
      } else if (typeof v === "string" && isCredentialAttribute(resourceType, key)) {
        collect(v);
        node[key] = SENSITIVE;
      } else if (isObject(v)) {
        const copy = { ...v };
        node[key] = copy;
        pending.push(copy);
      } else if (Array.isArray(v)) {
        node[key] = v.map((item) => {
          if (!isObject(item)) return item;
          const copy = { ...item };
          pending.push(copy);
          return copy;
        });
      }
    }
  }
  return root;
}

/**
 * Replaces the parts of `value` that `marker` flags as sensitive. The marker mirrors the
 * value's shape: `true` for a sensitive leaf or subtree, objects and arrays for the parts
 * below. A missing marker means the plan does not say: the whole value is redacted.
 */
export function redactValue(value: Json, marker: Json | undefined, collect: (secret: Json) => void): Json {
  if (value === null) return null;
  if (marker === undefined) {
    collect(value);
    return SENSITIVE;
  }
  if (marker === true) {
    collect(value);
    return SENSITIVE;
  }
  if (Array.isArray(value)) return value.map((v, i) => redactValue(v, Array.isArray(marker) ? (marker[i] ?? false) : false, collect));
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, isObject(marker) ? (marker[k] ?? false) : false, collect);
    return out;
  }
  return value;
}

/**
 * Removes every occurrence of the given secrets from text: exact copies, and copies in any
 * form catalogue/secrets.ts knows (skeletons: see secretSkeletons).
 */
export function scrubText(text: string, secrets: readonly string[], skeletons: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(SENSITIVE);
  return out.length >= MIN_COPY_SKELETON ? redactCopies(out, skeletons, SENSITIVE) : out;
}

/** What the fingerprint covers besides the changes: the configuration that produced them. */
export interface FingerprintInputs {
  /** sha256 (hex) of the checked cdk.tf.json Terraform read. */
  readonly configuration?: string;
  /** sha256 (hex) of the provider lock file Terraform initialised with. */
  readonly lockFile?: string;
}

/**
 * sha256 of the redacted changes and of the configuration behind them, in a canonical form:
 * equal plans of equal configurations, equal fingerprints. A provisioner, a provider setting
 * or a lock entry that the redacted changes do not show still changes the fingerprint.
 */
export function planFingerprint(plan: RedactedPlan, inputs: FingerprintInputs = {}): string {
  const material = {
    resource_changes: plan.resource_changes,
    output_changes: plan.output_changes,
    errored: plan.errored ?? false,
    configuration: inputs.configuration ?? null,
    lock_file: inputs.lockFile ?? null,
  };
  return createHash("sha256")
    .update(canonicalJson(material as unknown as Json))
    .digest("hex");
}

/** sha256 (hex) of a file's bytes; of a JSON file, of its canonical form (key order and spacing do not count). */
export function fileDigest(file: string, json: boolean): string {
  const bytes = fs.readFileSync(file);
  const material = json ? canonicalJson(JSON.parse(bytes.toString("utf8")) as Json) : bytes;
  return createHash("sha256").update(material).digest("hex");
}

function collectSensitiveState(state: Json | undefined, collect: (secret: Json) => void): void {
  if (!isObject(state)) return;
  const module = isObject(state.values) ? state.values : state;
  if (isObject(module.outputs)) {
    for (const o of Object.values(module.outputs)) if (isObject(o) && o.sensitive === true) collect(o.value ?? null);
  }
  const walk = (m: Json | undefined): void => {
    if (!isObject(m)) return;
    for (const r of Array.isArray(m.resources) ? m.resources : []) {
      if (isObject(r)) redactValue(r.values ?? null, r.sensitive_values ?? undefined, collect);
    }
    for (const child of Array.isArray(m.child_modules) ? m.child_modules : []) walk(child);
  };
  walk(module.root_module);
}

function collectSensitiveVariables(raw: JsonObject, collect: (secret: Json) => void): void {
  const declared = isObject(raw.configuration) && isObject(raw.configuration.root_module) ? raw.configuration.root_module.variables : undefined;
  if (!isObject(raw.variables) || !isObject(declared)) return;
  for (const [name, v] of Object.entries(raw.variables)) {
    const decl = declared[name];
    if (isObject(decl) && decl.sensitive === true && isObject(v)) collect(v.value ?? null);
  }
}

function scrubJson(value: Json, secrets: readonly string[], skeletons: readonly string[]): Json {
  if (typeof value === "string") return scrubText(value, secrets, skeletons);
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, secrets, skeletons));
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[scrubText(k, secrets, skeletons)] = scrubJson(v, secrets, skeletons);
    return out;
  }
  return value;
}

function pick(source: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const k of keys) if (source[k] !== undefined) out[k] = source[k];
  return out;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// --- CLI ------------------------------------------------------------------------------

export const USAGE = `Usage: redact-plan --plan RAW.json --out REDACTED.json [--text-out PLAN.txt] [--config CHECKED.json] [--lock LOCK.hcl]

Writes the plan's changes with every sensitive value redacted, and optionally the human plan
text rendered from them. Prints the fingerprint of the redacted changes and of the
configuration and lock file given. The runner's credentials (${RUNNER_CREDENTIALS.join(", ")})
are scrubbed wherever they appear.
Exit 1: the plan JSON is empty, truncated or not a plan. Exit 64: bad arguments.
`;

export function runCli(argv: readonly string[], env: { readonly [name: string]: string | undefined } = process.env): { code: number; stdout: string; stderr: string } {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!["--plan", "--out", "--text-out", "--config", "--lock"].includes(argv[i]) || argv[i + 1] === undefined) {
      return { code: 64, stdout: "", stderr: `redact-plan: bad argument ${JSON.stringify(argv[i])}\n\n${USAGE}` };
    }
    args.set(argv[i], argv[i + 1]);
  }
  const planFile = args.get("--plan");
  const out = args.get("--out");
  if (!planFile || !out) return { code: 64, stdout: "", stderr: `redact-plan: --plan and --out are required\n\n${USAGE}` };
  const knownSecrets = runnerCredentials(env);
  try {
    const { plan } = redactPlan(parsePlan(fs.existsSync(planFile) ? fs.readFileSync(planFile, "utf8") : ""), { knownSecrets });
    fs.writeFileSync(out, `${JSON.stringify(plan, null, 1)}\n`);
    const textOut = args.get("--text-out");
    if (textOut) fs.writeFileSync(textOut, renderPlanText(plan as unknown as Parameters<typeof renderPlanText>[0]));
    const config = args.get("--config");
    const lock = args.get("--lock");
    const inputs = { configuration: config ? fileDigest(config, true) : undefined, lockFile: lock ? fileDigest(lock, false) : undefined };
    return { code: 0, stdout: `${planFingerprint(plan, inputs)}\n`, stderr: "" };
  } catch (e) {
    if (e instanceof PlanJsonError) return { code: 1, stdout: "", stderr: `redact-plan: ${e.message}\n` };
    throw e;
  }
}

// Not `require.main === module`: Node runs this file as an ES module when it strips the types.
if (/redact-plan\.m?[jt]s$/.test(process.argv[1] ?? "")) {
  const { code, stdout, stderr } = runCli(process.argv.slice(2));
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exitCode = code;
}
