#!/usr/bin/env node
/**
 * check-models: before apply, asks Azure (not the catalogue) whether every model
 * deployment of a synthesized stack can be created today in its region.
 *
 *   node scripts/ci/check-models.ts regions cdktf.out/stacks/prod/cdk.tf.json
 *       prints each region that has a model deployment, one per line
 *   az cognitiveservices model list -l swedencentral -o json > models-swedencentral.json
 *   node scripts/ci/check-models.ts check cdktf.out/stacks/prod/cdk.tf.json models-swedencentral.json
 *       exit 0: every deployment is listed, lifecycle open, with its SKU; exit 1: a report of
 *       each that is not; exit 64: usage or unreadable input
 *
 * A models file is the JSON of `az cognitiveservices model list -l <region> -o json` (an array)
 * or of the REST call `GET /subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/{region}/models?api-version=2024-10-01`
 * (`{ "value": [...] }`), named `models-<region>.json`: neither names its region inside.
 * Each entry is `{ kind, skuName, model: { format, name, version, lifecycleStatus,
 * deprecation: { inference }, skus: [{ name, deprecationDate }] } }` (azure-rest-api-specs
 * cognitiveservices 2024-10-01, definitions Model / AccountModel / ModelSku). `lifecycleStatus`
 * is an open string: "Deprecating" means closed to new customers, "Deprecated" retired (410);
 * the ARM value, not Learn's label, is the authority (docs/retrieval.md "2. Model lifecycle").
 *
 * The list does not say whether *this* subscription is an existing customer: a deployment
 * whose configuration declares it (a reasoned suppression of AZ-MODEL-002, which ChatPlatform
 * writes for `existingCustomer: true`) is let through a "Deprecating" status with a warning;
 * a retired model or a missing SKU never is.
 *
 * Runs in the deploy job before anything is planned with the deploying identity, and from
 * `npm run deploy` (scripts/deploy.ts): dependency-free, erasable TypeScript only, so Node
 * 22.18+ runs it directly.
 */
import * as fs from "node:fs";
import * as path from "node:path";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** One model deployment of the stack, as synthesized. */
export interface StackDeployment {
  readonly address: string;
  readonly name: string;
  readonly model: string;
  readonly version: string;
  readonly sku: string;
  readonly region: string;
  /** The configuration declares this subscription an existing customer of the version. */
  readonly existingCustomer: boolean;
}

/** What Azure lists for one model version in one region. */
export interface ListedModel {
  readonly name: string;
  readonly version: string;
  readonly lifecycleStatus?: string;
  /** When inference stops (`deprecation.inference`), if listed. */
  readonly retires?: string;
  readonly skus: readonly { readonly name: string; readonly deprecationDate?: string }[];
}

export interface ModelCheck {
  readonly deployment: StackDeployment;
  readonly verdict: "ok" | "warning" | "refused";
  readonly reason: string;
}

/** The rule id whose suppression declares an existing customer (catalogue/lifecycle.ts MODEL_RULE_IDS). */
const EXISTING_CUSTOMER_RULE = "AZ-MODEL-002";

