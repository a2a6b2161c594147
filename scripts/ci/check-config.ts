#!/usr/bin/env node
/**
 * check-config: before anything runs with an Azure token, proves that a synthesized
 * `cdk.tf.json` is a configuration this product could have produced for that stack.
 *
 *   node scripts/ci/check-config.ts stacks TRUSTED_ENVIRONMENTS_JSON
 *   node scripts/ci/check-config.ts check TRUSTED_ENVIRONMENTS_JSON STACK CDK_TF_JSON --out CHECKED_JSON
 *
 * `stacks` prints the trusted configuration's stacks in file order, one `<stack> remote|local`
 * a line: what CI must plan and deploy, whatever a pull request's build produced.
 * `check` exits 0 and writes CHECKED_JSON (the configuration re-serialised: what Terraform
 * then reads is exactly what was checked, duplicate keys and all) or exits 1 with one block
 * per problem. Exit 2: bad arguments or unreadable files.
 *
 * Why: `terraform init` and `plan` run code chosen by the configuration before any review
 * (https://developer.hashicorp.com/terraform/language/backend#backend-types,
 * https://developer.hashicorp.com/terraform/language/resources/provisioners/syntax): a backend
 * or provider block can send the runner's OIDC token to any host (`metadata_host`,
 * `oidc_request_url`), a `terraform_remote_state` data source can read another stack's state
 * and post it anywhere, a provisioner or `terraform_data` runs commands, a module downloads
 * code. So the check is an allowlist of what the product writes, and the backend must equal
 * what the *trusted* configuration (the base branch's, or main's) derives for the stack: a
 * pull request cannot call a stack `dev` and initialise `prod.tfstate`.
 *
 * It re-derives the backend from the configuration file instead of trusting the synth
 * (app/chat-stack.ts): the checker must not share code with what it checks, which includes
 * the npm dependencies of the synth. __tests__/scripts/check-config.test.ts proves the two
 * derivations agree.
 *
 * Dependency-free, erasable TypeScript: the token jobs run it with Node's type stripping.
 */
import * as fs from "node:fs";
import { findDuplicateKeys } from "../../config/duplicate-keys.ts";
import { STACK_NAME, STACK_NAME_FIX, isStackName } from "../../config/stack-name.ts";
import { scanTemplate } from "./terraform-template.ts";
import { canonicalJson } from "./canonical-json.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** One reason to refuse a configuration: where, the value found, and what would be accepted. */
export interface Problem {
  readonly path: string;
  readonly value?: string;
  readonly problem: string;
  readonly fix: string;
}

/** A stack of the trusted configuration, and whether its state is remote (CI plans and deploys only those). */
export interface TrustedStack {
  readonly stack: string;
  readonly backend: JsonObject;
  readonly remote: boolean;
}

/** Files larger than this are refused before parsing (the shipped stacks are ~100 KB). */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/**
 * The providers the product configures, their registry address, and the only settings it
 * writes in their blocks. Nothing that names an endpoint or a credential is here: those come
 * from ARM_* variables of the job, never from the configuration.
 */
const PROVIDERS: Readonly<Record<string, { readonly source: string; readonly settings: ReadonlySet<string> }>> = {
  azurerm: { source: "registry.terraform.io/hashicorp/azurerm", settings: new Set(["features", "storage_use_azuread"]) },
  azuread: { source: "registry.terraform.io/hashicorp/azuread", settings: new Set() },
  time: { source: "registry.terraform.io/hashicorp/time", settings: new Set() },
};

/** Top-level blocks of a stack. Not `module`, `variable`, `check`, `import`, `moved`, `removed`, `ephemeral`. */
const TOP_LEVEL: ReadonlySet<string> = new Set(["//", "terraform", "provider", "resource", "data", "output", "locals"]);
/** Lifecycle settings. Not `precondition`/`postcondition`: their messages are evaluated text. */
const LIFECYCLE: ReadonlySet<string> = new Set(["prevent_destroy", "ignore_changes", "create_before_destroy", "replace_triggered_by"]);
const OUTPUT_SETTINGS: ReadonlySet<string> = new Set(["//", "value", "description", "sensitive", "depends_on"]);

