import { Testing } from "cdktf";
import { KeyVault as KeyVaultResource } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVault } from "../../constructs/key-vault";
import { newStack, onlyResource, synthJson, assignments } from "../../testing/helpers";

const base = { resourceGroupName: "rg", location: "swedencentral" };

describe("KeyVault", () => {
  it("uses RBAC, purge protection, 90 soft-delete days and the deployer's tenant", () => {
    const stack = newStack();
    new KeyVault(stack, "Vault", { ...base, name: "my-vault" });
    const json = synthJson(stack);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(KeyVaultResource, {
      rbac_authorization_enabled: true,
      purge_protection_enabled: true,
      soft_delete_retention_days: 90,
      sku_name: "standard",
    });
    expect(onlyResource(json, "azurerm_key_vault").tenant_id).toMatch(/^\$\{data\.azurerm_client_config\.ClientConfig\.tenant_id\}$/);
  });

  it("grants the deployer Secrets Officer and waits for it before writing a secret", () => {
    const stack = newStack();
    const vault = new KeyVault(stack, "Vault", base);
    vault.addSecret("S", { name: "api-key", value: "${var.not_a_literal}" });
    const json = synthJson(stack);
    expect(assignments(json)).toEqual([expect.objectContaining({ principal: "data.azurerm_client_config.ClientConfig.object_id", role: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7" })]);
    const sleepName = Object.keys(json.resource.time_sleep)[0];
    expect(onlyResource(json, "azurerm_key_vault_secret").depends_on).toContain(`time_sleep.${sleepName}`);
  });

  it("fails on soft-delete days outside 7-90", () => {
    expect(() => new KeyVault(newStack(), "Vault", { ...base, softDeleteRetentionDays: 3 })).toThrow(
      /softDeleteRetentionDays = 3 is out of range\. Fix: use a whole number from 7 to 90/,
    );
  });

  it("fails on a vault name that starts with a digit", () => {
    expect(() => new KeyVault(newStack(), "Vault", { ...base, name: "1vault" })).toThrow(/name = "1vault" is not a valid Key Vault name/);
  });

  it("fails on a key smaller than RSA 2048", () => {
    const vault = new KeyVault(newStack(), "Vault", base);
    expect(() => vault.addKey("K", { name: "cmk", size: 1024 as never })).toThrow(/keys\.K\.size = 1024 is not an RSA key size Azure accepts\. Fix: use 2048, 3072 or 4096/);
  });

  it("fails on an unknown sku", () => {
    expect(() => new KeyVault(newStack(), "Vault", { ...base, skuName: "gold" as never })).toThrow(/skuName = "gold" is not supported/);
  });
});
