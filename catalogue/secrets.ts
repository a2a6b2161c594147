/**
 * What a secret is: the one definition the constructs (refusing bad settings), the
 * guardrail rules (AZ-APP-002 and the key-setting rules), the review (redaction) and
 * the tests all read.
 *
 * Every function here runs over untrusted text (settings and Terraform written by
 * others, plan JSON), so each is a small linear scanner: no regular expression that can
 * backtrack over the input. A 200 KB hostile string costs one pass.
 */

/** Shown instead of anything this module flags. */
export const REDACTED = "(redacted)";

// ---------------------------------------------------------------------------------
// Setting names

/**
 * Names that look secret but whose values Microsoft documents as not secret: the
 * Application Insights connection string's ingestion key "isn't considered a secret"
 * (https://learn.microsoft.com/azure/azure-monitor/app/connection-strings).
 */
export const NON_SECRET_SETTINGS: ReadonlySet<string> = new Set(["APPLICATIONINSIGHTS_CONNECTION_STRING"]);

/** A word that makes a setting name secret wherever it stands (`DB_PWD`, `CLIENT_SECRET_VALUE`). */
const SECRET_WORDS: ReadonlySet<string> = new Set([
  "KEY",
  "APIKEY",
  "ACCOUNTKEY",
  "ACCESSKEY",
  "SECRET",
  "SECRETS",
  "PASSWORD",
  "PASSWORDS",
  "PASSWD",
  "PWD",
  "TOKEN",
  "SAS",
  "CONNSTR",
  "CONNECTIONSTRING",
  "CONNECTIONSTRINGS",
  "CREDENTIAL",
  "CREDENTIALS",
]);
/** Two words that together make a name secret (`CONNECTION_STRING`, `CONN_STR`). */
const SECRET_PAIRS: ReadonlySet<string> = new Set(["CONNECTION STRING", "CONNECTION STRINGS", "CONN STR", "CONN STRING"]);
/** A last word that makes the name about a secret, not the secret (`AZURE_KEY_VAULT_NAME`, `TOKEN_ENDPOINT`). */
const NOT_SECRET_LAST_WORDS: ReadonlySet<string> = new Set([
  "ID",
  "IDS",
  "NAME",
  "URL",
  "URI",
  "ENDPOINT",
  "VERSION",
  "TYPE",
  "AUDIENCE",
  "SCOPE",
  "LIMIT",
  "ENABLED",
  "HEADER",
  "PATH",
  // How long or how big a secret is, not the secret: REFRESH_TOKEN_EXPIRY, SESSION_TOKEN_TTL.
  "EXPIRY",
  "EXPIRES",
  "EXPIRATION",
  "TTL",
  "TIMEOUT",
  "LIFETIME",
  "DURATION",
  "SECONDS",
  "MINUTES",
  "HOURS",
  "DAYS",
  "LENGTH",
  "SIZE",
  // Where or when, not what: AZURE_AI_CREDENTIAL_DOMAIN, KEY_EXPIRATION_DATE.
  "DOMAIN",
  "HOST",
  "HOSTNAME",
  "REGION",
  "DATE",
]);

/**
 * The words of a setting name, upper-cased: split at anything but letters and digits and
 * where lower case turns upper (`dbPassword` -> DB, PASSWORD; `ConnectionStrings__Db`).
 */
export function nameWords(name: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= name.length; i++) {
    const c = i < name.length ? name.charCodeAt(i) : 0;
    const alnum = isDigit(c) || isUpper(c) || isLower(c);
    const camel = alnum && start >= 0 && isUpper(c) && isLower(name.charCodeAt(i - 1));
    if (start >= 0 && (!alnum || camel)) {
      words.push(name.slice(start, i).toUpperCase());
      start = -1;
    }
    if (alnum && start < 0) start = i;
  }
  return words;
}

/**
 * Whether a setting of this name carries a secret: `*_KEY`, `*_PASSWORD`, `DB_PWD`,
 * `*_SECRET`, `*_TOKEN`, `*_SAS`, connection strings, credentials. Not a name that only
 * points at one (`AZURE_KEY_VAULT_NAME`, `CLIENT_SECRET_SETTING_NAME`, `TOKEN_ENDPOINT`).
 */
