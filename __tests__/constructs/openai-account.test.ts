import { Testing } from "cdktf";
import { CognitiveAccount } from "@cdktf/provider-azurerm/lib/cognitive-account";
import { CognitiveDeployment } from "@cdktf/provider-azurerm/lib/cognitive-deployment";
import { OpenAIAccount } from "../../constructs/openai-account";
import { newStack, synthJson, resources } from "../../testing/helpers";

const base = { resourceGroupName: "rg", location: "swedencentral" };

describe("OpenAIAccount", () => {
  it("has a system-assigned identity, a custom subdomain and keys off by default", () => {
    const stack = newStack();
    new OpenAIAccount(stack, "OpenAI", { ...base, name: "my-oai" });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(CognitiveAccount, {
      kind: "OpenAI",
      sku_name: "S0",
      custom_subdomain_name: "my-oai",
      local_auth_enabled: false,
      identity: { type: "SystemAssigned" },
    });
  });

  it("derives the subdomain from the name in lower case, so it is never left unset", () => {
    const stack = newStack();
    const oai = new OpenAIAccount(stack, "OpenAI", { ...base, name: "My-OAI" });
    expect(oai.customSubdomainName).toBe("my-oai");
    expect(oai.endpoint).toBe("https://my-oai.openai.azure.com/");
  });

  it("derives a deterministic name when none is given", () => {
    const a = new OpenAIAccount(newStack(), "OpenAI", base);
    const b = new OpenAIAccount(newStack(), "OpenAI", base);
    expect(a.name).toBe(b.name);
    expect(a.name).toMatch(/^[a-z0-9-]{2,64}$/);
  });

  it("creates model deployments with model and sku blocks", () => {
    const stack = newStack();
    new OpenAIAccount(stack, "OpenAI", {
      ...base,
      deployments: [
        { name: "chat", modelName: "gpt-4o", modelVersion: "2024-11-20", capacity: 20 },
        { name: "embed", modelName: "text-embedding-3-small", modelVersion: "1", skuName: "Standard" },
      ],
    });
    const json = synthJson(stack);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(CognitiveDeployment, {
      name: "chat",
      model: { format: "OpenAI", name: "gpt-4o", version: "2024-11-20" },
      sku: { name: "GlobalStandard", capacity: 20 },
    });
    const embed = resources(json, "azurerm_cognitive_deployment").find((d) => d.name === "embed")!;
    expect(embed.sku).toEqual({ name: "Standard", capacity: 10 });
    // The provider locks the parent account itself (azurerm >= 3.75), so no chain is added.
    expect(embed.depends_on).toBeUndefined();
  });

  it("fails on an invalid account name, naming the construct, field and rule", () => {
    expect(() => new OpenAIAccount(newStack(), "OpenAI", { ...base, name: "-bad_name-" })).toThrow(
      /test\/OpenAI: name = "-bad_name-" is not a valid Azure OpenAI account name\. Fix: use 2-64 characters/,
    );
  });

  it("fails on an invalid custom subdomain", () => {
    expect(() => new OpenAIAccount(newStack(), "OpenAI", { ...base, customSubdomainName: "Has Space" })).toThrow(
      /customSubdomainName = "Has Space" is not a valid custom subdomain/,
    );
  });

  it("fails on a region name with spaces", () => {
    expect(() => new OpenAIAccount(newStack(), "OpenAI", { ...base, location: "Sweden Central" })).toThrow(
      /location = "Sweden Central" is not an Azure region name\. Fix: use the programmatic name/,
    );
  });

  it("fails on duplicate deployment names", () => {
    const deployment = { name: "chat", modelName: "gpt-4o", modelVersion: "2024-11-20" };
    expect(() => new OpenAIAccount(newStack(), "OpenAI", { ...base, deployments: [deployment, { ...deployment, name: "Chat" }] })).toThrow(
      /deployments\[\]\.name = "Chat" appears twice/,
    );
  });

  it("fails on a capacity out of range", () => {
    expect(() => new OpenAIAccount(newStack(), "OpenAI", { ...base, deployments: [{ name: "chat", modelName: "gpt-4o", modelVersion: "2024-11-20", capacity: 0 }] })).toThrow(
      /deployments\[0\]\.capacity = 0 is out of range\. Fix: use a whole number from 1 to 10000/,
    );
  });

  it("fails on a malformed model version", () => {
    expect(() => new OpenAIAccount(newStack(), "OpenAI", { ...base, deployments: [{ name: "chat", modelName: "gpt-4o", modelVersion: "latest version" }] })).toThrow(
      /deployments\[0\]\.modelVersion = "latest version" is not a model version/,
    );
  });

  it("fails on an unknown deployment sku", () => {
    expect(
      () => new OpenAIAccount(newStack(), "OpenAI", { ...base, deployments: [{ name: "chat", modelName: "gpt-4o", modelVersion: "2024-11-20", skuName: "Premium" as never }] }),
    ).toThrow(/deployments\[0\]\.skuName = "Premium" is not supported\. Fix: use one of "Standard", "GlobalStandard"/);
  });

  it("fails to look up a deployment that does not exist, listing those that do", () => {
    const oai = new OpenAIAccount(newStack(), "OpenAI", { ...base, deployments: [{ name: "chat", modelName: "gpt-4o", modelVersion: "2024-11-20" }] });
    expect(() => oai.deployment("gpt-35")).toThrow(/deployment = "gpt-35" is not a deployment of this account\. Fix: use one of "chat"/);
  });
});
