import { TYPES, describe, isFalse } from "../azure";
import { Finding, Rule, finding, show } from "../rule";

/** Attributes that hand out a storage account's keys. */
const KEY_ATTRIBUTE = /(^|_)(primary|secondary)_(access_key|connection_string|blob_connection_string)$|connection_string/;

/**
 * Keyless definition used here: nothing in the stack reads the account's keys or
 * connection strings (no `${<account>.primary_access_key}` / `*_connection_string`
 * anywhere, including Key Vault secrets). Then Shared Key authorization is only attack
 * surface and should be off.
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
      findings.push(
        finding(
          this,
          storage,
          `${describe(storage)}: shared_access_key_enabled = ${show(storage.values.shared_access_key_enabled)} (default true), but nothing in the stack uses its keys or connection strings.`,
        ),
      );
    }
    return findings;
  },
};