/**
 * Functions an expression may call: the ones the product writes (join, sha256, substr,
 * uuidv5) and other pure functions of their arguments. Never the ones that read the runner
 * (`file`, `templatefile`, `fileset`, `abspath`, `pathexpand`...), undo redaction
 * (`nonsensitive`), differ between plan and apply (`timestamp`, `uuid`, `bcrypt`), or come
 * from a provider (`provider::...`).
 * https://developer.hashicorp.com/terraform/language/functions
 */
export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set([
  ...["abs", "ceil", "floor", "max", "min", "parseint", "pow", "signum"],
  ...["chomp", "endswith", "format", "formatlist", "indent", "join", "lower", "replace", "split", "startswith", "strcontains", "strrev", "substr", "title", "trim"],
  ...["trimprefix", "trimspace", "trimsuffix", "upper"],
  ...["alltrue", "anytrue", "coalesce", "coalescelist", "compact", "concat", "contains", "distinct", "element", "flatten", "index", "keys", "length", "lookup"],
  ...["merge", "one", "range", "reverse", "setintersection", "setsubtract", "setunion", "slice", "sort", "sum", "values", "zipmap"],
  ...["jsonencode", "urlencode", "base64sha256", "md5", "sha1", "sha256", "sha512", "uuidv5", "cidrhost", "cidrnetmask", "cidrsubnet", "cidrsubnets"],
  ...["can", "try", "tobool", "tolist", "tomap", "tonumber", "toset", "tostring"],
]);
/** References to the runner or to input the configuration does not hold. */
const REFUSED_ROOTS: ReadonlySet<string> = new Set(["path", "var", "local_file", "terraform_remote_state"]);

// --- the trusted configuration -----------------------------------------------------------

/**
 * The stacks of a trusted environments file, in file order, with the backend the product
 * writes for each (app/chat-stack.ts): `azurerm` with Entra ID auth when `remoteState` is
 * set (merged over `defaults.remoteState`, as config/environments.ts merges objects), else
 * the local file at the project root.
 */
export function trustedStacks(file: unknown): { stacks: TrustedStack[]; problems: Problem[] } {
  const config = file as Json;
  const problems: Problem[] = [];
  const stacks: TrustedStack[] = [];
  if (!isObject(config) || !isObject(config.environments)) {
    return {
      stacks,
      problems: [{ path: "environments", problem: "the trusted configuration has no environments object", fix: "check out the base branch's config/environments.json" }],
    };
  }
  const defaults = isObject(config.defaults) && isObject(config.defaults.remoteState) ? config.defaults.remoteState : undefined;
  const containers = new Map<string, string>();
  for (const [stack, env] of Object.entries(config.environments)) {
    if (!isStackName(stack)) {
      problems.push({ path: `environments.${stack}`, value: stack, problem: "is not a stack name CI accepts", fix: STACK_NAME_FIX });
      continue;
    }
    const own = isObject(env) && isObject(env.remoteState) ? env.remoteState : undefined;
    const state = own || defaults ? { ...(defaults ?? {}), ...(own ?? {}) } : undefined;
    if (!state) {
      stacks.push({ stack, remote: false, backend: { local: { path: `../../../terraform.${stack}.tfstate` } } });
      continue;
    }
    const field = (name: string): string | undefined => (typeof state[name] === "string" ? (state[name] as string) : undefined);
    const azurerm: JsonObject = {
      container_name: field("containerName") ?? "tfstate",
      key: field("key") ?? `${stack}.tfstate`,
      resource_group_name: field("resourceGroupName") ?? "",
      storage_account_name: field("storageAccountName") ?? "",
      use_azuread_auth: true,
    };
    const subscription = field("subscriptionId");
    if (subscription !== undefined) azurerm.subscription_id = subscription;
    // One identity per environment can only be isolated if each environment's state has a
    // container of its own: Storage Blob Data roles are granted per container.
    const container = `${String(azurerm.storage_account_name).toLowerCase()}/${azurerm.container_name}`;
    const other = containers.get(container);
    if (other !== undefined) {
      problems.push({
        path: `environments.${stack}.remoteState.containerName`,
        value: String(azurerm.container_name),
        problem: `is also the state container of "${other}" (${container}): the deploying identity of either could rewrite the other's state`,
        fix: `give each environment its own container, e.g. "tfstate-${stack}" (docs/delivery.md, "State")`,
      });
    }
    containers.set(container, stack);
    stacks.push({ stack, remote: true, backend: { azurerm } });
  }
  return { stacks, problems };
}

