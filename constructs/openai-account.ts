import { Construct } from "constructs";
import { CognitiveAccount } from "@cdktf/provider-azurerm/lib/cognitive-account";
import { CognitiveDeployment } from "@cdktf/provider-azurerm/lib/cognitive-deployment";
import { CognitiveAccountCustomerManagedKeyA as CognitiveAccountCustomerManagedKey } from "@cdktf/provider-azurerm/lib/cognitive-account-customer-managed-key";
import { ProblemCollector, ValidationError } from "./errors";
import { checkName, claimGlobalName, namingOf } from "./naming";
import { checkIntRange, checkOneOf, checkRegion, checkUnique } from "./validate";
import { Grant, GrantOptions, IRoleScope } from "./rbac/grant";
import { IGrantable, IPrincipal, EntraPrincipal } from "./rbac/principal";
import { Roles } from "../catalogue/roles";
import { RolePropagation } from "./rbac/propagation";
import type { IKeyVault } from "./key-vault";
import type { KeyVaultKey } from "@cdktf/provider-azurerm/lib/key-vault-key";
import { recordSuppression } from "./suppressions";
import { MODEL_RULE_IDS, type ModelVersion, modelVersion } from "../catalogue/lifecycle";

/** Deployment SKUs Azure OpenAI accepts (`sku.name`). */
export const DEPLOYMENT_SKUS = [
  "Standard",
  "GlobalStandard",
  "DataZoneStandard",
  "ProvisionedManaged",
  "GlobalProvisionedManaged",
  "DataZoneProvisionedManaged",
  "GlobalBatch",
  "DataZoneBatch",
] as const;
export type DeploymentSku = (typeof DEPLOYMENT_SKUS)[number];

export interface ModelDeploymentProps {
  /** Deployment name, what the app sends as the model (`AZURE_OPENAI_MODEL`). */
  readonly name: string;
  /** Model name, e.g. "gpt-5.4-mini" or "text-embedding-3-large". */
  readonly modelName: string;
  /** Model version, e.g. "2026-03-17" or "1". */
  readonly modelVersion: string;
  /**
   * Deployment type.
   * @default "GlobalStandard"
   */
  readonly skuName?: DeploymentSku;
  /**
   * Capacity in units of 1,000 tokens per minute (PTUs for provisioned SKUs).
   * @default 10
   */
  readonly capacity?: number;
  /**
   * This subscription already deploys this model version, so Azure counts it an
   * existing customer and still deploys a version closed to new customers, until it
   * retires. Recorded as a reasoned suppression of the closed-model guardrail
   * (AZ-MODEL-002) on the deployment; retirement is refused whatever this says.
   * @default false
   */
  readonly existingCustomer?: boolean;
}

export interface OpenAIAccountProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /**
   * Account name.
   * @default derived: `<prefix>-<env>-oai-<hash>`
   */
  readonly name?: string;
  /**
   * Custom subdomain (`https://<subdomain>.openai.azure.com/`). Always set, because
   * Entra ID (keyless) authentication only works on a custom subdomain, and it can
   * never be changed afterwards, so it is derived from the name rather than left open.
   * @default the account name, lower-cased
   */
  readonly customSubdomainName?: string;
  /**
   * Allow API keys. Off means every caller must use Entra ID and an RBAC role.
   * @default false
   */
  readonly localAuthEnabled?: boolean;
  /**
   * Reachable from public networks (still authenticated).
   * @default true
   */
  readonly publicNetworkAccessEnabled?: boolean;
  /**
   * Model deployments (see `addDeployment`).
   * @default none
   */
  readonly deployments?: readonly ModelDeploymentProps[];
  readonly tags?: Record<string, string>;
}

/** What `encryptWith` created: the key, its binding to the account and the grant between them. */
export interface CustomerManagedKey {
  readonly key: KeyVaultKey;
  readonly binding: CognitiveAccountCustomerManagedKey;
  readonly grant: Grant;
}

