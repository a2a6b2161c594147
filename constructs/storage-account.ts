import { Construct } from "constructs";
import { StorageAccount as StorageAccountResource } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { ValidationError } from "./errors";
import { checkName, namingOf } from "./naming";
import { checkOneOf, checkRegion, checkUnique } from "./validate";
import { AccessMatrix, Grant, GrantOptions, IRoleScope } from "./rbac/grant";
import { IGrantable, IPrincipal, Principal } from "./rbac/principal";
import { Roles } from "../catalogue/roles";

export const REPLICATION_TYPES = ["LRS", "ZRS", "GRS", "RAGRS", "GZRS", "RAGZRS"] as const;
export type ReplicationType = (typeof REPLICATION_TYPES)[number];

export interface StorageAccountProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /**
   * Account name (globally unique).
   * @default derived: `<prefix><env>st<hash>`
   */
  readonly name?: string;
  /** @default "LRS" */
  readonly replicationType?: ReplicationType;
  /**
   * Blob containers to create, all private.
   * @default ["documents"]
   */
  readonly containers?: readonly string[];
  /**
   * Allow shared-key (account key and SAS) access. Off means Entra ID only, which is
   * why the azurerm provider must run with `storage_use_azuread = true` to manage the
   * containers.
   * @default false
   */
  readonly sharedAccessKeyEnabled?: boolean;
  /** @default true */
  readonly publicNetworkAccessEnabled?: boolean;
  readonly tags?: Record<string, string>;
}

/**
 * A StorageV2 account for documents: Entra ID only, HTTPS only, TLS 1.2, no public
 * blob access, OAuth as the portal default, and a system-assigned identity.
 */
export class StorageAccount extends Construct implements IRoleScope, IGrantable {
  public readonly resource: StorageAccountResource;
  public readonly name: string;
  public readonly resourceId: string;
  public readonly scopeLabel: string;
  /** `https://<name>.blob.core.windows.net/` */
  public readonly blobEndpoint: string;
  public readonly grantPrincipal: IPrincipal;
  public readonly containers: ReadonlyMap<string, StorageContainer>;

  constructor(scope: Construct, id: string, props: StorageAccountProps) {
    super(scope, id);
    checkRegion(this, "location", props.location);
    this.name = checkName(this, "name", "storage", props.name ?? namingOf(this).name("storage"));
    const replicationType = checkOneOf(this, "replicationType", props.replicationType ?? "LRS", REPLICATION_TYPES);
    const containerNames = props.containers ?? ["documents"];
    if (containerNames.length === 0) {
      throw new ValidationError(this, "containers", containerNames, "is empty", 'name at least one container, e.g. ["documents"]');
    }
    containerNames.forEach((c, i) => checkName(this, `containers[${i}]`, "storageContainer", c));
    checkUnique(this, "containers", containerNames);

    this.resource = new StorageAccountResource(this, "Account", {
      name: this.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      accountKind: "StorageV2",
      accountTier: "Standard",
      accountReplicationType: replicationType,
      sharedAccessKeyEnabled: props.sharedAccessKeyEnabled ?? false,
      defaultToOauthAuthentication: true,
      httpsTrafficOnlyEnabled: true,
      minTlsVersion: "TLS1_2",
      allowNestedItemsToBePublic: false,
      publicNetworkAccessEnabled: props.publicNetworkAccessEnabled ?? true,
      identity: { type: "SystemAssigned" },
      tags: props.tags,
    });
    this.resourceId = this.resource.id;
    this.blobEndpoint = this.resource.primaryBlobEndpoint;
    this.scopeLabel = `Storage ${this.name}`;
    this.grantPrincipal = Principal.systemAssigned(this, this.resource.identity.principalId, `Storage ${this.name}`);

    const containers = new Map<string, StorageContainer>();
    for (const name of containerNames) {
      containers.set(name, new StorageContainer(this, `Container-${name}`, { name, storageAccountId: this.resource.id, containerAccessType: "private" }));
    }
    this.containers = containers;
  }

  /** Read blobs: Storage Blob Data Reader. F4 (Search indexer), F11 (web app citations). */
  public grantBlobRead(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return AccessMatrix.of(this).grant(this, grantee, [Roles.StorageBlobDataReader], options.flow ?? "F4", options.reason ?? "reads documents");
  }

  /** Read, write and delete blobs: Storage Blob Data Contributor. F3 (OpenAI ingestion), F10. */
  public grantBlobWrite(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return AccessMatrix.of(this).grant(this, grantee, [Roles.StorageBlobDataContributor], options.flow ?? "F3", options.reason ?? "reads uploads and writes preprocessed chunks");
  }
}
