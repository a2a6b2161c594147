import { Construct } from "constructs";
import { KeyVault as KeyVaultResource } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultKey } from "@cdktf/provider-azurerm/lib/key-vault-key";
import { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import { checkName, claimGlobalName, namingOf } from "./naming";
import { checkGuid, checkIntRange, checkOneOf, checkRegion } from "./validate";
import { ProblemCollector, ValidationError } from "./errors";
import { Grant, GrantOptions, IRoleScope } from "./rbac/grant";
import { IGrantable, EntraPrincipal } from "./rbac/principal";
import { Roles } from "../catalogue/roles";
import { clientConfigOf } from "./rbac/client-config";
import { RolePropagation } from "./rbac/propagation";

export interface KeyVaultProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /**
   * Vault name (globally unique).
   * @default derived: `<prefix>-<env>-kv-<hash>`
   */
  readonly name?: string;
  /**
   * @default "standard" (software-protected keys; "premium" adds HSM-backed keys)
   */
  readonly skuName?: "standard" | "premium";
  /**
   * Days a deleted vault, key or secret can be recovered. Cannot be changed once set.
   * @default 90
   */
  readonly softDeleteRetentionDays?: number;
  /**
   * @default true
   */
  readonly publicNetworkAccessEnabled?: boolean;
  /**
   * Entra tenant of the vault.
   * @default the tenant of the principal running Terraform
   */
  readonly tenantId?: string;
  readonly tags?: Record<string, string>;
}

export interface KeyVaultKeyOptions {
  /** Key name. */
  readonly name: string;
  /**
   * RSA key size; customer-managed keys need RSA 2048 or larger.
   * @default 2048
   */
  readonly size?: 2048 | 3072 | 4096;
}

/** A Key Vault, created here or referenced (KeyVault.fromKeyVaultAttributes): what grants and keys need. */
export interface IKeyVault extends IRoleScope {
  /** Vault name (as in `@Microsoft.KeyVault(VaultName=...)` references). */
  readonly name: string;
  /** Creates an RSA key in the vault; the deployer gets Key Vault Crypto Officer first. */
  addKey(id: string, options: KeyVaultKeyOptions): KeyVaultKey;
  /** Stores a secret; the deployer gets Key Vault Secrets Officer first. */
  addSecret(id: string, options: KeyVaultSecretOptions): KeyVaultSecret;
  /** Key Vault Secrets User: read secret values (resolve `@Microsoft.KeyVault(...)` app settings). */
  grantSecretsUser(grantee: IGrantable, options?: GrantOptions): Grant;
  /** Key Vault Secrets Officer: create and update secrets. */
  grantSecretsOfficer(grantee: IGrantable, options?: GrantOptions): Grant;
  /** Key Vault Crypto Service Encryption User: wrap and unwrap with keys (customer-managed keys). */
  grantCryptoServiceEncryptionUser(grantee: IGrantable, options?: GrantOptions): Grant;
  /** Key Vault Crypto Officer: create and manage keys. */
  grantCryptoOfficer(grantee: IGrantable, options?: GrantOptions): Grant;
}

export interface KeyVaultSecretOptions {
  /** Secret name. */
  readonly name: string;
  /** A reference to another resource's attribute (e.g. an account key), never a literal: literals end up in the synthesized JSON. */
  readonly value: string;
  /** @default none */
  readonly contentType?: string;
}

/** An existing vault, by id and name. */
export interface KeyVaultAttributes {
  /** ARM id of the vault (`/subscriptions/.../providers/Microsoft.KeyVault/vaults/<name>`), or a reference to it. */
  readonly resourceId: string;
  readonly name: string;
}

/** Keys, secrets and grants, the same for a vault created here and one referenced. */
export abstract class KeyVaultBase extends Construct implements IKeyVault {
  public abstract readonly name: string;
  public abstract readonly resourceId: string;
  public abstract readonly scopeLabel: string;

  public addSecret(id: string, options: KeyVaultSecretOptions): KeyVaultSecret {
    checkName(this, `secrets.${id}.name`, "keyVaultObject", options.name);
    const secret = new KeyVaultSecret(this, id, {
      name: options.name,
      value: options.value,
      keyVaultId: this.resourceId,
      contentType: options.contentType,
    });
    RolePropagation.of(this).gate(this.grantSecretsOfficer(EntraPrincipal.deployer(this), { reason: `writes secret ${options.name}` }), secret);
    return secret;
  }

  public addKey(id: string, options: KeyVaultKeyOptions): KeyVaultKey {
    checkName(this, `keys.${id}.name`, "keyVaultObject", options.name);
    const size = options.size ?? 2048;
    if (![2048, 3072, 4096].includes(size)) {
      throw new ValidationError(this, `keys.${id}.size`, size, "is not an RSA key size Azure accepts", "use 2048, 3072 or 4096");
    }
    const key = new KeyVaultKey(this, id, {
      name: options.name,
      keyVaultId: this.resourceId,
      keyType: "RSA",
      keySize: size,
      keyOpts: ["wrapKey", "unwrapKey"],
    });
    RolePropagation.of(this).gate(this.grantCryptoOfficer(EntraPrincipal.deployer(this), { reason: `creates key ${options.name}` }), key);
    return key;
  }