export class InputError extends Error {}

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Control characters shown, not obeyed: names come from files a pull request can change. */
export function printable(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The model deployments of a cdk.tf.json, with their account's region. */
export function stackDeployments(stackJson: unknown): StackDeployment[] {
  if (!isObject(stackJson) || (stackJson.resource !== undefined && !isObject(stackJson.resource))) throw new InputError("not a synthesized stack (cdk.tf.json)");
  const resources = isObject(stackJson.resource) ? stackJson.resource : {};
  const accounts = isObject(resources.azurerm_cognitive_account) ? resources.azurerm_cognitive_account : {};
  const deployments = isObject(resources.azurerm_cognitive_deployment) ? resources.azurerm_cognitive_deployment : {};
  const out: StackDeployment[] = [];
  for (const [key, value] of Object.entries(deployments)) {
    const address = `azurerm_cognitive_deployment.${key}`;
    if (!isObject(value)) throw new InputError(`${printable(address)} is not an object`);
    const model = isObject(value.model) ? value.model : Array.isArray(value.model) && isObject(value.model[0]) ? value.model[0] : {};
    const sku = isObject(value.sku) ? value.sku : Array.isArray(value.sku) && isObject(value.sku[0]) ? value.sku[0] : {};
    const accountRef = /^\$\{azurerm_cognitive_account\.([\w-]+)\.id\}$/.exec(text(value.cognitive_account_id) ?? "");
    const account = accountRef ? accounts[accountRef[1]] : undefined;
    const region = isObject(account) ? text(account.location) : undefined;
    const fields = { name: text(value.name), model: text(model.name), version: text(model.version), sku: text(sku.name), region };
    const missing = Object.entries(fields)
      .filter(([, v]) => v === undefined || v.includes("${"))
      .map(([k]) => k);
    if (missing.length > 0)
      throw new InputError(`${printable(address)}: ${missing.join(", ")} not a literal, so Azure's list cannot be compared (plan first, or state them literally)`);
    const suppressions = isObject(value["//"]) && isObject(value["//"].guardrails) ? value["//"].guardrails.suppressions : undefined;
    const existingCustomer = Array.isArray(suppressions) && suppressions.some((s) => isObject(s) && s.id === EXISTING_CUSTOMER_RULE);
    out.push({ address, ...(fields as Record<keyof typeof fields, string>), region: normalizeRegion(fields.region as string), existingCustomer });
  }
  return out;
}

/** "Sweden Central" and "swedencentral" are one region (as catalogue/lifecycle.ts judgeDeployment reads it; this tool imports nothing). */
export function normalizeRegion(region: string): string {
  return region.replace(/\s+/g, "").toLowerCase();
}

/** The regions a stack's deployments live in, sorted. */
export function stackRegions(stackJson: unknown): string[] {
  return [...new Set(stackDeployments(stackJson).map((d) => d.region))].sort();
}

/** The models of one Models API answer (az's array or REST's `{ value }`). */
export function listedModels(answer: unknown): ListedModel[] {
  const entries = Array.isArray(answer) ? answer : isObject(answer) && Array.isArray(answer.value) ? answer.value : undefined;
  if (!entries) throw new InputError("not a model list: expected the JSON array of `az cognitiveservices model list -o json` or a REST answer with `value`");
  const out: ListedModel[] = [];
  for (const entry of entries) {
    const model = isObject(entry) && isObject(entry.model) ? entry.model : undefined;
    const name = text(model?.name);
    const version = text(model?.version);
    if (!model || !name || !version) continue;
    const skus = Array.isArray(model.skus) ? model.skus.filter(isObject).map((s) => ({ name: text(s.name) ?? "", deprecationDate: text(s.deprecationDate) })) : [];
    const deprecation = isObject(model.deprecation) ? model.deprecation : {};
    out.push({ name, version, lifecycleStatus: text(model.lifecycleStatus), retires: text(deprecation.inference), skus });
  }
  return out;
}

/** The day part of an ISO date-time ("2027-04-14T00:00:00Z" -> "2027-04-14"). */
const day = (dateTime: string | undefined) => (dateTime && /^\d{4}-\d{2}-\d{2}/.test(dateTime) ? dateTime.slice(0, 10) : undefined);

/**
 * Azure's verdict on each deployment: refused when the region lists no such model
 * version, lists it retired or deprecating (to a subscription not declared an existing
 * customer), or without the deployment's SKU, or with that SKU past its deprecation date.
 */
export function checkDeployments(deployments: readonly StackDeployment[], listsByRegion: ReadonlyMap<string, readonly ListedModel[]>, today: string): ModelCheck[] {
  return deployments.map((d) => {
    const what = `${d.model} ${d.version} ${d.sku} in ${d.region}`;
    const list = listsByRegion.get(d.region);
    if (!list) return { deployment: d, verdict: "refused", reason: `no model list for ${d.region} was given, so nothing vouches for ${what}` };
    const listed = list.filter((m) => m.name.toLowerCase() === d.model.toLowerCase() && m.version === d.version);
    if (listed.length === 0) {
      const versions = list.filter((m) => m.name.toLowerCase() === d.model.toLowerCase()).map((m) => m.version);
      return {
        deployment: d,
        verdict: "refused",
        reason: `${d.region} lists no ${d.model} ${d.version}${versions.length ? ` (it lists ${[...new Set(versions)].join(", ")})` : ""}: the deployment would fail at apply`,
      };
    }
    const status = listed.map((m) => m.lifecycleStatus).find((s) => s !== undefined) ?? "";
    const retires = listed.map((m) => day(m.retires)).find((s) => s !== undefined);
    if (/^deprecated$/i.test(status) || (retires !== undefined && retires <= today)) {
      return {
        deployment: d,
        verdict: "refused",
        reason: `Azure lists ${d.model} ${d.version} as retired${retires ? ` (inference ended ${retires})` : ""}: ServiceModelDeprecated at create, 410 Gone on every request`,
      };
    }
    const skus = listed.flatMap((m) => m.skus);
    const sku = skus.find((s) => s.name === d.sku);
    if (!sku) {
      return {
        deployment: d,
        verdict: "refused",
        reason: `${d.region} lists ${d.model} ${d.version} without the SKU ${d.sku} (it lists ${[...new Set(skus.map((s) => s.name))].join(", ") || "none"}): InvalidResourceProperties at apply`,
      };
    }
    const skuEnds = day(sku.deprecationDate);
    if (skuEnds !== undefined && skuEnds <= today) {
      return { deployment: d, verdict: "refused", reason: `${d.sku} of ${d.model} ${d.version} in ${d.region} was deprecated on ${skuEnds}: ServiceModelDeprecated at create` };
    }
    if (/^deprecating$/i.test(status)) {
      return d.existingCustomer
        ? {
            deployment: d,
            verdict: "warning",
            reason: `Azure lists ${d.model} ${d.version} as Deprecating (closed to new customers); allowed because the configuration says this subscription already deploys it${retires ? `, until ${retires}` : ""}`,
          }
        : {
            deployment: d,
            verdict: "refused",
            reason: `Azure lists ${d.model} ${d.version} as Deprecating: a subscription that never deployed it gets ServiceModelDeprecating at apply (only an existing customer may declare existingCustomer: true)`,
          };
    }
    return { deployment: d, verdict: "ok", reason: `${what}: Azure lists it${status ? ` (${status})` : ""}` };
  });
}

/** The region a models file is for, from its name: `models-<region>.json`. */
export function regionOfFile(file: string): string {
  const m = /^models-([a-z0-9]+)\.json$/i.exec(path.basename(file));
  if (!m) throw new InputError(`${printable(file)}: name the file models-<region>.json (the model list does not say its region)`);
  return m[1].toLowerCase();
}

/** Today for the check: CHAT_PLATFORM_TODAY when set (tests, re-runs), else the clock. */
export function checkToday(env: Record<string, string | undefined> = process.env, now: Date = new Date()): string {
  const fixed = env.CHAT_PLATFORM_TODAY;
  if (fixed !== undefined && fixed !== "") {
    // A real calendar day (2026-02-30 is not): the same rule as catalogue/today.ts, which this dependency-free file cannot import.
    const real = /^\d{4}-\d{2}-\d{2}$/.test(fixed) && !Number.isNaN(Date.parse(`${fixed}T00:00:00Z`)) && new Date(`${fixed}T00:00:00Z`).toISOString().startsWith(fixed);
    if (!real) throw new InputError(`CHAT_PLATFORM_TODAY = ${JSON.stringify(printable(fixed))} is not a date written YYYY-MM-DD`);
    return fixed;
  }
  return now.toISOString().slice(0, 10);
}

/** The report: one line per deployment, refusals first. */
export function formatChecks(checks: readonly ModelCheck[]): string {
  const order = { refused: 0, warning: 1, ok: 2 } as const;
  const mark = { refused: "✗", warning: "!", ok: "✓" } as const;
  return [...checks]
    .sort((a, b) => order[a.verdict] - order[b.verdict])
    .map((c) => `${mark[c.verdict]} ${printable(c.deployment.address)} (deployment "${printable(c.deployment.name)}"): ${printable(c.reason)}`)
    .join("\n");
}

const USAGE = "usage: check-models.ts regions <cdk.tf.json>\n       check-models.ts check <cdk.tf.json> <models-REGION.json>...";

function readJson(file: string, what: string): unknown {
  let body: string;
  try {
    body = fs.readFileSync(file, "utf8");
  } catch {
    throw new InputError(`${printable(file)}: cannot read the ${what}`);
  }
  try {
    return JSON.parse(body);
  } catch {
    throw new InputError(`${printable(file)}: the ${what} is not JSON`);
  }
}

export function runCli(argv: readonly string[], env: Record<string, string | undefined> = process.env): { code: number; stdout: string; stderr: string } {
  const [command, stackFile, ...modelFiles] = argv;
  try {
    if (command === "regions" && stackFile && modelFiles.length === 0) {
      const regions = stackRegions(readJson(stackFile, "stack"));
      return { code: 0, stdout: regions.map((r) => `${r}\n`).join(""), stderr: "" };
    }
    if (command === "check" && stackFile) {
      const deployments = stackDeployments(readJson(stackFile, "stack"));
      const lists = new Map<string, ListedModel[]>();
      for (const file of modelFiles) lists.set(regionOfFile(file), [...(lists.get(regionOfFile(file)) ?? []), ...listedModels(readJson(file, "model list"))]);
      const checks = checkDeployments(deployments, lists, checkToday(env));
      const refused = checks.filter((c) => c.verdict === "refused").length;
      const summary = refused
        ? `\n${refused} of ${checks.length} model deployment${checks.length === 1 ? "" : "s"} would fail at apply: nothing applied. Fix the configuration (the review's "Model deployments" names the replacement).\n`
        : `\n${checks.length} model deployment${checks.length === 1 ? "" : "s"} checked against Azure's live list: deployable.\n`;
      return { code: refused ? 1 : 0, stdout: `${formatChecks(checks)}${checks.length ? "\n" : ""}${summary}`, stderr: "" };
    }
    return { code: 64, stdout: "", stderr: `check-models: bad arguments\n${USAGE}\n` };
  } catch (e) {
    if (e instanceof InputError) return { code: 64, stdout: "", stderr: `check-models: ${e.message}\n` };
    throw e;
  }
}

// Not `require.main === module`: Node runs this file as an ES module when it strips the types.
if (/check-models\.[jt]s$/.test(process.argv[1] ?? "")) {
  const { code, stdout, stderr } = runCli(process.argv.slice(2));
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exitCode = code;
}
