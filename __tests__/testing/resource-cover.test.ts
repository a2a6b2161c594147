import { coveringStacks, shapesOf } from "../../testing/resource-cover";

describe("testing/resource-cover", () => {
  const stack = (bypass: string, extra: Record<string, unknown> = {}) => ({
    resource: {
      azurerm_cognitive_account: { a: { name: "oai-1", custom_subdomain_name: "${azurerm_x.y.name}", network_acls: { default_action: "Deny", bypass }, tags: { env: "x" } } },
      ...extra,
    },
    provider: { azurerm: [{ features: [{}] }] },
  });

  it("treats bodies that differ only in names, references and tags as one shape, and enum values as different shapes", () => {
    const a = shapesOf(stack("None"));
    const renamed = shapesOf({
      ...stack("None"),
      resource: { azurerm_cognitive_account: { b: { name: "oai-2", custom_subdomain_name: "${azurerm_z.w.name}", network_acls: { default_action: "Deny", bypass: "None" } } } },
    });
    expect([...renamed]).toEqual([...a]);
    expect([...shapesOf(stack("AzureServices"))]).not.toEqual([...a]);
  });

  it("picks stacks until every shape is covered, fewest first-come", () => {
    const stacks = new Map([
      ["only-none", shapesOf(stack("None"))],
      ["bypass-and-vnet", shapesOf(stack("AzureServices", { azurerm_virtual_network: { v: { address_space: ["10.0.0.0/24"] } } }))],
      ["bypass", shapesOf(stack("AzureServices"))],
    ]);
    expect(coveringStacks(stacks)).toEqual(["bypass-and-vnet", "only-none"]);
  });
});
