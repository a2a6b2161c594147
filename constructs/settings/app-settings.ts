import { IConstruct } from "constructs";
import { ValidationError } from "../errors";
import { compareText } from "../../catalogue/order";
import { REDACTED, isKeyVaultReference, isSecretSetting } from "../../catalogue/secrets";

/** Where a setting's value comes from, for the review. */
export interface WebAppSetting {
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
 * The app settings of one web app, each with its origin. Settings are data until the
 * web app resolves them, so the platform, the profile and the user can all contribute
 * and conflicts are caught before anything is synthesized.
 */
export class AppSettings {
  /**
   * By upper-cased name: App Service setting names are case-insensitive ("key" and
   * "KEY" are one setting; the API answers Conflict), so lookups ignore case too.
   */
  private readonly map = new Map<string, WebAppSetting>();

  constructor(private readonly owner: IConstruct) {}

  /** Adds a setting; a second value for the same name is a conflict. */
  public set(setting: WebAppSetting): void {
    // App settings are readable in the portal, the plan and state: a secret reaches the app
    // only as a Key Vault reference, whoever sets it (a custom profile included).
    if (isSecretSetting(setting.name, setting.value) && setting.value !== "") {
      throw new ValidationError(
        this.owner,
        `appSettings.${setting.name}`,
        REDACTED,
        `is a literal secret set by ${setting.origin} (visible in the portal, the plan and state)`,
        "store it in Key Vault and pass @Microsoft.KeyVault(SecretUri=...) instead",
      );
    }
    const existing = this.map.get(setting.name.toUpperCase());
    if (existing && existing.name !== setting.name) {
      throw new ValidationError(
        this.owner,
        `appSettings.${setting.name}`,
        shown(setting),
        `is the same App Service setting as ${existing.name}, set by ${existing.origin} (setting names are case-insensitive)`,
        `use one name, ${existing.name}, once`,
      );
    }
    if (existing && existing.value !== setting.value) {
      throw new ValidationError(
        this.owner,
        `appSettings.${setting.name}`,
        shown(setting),
        `conflicts with the value ${JSON.stringify(shown(existing))} set by ${existing.origin} (${existing.description})`,
        `remove ${setting.name} from ${setting.origin}; the platform derives it from its configuration`,
      );
    }
    this.map.set(setting.name.toUpperCase(), setting);
  }

  /** The setting App Service would take for `name`, whatever its case. */
  public get(name: string): WebAppSetting | undefined {
    return this.map.get(name.toUpperCase());
  }

  public has(name: string): boolean {
    return this.map.has(name.toUpperCase());
  }

  /** All settings, sorted by name (stable output). */
  public get all(): readonly WebAppSetting[] {
    return [...this.map.values()].sort((a, b) => compareText(a.name, b.name));
  }

  /** The `app_settings` map. */
  public toRecord(): Record<string, string> {
    return Object.fromEntries(this.all.map((s) => [s.name, s.value]));
  }
}

/** The value as an error may print it. */
function shown(s: WebAppSetting): string {
  return isKeyVaultReference(s.value) || !isSecretSetting(s.name, s.value) ? s.value : REDACTED;
}
