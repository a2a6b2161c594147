import { IConstruct } from "constructs";
import { Token } from "cdktf";
import { ValidationError } from "../errors";
import { compareText } from "../../catalogue/order";

/** Where a setting's value comes from, for the review. */
export interface AppSetting {
  readonly name: string;
  /** The value, a reference to another resource's attribute, or a Key Vault reference. */
  readonly value: string;
  /** Who decided it: `"profile sampleApp"`, `"platform"`, `"user"`. */
  readonly origin: string;
  /** What it means, in a few words. */
  readonly description: string;
  /** A Key Vault reference: the app receives a secret without the secret being in config. */
  readonly keyVaultReference: boolean;
}

/**
 * Names that carry an API key or other credential. In keyless mode none of them may
 * exist at all: the sample app treats an *empty* `AZURE_SEARCH_KEY` like a missing one,
 * but other apps and SDKs read a present-but-stale key as "use key auth".
 */
export const SECRET_NAME = /(^|_)(API_?)?KEY$|SECRET|PASSWORD|CONNECTION_?STRING|(^|_)TOKEN$|ACCOUNT_?KEY/i;

/**
 * Names that look secret but whose values Microsoft documents as not secret: the
 * Application Insights connection string's ingestion key "isn't considered a secret"
 * (https://learn.microsoft.com/azure/azure-monitor/app/connection-strings).
 */
export const NON_SECRET_SETTINGS: ReadonlySet<string> = new Set(["APPLICATIONINSIGHTS_CONNECTION_STRING"]);

/** Whether a setting of this name carries a key or other credential. */
export function isSecretSettingName(name: string): boolean {
  return SECRET_NAME.test(name) && !NON_SECRET_SETTINGS.has(name);
}

/** `@Microsoft.KeyVault(SecretUri=...)`: resolved by App Service with the app's identity (F7). */
export function keyVaultReference(secretUri: string): string {
  return `@Microsoft.KeyVault(SecretUri=${secretUri})`;
}

export function isKeyVaultReference(value: string): boolean {
  return /^@Microsoft\.KeyVault\(/.test(value.trim());
}

/**
 * Whether a literal looks like key material: long runs of hex or base64, or an
 * embedded account key. Tokens (references resolved at apply time) are not literals.
 */
export function looksLikeSecretLiteral(value: string): boolean {
  if (Token.isUnresolved(value) || isKeyVaultReference(value)) return false;
  return /AccountKey=|SharedAccessSignature=|sig=/i.test(value) || /^[0-9a-f]{32,}$/i.test(value) || /^[A-Za-z0-9+/]{40,}={0,2}$/.test(value);
}

/**
 * The app settings of one web app, each with its origin. Settings are data until the
 * web app resolves them, so the platform, the profile and the user can all contribute
 * and conflicts are caught before anything is synthesized.
 */
export class AppSettings {
  private readonly map = new Map<string, AppSetting>();

  constructor(private readonly owner: IConstruct) {}

  /** Adds a setting; a second value for the same name is a conflict. */
  public set(setting: AppSetting): void {
    const existing = this.map.get(setting.name);
    if (existing && existing.value !== setting.value) {
      throw new ValidationError(
        this.owner,
        `appSettings.${setting.name}`,
        setting.value,
        `conflicts with the value ${JSON.stringify(existing.value)} set by ${existing.origin} (${existing.description})`,
        `remove ${setting.name} from ${setting.origin}; the platform derives it from its configuration`,
      );
    }
    this.map.set(setting.name, setting);
  }

  public get(name: string): AppSetting | undefined {
    return this.map.get(name);
  }

  public has(name: string): boolean {
    return this.map.has(name);
  }

  /** All settings, sorted by name (stable output). */
  public get all(): readonly AppSetting[] {
    return [...this.map.values()].sort((a, b) => compareText(a.name, b.name));
  }

  /** The `app_settings` map. */
  public toRecord(): Record<string, string> {
    return Object.fromEntries(this.all.map((s) => [s.name, s.value]));
  }
}
