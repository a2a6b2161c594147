import { TYPES, argument, describe, isFalse } from "../azure";
import type { StackModel } from "../model";
import { Finding, Rule, finding, show } from "../rule";
import { type TfResource, str } from "../terraform-json";

/** Attributes that hand out a storage account's keys, or a SAS signed with them. */
const KEY_ATTRIBUTE = /(^|_)(primary|secondary)_(access_key|connection_string|blob_connection_string)$|connection_string|(^|_)sas$/;

/**
 * Services that use an account's keys themselves, given only the account:
 * - Azure Machine Learning workspaces and AI Foundry hubs read their default storage
 *   with its keys unless `system_datastores_auth_mode = "identity"`
 *   (https://learn.microsoft.com/azure/ai-foundry/how-to/disable-local-auth);
 * - deployment scripts mount a file share of their storage account with its key
 *   ("The storage account must have AllowSharedKeyAccess enabled, as deployment scripts
 *   need to mount file shares", Aspire's Azure SQL WithAdminDeploymentScriptStorage docs).
 */
const KEY_USERS: readonly { readonly types: readonly string[]; readonly argument: readonly string[]; readonly keyless?: (r: TfResource) => boolean }[] = [
  {
    types: ["azurerm_machine_learning_workspace", "azurerm_ai_foundry", "azurerm_ai_hub"],
    argument: ["storage_account_id"],
    keyless: (r) => str(r.values.system_datastores_auth_mode)?.toLowerCase() === "identity",
  },
  { types: ["azurerm_resource_deployment_script_azure_cli", "azurerm_resource_deployment_script_azure_power_shell"], argument: ["storage_account", "name"] },
];

/**
 * Keyless definition used here: nothing in the stack reads the account's keys or
 * connection strings (no `${<account>.primary_access_key}` / `*_connection_string`
 * anywhere, including Key Vault secrets), and no service that uses the keys itself is
 * given the account. Then Shared Key authorization is only attack surface and should be off.
 * https://learn.microsoft.com/azure/storage/common/shared-key-authorization-prevent
 */
export const storageSharedKey: Rule = {
  id: "AZ-ST-001",
  name: "storage-shared-key",
  severity: "error",
  title: "Storage allows Shared Key authorization although nothing uses its keys",
  why: "Account keys grant full data access and never expire; when every caller uses Entra ID the keys are only a way in.",
  fix: "Set shared_access_key_enabled = false, and storage_use_azuread = true on the azurerm provider (or give containers storage_account_id) so Terraform itself manages data with Entra ID.",
  helpUri: "https://learn.microsoft.com/azure/storage/common/shared-key-authorization-prevent",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const storage of model.ofType(TYPES.storage)) {
      if (isFalse(storage.values.shared_access_key_enabled)) continue;
      if (model.incoming(storage.address).some(({ ref }) => KEY_ATTRIBUTE.test(ref.attribute))) continue;
      if (keyUser(model, storage)) continue;
      findings.push(
        finding(
          this,
          storage,
          `${describe(storage)}: ${argument(storage, "shared_access_key_enabled")} = ${show(storage.values.shared_access_key_enabled)} (default true), but nothing in the stack uses its keys or connection strings.`,
        ),
      );
    }
    return findings;
  },
};

/** A resource that uses `storage`'s keys on its own (a workspace, a deployment script). */
function keyUser(model: StackModel, storage: TfResource): TfResource | undefined {
  for (const user of KEY_USERS) {
    // One the loader could not expand still uses the keys: evidence, not a verdict on it.
    const candidates = [...model.ofType(...user.types), ...model.unexpanded.filter((r) => user.types.includes(r.type))];
    for (const r of candidates) {
      if (user.keyless?.(r)) continue;
      const refs = model.refs(r, ...user.argument);
      if (refs.some((ref) => model.is(ref, storage))) return r;
    }
  }
  return undefined;
}