/** A model deployment on an account. */
export interface ModelDeployment {
  readonly name: string;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly skuName: DeploymentSku;
  readonly capacity: number;
  /** Declared an existing customer's deployment of a closed version (see ModelDeploymentProps). */
  readonly existingCustomer: boolean;
  /** What the lifecycle catalogue knows of the model version, if it lists it. */
  readonly facts?: ModelVersion;
  readonly resource: CognitiveDeployment;
}

/** What a model name may look like (letters, digits, '.', '_', '-'). */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MODEL_VERSION = /^[0-9A-Za-z][0-9A-Za-z.-]*$/;

/** An Azure OpenAI account, created here or referenced (OpenAIAccount.fromOpenAIAccountAttributes): what grants need. */
export interface IOpenAIAccount extends IRoleScope {
  readonly name: string;
  /** Cognitive Services OpenAI User: inference with Entra ID (chat, embeddings). */
  grantOpenAIUser(grantee: IGrantable, options?: GrantOptions): Grant;
  /** Cognitive Services OpenAI Contributor: inference plus deployment data actions (what Search needs to vectorize). */
  grantOpenAIContributor(grantee: IGrantable, options?: GrantOptions): Grant;
}

/** An existing Azure OpenAI account, by id and name. */
export interface OpenAIAccountAttributes {
  /** ARM id (`/subscriptions/.../providers/Microsoft.CognitiveServices/accounts/<name>`), or a reference to it. */
  readonly resourceId: string;
  readonly name: string;
  /**
   * Object id of its system-assigned identity, to grant it roles elsewhere.
   * @default none: the reference cannot be granted roles
   */
  readonly principalId?: string;
}

/** Grants, the same for an Azure OpenAI account created here and one referenced. */
export abstract class OpenAIAccountBase extends Construct implements IOpenAIAccount {
  public abstract readonly name: string;
  public abstract readonly resourceId: string;
  public abstract readonly scopeLabel: string;

  public grantOpenAIUser(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return Grant.onScope(this, grantee, [Roles.CognitiveServicesOpenAIUser], { ...options, reason: options.reason ?? "calls chat and embedding deployments with its identity" });
  }

  public grantOpenAIContributor(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return Grant.onScope(this, grantee, [Roles.CognitiveServicesOpenAIContributor], { ...options, reason: options.reason ?? "calls deployments and manages their data" });
  }
}

/**
 * An Azure OpenAI account (`azurerm_cognitive_account`, kind OpenAI) with a
 * system-assigned identity, a custom subdomain and keyless access by default.
 *
 * The system-assigned identity is always on: On Your Data, ingestion and customer-
 * managed keys make the *service itself* call Search, Storage and Key Vault, and those
 * calls only ever use the system-assigned identity. Without it the first grounded chat
 * message fails with `ManagedIdentityIsNotEnabled`.
 */
export class OpenAIAccount extends OpenAIAccountBase implements IGrantable {
  /** An Azure OpenAI account that exists outside this stack, to grant roles on (and, with `principalId`, to grant it roles). */
  public static fromOpenAIAccountAttributes(scope: Construct, id: string, attributes: OpenAIAccountAttributes): IOpenAIAccount & IGrantable {
    return new ImportedOpenAIAccount(scope, id, attributes);
  }

  public readonly resource: CognitiveAccount;
  public readonly name: string;
  public readonly customSubdomainName: string;
  /** `https://<subdomain>.openai.azure.com/` */
  public readonly endpoint: string;
  public readonly resourceId: string;
  public readonly scopeLabel: string;
  public readonly localAuthEnabled: boolean;
  /** Object id of the system-assigned identity. */
  public readonly principalId: string;
  public readonly grantPrincipal: IPrincipal;
  private readonly deploymentList: ModelDeployment[] = [];
  private customerManagedKey?: CustomerManagedKey;

