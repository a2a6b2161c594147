import { TerraformStack, Testing } from "cdktf";
import { CognitiveAccount } from "@cdktf/provider-azurerm/lib/cognitive-account";
import { LinuxWebApp } from "@cdktf/provider-azurerm/lib/linux-web-app";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { Guardrails } from "../../guardrails/guardrails";
import { BEFORE_OYD_RETIREMENT } from "../../testing/guardrail-fixtures";

/** A stack with raw provider resources only: the guardrails judge the synthesized JSON, not our constructs. */
function rawStack(withIdentity: boolean) {
  const stack = new TerraformStack(Testing.app(), "dev");
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  const account = new CognitiveAccount(stack, "openai", {
    name: "oai-raw",
    location: "swedencentral",
    resourceGroupName: "rg-raw",
    kind: "OpenAI",
    skuName: "S0",
    customSubdomainName: "oai-raw",
    ...(withIdentity ? { identity: { type: "SystemAssigned" } } : {}),
  });
  const app = new LinuxWebApp(stack, "web", {
    name: "app-raw",
    location: "swedencentral",
    resourceGroupName: "rg-raw",
    servicePlanId: "/subscriptions/0000/resourceGroups/rg-raw/providers/Microsoft.Web/serverFarms/asp",
    httpsOnly: true,
    tags: { "app-access": "open" }, // about identities, not sign-in (AZ-APP-007)
    identity: { type: "SystemAssigned" },
    siteConfig: {},
    appSettings: {
      AZURE_OPENAI_ENDPOINT: `https://${account.customSubdomainName}.openai.azure.com/`,
      DATASOURCE_TYPE: "AzureCognitiveSearch",
      AZURE_SEARCH_SERVICE: "srch-elsewhere",
    },
  });
  return { stack, account, app };
}

describe("Guardrails.apply", () => {
  it("fails synth when a raw OpenAI account without identity serves On Your Data (judged before the retirement)", () => {
    const { stack } = rawStack(false);
    Guardrails.apply(stack, { warn: () => undefined, today: BEFORE_OYD_RETIREMENT });
    expect(() => Testing.synth(stack, true)).toThrow(/\[AZ-OAI-001\] azurerm_cognitive_account\.openai \(dev\/openai\) has no identity block.*ManagedIdentityIsNotEnabled/);
  });

  it("fails synth on the same stack after On Your Data's retirement, on the retirement and not on the identity", () => {
    const { stack } = rawStack(false);
    Guardrails.apply(stack, { warn: () => undefined });
    let message = "";
    try {
      Testing.synth(stack, true);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/\[AZ-OYD-001\] azurerm_linux_web_app\.web \(dev\/web\) configures Azure OpenAI On Your Data .*which retired on 2026-10-14/);
    expect(message).not.toContain("ManagedIdentityIsNotEnabled");
  });

  it('writes suppressions into the resource\'s "//" metadata, where the audit reads them', () => {
    const { stack, account, app } = rawStack(false);
    Guardrails.suppress(account, "AZ-OAI-001", "Demo account; On Your Data is disabled in this environment.");
    Guardrails.suppress(account, "AZ-FLOW-001", "Demo account; On Your Data is disabled in this environment.");
    Guardrails.suppress(app, "AZ-FLOW-001", "The web app calls OpenAI with a key from Key Vault in this demo.");
    const warnings: string[] = [];
    // Before the retirement: after it, AZ-OYD-001 fails this app whatever is suppressed here.
    const g = Guardrails.apply(stack, { warn: (l) => warnings.push(l), today: BEFORE_OYD_RETIREMENT });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(warnings).toEqual([expect.stringMatching(/^\[guardrails\] warning \[AZ-OYD-001\] azurerm_linux_web_app\.web .*retires on 2026-10-14, in 43 days/)]);
    const json = stack.toTerraform() as any;
    expect(json.resource.azurerm_cognitive_account.openai["//"].guardrails.suppressions.map((s: { id: string }) => s.id)).toEqual(["AZ-OAI-001", "AZ-FLOW-001"]);
    expect(
      g
        .result()
        .suppressed.map((f) => f.ruleId)
        .sort(),
    ).toEqual(["AZ-FLOW-001", "AZ-FLOW-001", "AZ-OAI-001"]);
    expect(Guardrails.of(stack).result()).toBe(g.result());
  });

  it("rejects a suppression without a real reason, naming the construct and rule", () => {
    const { account } = rawStack(true);
    expect(() => Guardrails.suppress(account, "AZ-OAI-001", "ok")).toThrow(
      'dev/openai: suppression of AZ-OAI-001 = "ok" gives no real reason. Fix: explain why the rule does not apply in at least 10 characters',
    );
  });

  it("prints warnings once and does not fail synth on them", () => {
    const stack = new TerraformStack(Testing.app(), "dev");
    new AzurermProvider(stack, "azurerm", { features: [{}] });
    new LinuxWebApp(stack, "web", {
      name: "app-warn",
      location: "swedencentral",
      resourceGroupName: "rg",
      servicePlanId: "plan",
      httpsOnly: true,
      siteConfig: { ftpsState: "FtpsOnly" },
    });
    const warnings: string[] = [];
    Guardrails.apply(stack, { warn: (l) => warnings.push(l) });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(warnings).toEqual([expect.stringMatching(/^\[guardrails\] warning \[AZ-APP-004\] azurerm_linux_web_app\.web \(dev\/web\): site_config\.ftps_state = "FtpsOnly"/)]);
  });
});
