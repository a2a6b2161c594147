import type { ModelDeployment } from "../openai-account";

export type AuthMode = "keyless" | "keys";
export const AUTH_MODES: readonly AuthMode[] = ["keyless", "keys"];

/** The facts of one platform a profile turns into variables; every value is derived, none typed by hand. */
export interface PlatformFacts {
  readonly authMode: AuthMode;
  readonly openai: {
    /** Account name; equals the custom subdomain. */
    readonly resourceName: string;
    readonly endpoint: string;
    readonly chatDeployment: ModelDeployment;
    readonly embeddingDeployment?: ModelDeployment;
    /** Key Vault reference to the account key; present only in `keys` mode. */
    readonly keyReference?: string;
  };
  /** Present when On Your Data grounds the chat in Search. */
  readonly search?: {
    readonly serviceName: string;
    readonly endpoint: string;
    readonly indexName: string;
    readonly queryType: SearchQueryType;
    readonly topK: number;
    readonly semanticConfiguration?: string;
    readonly vectorColumns?: readonly string[];
    /** Key Vault reference to the admin key; present only in `keys` mode. */
    readonly keyReference?: string;
  };
  /** Whether App Service Authentication guards the app. */
  readonly signInEnabled: boolean;
}

/** Query types On Your Data accepts for Azure AI Search (snake_case forms). */
export const SEARCH_QUERY_TYPES = ["simple", "semantic", "vector", "vector_simple_hybrid", "vector_semantic_hybrid"] as const;
export type SearchQueryType = (typeof SEARCH_QUERY_TYPES)[number];

/** One variable a profile produces. */
export interface ProfileSetting {
  readonly name: string;
  readonly value: string;
  readonly description: string;
  /** The value is a `@Microsoft.KeyVault(...)` reference. */
  readonly keyVaultReference?: boolean;
}

/**
 * Maps platform facts to the environment variables one particular app reads. Add your
 * own by implementing this interface and passing it as ChatPlatform's `profile`.
 */
export interface SettingsProfile {
  /** Short name shown in the review ("sampleApp"). */
  readonly name: string;
  /**
   * Whether the app sends On Your Data requests when given search settings. The
   * platform's `onYourData` feature defaults to this, and is refused for a profile
   * that cannot use it (the grants would authorize a flow nobody makes).
   * @default false
   */
  readonly onYourData?: boolean;
  /** The variables, for the given facts. */
  settings(facts: PlatformFacts): readonly ProfileSetting[];
}
