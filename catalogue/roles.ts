/**
 * The built-in Azure roles this platform assigns or reasons about.
 *
 * Roles are assigned by their immutable GUID, never by display name: names are
 * localised and have been renamed in the past, ids never change.
 * Source: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
 * (AI + machine learning, Storage, Security and Web sections).
 */

/** Whether a role grants access to the resource itself (control plane) or to its data. */
export type RolePlane = "control" | "data";

export interface BuiltInRole {
  /** Display name exactly as Azure shows it. */
  readonly name: string;
  /** Role definition GUID; identical in every tenant. */
  readonly id: string;
  readonly plane: RolePlane;
  /** Short, address-safe name used in construct ids (`openai-user`). */
  readonly slug: string;
}

function role(name: string, id: string, plane: RolePlane, slug: string): BuiltInRole {
  return Object.freeze({ name, id, plane, slug });
}

export const Roles = Object.freeze({
  /** Inference (chat, embeddings) on an Azure OpenAI account; cannot manage deployments. */
  CognitiveServicesOpenAIUser: role("Cognitive Services OpenAI User", "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", "data", "openai-user"),
  /** Inference plus fine-tuning/deployment data actions; what Search needs for integrated vectorization. */
  CognitiveServicesOpenAIContributor: role("Cognitive Services OpenAI Contributor", "a001fd3d-188f-4b5d-821b-7da978bf7442", "data", "openai-contributor"),
  /** Control plane only: can list keys but cannot run inference with a token. Listed so guardrails can flag its misuse. */
  CognitiveServicesContributor: role("Cognitive Services Contributor", "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68", "control", "cognitive-contributor"),
  SearchIndexDataReader: role("Search Index Data Reader", "1407120a-92aa-4202-b7e9-c0e197c71c8f", "data", "search-index-reader"),
  SearchIndexDataContributor: role("Search Index Data Contributor", "8ebe5a00-799e-43f5-93ac-243d3dce84a7", "data", "search-index-contributor"),
  /** Manage indexes, indexers, data sources and skillsets (On Your Data creates them). */
  SearchServiceContributor: role("Search Service Contributor", "7ca78c08-252a-4471-8644-bb5ff32d4ba0", "control", "search-service-contributor"),
  StorageBlobDataReader: role("Storage Blob Data Reader", "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", "data", "blob-reader"),
  StorageBlobDataContributor: role("Storage Blob Data Contributor", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "data", "blob-contributor"),
  KeyVaultSecretsUser: role("Key Vault Secrets User", "4633458b-17de-408a-b874-0445c86b69e6", "data", "kv-secrets-user"),
  KeyVaultSecretsOfficer: role("Key Vault Secrets Officer", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "data", "kv-secrets-officer"),
  /** Wrap/unwrap with a key: what a resource's identity needs for a customer-managed key. */
  KeyVaultCryptoServiceEncryptionUser: role("Key Vault Crypto Service Encryption User", "e147488a-f6f5-4113-8e2d-b22465e65bf6", "data", "kv-crypto-encryption-user"),
  KeyVaultCryptoOfficer: role("Key Vault Crypto Officer", "14b46e9e-c2b7-41b4-b07b-48a6ebf60603", "data", "kv-crypto-officer"),
  /** Never granted by the platform; listed because it includes every Key Vault data role above. */
  KeyVaultAdministrator: role("Key Vault Administrator", "00482a5a-887f-4fb3-b363-3b7fe8e74483", "data", "kv-administrator"),
  /** Never granted by the platform; listed because it includes both blob data roles above. */
  StorageBlobDataOwner: role("Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "data", "blob-owner"),
});

export type RoleKey = keyof typeof Roles;

const BY_ID: ReadonlyMap<string, BuiltInRole> = new Map(Object.values(Roles).map((r) => [r.id, r]));

/** Looks a role up by GUID or by any role definition id ending in a GUID. */
export function roleFromDefinitionId(definitionId: string): BuiltInRole | undefined {
  const guid = definitionId.trim().toLowerCase().split("/").pop() ?? "";
  return BY_ID.get(guid);
}

/** Looks a role up by its display name (for raw resources that used `role_definition_name`). */
export function roleFromName(name: string): BuiltInRole | undefined {
  const wanted = name.trim().toLowerCase();
  return Object.values(Roles).find((r) => r.name.toLowerCase() === wanted);
}

/**
 * The subscription-scoped role definition id, the form Azure returns on read.
 * Using the returned form keeps `terraform plan` free of a perpetual diff.
 */
export function roleDefinitionId(subscriptionId: string, role: BuiltInRole): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`;
}
