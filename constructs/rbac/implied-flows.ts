import { BuiltInRole, Roles } from "../../catalogue/roles";
import { FLOWS, Flow, FlowId, Party } from "../../catalogue/flows";

/** The features of a platform that decide which flows exist. */
export interface FlowFeatures {
  readonly authMode: "keyless" | "keys";
  readonly onYourData: boolean;
  readonly ingestion: boolean;
  readonly integratedVectorization: boolean;
  readonly customerManagedKey: boolean;
  readonly appQueriesSearch: boolean;
  readonly appReadsBlobs: boolean;
  readonly developers: boolean;
  /** App Service Authentication reads its client secret through a Key Vault reference. */
  readonly signIn: boolean;
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
  const keyless = f.authMode === "keyless";
  const out: PlatformFlow[] = [];
  const add = (flow: FlowId, reason: string, roles?: readonly BuiltInRole[]) => {
    for (const t of FLOWS[flow].targets) {
      out.push({ flow, caller: FLOWS[flow].caller, target: t.target, roles: roles ?? t.roles, reason });
    }
  };
  if (keyless) add(Flow.WebAppToOpenAI, "the app calls chat deployments with its identity (no AZURE_OPENAI_KEY)");
  if (f.onYourData && keyless) add(Flow.OpenAIToSearch, "On Your Data without a search key: Azure OpenAI queries Search as itself");
  if (f.ingestion) add(Flow.OpenAIToStorage, "On Your Data ingestion reads uploads and writes chunks");
  if (f.ingestion) add(Flow.SearchToStorage, "the ingestion indexer reads the documents container");
  if (f.integratedVectorization) add(Flow.SearchToOpenAI, "integrated vectorization calls the embedding deployment");
  if (f.customerManagedKey) add(Flow.OpenAIToKeyVaultKey, "the account's data is encrypted with a customer-managed key");
  if (!keyless || f.signIn) add(Flow.WebAppToKeyVault, !keyless ? "API keys reach the app as Key Vault references" : "the sign-in client secret is a Key Vault reference");
  if (keyless && f.appQueriesSearch) add(Flow.WebAppToSearch, "the app queries the index itself");
  const deployerRoles = [...(f.customerManagedKey ? [Roles.KeyVaultCryptoOfficer] : []), ...(!keyless ? [Roles.KeyVaultSecretsOfficer] : [])];
  if (deployerRoles.length) add(Flow.DeployerToKeyVault, "terraform creates the platform's keys and secrets", deployerRoles);
  if (f.developers) add(Flow.DevelopersToServices, "developers run the app locally with DefaultAzureCredential");
  if (f.appReadsBlobs) add(Flow.WebAppToStorage, "the app serves citations from Storage");
  return out;
}