  constructor(scope: Construct, id: string, props: OpenAIAccountProps) {
    super(scope, id);
    // Every problem of the props in one run.
    const problems = new ProblemCollector();
    problems.attempt(() => checkRegion(this, "location", props.location));
    const name = problems.attempt(() => checkName(this, "name", "openai", props.name ?? namingOf(this).name("openai")));
    const subdomain =
      name === undefined
        ? undefined
        : problems.attempt(() =>
            claimGlobalName(
              this,
              props.customSubdomainName ? "customSubdomainName" : "name",
              "customSubdomain",
              checkName(this, "customSubdomainName", "customSubdomain", props.customSubdomainName ?? name.toLowerCase()),
            ),
          );
    problems.attempt(() =>
      checkUnique(
        this,
        "deployments[].name",
        (props.deployments ?? []).map((d) => d.name),
      ),
    );
    problems.throwIfAny();
    this.name = name!;
    this.customSubdomainName = subdomain!;
    this.localAuthEnabled = props.localAuthEnabled ?? false;

    this.resource = new CognitiveAccount(this, "Account", {
      name: this.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      kind: "OpenAI",
      skuName: "S0",
      customSubdomainName: this.customSubdomainName,
      localAuthEnabled: this.localAuthEnabled,
      publicNetworkAccessEnabled: props.publicNetworkAccessEnabled ?? true,
      identity: { type: "SystemAssigned" },
      tags: props.tags,
    });
    this.resourceId = this.resource.id;
    this.endpoint = `https://${this.customSubdomainName}.openai.azure.com/`;
    this.scopeLabel = `Azure OpenAI ${this.name}`;
    this.principalId = this.resource.identity.principalId;
    this.grantPrincipal = EntraPrincipal.systemAssigned(this, this.principalId, `Azure OpenAI ${this.name}`);

    for (const d of props.deployments ?? []) this.addDeployment(d);
  }

  public get deployments(): readonly ModelDeployment[] {
    return this.deploymentList;
  }

  /**
   * Adds a model deployment. No depends_on chain is needed between deployments: Azure
   * rejects concurrent deployment operations on one account (409 "Another operation is
   * being performed on the parent resource", hashicorp/terraform-provider-azurerm#22607),
   * and the provider serializes them itself by locking the parent account in create
   * (v3.68.0, PR #22711), delete (v3.70.0) and update (v3.75.0); we pin 4.55.
   * Source: internal/services/cognitive/cognitive_deployment_resource.go, `locks.ByID`.
   */
  public addDeployment(props: ModelDeploymentProps): ModelDeployment {
    const field = `deployments[${this.deploymentList.length}]`;
    checkName(this, `${field}.name`, "deployment", props.name);
    if (this.deploymentList.some((d) => d.name.toLowerCase() === props.name.toLowerCase())) {
      throw new ValidationError(this, `${field}.name`, props.name, "is already a deployment on this account", "give every deployment a distinct name");
    }
    if (!MODEL_NAME.test(props.modelName ?? "")) {
      throw new ValidationError(
        this,
        `${field}.modelName`,
        props.modelName,
        "is not a model name",
        'use the model name Azure lists, e.g. "gpt-5.4-mini" or "text-embedding-3-large"',
      );
    }
    if (!MODEL_VERSION.test(props.modelVersion ?? "")) {
      throw new ValidationError(this, `${field}.modelVersion`, props.modelVersion, "is not a model version", 'use the version Azure lists for the model, e.g. "2026-03-17" or "1"');
    }
    const skuName = checkOneOf(this, `${field}.skuName`, props.skuName ?? "GlobalStandard", DEPLOYMENT_SKUS);
    const capacity = checkIntRange(this, `${field}.capacity`, props.capacity ?? 10, 1, 10000, "thousands of tokens per minute, within your quota");

    const resource = new CognitiveDeployment(this, `Deployment-${props.name}`, {
      name: props.name,
      cognitiveAccountId: this.resource.id,
      model: { format: "OpenAI", name: props.modelName, version: props.modelVersion },
      sku: { name: skuName, capacity },
    });
    const facts = modelVersion(props.modelName, props.modelVersion);
    const existingCustomer = props.existingCustomer ?? false;
    if (existingCustomer) {
      recordSuppression(
        resource,
        MODEL_RULE_IDS.closedToNewCustomers,
        `existing customer: this subscription already deploys ${props.modelName} ${props.modelVersion}, so Azure still accepts it${facts ? ` until it retires on ${facts.retires}` : ""} (existingCustomer: true)`,
      );
    }
    const deployment = { name: props.name, modelName: props.modelName, modelVersion: props.modelVersion, skuName, capacity, existingCustomer, facts, resource };
    this.deploymentList.push(deployment);
    return deployment;
  }

