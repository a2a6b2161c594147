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
  /** The user-assigned identity the app runs as; present only with `userAssignedIdentity`. */
  readonly identity?: {
    /** What DefaultAzureCredential needs to pick it (`AZURE_CLIENT_ID`). */
    readonly clientId: string;
  };
}

/**
 * The facts one app setting can carry, each with what it is. A profile's `variables`
 * names the variable that carries each fact its app reads: the contract the platform
 * fills and the guardrails judge the app by (constructs/settings/contract.ts).
 */
export const SETTING_FACTS = Object.freeze({
  "openai.endpoint": "Azure OpenAI endpoint (custom subdomain)",
  "openai.resourceName": "Azure OpenAI account name (= custom subdomain)",
  "openai.key": "account key from Key Vault",
  "openai.chatDeployment": "chat deployment",
  "openai.embeddingDeployment": "embedding deployment",
  "search.endpoint": "Search endpoint the app queries itself (F8)",
  "search.serviceName": "Search service the app queries (F8)",
  "search.indexName": "index the chat is grounded in",
  "search.key": "Search admin key from Key Vault",
  "storage.blobEndpoint": "blob endpoint the app reads documents from (F11)",
  "storage.accountName": "storage account the cited documents are read from (F11)",
  "storage.container": "container holding the documents",
  "identity.clientId": "tells DefaultAzureCredential which user-assigned identity to use",
} as const);

/** A fact an app setting can carry (see SETTING_FACTS). */
export type SettingFact = keyof typeof SETTING_FACTS;
export const SETTING_FACT_NAMES = Object.freeze(Object.keys(SETTING_FACTS) as SettingFact[]);

/** Which variable carries which fact, e.g. `{ "openai.endpoint": "LLM_URL", "openai.key": "LLM_API_KEY" }`. */
export type ProfileVariables = { readonly [F in SettingFact]?: string };

/** The value of `fact` in this platform, or undefined when the configuration has none (no key in keyless mode, no Search when the app does not query it). */
export function factValue(facts: PlatformFacts, fact: SettingFact): string | undefined {
  switch (fact) {
    case "openai.endpoint":
      return facts.openai.endpoint;
    case "openai.resourceName":
      return facts.openai.resourceName;
    case "openai.key":
      return facts.openai.keyReference;
    case "openai.chatDeployment":
      return facts.openai.chatDeployment.name;
    case "openai.embeddingDeployment":
      return facts.openai.embeddingDeployment?.name;
    case "search.endpoint":
      return facts.search?.endpoint;
    case "search.serviceName":
      return facts.search?.serviceName;
    case "search.indexName":
      return facts.search?.indexName;
    case "search.key":
      return facts.search?.keyReference;
    case "storage.blobEndpoint":
      return facts.storage?.blobEndpoint;
    case "storage.accountName":
      return facts.storage?.accountName;
    case "storage.container":
      return facts.storage?.container;
    case "identity.clientId":
      return facts.identity?.clientId;
  }
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
 * A contract between the platform and one particular app: which variable carries which
 * platform fact (`variables`), what the app does with them (how it grounds answers,
 * which keys it can take), and any variables of its own (`settings`), so the platform
 * grants exactly the calls the app makes and the guardrails judge the app by what it
 * declared, never by its variables' names. Add your own by implementing this interface
 * and passing it as ChatPlatform's `profile`.
 */
export interface SettingsProfile {
  /** Short name shown in the review ("sampleApp"). */
  readonly name: string;
  /**
   * Which variable carries which fact (see SETTING_FACTS), e.g.
   * `{ "openai.endpoint": "LLM_URL", "openai.key": "LLM_API_KEY", "search.endpoint": "IDX_HOST" }`.
   * The platform sets each declared variable whose fact this configuration has (no key in
   * keyless mode, no Search when the app does not query it) unless `settings()` sets it
   * itself (then to the same value); names the variables it adds for the calls the app
   * makes after it (`search.endpoint`, `search.key`, `storage.blobEndpoint`,
   * `storage.container`, `identity.clientId`); and writes the contract into the web app's
   * Terraform JSON, where the guardrails read which variable is a key and which service
   * each one addresses. The key variables decide `acceptsKeys` unless it is given.
   * @default none declared: a variable of `settings()` carries a fact when its value is
   * that fact's value, and the platform's own variables keep their default names
   * (AZURE_SEARCH_ENDPOINT, AZURE_SEARCH_KEY, AZURE_STORAGE_BLOB_ENDPOINT,
   * AZURE_STORAGE_CONTAINER, AZURE_CLIENT_ID)
   */
  readonly variables?: ProfileVariables;
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
   * documents' blobs (F11) with its identity. ChatPlatform turns `appQueriesSearch` and
   * `appReadsBlobs` on for it (refusing them off). Like any app that makes those calls,
   * it gets the platform's Search and blob variables unless its own variables already
   * address the service and the container (searchOpenAIDemo's do).
   * @default false
   */
  readonly appSideRetrieval?: boolean;
  /**
   * The services whose API key the app can take in keys mode (as a Key Vault reference).
   * A service missing here is called with the app's identity in keys mode too, so the
   * platform grants that flow and creates no secret for it.
   * @default the services whose key `variables` names; without `variables`, ["openai", "search"]
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
  /**
   * Variables of the app's own (API versions, switches, names the platform has no fact
   * for), and any declared in `variables` the profile prefers to set itself.
   * @default none beyond `variables`
   */
  settings?(facts: PlatformFacts): readonly ProfileSetting[];
  /**
   * The environment whoever builds the index runs with (a script such as the app's own
   * ingestion), for the stack's `index_builder_env` output. Never a secret: builders use
   * their own identity.
   * @default none
   */
  indexBuilderSettings?(facts: PlatformFacts & { readonly subscriptionId: string }): readonly ProfileSetting[];
}
