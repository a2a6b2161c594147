import { append } from "../values";
import { TYPES, describe, isFalse } from "../azure";
import { NETWORK_TYPES, endpointsTo, isRestricted } from "../network";
import { type Finding, type Rule, finding } from "../rule";
import { type TfResource, block, str } from "../terraform-json";

/**
 * Terraform itself uses data planes: Key Vault secrets and keys (F9), storage
 * containers named by `storage_account_name`, and the provider's polling of a new
 * storage account. Firewalls do not apply to Azure Resource Manager, so a closed
 * service breaks those writes only (docs/network.md section 4):
 * - a secret or key in a vault with public access off and no private endpoint anyone
 *   could come through: 403 ForbiddenByConnection at apply and at every later plan;
 * - a container by `storage_account_name` in a closed account: 403 AuthorizationFailure
 *   (use `storage_account_id`, which goes through Resource Manager);
 * - a closed account without `features { storage { data_plane_available = false } }`:
 *   the provider waits for a data plane it cannot reach.
 */
export const networkDeployerDataPlane: Rule = {
  id: "AZ-NET-002",
  name: "network-deployer-data-plane",
  severity: "error",
  title: "Terraform's own data-plane calls cannot reach a closed service",
  why: "Key Vault and Storage firewalls apply to their data planes, which azurerm uses for secrets, keys and name-addressed containers; a closed service fails the apply (and later plans) with 403 although the deployer holds every role.",
  fix: "Run Terraform from a VNet linked to the service's private endpoint, allow its public egress IPs (Key Vault network_acls.ip_rules with public access on), or use the Resource Manager alternative (storage_account_id on containers).",
  helpUri: "https://learn.microsoft.com/azure/key-vault/general/overview-vnet-service-endpoints",
  evaluate(model) {
    const findings: Finding[] = [];
    // One finding per closed vault (the root cause), naming every secret and key written into it.
    const writes = new Map<TfResource, TfResource[]>();
    for (const item of model.ofType(TYPES.keyVaultSecret, TYPES.keyVaultKey)) {
      for (const vault of model.referenced(item, ["key_vault_id"], [TYPES.keyVault])) append(writes, vault, item);
    }
    for (const [vault, items] of writes) {
      if (!isRestricted(vault) || endpointsTo(model, vault).length > 0) continue;
      const acl = block(vault.values.network_acls);
      const ipRules = Array.isArray(acl?.ip_rules) ? acl!.ip_rules : [];
      const publicOff = isFalse(vault.values.public_network_access_enabled);
      if (!publicOff && ipRules.length > 0) continue;
      const code = publicOff ? "403 ForbiddenByConnection" : "403 ForbiddenByFirewall";
      const shown = items.slice(0, 5).map((i) => i.address);
      const written = `${shown.join(", ")}${items.length > shown.length ? ` and ${items.length - shown.length} more` : ""}`;
      findings.push(
        finding(
          this,
          vault,
          `${describe(vault)} ${publicOff ? "has public network access disabled" : "denies public traffic without ip_rules"} and has no private endpoint, but Terraform writes ${items.length === 1 ? "" : `${items.length} items `}into it through its data plane (${written}). Symptom: ${code} at apply and at every later plan.`,
          {
            fix: `Give ${vault.address} a private endpoint reachable from the runner's VNet, or set public_network_access_enabled = true with network_acls { default_action = "Deny", ip_rules = [<runner egress IPs>] } (ChatPlatform: network.deployer).`,
          },
        ),
      );
    }
    for (const container of model.ofType(NETWORK_TYPES.storageContainer)) {
      const account = model.referenced(container, ["storage_account_name"], [TYPES.storage])[0];
      if (!account || !isRestricted(account)) continue;
      findings.push(
        finding(
          this,
          container,
          `${describe(container)} names its account by storage_account_name, so azurerm creates it through the blob data plane of ${account.address}, which is closed. Symptom: 403 AuthorizationFailure "This request is not authorized to perform this operation."`,
          {
            fix: `Use storage_account_id = ${account.address}.id (Resource Manager API, azurerm 4.9+).`,
          },
        ),
      );
    }
    const closedAccounts = model.ofType(TYPES.storage).filter(isRestricted);
    const provider = model.providers.get("azurerm")?.[0];
    const storageFeatures = block(block(block(provider?.features)?.storage));
    if (closedAccounts.length > 0 && provider && storageFeatures?.data_plane_available !== false && str(storageFeatures?.data_plane_available) !== "false") {
      for (const account of closedAccounts) {
        findings.push(
          finding(
            this,
            account,
            `${describe(account)} is closed, but the azurerm provider does not set features { storage { data_plane_available = false } }: after create it polls the account's data plane and fails with "waiting for the Data Plane for Storage Account (...) to become available: ..." (the provider's error, internal/services/storage/storage_account_resource.go).`,
            {
              severity: "warning",
              fix: "Set features { storage { data_plane_available = false } } on the azurerm provider (fine when no queue_properties or static_website is used).",
            },
          ),
        );
      }
    }
    return findings;
  },
};
