import { App, TerraformStack, Testing } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { ChatPlatform } from "../../constructs/chat-platform";

/** A stack of one's own with only the azurerm provider, as a platform team writes it. */
function ownStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "prod");
  new AzurermProvider(stack, "azurerm", { features: [{}], storageUseAzuread: true });
  return stack;
}

describe("providers the constructs need besides azurerm", () => {
  it("adds azuread when sign-in creates an app registration, as it adds time for the role-propagation gate", () => {
    const stack = ownStack();
    new ChatPlatform(stack, "Chat", { environment: "prod", authMode: "keys" });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(Object.keys(json.provider).sort()).toEqual(["azuread", "azurerm", "time"]);
    expect(json.provider.azuread).toEqual([{}]);
  });

  it("keeps the owner's own provider, even one added after the platform, and adds no second default", () => {
    const stack = ownStack();
    new ChatPlatform(stack, "Chat", { environment: "prod" });
    new AzureadProvider(stack, "entra", { tenantId: "11111111-2222-3333-8444-555555555555" });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(json.provider.azuread).toEqual([{ tenant_id: "11111111-2222-3333-8444-555555555555" }]);
  });

  it("adds none for an open app or a brought registration", () => {
    const stack = ownStack();
    new ChatPlatform(stack, "Chat", { environment: "prod", webApp: { access: "open" } });
    expect(Object.keys(JSON.parse(Testing.synth(stack, true)).provider)).toEqual(["azurerm"]);
  });

  it("synthesizes a whole app of one's own without cdktf's missing-provider error", () => {
    const app = new App({ outdir: Testing.app().outdir, skipValidation: false });
    const stack = new TerraformStack(app, "prod");
    new AzurermProvider(stack, "azurerm", { features: [{}], storageUseAzuread: true });
    new ChatPlatform(stack, "Chat", { environment: "prod" });
    expect(() => app.synth()).not.toThrow();
  });
});

describe("what the azurerm provider must be configured with", () => {
  it("refuses a private platform in a stack whose provider polls the storage data plane, naming the setting (issue 27: only a warning)", () => {
    const stack = ownStack();
    new ChatPlatform(stack, "Chat", { environment: "prod", network: { mode: "private" }, webApp: { access: "open" } });
    expect(() => Testing.synth(stack, true)).toThrow(
      /prod\/Chat\/Storage: publicNetworkAccessEnabled = false needs the azurerm provider of stack "prod" to skip the storage data plane.*Fix: configure the provider with new AzurermProvider\(stack, "azurerm", \{ features: \[\{ storage: \[\{ dataPlaneAvailable: false \}\] \}\]/s,
    );
  });

  it("accepts it once the provider skips the data plane, and never asks for it in public mode", () => {
    const stack = new TerraformStack(Testing.app(), "prod");
    new AzurermProvider(stack, "azurerm", { features: [{ storage: [{ dataPlaneAvailable: false }] }], storageUseAzuread: true });
    new ChatPlatform(stack, "Chat", { environment: "prod", network: { mode: "private" }, webApp: { access: "open" } });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    const pub = ownStack();
    new ChatPlatform(pub, "Chat", { environment: "prod", webApp: { access: "open" } });
    expect(() => Testing.synth(pub, true)).not.toThrow();
  });
});
