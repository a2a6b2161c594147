import { type BuiltInRole, Roles } from "../catalogue/roles";
import type { Party } from "../catalogue/flows";
import type { Grant, GrantOptions } from "./rbac/grant";
import type { IGrantable } from "./rbac/principal";
import type { IKeyVault } from "./key-vault";
import type { IOpenAIAccount } from "./openai-account";
import type { ISearchService } from "./search-service";
import type { IStorageAccount } from "./storage-account";

/** The platform's resources that flows reach. */
export interface PlatformTargets {
  readonly openai: IOpenAIAccount;
  readonly search: ISearchService;
  readonly storage: IStorageAccount;
  /** Absent when nothing uses a vault (then no flow targets one). */
  readonly keyVault?: IKeyVault;
}

type GrantMethod = (grantee: IGrantable, options: GrantOptions) => Grant;

/**
 * The role-named grant method that assigns `role` on the `target` party: the flow table
 * says which roles a flow needs, the resource construct grants them. Undefined when the
 * role is not one the target's construct grants (a flow-table bug).
 */
export function grantMethodFor(targets: PlatformTargets, target: Party, role: BuiltInRole): GrantMethod | undefined {
  const { openai, search, storage, keyVault } = targets;
  const methods: Partial<Record<Party, Record<string, GrantMethod>>> = {
    openai: {
      [Roles.CognitiveServicesOpenAIUser.id]: (g, o) => openai.grantOpenAIUser(g, o),
      [Roles.CognitiveServicesOpenAIContributor.id]: (g, o) => openai.grantOpenAIContributor(g, o),
    },
    search: {
      [Roles.SearchIndexDataReader.id]: (g, o) => search.grantIndexDataReader(g, o),
      [Roles.SearchIndexDataContributor.id]: (g, o) => search.grantIndexDataContributor(g, o),
      [Roles.SearchServiceContributor.id]: (g, o) => search.grantServiceContributor(g, o),
    },
    storage: {
      [Roles.StorageBlobDataReader.id]: (g, o) => storage.grantBlobDataReader(g, o),
      [Roles.StorageBlobDataContributor.id]: (g, o) => storage.grantBlobDataContributor(g, o),
    },
    keyVault: keyVault && {
      [Roles.KeyVaultSecretsUser.id]: (g, o) => keyVault.grantSecretsUser(g, o),
      [Roles.KeyVaultSecretsOfficer.id]: (g, o) => keyVault.grantSecretsOfficer(g, o),
      [Roles.KeyVaultCryptoServiceEncryptionUser.id]: (g, o) => keyVault.grantCryptoServiceEncryptionUser(g, o),
      [Roles.KeyVaultCryptoOfficer.id]: (g, o) => keyVault.grantCryptoOfficer(g, o),
    },
  };
  return methods[target]?.[role.id];
}
