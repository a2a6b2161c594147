import { BuiltInRole, Roles } from "./roles";

/**
 * The access flows: every runtime or deploy-time call between the parts of the
 * platform. One table, read by the grants, the flow audit and the review:
 * adding a flow is adding a row.
 *
 * F2 and F3 served only Azure OpenAI On Your Data, retired on 2026-10-14: the platform
 * no longer grants them, and the audit still recognises them in other people's
 * Terraform (catalogue/lifecycle-data.ts SERVICES.onYourData). Today's grounded chat is
 * app-side retrieval: F1, F8 and F11 for the app, F4 and F5 for Search, F10 for whoever
 * builds the index (azure-search-openai-demo, infra/main.bicep @fa275d6c).
 *
 * Sources:
 * - https://learn.microsoft.com/azure/ai-services/openai/how-to/role-based-access-control
 * - https://learn.microsoft.com/azure/ai-services/openai/how-to/on-your-data-configuration
 *   ("Role assignments": web app -> OpenAI, OpenAI -> Search, OpenAI -> Storage,
 *   Search -> Storage, Search -> OpenAI; only system-assigned identities are supported
 *   for the service-to-service calls).
 * - https://learn.microsoft.com/azure/ai-services/openai/encrypt-data-at-rest (CMK)
 * - https://learn.microsoft.com/azure/app-service/app-service-key-vault-references
 */

/** The parts of the platform that call or are called. */
export type Party = "webApp" | "openai" | "search" | "storage" | "keyVault" | "deployer" | "developers";

/** The parties that are Azure resources (the ones a role can be scoped to, or whose identity calls). */
export type ResourceParty = Exclude<Party, "deployer" | "developers">;

export type FlowId = "F1" | "F2" | "F3" | "F4" | "F5" | "F6" | "F7" | "F8" | "F9" | "F10" | "F11";

/** The flow ids by what they are, for code that names one: `Flow.OpenAIToSearch` rather than `"F2"`. */
export const Flow = Object.freeze({
  WebAppToOpenAI: "F1",
  OpenAIToSearch: "F2",
  OpenAIToStorage: "F3",
  SearchToStorage: "F4",
  SearchToOpenAI: "F5",
  OpenAIToKeyVaultKey: "F6",
  WebAppToKeyVault: "F7",
  WebAppToSearch: "F8",
  DeployerToKeyVault: "F9",
  DevelopersToServices: "F10",
  WebAppToStorage: "F11",
} as const satisfies Record<string, FlowId>);

export interface FlowTarget {
  readonly target: Party;
  /** Every role listed is required (not alternatives). */
  readonly roles: readonly BuiltInRole[];
}

export interface FlowDefinition {
  readonly id: FlowId;
  readonly title: string;
  readonly caller: Party;
  /** What the caller reaches and with which roles. F9 and F10 reach several targets. */
  readonly targets: readonly FlowTarget[];
  /** The configuration that implies this flow. */
  readonly impliedWhen: string;
  /**
   * The call is made by the Azure service itself (On Your Data, indexers, CMK), which
   * only ever uses its *system-assigned* identity: a user-assigned one does not help.
   */
  readonly requiresSystemIdentity: boolean;
  /** What breaks at runtime when the flow is implied but not authorized. */
  readonly symptom: string;
}

function flow(def: FlowDefinition): FlowDefinition {
  return Object.freeze(def);
}