export function isSecretSettingName(name: string): boolean {
  if (NON_SECRET_SETTINGS.has(name.toUpperCase())) return false;
  const words = nameWords(name);
  if (words.length === 0 || NOT_SECRET_LAST_WORDS.has(words[words.length - 1])) return false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    // AZURE_KEY_VAULT_...: the vault is not a key.
    if (w === "KEY" && words[i + 1] === "VAULT") {
      i++;
      continue;
    }
    if (SECRET_WORDS.has(w)) return true;
    if (i + 1 < words.length && SECRET_PAIRS.has(`${w} ${words[i + 1]}`)) return true;
  }
  return false;
}

/**
 * Whether the name is an API key for a service: `AZURE_OPENAI_KEY`, `AZURE_SEARCH_KEY`,
 * `FOO_API_KEY`, and azure-search-openai-demo's `AZURE_OPENAI_API_KEY_OVERRIDE` (a key
 * that overrides its identity). In keyless mode none may exist at all: other apps and SDKs
 * read a present-but-stale (or empty) key as "use key auth".
 */
export function isKeySettingName(name: string): boolean {
  const words = nameWords(name);
  const last = words[words.length - 1];
  const beforeLast = words[words.length - 2];
  return last === "KEY" || last === "APIKEY" || (last === "OVERRIDE" && beforeLast === "KEY");
}

// ---------------------------------------------------------------------------------
// Key Vault references

const KEY_VAULT_REFERENCE_PREFIX = "@microsoft.keyvault(";

/**
 * `@Microsoft.KeyVault(SecretUri=...)` or `@Microsoft.KeyVault(VaultName=...;SecretName=...)`:
 * App Service resolves it with the app's identity (flow F7).
 * https://learn.microsoft.com/azure/app-service/app-service-key-vault-references
 * Compared without case and surrounding blanks, so a reference the rules see is one the
 * constructs and the review see.
 */
export function isKeyVaultReference(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim();
  return v.length > KEY_VAULT_REFERENCE_PREFIX.length && v.slice(0, KEY_VAULT_REFERENCE_PREFIX.length).toLowerCase() === KEY_VAULT_REFERENCE_PREFIX && v.endsWith(")");
}

/** The app setting value that hands the app a Key Vault secret (F7). */
export function keyVaultReference(secretUri: string): string {
  return `@Microsoft.KeyVault(SecretUri=${secretUri})`;
}

// ---------------------------------------------------------------------------------
// Literal values

/** `key=` markers of connection strings and SAS URLs that carry the credential inline. */
const INLINE_MARKERS = ["accountkey=", "sharedaccesskey=", "sharedaccesssignature=", "password=", "pwd=", "sig="] as const;

/**
 * The credential marker a text embeds (`AccountKey=`, `SharedAccessKey=`, `Password=`, a
 * SAS URL's `?sig=`/`&sig=`), as written, or undefined. A marker counts at the start or
 * after a separator, so `mysig=` or `nopwd=` do not.
 */
export function inlineCredential(text: string): string | undefined {
  const lower = text.toLowerCase();
  for (const marker of INLINE_MARKERS) {
    for (let at = lower.indexOf(marker); at >= 0; at = lower.indexOf(marker, at + 1)) {
      const before = at === 0 ? 0 : lower.charCodeAt(at - 1);
      const ok = marker === "sig=" ? before === 0x3f /* ? */ || before === 0x26 /* & */ : at === 0 || !isAlnum(before);
      if (ok) return text.slice(at, at + marker.length);
    }
  }
  return undefined;
}

/**
 * The first run of key material in a text, or undefined: 32+ hex characters with letters
 * and digits (OpenAI keys), or 40+ base64 characters mixing upper case, lower case and
 * digits (Search and Storage keys). Hyphens and dots end a run, so GUIDs, host names and
 * model names are not keys; a `sha256:` image digest is not either.
 */
export function keyShapedRun(text: string): string | undefined {
  let start = -1;
  let digit = false,
    upper = false,
    lower = false,
    nonHex = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    if (isAlnum(c) || c === 0x2b /* + */ || c === 0x2f /* / */) {
      if (start < 0) {
        start = i;
        digit = upper = lower = nonHex = false;
      }
      if (isDigit(c)) digit = true;
      else if (isUpper(c)) upper = true;
      else if (isLower(c)) lower = true;
      if (!isHex(c)) nonHex = true;
      continue;
    }
    if (start < 0) continue;
    const length = i - start;
    const hex = !nonHex && length >= 32 && digit && (upper || lower) && !afterDigestPrefix(text, start);
    const base64 = length >= 40 && digit && upper && lower;
    if (hex || base64) {
      let end = i;
      while (end < text.length && end - i < 2 && text.charCodeAt(end) === 0x3d /* = */) end++;
      return text.slice(start, end);
    }
    start = -1;
  }
  return undefined;
}