// --- the check ---------------------------------------------------------------------------

/**
 * Every reason to refuse `text` as the configuration of a stack whose trusted backend is
 * `backend`; empty when it holds only what the product writes.
 */
export function checkConfiguration(text: string, backend: JsonObject): Problem[] {
  if (text.length > MAX_CONFIG_BYTES) return [{ path: "", problem: `is ${text.length} characters, more than ${MAX_CONFIG_BYTES}`, fix: "synthesize it again" }];
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch {
    return [{ path: "", problem: "is not valid JSON", fix: "synthesize it again (npm start)" }];
  }
  if (!isObject(json)) return [{ path: "", problem: "is not a JSON object", fix: "synthesize it again (npm start)" }];
  const problems: Problem[] = [];
  // Terraform's JSON syntax reads a repeated name as a second block; JSON.parse keeps only
  // the last. Either way the check would judge something other than what runs.
  for (const d of findDuplicateKeys(text).slice(0, 20)) {
    problems.push({
      path: d.path.map(String).join("."),
      problem: `is written twice in one object (line ${d.line})`,
      fix: "the product never writes a name twice: synthesize it again",
    });
  }
  for (const key of Object.keys(json)) {
    if (!TOP_LEVEL.has(key))
      problems.push({
        path: key,
        problem: `is a block the product never writes${key === "module" ? " (a module downloads and runs code nobody reviewed)" : ""}`,
        fix: "remove it",
      });
  }
  problems.push(...checkTerraformBlock(json.terraform, backend));
  problems.push(...checkProviders(json.provider, json.terraform));
  problems.push(...checkBlocks("resource", json.resource));
  problems.push(...checkBlocks("data", json.data));
  if (json.output !== undefined) {
    if (!isObject(json.output)) problems.push({ path: "output", problem: "is not an object", fix: "synthesize it again" });
    else
      for (const [name, output] of Object.entries(json.output)) {
        for (const key of isObject(output) ? Object.keys(output) : ["(not an object)"]) {
          if (!OUTPUT_SETTINGS.has(key)) problems.push({ path: `output.${name}.${key}`, problem: "is not an output setting the product writes", fix: "remove it" });
        }
      }
  }
  problems.push(...checkExpressions(json));
  return problems;
}

function checkTerraformBlock(block: Json | undefined, expected: JsonObject): Problem[] {
  if (!isObject(block)) return [{ path: "terraform", problem: "is missing", fix: "synthesize it again (npm start)" }];
  const problems: Problem[] = [];
  for (const key of Object.keys(block)) {
    if (key !== "backend" && key !== "required_providers") problems.push({ path: `terraform.${key}`, problem: "is not a terraform setting the product writes", fix: "remove it" });
  }
  const actual = block.backend;
  if (canonicalJson(actual ?? null) !== canonicalJson(expected)) {
    const [type] = Object.keys(expected);
    const fields = isObject(expected[type]) ? (expected[type] as JsonObject) : {};
    const given = isObject(actual) && isObject(actual[type]) ? (actual[type] as JsonObject) : undefined;
    if (!given || Object.keys(actual as JsonObject).length !== 1) {
      problems.push({
        path: "terraform.backend",
        value: shorten(canonicalJson(actual ?? null)),
        problem: `is not the "${type}" backend the trusted configuration derives for this stack`,
        fix: `terraform.backend = ${canonicalJson(expected)}`,
      });
    } else {
      for (const name of new Set([...Object.keys(fields), ...Object.keys(given)])) {
        if (canonicalJson(given[name] ?? null) === canonicalJson(fields[name] ?? null)) continue;
        const want = fields[name] === undefined ? "absent" : canonicalJson(fields[name]);
        problems.push({
          path: `terraform.backend.${type}.${name}`,
          value: shorten(canonicalJson(given[name] ?? null)),
          problem: "differs from what the trusted configuration derives for this stack",
          fix: `${want} (a pull request cannot point a stack at another stack's state)`,
        });
      }
    }
  }
  const required = block.required_providers;
  if (required !== undefined && !isObject(required)) problems.push({ path: "terraform.required_providers", problem: "is not an object", fix: "synthesize it again" });
  for (const [name, spec] of Object.entries(isObject(required) ? required : {})) {
    const known = PROVIDERS[name];
    const source = isObject(spec) && typeof spec.source === "string" ? providerAddress(spec.source) : undefined;
    if (!known || source !== known.source) {
      problems.push({
        path: `terraform.required_providers.${name}`,
        value: source ?? canonicalJson(spec),
        problem: "is not a provider the product uses",
        fix: `only ${Object.entries(PROVIDERS)
          .map(([n, p]) => `${n} (${p.source})`)
          .join(", ")}`,
      });
    }
  }
  return problems;
}