export const FLOWS: Readonly<Record<FlowId, FlowDefinition>> = Object.freeze({
  F1: flow({
    id: "F1",
    title: "web app calls Azure OpenAI",
    caller: "webApp",
    targets: [{ target: "openai", roles: [Roles.CognitiveServicesOpenAIUser] }],
    impliedWhen: "the app calls Azure OpenAI without a key",
    requiresSystemIdentity: false,
    symptom: '401 PermissionDenied "Principal does not have access to API/Operation." on the first chat completion',
  }),
  F2: flow({
    id: "F2",
    title: "Azure OpenAI queries Search (On Your Data, retired 2026-10-14)",
    caller: "openai",
    targets: [{ target: "search", roles: [Roles.SearchIndexDataReader, Roles.SearchServiceContributor] }],
    impliedWhen: "On Your Data with keyless search (no AZURE_SEARCH_KEY)",
    requiresSystemIdentity: true,
    symptom: "400 ManagedIdentityIsNotEnabled / 403 from Search on the first grounded chat message",
  }),
  F3: flow({
    id: "F3",
    title: "Azure OpenAI reads and writes Storage (On Your Data ingestion, retired 2026-10-14)",
    caller: "openai",
    targets: [{ target: "storage", roles: [Roles.StorageBlobDataContributor] }],
    impliedWhen: "On Your Data ingestion or file upload",
    requiresSystemIdentity: true,
    symptom: "ingestion job fails with AuthorizationPermissionMismatch",
  }),
  F4: flow({
    id: "F4",
    title: "Search indexer reads Storage",
    caller: "search",
    targets: [{ target: "storage", roles: [Roles.StorageBlobDataReader] }],
    impliedWhen: "a Search indexer reads the documents container (cloud ingestion, On Your Data ingestion)",
    requiresSystemIdentity: true,
    symptom: "indexer fails with 'Credentials provided in the connection string are invalid or have expired'",
  }),
  // Cognitive Services OpenAI User is enough: Search only runs inference (embeddings, a
  // knowledge base's chat calls). azure-search-openai-demo grants exactly it
  // (infra/main.bicep @fa275d6c), as the vectorizer's Learn page does
  // (https://learn.microsoft.com/azure/search/vector-search-vectorizer-azure-open-ai).
  F5: flow({
    id: "F5",
    title: "Search calls Azure OpenAI (vectorization, knowledge base)",
    caller: "search",
    targets: [{ target: "openai", roles: [Roles.CognitiveServicesOpenAIUser] }],
    impliedWhen: "Search embeds documents or queries (an embedding skill, a vectorizer) or a knowledge base plans queries with a chat deployment",
    requiresSystemIdentity: true,
    symptom:
      'skill or vectorizer fails: "Web Api response status: \'Unauthorized\' ... PermissionDenied" (azure-search-openai-demo #1303); agentic retrieval: 401 "missing data action"',
  }),
  F6: flow({
    id: "F6",
    title: "Azure OpenAI unwraps its customer-managed key",
    caller: "openai",
    targets: [{ target: "keyVault", roles: [Roles.KeyVaultCryptoServiceEncryptionUser] }],
    impliedWhen: "the OpenAI account is encrypted with a customer-managed key",
    requiresSystemIdentity: true,
    symptom: "binding the key fails, or the account becomes unusable when access is lost",
  }),
  F7: flow({
    id: "F7",
    title: "web app resolves Key Vault references",
    caller: "webApp",
    targets: [{ target: "keyVault", roles: [Roles.KeyVaultSecretsUser] }],
    impliedWhen: "any app setting is a @Microsoft.KeyVault(...) reference",
    requiresSystemIdentity: false,
    symptom: "the setting stays the literal reference string; the app sends it as a key and gets 401",
  }),
  F8: flow({
    id: "F8",
    title: "web app queries Search directly",
    caller: "webApp",
    targets: [{ target: "search", roles: [Roles.SearchIndexDataReader] }],
    impliedWhen: "the app queries the index itself (app-side retrieval)",
    requiresSystemIdentity: false,
    symptom: "\"Operation returned an invalid status 'Forbidden'\" from the index (azure-search-openai-demo #2135)",
  }),
  F9: flow({
    id: "F9",
    title: "deployer writes keys and secrets",
    caller: "deployer",
    targets: [{ target: "keyVault", roles: [Roles.KeyVaultCryptoOfficer, Roles.KeyVaultSecretsOfficer] }],
    impliedWhen: "the platform creates Key Vault keys (Crypto Officer) or secrets (Secrets Officer)",
    requiresSystemIdentity: false,
    symptom: "terraform apply fails with 403 ForbiddenByRbac on the key or secret",
  }),
  F10: flow({
    id: "F10",
    title: "developers run the app locally and build the index",
    caller: "developers",
    targets: [
      { target: "openai", roles: [Roles.CognitiveServicesOpenAIUser] },
      { target: "search", roles: [Roles.SearchIndexDataContributor, Roles.SearchServiceContributor] },
      { target: "storage", roles: [Roles.StorageBlobDataContributor] },
    ],
    impliedWhen: "developer principals are declared (DefaultAzureCredential on a laptop, or a pipeline that runs the ingestion)",
    requiresSystemIdentity: false,
    symptom: "local runs fail with 401/403 while the deployed app works",
  }),
  F11: flow({
    id: "F11",
    title: "web app reads blobs (citations)",
    caller: "webApp",
    targets: [{ target: "storage", roles: [Roles.StorageBlobDataReader] }],
    impliedWhen: "the app serves citations or documents from Storage",
    requiresSystemIdentity: false,
    symptom: "citation links return 403 AuthorizationPermissionMismatch",
  }),
});

export const FLOW_IDS = Object.freeze(Object.keys(FLOWS) as FlowId[]);