/**
 * An Entra ID (Azure AD) application client secret in a text, or undefined: three
 * characters, a digit, `Q~`, then 31-34 of `[A-Za-z0-9_~.-]` (the shape gitleaks' rule
 * `azure-ad-client-secret` matches). Its `~` and `.` end a key-shaped run, so
 * keyShapedRun alone misses it.
 */
export function clientSecretRun(text: string): string | undefined {
  const body = (c: number) => isAlnum(c) || c === 0x5f /* _ */ || c === 0x7e /* ~ */ || c === 0x2e /* . */ || c === 0x2d; /* - */
  for (let at = text.indexOf("Q~"); at >= 0; at = text.indexOf("Q~", at + 1)) {
    const start = at - 4;
    if (start < 0 || !isDigit(text.charCodeAt(at - 1))) continue;
    let ok = true;
    for (let i = start; i < at - 1; i++) if (!body(text.charCodeAt(i)) || text.charCodeAt(i) === 0x2d) ok = false;
    if (!ok || (start > 0 && body(text.charCodeAt(start - 1)))) continue;
    // At most 35 characters are read past `Q~`: the scan stays linear on hostile text.
    let end = at + 2;
    while (end < text.length && end - (at + 2) <= 34 && body(text.charCodeAt(end))) end++;
    const tail = end - (at + 2);
    if (tail >= 31 && tail <= 34) return text.slice(start, end);
  }
  return undefined;
}

/** Whether a literal value looks like a credential: inline markers, key material or a client secret. */
export function looksLikeSecretLiteral(value: string): boolean {
  if (isKeyVaultReference(value)) return false;
  const literal = literalText(value);
  return inlineCredential(literal) !== undefined || keyShapedRun(literal) !== undefined || clientSecretRun(literal) !== undefined;
}

/**
 * Whether a literal under a secret-looking name could be the secret: not a number, a
 * boolean or a duration (`604800000`, `true`, `15m`, `PT1H`), which are settings about a
 * secret that the name alone mistakes for one.
 */
export function looksLikeSecretValue(value: string): boolean {
  const v = value.trim();
  // Bounded before any pattern runs: numbers and durations are short.
  if (v.length > 40) return true;
  if (/^-?\d+(\.\d+)?$/.test(v)) return false;
  if (/^(true|false|yes|no|on|off)$/i.test(v)) return false;
  // 15m, 7d, 1h30m, 500ms; ISO 8601 durations (PT1H, P7D) and dates.
  if (/^(\d+(ms|s|m|h|d|w))+$/i.test(v) || /^P(\d+[YMWD])*(T(\d+[HMS])+)?$/i.test(v) || /^\d{4}-\d{2}-\d{2}/.test(v)) return false;
  // A host or domain name (cognitiveservices.azure.com): where a credential is used, not the credential.
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(v) && /[a-z]/i.test(v.slice(v.lastIndexOf(".") + 1))) return false;
  return true;
}

// ---------------------------------------------------------------------------------
// Terraform interpolations and credential attributes

/**
 * The `${...}` interpolations of a Terraform string (a cdktf token string prints the same
 * way), outermost only, braces counted; `$${` is Terraform's escape for a literal `${`.
 */
export function interpolations(text: string): string[] {
  return splitTemplate(text).expressions;
}

/** A Terraform string with its interpolations blanked out: only what is written literally. */
export function literalText(text: string): string {
  return splitTemplate(text).literal;
}

function splitTemplate(text: string): { literal: string; expressions: string[] } {
  const expressions: string[] = [];
  let literal = "";
  let from = 0;
  let i = 0;
  while (i < text.length - 1) {
    if (text[i] === "$" && text[i + 1] === "$" && text[i + 2] === "{") {
      i += 3;
      continue;
    }
    if (text[i] !== "$" || text[i + 1] !== "{") {
      i++;
      continue;
    }
    let depth = 1;
    let j = i + 2;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === "{") depth++;
      else if (text[j] === "}") depth--;
    }
    if (depth > 0) break; // unterminated: the rest is literal text
    literal += `${text.slice(from, i)} `;
    expressions.push(text.slice(i + 2, j - 1));
    from = i = j;
  }
  return { literal: literal + text.slice(from), expressions };
}