  /**
   * Closes the public endpoint: only private endpoints (and, with `trustedServices`,
   * Azure services on the account's trusted list calling with their system-assigned
   * identity, i.e. Search vectorizing through the embedding deployment, F5) get in.
   * `network_acls` needs the custom subdomain, which this account always has; the
   * bypass applies with public access disabled
   * (https://learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks).
   */
  public restrictNetwork(options: { readonly trustedServices: boolean }): void {
    this.resource.publicNetworkAccessEnabled = false;
    this.resource.putNetworkAcls({ defaultAction: "Deny", bypass: options.trustedServices ? "AzureServices" : "None" });
  }

  /** The deployment named `name`, or an error listing the ones that exist. */
  public deployment(name: string): ModelDeployment {
    const found = this.deploymentList.find((d) => d.name === name);
    if (!found) {
      throw new ValidationError(
        this,
        "deployment",
        name,
        "is not a deployment of this account",
        `use one of ${this.deploymentList.map((d) => JSON.stringify(d.name)).join(", ") || "(none: add one first)"}`,
      );
    }
    return found;
  }

  /**
   * Encrypts the account with a customer-managed key in `vault` (F6): creates an RSA
   * key, grants this account's identity Key Vault Crypto Service Encryption User on the
   * vault, and binds the key only after that grant has propagated. The vault must have
   * purge protection (ours always does).
   * https://learn.microsoft.com/azure/ai-services/openai/encrypt-data-at-rest
   */
  public encryptWith(vault: IKeyVault, options: { keyName?: string; keySize?: 2048 | 3072 | 4096 } = {}): CustomerManagedKey {
    if (this.customerManagedKey) {
      throw new ValidationError(this, "customerManagedKey", vault.name, "is already configured", "call encryptWith once per account");
    }
    // One key per account, named after it, so several accounts can share a vault.
    const key = vault.addKey(`${this.node.id}Cmk`, { name: options.keyName ?? `${this.node.id.toLowerCase()}-cmk`, size: options.keySize ?? 2048 });
    const grant = vault.grantCryptoServiceEncryptionUser(this, { reason: "wraps and unwraps its customer-managed key" });
    const binding = new CognitiveAccountCustomerManagedKey(this, "CustomerManagedKey", {
      cognitiveAccountId: this.resource.id,
      keyVaultKeyId: key.id,
      dependsOn: [key],
    });
    RolePropagation.of(this).gate(grant, binding);
    this.customerManagedKey = { key, binding, grant };
    return this.customerManagedKey;
  }
}

class ImportedOpenAIAccount extends OpenAIAccountBase implements IGrantable {
  public readonly name: string;
  public readonly resourceId: string;
  public readonly scopeLabel: string;
  private readonly principal?: IPrincipal;

  constructor(scope: Construct, id: string, attributes: OpenAIAccountAttributes) {
    super(scope, id);
    this.name = attributes.name;
    this.resourceId = attributes.resourceId;
    this.scopeLabel = `Azure OpenAI ${this.name}`;
    if (attributes.principalId !== undefined) this.principal = EntraPrincipal.systemAssigned(this, attributes.principalId, this.scopeLabel);
  }

  public get grantPrincipal(): IPrincipal {
    if (!this.principal) {
      throw new ValidationError(this, "principalId", undefined, "is not given, so this reference cannot be granted roles", "pass the object id of its system-assigned identity");
    }
    return this.principal;
  }
}
