import { IConstruct } from "constructs";
import { ValidationError } from "../errors";
import { compareText } from "../../catalogue/order";
import { type AppSettingPolicy, REDACTED, isKeyVaultReference, isSecretSetting, judgeAppSetting } from "../../catalogue/secrets";
import type { SettingFact } from "./profile";

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
  /**
   * The platform fact the setting carries (the settings contract: constructs/settings/contract.ts),
   * which the guardrails judge the app by: a key variable is one that carries `openai.key`
   * or `search.key`, whatever its name.
   * @default none: a setting of the app's own
   */
  readonly fact?: SettingFact;
}

/** The policy of a web app standing alone: no auth mode, no key variables of a profile. */
const OPEN_POLICY: AppSettingPolicy = { keyless: false, keyVariables: new Map() };

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

  private policyInForce: AppSettingPolicy = OPEN_POLICY;

  constructor(private readonly owner: IConstruct) {}

  /** How secrets are judged: keyless or not, and the app's key variables (ChatPlatform sets it from its auth mode and profile). */
  public get policy(): AppSettingPolicy {
    return this.policyInForce;
  }

  /**
   * Judges every setting, those already set and those to come, by `policy` (the one
   * secrets rule: catalogue/secrets.ts judgeAppSetting), so a setting added later with
   * `set()` meets the same rule as the configuration's.
   */
  public usePolicy(policy: AppSettingPolicy): void {
    for (const s of this.map.values()) this.check(s, policy);
    this.policyInForce = policy;
  }

  /** Adds a setting; a second value for the same name is a conflict. */
  public set(setting: WebAppSetting): void {
    this.check(setting, this.policyInForce);
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

  /** The settings that carry a platform fact: name -> fact (the contract the guardrails read). */
  public get contract(): Record<string, SettingFact> {
    return Object.fromEntries(this.all.filter((s) => s.fact !== undefined).map((s) => [s.name, s.fact!]));
  }

  /** App settings are readable in the portal, the plan and state: one rule for whoever sets one (a custom profile included). */
  private check(setting: WebAppSetting, policy: AppSettingPolicy): void {
    const verdict = judgeAppSetting(setting.name, setting.value, policy);
    if (verdict) {
      throw new ValidationError(
        this.owner,
        `appSettings.${setting.name}`,
        verdict.redact ? REDACTED : setting.value,
        `${verdict.problem} set by ${setting.origin} ${verdict.why}`,
        verdict.fix,
      );
    }
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
