import { Testing } from "cdktf";
import { StorageAccount as StorageAccountResource } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { StorageAccount } from "../../constructs/storage-account";
import { newStack, resources, synthJson } from "../../testing/helpers";

const base = { resourceGroupName: "rg", location: "swedencentral" };

describe("StorageAccount", () => {
  it("is StorageV2, Entra-only, HTTPS with TLS 1.2, private, with a system identity", () => {
    const stack = newStack();
    new StorageAccount(stack, "Storage", { ...base, name: "mydocs" });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(StorageAccountResource, {
      name: "mydocs",
      account_kind: "StorageV2",
      shared_access_key_enabled: false,
      default_to_oauth_authentication: true,
      https_traffic_only_enabled: true,
      min_tls_version: "TLS1_2",
      allow_nested_items_to_be_public: false,
      identity: { type: "SystemAssigned" },
    });
  });

  it("creates a private documents container by default", () => {
    const stack = newStack();
    new StorageAccount(stack, "Storage", base);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(StorageContainer, { name: "documents", container_access_type: "private" });
  });

  it("creates every named container", () => {
    const stack = newStack();
    new StorageAccount(stack, "Storage", { ...base, containers: ["documents", "uploads"] });
    expect(
      resources(synthJson(stack), "azurerm_storage_container")
        .map((c) => c.name)
        .sort(),
    ).toEqual(["documents", "uploads"]);
  });

  it("fails on duplicate container names", () => {
    expect(() => new StorageAccount(newStack(), "Storage", { ...base, containers: ["docs", "docs"] })).toThrow(/containers = "docs" appears twice/);
  });

  it("fails on an invalid container name", () => {
    expect(() => new StorageAccount(newStack(), "Storage", { ...base, containers: ["Docs_1"] })).toThrow(/containers\[0\] = "Docs_1" is not a valid storage container name/);
  });

  it("fails on a storage account name with hyphens", () => {
    expect(() => new StorageAccount(newStack(), "Storage", { ...base, name: "my-docs" })).toThrow(
      /name = "my-docs" is not a valid storage account name\. Fix: use 3-24 characters: lower-case letters and digits only/,
    );
  });

  it("fails on an unknown replication type", () => {
    expect(() => new StorageAccount(newStack(), "Storage", { ...base, replicationType: "XRS" as never })).toThrow(/replicationType = "XRS" is not supported/);
  });
});