/**
 * Attributes that look like credentials but are not: an Application Insights connection
 * string (and the instrumentation key in it) is an ingestion key that "isn't considered a
 * secret" and is meant to be an app setting
 * (https://learn.microsoft.com/azure/azure-monitor/app/connection-strings).
 */
const NOT_SECRET_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  azurerm_application_insights: ["connection_string", "instrumentation_key"],
};
/** With a last word `key`/`keys`, these words make an attribute a credential (`primary_access_key`, `query_keys`). */
const KEY_QUALIFIERS: ReadonlySet<string> = new Set(["primary", "secondary", "access", "query", "instrumentation", "shared", "admin", "account"]);

/**
 * Whether an attribute of a resource type is a credential: `primary_access_key` (OpenAI,
 * Storage), `primary_key`/`query_keys` (Search), any `*connection_string`, `*_password`,
 * `client_secret`, a SAS (`sas`), and a Key Vault secret's `value`.
 */
export function isCredentialAttribute(resourceType: string | undefined, attribute: string): boolean {
  // A traversal (`query_keys[0].key`, `site_credential[0].password`) is a credential when
  // its first or its last step is one.
  const steps = attribute
    .toLowerCase()
    .split(/[.[\]]/)
    .filter((step) => step !== "" && !isIndex(step));
  if (steps.length === 0) return false;
  return isCredentialStep(resourceType, steps[0]) || isCredentialStep(resourceType, steps[steps.length - 1]);
}

function isIndex(step: string): boolean {
  for (let i = 0; i < step.length; i++) if (!isDigit(step.charCodeAt(i)) && step[i] !== '"' && step[i] !== "*") return false;
  return true;
}

function isCredentialStep(resourceType: string | undefined, attr: string): boolean {
  if (resourceType && NOT_SECRET_ATTRIBUTES[resourceType]?.includes(attr)) return false;
  if (resourceType === "azurerm_key_vault_secret") return attr === "value";
  const words = attr.split("_");
  const last = words[words.length - 1];
  if (last === "password" || last === "secret" || last === "sas") return true;
  if (attr.endsWith("connection_string") || attr.endsWith("connection_strings")) return true;
  return (last === "key" || last === "keys") && words.some((w) => KEY_QUALIFIERS.has(w));
}

/** A reference to a credential attribute inside a Terraform string. */
export interface CredentialReference {
  /** The whole interpolation, as written: `${azurerm_search_service.s.primary_key}`. */
  readonly expression: string;
  /** `azurerm_search_service.s` (or `data.type.name`). */
  readonly address: string;
  /** The traversal after the address: `primary_key`, `query_keys[0].key`. */
  readonly attribute: string;
}

/**
 * The credential attributes a Terraform string references, in any interpolation and
 * inside function calls (`${base64encode(azurerm_storage_account.s.primary_access_key)}`).
 */
export function credentialReferences(text: string): CredentialReference[] {
  const out: CredentialReference[] = [];
  for (const expression of interpolations(text)) {
    for (const traversal of traversals(expression)) {
      const parts = traversal.split(".");
      const offset = parts[0] === "data" ? 1 : 0;
      if (parts.length < offset + 3) continue;
      const type = parts[offset];
      const attribute = parts.slice(offset + 2).join(".");
      if (type.includes("_") && isCredentialAttribute(type, attribute)) {
        out.push({ expression: `\${${expression}}`, address: parts.slice(0, offset + 2).join("."), attribute });
      }
    }
  }
  return out;
}

