import { addressType, configAddress, modulePathOf, withoutInstanceKey } from "../../guardrails/traversal";

/** Resource addresses as plans and HCL write them, instance keys included. */
describe("resource addresses", () => {
  it('configAddress drops every instance key, quoted keys with ] or \\" inside included', () => {
    expect(configAddress('module.m["k"].azurerm_x.y[0]')).toBe("module.m.azurerm_x.y");
    expect(configAddress('azurerm_x.y["a]b"]')).toBe("azurerm_x.y");
    expect(configAddress('azurerm_x.y["a\\"]b"]')).toBe("azurerm_x.y");
    expect(configAddress("azurerm_x.y")).toBe("azurerm_x.y");
  });

  it("configAddress keeps an unclosed key as written instead of dropping text", () => {
    expect(configAddress('azurerm_x.y["open')).toBe('azurerm_x.y["open');
  });

  it("withoutInstanceKey drops only the resource's own key, consecutive groups as one", () => {
    expect(withoutInstanceKey("azurerm_x.y[0]")).toBe("azurerm_x.y");
    expect(withoutInstanceKey('azurerm_x.y[0]["k"]')).toBe("azurerm_x.y");
    expect(withoutInstanceKey('module.m["k"].azurerm_x.y')).toBe('module.m["k"].azurerm_x.y');
    expect(withoutInstanceKey('module.m["k"].azurerm_x.y["a]b"]')).toBe('module.m["k"].azurerm_x.y');
    expect(withoutInstanceKey('azurerm_x.y["open')).toBe('azurerm_x.y["open');
  });

  it("addressType and modulePathOf read through modules and data sources", () => {
    expect(addressType('module.m[0].azurerm_x.y["k"]')).toBe("azurerm_x");
    expect(addressType("data.azurerm_client_config.current")).toBe("data.azurerm_client_config");
    expect(modulePathOf("module.m[0].module.n.azurerm_x.y")).toBe("module.m[0].module.n.");
    expect(modulePathOf("azurerm_x.y")).toBe("");
  });
});
