import { BuiltInRole, Roles } from "../../catalogue/roles";
import { FLOWS, Flow, FlowId, Party } from "../../catalogue/flows";
import type { KeyedService } from "../settings/profile";

/** The features of a platform that decide which flows exist. */
export interface FlowFeatures {
  readonly onYourData: boolean;
  readonly ingestion: boolean;
  readonly integratedVectorization: boolean;
  readonly agenticRetrieval: boolean;
  readonly customerManagedKey: boolean;
  readonly appQueriesSearch: boolean;
  readonly appReadsBlobs: boolean;
  readonly developers: boolean;
  /** App Service Authentication reads its client secret through a Key Vault reference. */
  readonly signIn: boolean;
  /** The app reads secrets of its own from the platform's vault (`webApp.vaultSecrets`). */
  readonly appSecrets?: boolean;
  /** Services the app calls with an API key (keys mode, and its profile takes that key); the others with its identity. */
  readonly appKeys: readonly KeyedService[];
}

/** One flow this configuration implies, with the exact roles it needs per target. */
export interface PlatformFlow {
  readonly flow: FlowId;
  readonly caller: Party;
  readonly target: Party;
  readonly roles: readonly BuiltInRole[];
  readonly reason: string;
}

/**
 * Which flows a configuration implies: a pure function of the features, so the grants,
 * the combination tests and the review all agree. Least privilege: a flow not implied
 * is not granted.
 */
export function impliedFlows(f: FlowFeatures): PlatformFlow[] {
  const openaiKeyed = f.appKeys.includes("openai");
  const searchKeyed = f.appKeys.includes("search");
  const out: PlatformFlow[] = [];
  const add = (flow: FlowId, reason: string, roles?: readonly BuiltInRole[]) => {
    for (const t of FLOWS[flow].targets) {
      out.push({ flow, caller: FLOWS[flow].caller, target: t.target, roles: roles ?? t.roles, reason });
    }
  };
  if (!openaiKeyed) add(Flow.WebAppToOpenAI, "the app calls chat and embedding deployments with its identity (no OpenAI key)");
  if (f.onYourData && !searchKeyed) add(Flow.OpenAIToSearch, "On Your Data without a search key: Azure OpenAI queries Search as itself");
  if (f.onYourData && f.ingestion) add(Flow.OpenAIToStorage, "On Your Data ingestion reads uploads and writes chunks");
  if (f.ingestion) add(Flow.SearchToStorage, "the indexer reads the documents container");
  const searchCallsOpenAI = [
    f.integratedVectorization && "Search vectorizes with the embedding deployment",
    f.agenticRetrieval && "the knowledge base plans queries with the chat deployment",
  ].filter((r): r is string => typeof r === "string");
  if (searchCallsOpenAI.length > 0) add(Flow.SearchToOpenAI, searchCallsOpenAI.join("; "));
  if (f.customerManagedKey) add(Flow.OpenAIToKeyVaultKey, "the account's data is encrypted with a customer-managed key");
  const references = [
    f.appKeys.length > 0 && "API keys reach the app as Key Vault references",
    f.signIn && "the sign-in client secret is a Key Vault reference",
    f.appSecrets && "the app reads its own secrets from the vault as Key Vault references",
  ].filter((r): r is string => typeof r === "string");
  // With keys, the keys' reason alone (as the review has always said it).
  if (references.length > 0) add(Flow.WebAppToKeyVault, f.appKeys.length > 0 ? references[0] : references.join("; "));
  if (f.appQueriesSearch && !searchKeyed) add(Flow.WebAppToSearch, "the app queries the index itself, with its identity");
  const deployerRoles = [...(f.customerManagedKey ? [Roles.KeyVaultCryptoOfficer] : []), ...(f.appKeys.length > 0 ? [Roles.KeyVaultSecretsOfficer] : [])];
  if (deployerRoles.length) add(Flow.DeployerToKeyVault, "terraform creates the platform's keys and secrets", deployerRoles);
  if (f.developers) add(Flow.DevelopersToServices, "developers run the app locally and build the index with DefaultAzureCredential");
  if (f.appReadsBlobs) add(Flow.WebAppToStorage, "the app serves citations from Storage");
  return out;
}