function checkProviders(providers: Json | undefined, terraform: Json | undefined): Problem[] {
  if (providers === undefined) return [];
  if (!isObject(providers)) return [{ path: "provider", problem: "is not an object", fix: "synthesize it again" }];
  const problems: Problem[] = [];
  const required = isObject(terraform) && isObject(terraform.required_providers) ? terraform.required_providers : {};
  for (const [name, blocks] of Object.entries(providers)) {
    const known = PROVIDERS[name];
    if (!known || required[name] === undefined) {
      problems.push({ path: `provider.${name}`, problem: "configures a provider the product does not use", fix: "remove it" });
      continue;
    }
    const list = Array.isArray(blocks) ? blocks : [blocks];
    if (list.length !== 1) problems.push({ path: `provider.${name}`, problem: `has ${list.length} blocks (aliases)`, fix: "one block, as the product writes" });
    list.forEach((b, i) => {
      for (const [setting, value] of Object.entries(isObject(b) ? b : {})) {
        const path = `provider.${name}[${i}].${setting}`;
        if (!known.settings.has(setting)) {
          problems.push({
            path,
            value: shorten(canonicalJson(value)),
            problem: "is not a provider setting the product writes: an endpoint or credential here could send the job's token to another host",
            fix: "remove it; credentials and endpoints come from the job's ARM_* variables",
          });
        } else if (setting === "features" && !onlyBooleans(value)) {
          problems.push({ path, value: shorten(canonicalJson(value)), problem: "holds something other than feature switches (true/false)", fix: "only boolean feature flags" });
        } else if (setting === "storage_use_azuread" && value !== true) {
          problems.push({ path, value: canonicalJson(value), problem: "is not what the product writes", fix: "true" });
        }
      }
    });
  }
  return problems;
}

function checkBlocks(kind: "resource" | "data", blocks: Json | undefined): Problem[] {
  if (blocks === undefined) return [];
  if (!isObject(blocks)) return [{ path: kind, problem: "is not an object", fix: "synthesize it again" }];
  const problems: Problem[] = [];
  for (const [type, byName] of Object.entries(blocks)) {
    const provider = type.split("_")[0];
    if (!PROVIDERS[provider]) {
      const why =
        type === "terraform_data"
          ? " (built in: with a provisioner it runs commands on the runner)"
          : type === "terraform_remote_state"
            ? " (built in: reads another state and can send it anywhere)"
            : "";
      problems.push({ path: `${kind}.${type}`, problem: `is not a type of the providers the product uses${why}`, fix: `only ${Object.keys(PROVIDERS).join("_*, ")}_* types` });
      continue;
    }
    for (const [name, body] of Object.entries(isObject(byName) ? byName : {})) {
      if (!isObject(body)) continue;
      for (const [key, value] of Object.entries(body)) {
        const path = `${kind}.${type}.${name}.${key}`;
        if (key === "provisioner" || key === "connection") {
          problems.push({ path, problem: "runs commands on the runner or on a host at apply, with the deploy identity", fix: "remove it: the product never writes provisioners" });
        } else if (key === "provider" || key === "count" || key === "for_each") {
          problems.push({ path, value: shorten(canonicalJson(value)), problem: "is a meta-argument the product never writes", fix: "remove it" });
        } else if (key === "lifecycle") {
          for (const l of Object.keys(isObject(value) ? value : Array.isArray(value) && isObject(value[0]) ? value[0] : {})) {
            if (!LIFECYCLE.has(l)) problems.push({ path: `${path}.${l}`, problem: "is a lifecycle setting the product never writes", fix: "remove it" });
          }
        }
      }
    }
  }
  return problems;
}

