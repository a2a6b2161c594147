import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { storageDataPlaneSkipped } from "./providers";
import { StorageAccount as StorageAccountResource } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { ProblemCollector, ValidationError } from "./errors";
import { checkName, claimGlobalName, namingOf } from "./naming";
import { checkOneOf, checkRegion, checkUnique } from "./validate";
import { Grant, GrantOptions, IRoleScope } from "./rbac/grant";
import { IGrantable, IPrincipal, EntraPrincipal } from "./rbac/principal";
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

/** A Storage account, created here or referenced (StorageAccount.fromStorageAccountAttributes): what grants need. */
export interface IStorageAccount extends IRoleScope {
  readonly name: string;
  /** Storage Blob Data Reader: read blobs. */
  grantBlobDataReader(grantee: IGrantable, options?: GrantOptions): Grant;
  /** Storage Blob Data Contributor: read, write and delete blobs. */
  grantBlobDataContributor(grantee: IGrantable, options?: GrantOptions): Grant;
}

/** An existing Storage account, by id and name. */
export interface StorageAccountAttributes {
  /** ARM id (`/subscriptions/.../providers/Microsoft.Storage/storageAccounts/<name>`), or a reference to it. */
  readonly resourceId: string;
  readonly name: string;
  /**
   * Object id of its system-assigned identity, to grant it roles elsewhere.
   * @default none: the reference cannot be granted roles
   */
  readonly principalId?: string;
}

/** Grants, the same for a Storage account created here and one referenced. */
export abstract class StorageAccountBase extends Construct implements IStorageAccount {
  public abstract readonly name: string;
  public abstract readonly resourceId: string;
  public abstract readonly scopeLabel: string;

  public grantBlobDataReader(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return Grant.onScope(this, grantee, [Roles.StorageBlobDataReader], { ...options, reason: options.reason ?? "reads documents" });
  }

  public grantBlobDataContributor(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return Grant.onScope(this, grantee, [Roles.StorageBlobDataContributor], { ...options, reason: options.reason ?? "reads and writes documents" });
  }
}

/**
 * A StorageV2 account for documents: Entra ID only, HTTPS only, TLS 1.2, no public
 * blob access, OAuth as the portal default, and a system-assigned identity.
 */
export class StorageAccount extends StorageAccountBase implements IGrantable {
  /** A Storage account that exists outside this stack, to grant roles on (and, with `principalId`, to grant it roles). */
  public static fromStorageAccountAttributes(scope: Construct, id: string, attributes: StorageAccountAttributes): IStorageAccount & IGrantable {
    return new ImportedStorageAccount(scope, id, attributes);
  }

  public readonly resource: StorageAccountResource;
  public readonly name: string;
  public readonly resourceId: string;
  public readonly scopeLabel: string;
  /** `https://<name>.blob.core.windows.net/` */
  public readonly blobEndpoint: string;
  public readonly grantPrincipal: IPrincipal;
  public readonly containers: ReadonlyMap<string, StorageContainer>;

  /** Public network access is off (props or restrictNetwork). */
  private closed = false;

  constructor(scope: Construct, id: string, props: StorageAccountProps) {
    super(scope, id);
    // Every problem of the props in one run.
    const problems = new ProblemCollector();
    problems.attempt(() => checkRegion(this, "location", props.location));
    const name = problems.attempt(() => claimGlobalName(this, "name", "storage", checkName(this, "name", "storage", props.name ?? namingOf(this).name("storage"))));
    const replicationType = problems.attempt(() => checkOneOf(this, "replicationType", props.replicationType ?? "LRS", REPLICATION_TYPES));
    const containerNames = props.containers ?? ["documents"];
    if (containerNames.length === 0) {
      problems.add(new ValidationError(this, "containers", containerNames, "is empty", 'name at least one container, e.g. ["documents"]'));
    }
    for (const [i, c] of containerNames.entries()) problems.attempt(() => checkName(this, `containers[${i}]`, "storageContainer", c));
    problems.attempt(() => checkUnique(this, "containers", containerNames));
    problems.throwIfAny();
    this.name = name!;

    this.resource = new StorageAccountResource(this, "Account", {
      name: this.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      accountKind: "StorageV2",
      accountTier: "Standard",
      accountReplicationType: replicationType!,
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
    this.grantPrincipal = EntraPrincipal.systemAssigned(this, this.resource.identity.principalId, `Storage ${this.name}`);

    const containers = new Map<string, StorageContainer>();
    for (const name of containerNames) {
      containers.set(name, new StorageContainer(this, `Container-${name}`, { name, storageAccountId: this.resource.id, containerAccessType: "private" }));
    }
    this.containers = containers;
    if (props.publicNetworkAccessEnabled === false) this.closed = true;
    this.node.addValidation({ validate: () => this.checkProvider() });
  }

  /**
   * A closed account needs a provider that skips its data plane: after create, azurerm
   * polls the account's blob endpoint, which the firewall refuses (docs/network.md
   * section 4; the provider's features block docs). The containers go through ARM
   * (storage_account_id), so nothing else needs the data plane. Checked at synth, where
   * the stack's provider is final; ChatStack configures it.
   */
  private checkProvider(): string[] {
    if (!this.closed || storageDataPlaneSkipped(this) !== false) return [];
    return [
      new ValidationError(
        this,
        "publicNetworkAccessEnabled",
        false,
        `needs the azurerm provider of stack "${TerraformStack.of(this).node.id}" to skip the storage data plane: it polls the closed account after create and the firewall refuses it (403)`,
        'configure the provider with new AzurermProvider(stack, "azurerm", { features: [{ storage: [{ dataPlaneAvailable: false }] }], storageUseAzuread: true }) (ChatStack does; fine unless a storage account of the stack uses queue_properties or static_website)',
      ).message,
    ];
  }

  /**
   * Closes the public endpoint. `trustedResourceIds` are the Azure resources (the
   * OpenAI account for ingestion, F3; the Search service for its indexer, F4) let in
   * with their system-assigned identity: trusted access plus a resource-instance rule
   * for exactly each of them, which Storage recommends over the type-wide exception and
   * which stays in effect with public access disabled
   * (https://learn.microsoft.com/azure/storage/common/storage-network-security-resource-instances,
   * .../storage-network-security-overview).
   */
  public restrictNetwork(options: { readonly trustedResourceIds: readonly string[] }): void {
    const trusted = options.trustedResourceIds;
    this.resource.publicNetworkAccessEnabled = false;
    this.closed = true;
    this.resource.putNetworkRules({
      defaultAction: "Deny",
      bypass: trusted.length > 0 ? ["AzureServices"] : ["None"],
      privateLinkAccess: trusted.map((id) => ({ endpointResourceId: id })),
    });
  }
}

class ImportedStorageAccount extends StorageAccountBase implements IGrantable {
  public readonly name: string;
  public readonly resourceId: string;
  public readonly scopeLabel: string;
  private readonly principal?: IPrincipal;

  constructor(scope: Construct, id: string, attributes: StorageAccountAttributes) {
    super(scope, id);
    this.name = attributes.name;
    this.resourceId = attributes.resourceId;
    this.scopeLabel = `Storage ${this.name}`;
    if (attributes.principalId !== undefined) this.principal = EntraPrincipal.systemAssigned(this, attributes.principalId, this.scopeLabel);
  }

  public get grantPrincipal(): IPrincipal {
    if (!this.principal) {
      throw new ValidationError(this, "principalId", undefined, "is not given, so this reference cannot be granted roles", "pass the object id of its system-assigned identity");
    }
    return this.principal;
  }
}