/** Runs of address characters in an expression: `azurerm_x.y.identity[0].principal_id`. */
function traversals(expression: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= expression.length; i++) {
    const c = i < expression.length ? expression.charCodeAt(i) : 0;
    const part = isAlnum(c) || c === 0x5f /* _ */ || c === 0x2d /* - */ || c === 0x2e /* . */ || c === 0x5b /* [ */ || c === 0x5d /* ] */ || c === 0x2a; /* * */
    if (part && start < 0) start = i;
    else if (!part && start >= 0) {
      out.push(expression.slice(start, i));
      start = -1;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------
// Settings

/**
 * Whether a setting must never be printed: a secret-named setting, a literal that looks
 * like a credential, or a reference to a credential attribute. A Key Vault reference is
 * not a secret: it names where the secret lives.
 */
export function isSecretSetting(name: string, value: string | undefined): boolean {
  if (isKeyVaultReference(value)) return false;
  if (isSecretSettingName(name)) return true;
  return value !== undefined && (looksLikeSecretLiteral(value) || credentialReferences(value).length > 0);
}

// ---------------------------------------------------------------------------------
// Copies of a known secret

/**
 * A secret's copy is a secret too, in whatever form it was written: upper or lower case,
 * spaced or split across lines (a PEM body), JSON- or URL-escaped, base64 (standard or
 * URL-safe, at any offset inside a longer encoded text) or hex. Copies are compared on their
 * *skeleton*: the letters and digits alone, lower-cased, so case, blanks, punctuation and
 * escapes do not hide them.
 *
 * Shorter skeletons are not searched: a short needle would redact ordinary words.
 */
export const MIN_COPY_SKELETON = 8;

/** The skeletons a copy of `secret` can appear as (each at least MIN_COPY_SKELETON long). */
export function secretSkeletons(secret: string): string[] {
  const forms = new Set<string>();
  const add = (text: string) => {
    const s = skeleton(text).text;
    if (s.length >= MIN_COPY_SKELETON) forms.add(s);
  };
  add(secret);
  add(JSON.stringify(secret));
  add(encodeURIComponent(secret));
  // Each line on its own: a PEM key copied line by line, or one line of it quoted elsewhere.
  for (const line of secret.split(/\r?\n/)) add(line);
  const bytes = new TextEncoder().encode(secret);
  add(Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""));
  // Base64 of a longer text holding the secret at byte offset k (mod 3): only the characters
  // made of the secret's bits alone are fixed, whatever surrounds it.
  for (let k = 0; k < 3; k++) {
    const padded = new Uint8Array(k + bytes.length);
    padded.set(bytes, k);
    const encoded = base64(padded);
    add(encoded.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6)));
  }
  return [...forms];
}

/**
 * `text` with every copy of the given skeletons (secretSkeletons) replaced by `replacement`:
 * the span from the copy's first to its last letter or digit.
 */
export function redactCopies(text: string, skeletons: readonly string[], replacement = REDACTED): string {
  if (skeletons.length === 0 || text.length < MIN_COPY_SKELETON) return text;
  const { text: flat, index } = skeleton(text);
  const spans: [number, number][] = [];
  for (const needle of skeletons) {
    for (let at = flat.indexOf(needle); at >= 0; at = flat.indexOf(needle, at + 1)) spans.push([index[at], index[at + needle.length - 1] + 1]);
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = "";
  let from = 0;
  for (const [start, end] of spans) {
    if (end <= from) continue;
    if (start >= from) out += `${text.slice(from, start)}${replacement}`;
    from = end;
  }
  return out + text.slice(from);
}

/** The letters and digits of `text`, lower-cased, with the position of each in `text`. */
function skeleton(text: string): { text: string; index: number[] } {
  let out = "";
  const index: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isAlnum(c)) continue;
    out += isUpper(c) ? String.fromCharCode(c + 32) : text[i];
    index.push(i);
  }
  return { text: out, index };
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** Standard base64 without padding (no Buffer: this module also runs where Node's globals are not assumed). */
function base64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.ceil((Math.min(3, bytes.length - i) * 8) / 6);
    for (let j = 0; j < chars; j++) out += BASE64[(n >> (18 - 6 * j)) & 63];
  }
  return out;
}

// ---------------------------------------------------------------------------------
// The one rule for an app setting

/** What the app the setting is for takes as secrets, where a setting is judged. */
export interface AppSettingPolicy {
  /**
   * Keyless mode: the platform's services take no API key, so the app must not hold one
   * of theirs (a present key, even an empty or stale one, switches its auth path).
   */
  readonly keyless: boolean;
  /**
   * The app's API key variables for the platform's own services, by name (upper case),
   * with what they carry (`"the Azure OpenAI key"`): the settings contract's key
   * variables (constructs/settings/contract.ts). In keyless mode none may be set.
   */
  readonly keyVariables: ReadonlyMap<string, string>;
}