/**
 * Every string Terraform evaluates, values and object keys: functions outside
 * ALLOWED_FUNCTIONS, references to the runner, directives, and anything the template
 * scanner cannot follow are refused. `//` comments are scanned too: Terraform ignores them
 * only where a block body is expected, and inside an attribute's object they are keys like
 * any other. An explicit stack: depth costs no call stack.
 */
function checkExpressions(json: JsonObject): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const pending: { value: Json; path: string }[] = [{ value: json, path: "" }];
  const judge = (text: string, path: string): void => {
    if (!text.includes("{")) return;
    const scan = scanTemplate(text);
    const refuse = (problem: string, fix: string): void => {
      const key = `${path}\u0000${problem}`;
      if (seen.has(key) || problems.length >= 50) return;
      seen.add(key);
      problems.push({ path, value: shorten(text), problem, fix });
    };
    if (scan.error) refuse(`holds ${scan.error}, which the product never writes`, "remove it");
    if (scan.directives > 0) refuse("holds a %{ directive, which the product never writes", "write the literal text as %%{");
    for (const f of scan.functions) {
      if (!ALLOWED_FUNCTIONS.has(f)) {
        refuse(
          `calls ${f}(), a function the product never writes (it could read the runner, unmark a secret or differ at apply)`,
          "remove the call; literal text is written $${...}",
        );
      }
    }
    for (const r of scan.roots) if (REFUSED_ROOTS.has(r)) refuse(`refers to ${r}.*, which the product never does`, "remove the reference");
  };
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (typeof value === "string") judge(value, path);
    else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) pending.push({ value: value[i], path: `${path}[${i}]` });
    } else if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        const p = path ? `${path}.${k}` : k;
        judge(k, p);
        pending.push({ value: v, path: p });
      }
    }
  }
  return problems;
}

// --- helpers -----------------------------------------------------------------------------

/** `azurerm`, `hashicorp/azurerm` and `registry.terraform.io/hashicorp/azurerm` are one provider. */
function providerAddress(source: string): string {
  const parts = source.toLowerCase().split("/");
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts.join("/")}`;
  return parts.join("/");
}

function onlyBooleans(value: Json): boolean {
  const pending: Json[] = [value];
  while (pending.length > 0) {
    const v = pending.pop()!;
    if (typeof v === "boolean") continue;
    if (Array.isArray(v)) pending.push(...v);
    else if (isObject(v)) pending.push(...Object.values(v));
    else return false;
  }
  return true;
}

function shorten(text: string): string {
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Problems as a report for a terminal or an Actions log: one block per problem, every
 * untrusted text JSON-quoted (control characters escaped), nothing a runner reads as a
 * workflow command.
 */
export function formatProblems(file: string, problems: readonly Problem[]): string {
  const quote = (s: string) => JSON.stringify(s).replace(/::/g, ":\\u003a");
  return problems
    .map(
      (p) =>
        `✗ ${quote(file)}: ${quote(p.path || "(root)")}${p.value !== undefined ? ` = ${quote(p.value)}` : ""}\n  ${p.problem.replace(/::/g, ": :")}\n  fix: ${p.fix.replace(/::/g, ": :")}\n`,
    )
    .join("\n");
}

// --- CLI ---------------------------------------------------------------------------------

export const USAGE = `Usage: check-config stacks TRUSTED_ENVIRONMENTS_JSON
       check-config check TRUSTED_ENVIRONMENTS_JSON STACK CDK_TF_JSON --out CHECKED_JSON