  public grantSecretsUser(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return Grant.onScope(this, grantee, [Roles.KeyVaultSecretsUser], { ...options, reason: options.reason ?? "reads secret values" });
  }

  public grantSecretsOfficer(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return Grant.onScope(this, grantee, [Roles.KeyVaultSecretsOfficer], { ...options, reason: options.reason ?? "creates and updates secrets" });
  }

  public grantCryptoServiceEncryptionUser(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return Grant.onScope(this, grantee, [Roles.KeyVaultCryptoServiceEncryptionUser], { ...options, reason: options.reason ?? "wraps and unwraps with a key" });
  }

  public grantCryptoOfficer(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return Grant.onScope(this, grantee, [Roles.KeyVaultCryptoOfficer], { ...options, reason: options.reason ?? "creates and manages keys" });
  }
}

/**
 * A Key Vault with RBAC authorization (no access policies) and purge protection.
 *
 * Purge protection is not optional: customer-managed keys require it, and a vault
 * holding the platform's secrets must survive an accidental `terraform destroy`.
 * Keys and secrets created here are written by the deployer, who is granted the
 * matching officer role (F9) and waits for it to propagate before the write.
 */
export class KeyVault extends KeyVaultBase {
  /**
   * A vault that exists outside this stack (or another stack's), to create keys and
   * secrets in and grant roles on. Nothing about the vault itself is managed.
   */
  public static fromKeyVaultAttributes(scope: Construct, id: string, attributes: KeyVaultAttributes): IKeyVault {
    return new ImportedKeyVault(scope, id, attributes);
  }

  public readonly resource: KeyVaultResource;
  public readonly name: string;
  public readonly resourceId: string;
  public readonly scopeLabel: string;
  /** `https://<name>.vault.azure.net/` */
  public readonly vaultUri: string;

  constructor(scope: Construct, id: string, props: KeyVaultProps) {
    super(scope, id);
    // Every problem of the props in one run.
    const problems = new ProblemCollector();
    problems.attempt(() => checkRegion(this, "location", props.location));
    const name = problems.attempt(() => claimGlobalName(this, "name", "keyVault", checkName(this, "name", "keyVault", props.name ?? namingOf(this).name("keyVault"))));
    const skuName = problems.attempt(() => checkOneOf(this, "skuName", props.skuName ?? "standard", ["standard", "premium"] as const));
    const softDeleteRetentionDays = problems.attempt(() => checkIntRange(this, "softDeleteRetentionDays", props.softDeleteRetentionDays ?? 90, 7, 90));
    const tenantId = problems.attempt(() =>
      props.tenantId !== undefined ? checkGuid(this, "tenantId", props.tenantId, "tenant id", "az account show --query tenantId -o tsv") : clientConfigOf(this).tenantId,
    );
    problems.throwIfAny();
    this.name = name!;

    this.resource = new KeyVaultResource(this, "Vault", {
      name: this.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      tenantId: tenantId!,
      skuName: skuName!,
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: softDeleteRetentionDays!,
      publicNetworkAccessEnabled: props.publicNetworkAccessEnabled ?? true,
      tags: props.tags,
    });
    this.resourceId = this.resource.id;
    this.vaultUri = this.resource.vaultUri;
    this.scopeLabel = `Key Vault ${this.name}`;
  }

  /**
   * Closes the vault to the internet. `deployerIpRanges` keep one door open for
   * Terraform's own data-plane writes (secrets, keys: F9) when its runner is outside
   * the VNet: the vault then accepts public traffic from those ranges only
   * ("selected networks"); with none, public access is disabled. No trusted-service
   * bypass: App Service is not trusted for Key Vault references (only private endpoints
   * and route-all work, F7), and Azure OpenAI is not on the vault's trusted list (F6).
   * https://learn.microsoft.com/azure/key-vault/general/overview-vnet-service-endpoints
   */
  public restrictNetwork(options: { readonly deployerIpRanges?: readonly string[] } = {}): void {
    const ipRules = [...(options.deployerIpRanges ?? [])];
    this.resource.publicNetworkAccessEnabled = ipRules.length > 0;
    this.resource.putNetworkAcls({ defaultAction: "Deny", bypass: "None", ipRules: ipRules.length > 0 ? ipRules : undefined });
  }
}

class ImportedKeyVault extends KeyVaultBase {
  public readonly name: string;
  public readonly resourceId: string;
  public readonly scopeLabel: string;

  constructor(scope: Construct, id: string, attributes: KeyVaultAttributes) {
    super(scope, id);
    this.name = checkName(this, "name", "keyVault", attributes.name);
    this.resourceId = attributes.resourceId;
    this.scopeLabel = `Key Vault ${this.name}`;
  }
}
