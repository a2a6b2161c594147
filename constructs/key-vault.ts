import { Construct } from "constructs";
import { KeyVault as KeyVaultResource } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultKey } from "@cdktf/provider-azurerm/lib/key-vault-key";
import { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import { checkName, namingOf } from "./naming";
import { checkGuid, checkIntRange, checkOneOf, checkRegion } from "./validate";
import { ValidationError } from "./errors";
import { AccessMatrix, Grant, GrantOptions, IRoleScope } from "./rbac/grant";
import { IGrantable, Principal } from "./rbac/principal";
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

/**
 * A Key Vault with RBAC authorization (no access policies) and purge protection.
 *
 * Purge protection is not optional: customer-managed keys require it, and a vault
 * holding the platform's secrets must survive an accidental `terraform destroy`.
 * Keys and secrets created here are written by the deployer, who is granted the
 * matching officer role (F9) and waits for it to propagate before the write.
 */
export class KeyVault extends Construct implements IRoleScope {
  public readonly resource: KeyVaultResource;
  public readonly name: string;
  public readonly resourceId: string;
  public readonly scopeLabel: string;
  /** `https://<name>.vault.azure.net/` */
  public readonly vaultUri: string;

  constructor(scope: Construct, id: string, props: KeyVaultProps) {
    super(scope, id);
    checkRegion(this, "location", props.location);
    this.name = checkName(this, "name", "keyVault", props.name ?? namingOf(this).name("keyVault"));
    const skuName = checkOneOf(this, "skuName", props.skuName ?? "standard", ["standard", "premium"] as const);
    const softDeleteRetentionDays = checkIntRange(this, "softDeleteRetentionDays", props.softDeleteRetentionDays ?? 90, 7, 90);

    this.resource = new KeyVaultResource(this, "Vault", {
      name: this.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      tenantId: props.tenantId !== undefined ? checkGuid(this, "tenantId", props.tenantId, "tenant id", "az account show --query tenantId -o tsv") : clientConfigOf(this).tenantId,
      skuName,
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: true,
      softDeleteRetentionDays,
      publicNetworkAccessEnabled: props.publicNetworkAccessEnabled ?? true,
      tags: props.tags,
    });
    this.resourceId = this.resource.id;
    this.vaultUri = this.resource.vaultUri;
    this.scopeLabel = `Key Vault ${this.name}`;
  }

  /**
   * Stores a secret. The value should be a reference to another resource's attribute
   * (e.g. an account key), never a literal: literals end up in the synthesized JSON.
   */
  public addSecret(id: string, options: { name: string; value: string; contentType?: string }): KeyVaultSecret {
    checkName(this, `secrets.${id}.name`, "keyVaultObject", options.name);
    const secret = new KeyVaultSecret(this, id, {
      name: options.name,
      value: options.value,
      keyVaultId: this.resource.id,
      contentType: options.contentType,
    });
    RolePropagation.of(this).gate(this.grantSecretsWrite(Principal.deployer(this), { reason: `writes secret ${options.name}` }), secret);
    return secret;
  }

  /** Creates an RSA key (for customer-managed keys). */
  public addKey(id: string, options: KeyVaultKeyOptions): KeyVaultKey {
    checkName(this, `keys.${id}.name`, "keyVaultObject", options.name);
    const size = options.size ?? 2048;
    if (![2048, 3072, 4096].includes(size)) {
      throw new ValidationError(this, `keys.${id}.size`, size, "is not an RSA key size Azure accepts", "use 2048, 3072 or 4096");
    }
    const key = new KeyVaultKey(this, id, {
      name: options.name,
      keyVaultId: this.resource.id,
      keyType: "RSA",
      keySize: size,
      keyOpts: ["wrapKey", "unwrapKey"],
    });
    RolePropagation.of(this).gate(this.grantCryptoOfficer(Principal.deployer(this), { reason: `creates key ${options.name}` }), key);
    return key;
  }

  /** Read secret values, e.g. to resolve `@Microsoft.KeyVault(...)` app settings: Key Vault Secrets User. F7. */
  public grantSecretsRead(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return AccessMatrix.of(this).grant(this, grantee, [Roles.KeyVaultSecretsUser], options.flow ?? "F7", options.reason ?? "resolves Key Vault references in its app settings");
  }

  /** Create and update secrets: Key Vault Secrets Officer. F9. */
  public grantSecretsWrite(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return AccessMatrix.of(this).grant(this, grantee, [Roles.KeyVaultSecretsOfficer], options.flow ?? "F9", options.reason ?? "writes the platform's secrets");
  }

  /** Wrap and unwrap with keys (customer-managed keys): Key Vault Crypto Service Encryption User. F6. */
  public grantKeyEncryption(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return AccessMatrix.of(this).grant(this, grantee, [Roles.KeyVaultCryptoServiceEncryptionUser], options.flow ?? "F6", options.reason ?? "uses a customer-managed key");
  }

  /** Create and manage keys: Key Vault Crypto Officer. F9. */
  public grantCryptoOfficer(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return AccessMatrix.of(this).grant(this, grantee, [Roles.KeyVaultCryptoOfficer], options.flow ?? "F9", options.reason ?? "creates the platform's keys");
  }
}
