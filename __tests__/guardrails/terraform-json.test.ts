import { detectFormat, parseTraversal, referencesIn } from "../../guardrails/terraform-json";
import { StackModel } from "../../guardrails/model";
import { emptyStack, put } from "../../testing/guardrail-fixtures";

describe("references", () => {
  it("extracts address and attribute from cdktf interpolations, including inside strings", () => {
    expect(
      referencesIn({
        a: "${azurerm_cognitive_account.dev_platform_openai_account_ABC123.identity[0].principal_id}",
        b: "@Microsoft.KeyVault(SecretUri=${azurerm_key_vault_secret.s.versionless_id})",
        c: ["https://${azurerm_cognitive_account.a.custom_subdomain_name}.openai.azure.com/"],
        d: "${data.azurerm_client_config.y.subscription_id}",
        e: '${var.x} ${local.y} ${lookup(azurerm_search_service.x.identity[0], "principal_id")}',
      }),
    ).toEqual([
      { address: "azurerm_cognitive_account.dev_platform_openai_account_ABC123", attribute: "identity[0].principal_id" },
      { address: "azurerm_key_vault_secret.s", attribute: "versionless_id" },
      { address: "azurerm_cognitive_account.a", attribute: "custom_subdomain_name" },
      { address: "data.azurerm_client_config.y", attribute: "subscription_id" },
      { address: "azurerm_search_service.x", attribute: "identity[0]" },
    ]);
  });

  it("normalises legacy index syntax and keeps the instance a reference names", () => {
    expect(parseTraversal("azurerm_x.y.identity.0.principal_id")).toEqual([{ address: "azurerm_x.y", attribute: "identity[0].principal_id" }]);
    expect(parseTraversal('azurerm_x.y["k"].id', "module.m.")).toEqual([{ address: 'module.m.azurerm_x.y["k"]', attribute: "id" }]);
    expect(parseTraversal('module.app["eu"].module.net.data.azurerm_subnet.s[0].id')).toEqual([
      { address: 'module.app["eu"].module.net.data.azurerm_subnet.s[0]', attribute: "id" },
    ]);
    // A module output is no resource.
    expect(parseTraversal("module.openai.endpoint")).toEqual([]);
  });

  it("resolves a reference to an instance, or to the first instance when it names the resource", () => {
    const s = emptyStack();
    put(s, "azurerm_search_service.s", { count: 2, name: "srch-${count.index}" });
    const model = StackModel.from(s);
    expect(model.get("azurerm_search_service.s[1]")?.values.name).toBe("srch-1");
    expect(model.get("azurerm_search_service.s")?.values.name).toBe("srch-0");
    expect(model.is({ address: "azurerm_search_service.s", attribute: "id" }, model.get("azurerm_search_service.s[0]")!)).toBe(true);
  });

  it("ignores text outside interpolations", () => {
    expect(referencesIn("azurerm_search_service.x.id")).toEqual([]);
  });
});

describe("loading", () => {
  it("detects cdk.tf.json, plan and state JSON", () => {
    expect(detectFormat({ resource: {} })).toBe("cdktf");
    expect(detectFormat({ format_version: "1.2", planned_values: { root_module: {} } })).toBe("plan");
    expect(detectFormat({ values: { root_module: {} } })).toBe("state");
    expect(detectFormat({ hello: 1 })).toBeUndefined();
    expect(() => StackModel.from([])).toThrow("not Terraform: expected Terraform configuration");
  });

  it("keeps the construct path, depends_on and both block shapes", () => {
    const s = emptyStack();
    put(s, "azurerm_linux_web_app.web", { identity: [{ type: "SystemAssigned" }], site_config: { ftps_state: "Disabled" }, depends_on: ["${time_sleep.x}"] }, "dev/app/web");
    s.data.azurerm_client_config = { current: {} };
    const model = StackModel.from(s);
    const web = model.get("azurerm_linux_web_app.web");
    expect(web).toMatchObject({ constructPath: "dev/app/web", dependsOn: ["time_sleep.x"] });
    expect(model.ofType("data.azurerm_client_config").map((r) => r.address)).toEqual(["data.azurerm_client_config.current"]);
  });
});
