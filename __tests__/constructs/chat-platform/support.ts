import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, Testing } from "cdktf";
import { ValidationError } from "../../../constructs/errors";
import { ChatStack, ChatStackProps } from "../../../app/chat-stack";
import { ChatPlatformProps } from "../../../constructs/chat-platform";
import { Roles } from "../../../catalogue/roles";

/** Shared helpers of the reliability tests (not a test file: no `.test.ts`). */

export const DEV_A = "11111111-2222-3333-8444-555555555555";
export const DEV_B = "aaaaaaaa-bbbb-cccc-9ddd-eeeeeeeeeeee";

/** The feature sets every cross-cutting test runs over; `full` turns on everything optional. */
export const FEATURE_SETS: Record<string, Omit<ChatPlatformProps, "environment">> = {
  default: {},
  full: {
    authMode: "keys",
    features: { customerManagedKey: true, appQueriesSearch: true, appReadsBlobs: true },
    userAssignedIdentity: true,
    developers: [
      { objectId: DEV_A, name: "ada" },
      { objectId: DEV_B, type: "Group", name: "ml-team" },
    ],
    webApp: { signIn: { clientId: "22222222-3333-5444-8555-666666666666", clientSecretName: "auth-client-secret", clientSecretExpiresOn: "2027-06-30" } },
  },
  keylessCmkDevs: {
    features: { customerManagedKey: true },
    developers: [{ objectId: DEV_A }],
    search: { queryType: "vector_semantic_hybrid", vectorColumns: ["contentVector"] },
  },
  openaiProfile: { profile: "openai", authMode: "keys", openai: { embeddingModel: null } },
};

/** A ChatStack in a fresh App, synthesized (validations on) to its cdk.tf.json text. */
export function synthStackText(props: Omit<ChatPlatformProps, "environment"> & { environment?: string }, stackProps: Omit<ChatStackProps, "platform"> = {}, id = "dev"): string {
  const app = Testing.app();
  const stack = new ChatStack(app, id, { ...stackProps, platform: { environment: "dev", ...props } });
  return Testing.synth(stack, true);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export interface ExpectedError {
  /** Construct path (or profile label) the message starts with. */
  readonly path: string;
  readonly field: string;
  /** The value as the message prints it (JSON, `(not set)` or `(redacted)`). */
  readonly value: string;
  /** What the `Fix:` part must say. */
  readonly fix: RegExp;
}

/**
 * Runs `build`, expects a ValidationError, and checks the message's four parts:
 * `<path>: <field> = <value> <problem>. Fix: <fix>`, plus the structured fields.
 */
export function expectValidationError(build: () => unknown, expected: ExpectedError): ValidationError {
  let caught: unknown;
  try {
    build();
  } catch (e) {
    caught = e;
  }
  if (!(caught instanceof ValidationError)) {
    throw new Error(`expected a ValidationError for ${expected.path}: ${expected.field} = ${expected.value}, got ${caught === undefined ? "no error" : String(caught)}`);
  }
  const head = new RegExp(`^${escapeRegExp(expected.path)}: ${escapeRegExp(expected.field)} = ${escapeRegExp(expected.value)} \\S.*\\. Fix: `, "s");
  expect(caught.message).toMatch(head);
  const fixPart = caught.message.slice(caught.message.indexOf(". Fix: ") + 7);
  expect(fixPart).toMatch(expected.fix);
  expect(caught.constructPath).toBe(expected.path);
  expect(caught.field).toBe(expected.field);
  expect(caught.fix.length).toBeGreaterThan(5);
  return caught;
}

/** Role definition GUIDs we assign: random (v4-shaped) ids Microsoft chose, not randomness of ours. */
export const KNOWN_GUIDS = new Set(Object.values(Roles).map((r) => r.id));

export const ISO_TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?/;
export const UUID_V4 = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/gi;

/** Key attributes of OpenAI, Search and Storage (and any connection string). */
export const KEY_ATTRIBUTE =
  /\.(primary_access_key|secondary_access_key|primary_key|secondary_key|primary_connection_string|secondary_connection_string|[a-z_]*connection_string)\b/;
const APP_INSIGHTS_CONNECTION_STRING = /^\$\{azurerm_application_insights\.[\w-]+\.connection_string\}$/;

/** Literal key material: 32+ hex, 40+ base64 with mixed classes, or an embedded account key. */
export function literalKeyIn(text: string): string | undefined {
  if (/AccountKey=|SharedAccessSignature=|[?&]sig=/i.test(text)) return text;
  const hex = text.match(/(?<![0-9a-fA-F])[0-9a-fA-F]{32,}(?![0-9a-fA-F])/);
  if (hex) return hex[0];
  for (const m of text.matchAll(/(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40,}={0,2}/g)) {
    const run = m[0];
    if (/[0-9]/.test(run) && /[A-Z]/.test(run) && /[a-z]/.test(run)) return run;
  }
  return undefined;
}

export interface SecretFinding {
  readonly file: string;
  readonly path: string;
  readonly value: string;
  readonly why: string;
}

/**
 * Walks parsed JSON and reports key attributes outside Key Vault secret values (an
 * App Insights connection string handed to the app as a setting is allowed) and literal
 * key material anywhere.
 */
export function scanForSecrets(file: string, node: unknown, path: string[] = []): SecretFinding[] {
  if (typeof node === "string") {
    const at = path.join(".");
    const inSecretValue = path[0] === "resource" && path[1] === "azurerm_key_vault_secret" && path[3] === "value";
    const isAppInsightsSetting = path.includes("app_settings") && APP_INSIGHTS_CONNECTION_STRING.test(node);
    const out: SecretFinding[] = [];
    if (!inSecretValue && !isAppInsightsSetting && KEY_ATTRIBUTE.test(node)) out.push({ file, path: at, value: node, why: "key attribute" });
    const literal = literalKeyIn(node);
    if (literal) out.push({ file, path: at, value: `${literal.slice(0, 12)}...`, why: "literal key material" });
    return out;
  }
  if (Array.isArray(node)) return node.flatMap((v, i) => scanForSecrets(file, v, [...path, String(i)]));
  if (node && typeof node === "object") return Object.entries(node).flatMap(([k, v]) => scanForSecrets(file, v, [...path, k]));
  return [];
}

/** Every file under `dir`, relative path -> contents. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.set(path.relative(dir, full), fs.readFileSync(full, "utf8"));
    }
  };
  walk(dir);
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * `cdktf synth` as the CLI runs it: a real App with an outdir, one ChatStack per entry,
 * `app.synth()`. Returns the outdir (a fresh temp directory) and its files.
 */
export function synthAppToDir(stacks: Record<string, Omit<ChatPlatformProps, "environment"> & { environment?: string }>): { outdir: string; files: Map<string, string> } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "reliability-cdktf.out-"));
  const app = new App({ outdir, skipValidation: false });
  for (const [id, props] of Object.entries(stacks)) new ChatStack(app, id, { platform: { environment: id, ...props } });
  app.synth();
  return { outdir, files: readTree(outdir) };
}

/** Resources whose replacement loses data or an unrecoverable name (the OpenAI subdomain). */
export const STATEFUL_TYPES = [
  "azurerm_resource_group",
  "azurerm_cognitive_account",
  "azurerm_cognitive_deployment",
  "azurerm_search_service",
  "azurerm_storage_account",
  "azurerm_storage_container",
  "azurerm_key_vault",
] as const;