stacks  the trusted configuration's stacks in file order: "<stack> remote|local" per line
check   exit 0 and write CHECKED_JSON when CDK_TF_JSON holds only what the product writes for
        STACK, with the backend the trusted configuration derives; else exit 1 with the problems
Exit 2: bad arguments or unreadable files. Stack names: ${STACK_NAME.source}
`;

export function runCli(argv: readonly string[]): { code: number; stdout: string; stderr: string } {
  const usage = (why: string) => ({ code: 2, stdout: "", stderr: `check-config: ${why}\n\n${USAGE}` });
  const [command, configFile, stack, tfFile, outFlag, outFile] = argv;
  if (command !== "stacks" && command !== "check") return usage(`unknown command ${JSON.stringify(command ?? "")}`);
  if (!configFile) return usage("the trusted configuration file is required");
  const config = readJson(configFile);
  if ("error" in config) return { code: 2, stdout: "", stderr: `check-config: ${config.error}\n` };
  const { stacks, problems } = trustedStacks(config.json);
  if (problems.length > 0) return { code: 1, stdout: "", stderr: formatProblems(configFile, problems) };
  if (command === "stacks") {
    if (argv.length !== 2) return usage("stacks takes one file");
    return { code: 0, stdout: stacks.map((s) => `${s.stack} ${s.remote ? "remote" : "local"}\n`).join(""), stderr: "" };
  }
  if (argv.length !== 6 || outFlag !== "--out" || !tfFile || !outFile) return usage("check takes CONFIG STACK CDK_TF_JSON --out CHECKED_JSON");
  if (!isStackName(stack)) return { code: 1, stdout: "", stderr: formatProblems(tfFile, [{ path: "(stack)", value: stack, problem: "is not a stack name", fix: STACK_NAME_FIX }]) };
  const trusted = stacks.find((s) => s.stack === stack);
  if (!trusted) {
    const problem = {
      path: "(stack)",
      value: stack,
      problem: "is not an environment of the trusted configuration",
      fix: "it is planned and deployed once it is on the base branch",
    };
    return { code: 1, stdout: "", stderr: formatProblems(tfFile, [problem]) };
  }
  let text: string;
  try {
    if (fs.statSync(tfFile).size > MAX_CONFIG_BYTES)
      return { code: 1, stdout: "", stderr: formatProblems(tfFile, [{ path: "", problem: "is too large", fix: "synthesize it again" }]) };
    text = fs.readFileSync(tfFile, "utf8");
  } catch (e) {
    return { code: 2, stdout: "", stderr: `check-config: cannot read ${JSON.stringify(tfFile)} (${(e as NodeJS.ErrnoException).code ?? "error"})\n` };
  }
  const found = checkConfiguration(text, trusted.backend);
  if (found.length > 0) return { code: 1, stdout: "", stderr: formatProblems(`${stack}/cdk.tf.json`, found) };
  fs.writeFileSync(outFile, `${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  return { code: 0, stdout: `${stack}: the configuration holds only what the product writes, with the trusted backend\n`, stderr: "" };
}

function readJson(file: string): { json: Json } | { error: string } {
  try {
    const text = fs.readFileSync(file, "utf8");
    if (findDuplicateKeys(text).length > 0) return { error: `${JSON.stringify(file)} has a name written twice in one object` };
    return { json: JSON.parse(text.startsWith("\uFEFF") ? text.slice(1) : text) as Json };
  } catch (e) {
    return { error: `cannot read ${JSON.stringify(file)} as JSON (${(e as NodeJS.ErrnoException).code ?? "not JSON"})` };
  }
}

// Not `require.main === module`: Node runs this file as an ES module when it strips the types.
if (/check-config\.m?[jt]s$/.test(process.argv[1] ?? "")) {
  const { code, stdout, stderr } = runCli(process.argv.slice(2));
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exitCode = code;
}