/** A setting's problem as a secret: what is wrong, why, the fix, and whether the value may be shown. */
export interface AppSettingVerdict {
  /** What the setting is: "is a literal secret". */
  readonly problem: string;
  /** Why that is refused, in parentheses: "(visible in the portal, the plan and state)". */
  readonly why: string;
  readonly fix: string;
  /** Print REDACTED instead of the value. */
  readonly redact: boolean;
  /** A literal secret (as opposed to a key the app must not hold in keyless mode). */
  readonly literal: boolean;
}

/**
 * Judges one app setting as a secret, for every path that sets one (a profile, the
 * platform, extra settings, `webApp.settings.set()`), so none is stricter or looser than
 * another:
 * - a literal secret (a secret-named setting that is not a Key Vault reference, key-shaped
 *   or inline credentials, a copied credential attribute) is refused in both modes: app
 *   settings are readable in the portal, the plan and state;
 * - in keyless mode, the app's key variable for one of the platform's services is refused
 *   whatever its value, and so is an empty key-named setting: either switches the app to
 *   key auth against a service that takes none;
 * - a Key Vault reference to any other secret (a database password, a third-party API
 *   key) is accepted in both modes: the app resolves it with its identity (flow F7).
 * An empty value is no secret to leak, but an empty key variable is refused in both modes.
 */
export function judgeAppSetting(name: string, value: string, policy: AppSettingPolicy): AppSettingVerdict | undefined {
  const keyVariable = policy.keyVariables.get(name.toUpperCase());
  if (policy.keyless && keyVariable !== undefined) {
    return {
      problem: `is the app's ${keyVariable} variable in keyless mode`,
      why: "(the service takes no key, and a key present, even empty, switches the app to key auth)",
      fix: `remove ${name}; the app authenticates with its managed identity (or use authMode "keys")`,
      redact: value !== "" && !isKeyVaultReference(value),
      literal: false,
    };
  }
  if (value.trim() === "") {
    if (!isKeySettingName(name) && keyVariable === undefined) return undefined;
    return policy.keyless
      ? {
          problem: "is a key or secret variable in keyless mode",
          why: "(a present or empty key can switch the app to key auth)",
          fix: `remove ${name}; the app authenticates with its managed identity`,
          redact: false,
          literal: false,
        }
      : {
          problem: "is an empty key",
          why: "(apps take the key path with it, and fail with 401)",
          fix: `remove ${name}, or set it to a @Microsoft.KeyVault(...) reference`,
          redact: false,
          literal: false,
        };
  }
  if (isKeyVaultReference(value)) return undefined;
  if (isSecretSettingName(name) || looksLikeSecretLiteral(value) || credentialReferences(value).length > 0) {
    return {
      problem: "is a literal secret",
      why: "(visible in the portal, the plan and state)",
      fix: "store it in Key Vault and pass @Microsoft.KeyVault(SecretUri=...) instead",
      redact: true,
      literal: true,
    };
  }
  return undefined;
}

/** The vault a Key Vault reference names (`VaultName=<name>` or `SecretUri=https://<name>.vault.azure.net/...`), lower-cased, or undefined. */
export function keyVaultReferenceVault(value: string): string | undefined {
  if (!isKeyVaultReference(value)) return undefined;
  const body = value.trim().slice(KEY_VAULT_REFERENCE_PREFIX.length, -1);
  for (const part of body.split(";")) {
    const at = part.indexOf("=");
    const key = part.slice(0, at).trim().toLowerCase();
    const v = part.slice(at + 1).trim();
    if (key === "vaultname") return v.toLowerCase();
    if (key === "secreturi") {
      const host = v
        .replace(/^https:\/\//i, "")
        .split("/")[0]
        .toLowerCase();
      const dot = host.indexOf(".vault.");
      return dot > 0 ? host.slice(0, dot) : undefined;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}
function isLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}
function isAlnum(c: number): boolean {
  return isDigit(c) || isUpper(c) || isLower(c);
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
/** Image digests (`@sha256:<64 hex>`) are content hashes, not keys. */
function afterDigestPrefix(text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - 7), start).toLowerCase();
  return before.endsWith("sha256:") || before.endsWith("sha512:");
}
