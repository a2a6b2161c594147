import { Testing } from "cdktf";
import { SearchService as SearchServiceResource } from "@cdktf/provider-azurerm/lib/search-service";
import { SearchService } from "../../constructs/search-service";
import { newStack, synthJson, onlyResource } from "../../testing/helpers";

const base = { resourceGroupName: "rg", location: "swedencentral" };

describe("SearchService", () => {
  it("is basic, RBAC-only, with a system identity and the free semantic ranker by default", () => {
    const stack = newStack();
    new SearchService(stack, "Search", { ...base, name: "my-search" });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(SearchServiceResource, {
      name: "my-search",
      sku: "basic",
      local_authentication_enabled: false,
      semantic_search_sku: "free",
      replica_count: 1,
      partition_count: 1,
      identity: { type: "SystemAssigned" },
    });
    expect(onlyResource(synthJson(stack), "azurerm_search_service").authentication_failure_mode).toBeUndefined();
  });

  it("accepts keys and Entra ID together when local auth is on", () => {
    const stack = newStack();
    new SearchService(stack, "Search", { ...base, localAuthEnabled: true });
    const s = onlyResource(synthJson(stack), "azurerm_search_service");
    expect(s.local_authentication_enabled).toBe(true);
    expect(s.authentication_failure_mode).toBe("http401WithBearerChallenge");
  });

  it("fails when search is free tier and its identity is needed", () => {
    expect(() => new SearchService(newStack(), "Search", { ...base, sku: "free" })).toThrow(
      /sku = "free" has no managed identity, but systemIdentity is on .* Fix: use "basic" or higher/,
    );
  });

  it("allows the free tier without an identity, and then refuses to be a grantee", () => {
    const s = new SearchService(newStack(), "Search", { ...base, sku: "free", systemIdentity: false });
    expect(s.semanticSearch).toBe("disabled");
    expect(() => s.grantPrincipal).toThrow(/systemIdentity = false is off, so this service cannot be granted roles/);
  });

  it("fails when the semantic ranker is asked of the free tier", () => {
    expect(() => new SearchService(newStack(), "Search", { ...base, sku: "free", systemIdentity: false, semanticSearch: "free" })).toThrow(
      /semanticSearch = "free" is not available on the free tier/,
    );
  });

  it("fails on more replicas than the tier allows", () => {
    expect(() => new SearchService(newStack(), "Search", { ...base, replicaCount: 4 })).toThrow(
      /replicaCount = 4 is out of range\. Fix: use a whole number from 1 to 3 \(the basic tier's limit\)/,
    );
  });

  it("fails on a partition count Azure does not offer", () => {
    expect(() => new SearchService(newStack(), "Search", { ...base, sku: "standard", partitionCount: 5 })).toThrow(
      /partitionCount = 5 is not a partition count Azure offers\. Fix: use one of 1, 2, 3, 4, 6, 12/,
    );
  });

  it("fails on more than 36 search units (replicas × partitions), each within its own limit", () => {
    expect(() => new SearchService(newStack(), "Search", { ...base, sku: "standard3", replicaCount: 12, partitionCount: 6 })).toThrow(
      "test/Search: replicaCount = 12 with partitionCount 6 makes 72 search units, over the 36 a service can have. Fix: keep replicaCount × partitionCount at 36 or less, e.g. 12 × 3, 6 × 6 or 3 × 12",
    );
  });

  it("accepts exactly 36 search units", () => {
    expect(() => new SearchService(newStack(), "Search", { ...base, sku: "standard", replicaCount: 3, partitionCount: 12 })).not.toThrow();
  });

  it("fails on an unknown sku", () => {
    expect(() => new SearchService(newStack(), "Search", { ...base, sku: "premium" as never })).toThrow(/sku = "premium" is not supported\. Fix: use one of "free", "basic"/);
  });

  it("fails on a name with upper case or double hyphens", () => {
    expect(() => new SearchService(newStack(), "Search", { ...base, name: "My--Search" })).toThrow(/name = "My--Search" is not a valid Search service name/);
  });
});
