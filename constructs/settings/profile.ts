import type { ModelDeployment } from "../openai-account";
import type { SemanticSearch } from "../search-service";
import type { WebAppRuntime } from "../web-app";

export type AuthMode = "keyless" | "keys";
export const AUTH_MODES: readonly AuthMode[] = ["keyless", "keys"];

/** Services an app may call with an API key instead of its identity. */
export type KeyedService = "openai" | "search";

/** The facts of one platform a profile turns into variables; every value is derived, none typed by hand. */
export interface PlatformFacts {
  readonly authMode: AuthMode;
  readonly openai: {
    /** Account name; equals the custom subdomain. */
    readonly resourceName: string;
    readonly endpoint: string;
    readonly chatDeployment: ModelDeployment;
    readonly embeddingDeployment?: ModelDeployment;
    /** Vector length the embedding deployment returns (what the index's vector field holds). */
    readonly embeddingDimensions?: number;
    /** Key Vault reference to the account key; present only when the app takes the OpenAI key (keys mode). */
    readonly keyReference?: string;
  };
  /** The index the chat is grounded in; present when On Your Data or the app itself queries Search. */
  readonly search?: {
    readonly serviceName: string;
    readonly endpoint: string;
    readonly indexName: string;
    readonly queryType: SearchQueryType;
    readonly topK: number;
    readonly semanticConfiguration?: string;
    readonly vectorColumns?: readonly string[];
    /** The service's semantic ranker plan. */
    readonly semanticRanker: SemanticSearch;
    /** Key Vault reference to the admin key; present only when the app takes a Search key (keys mode). */
    readonly keyReference?: string;
  };
  /** Where the documents live; present when the app reads blobs itself (citations). */
  readonly storage?: {
    readonly accountName: string;
    readonly blobEndpoint: string;
    readonly container: string;
    readonly resourceGroupName: string;
  };
  /** On Your Data grounds the chat: Azure OpenAI queries Search for the app. */
  readonly onYourData: boolean;
  /** Agentic retrieval (a Search knowledge base that calls a chat deployment); present when on. */
  readonly agenticRetrieval?: {
    readonly knowledgeBaseName: string;
    readonly deployment: ModelDeployment;
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
 * Maps platform facts to the environment variables one particular app reads, and says
 * what that app does with them (how it grounds answers, which keys it can take), so the
 * platform grants exactly the calls the app makes. Add your own by implementing this
 * interface and passing it as ChatPlatform's `profile`.
 */
export interface SettingsProfile {
  /** Short name shown in the review ("sampleApp"). */
  readonly name: string;
  /**
   * Whether the app sends On Your Data requests when given search settings. The
   * platform's `onYourData` feature defaults to this, and is refused for a profile
   * that cannot use it (the grants would authorize a flow nobody makes). On Your Data
   * was retired on 2026-10-14 (catalogue/lifecycle-data.ts SERVICES.onYourData).
   * @default false
   */
  readonly onYourData?: boolean;
  /**
   * The app retrieves itself (app-side RAG): it queries Search (F8) and reads the
   * documents' blobs (F11) with its identity, and its own settings name the Search
   * service and the storage account. ChatPlatform turns `appQueriesSearch` and
   * `appReadsBlobs` on for it (refusing them off) and adds none of its generic
   * AZURE_SEARCH_ENDPOINT / AZURE_STORAGE_* variables.
   * @default false
   */
  readonly appSideRetrieval?: boolean;
  /**
   * The services whose API key the app can take in keys mode (as a Key Vault reference).
   * A service missing here is called with the app's identity in keys mode too, so the
   * platform grants that flow and creates no secret for it.
   * @default ["openai", "search"]
   */
  readonly acceptsKeys?: readonly KeyedService[];
  /**
   * The app sends `max_tokens` with every chat completion, which reasoning models (the
   * GPT-5 family) reject ("Use 'max_completion_tokens' instead"): ChatPlatform refuses a
   * reasoning chat model for it.
   * @default false
   */
  readonly sendsMaxTokens?: boolean;
  /**
   * The app can use agentic retrieval (a Search knowledge base), so `features.agenticRetrieval` may be on.
   * @default false
   */
  readonly agenticRetrieval?: boolean;
  /**
   * What the web app runs when `webApp.runtime` is not given.
   * @default Python 3.11 with App Service's default start command, for your own code
   */
  readonly runtime?: WebAppRuntime;
  /** The variables, for the given facts. */
  settings(facts: PlatformFacts): readonly ProfileSetting[];
  /**
   * The environment whoever builds the index runs with (a script such as the app's own
   * ingestion), for the stack's `index_builder_env` output. Never a secret: builders use
   * their own identity.
   * @default none
   */
  indexBuilderSettings?(facts: PlatformFacts & { readonly subscriptionId: string }): readonly ProfileSetting[];
}
