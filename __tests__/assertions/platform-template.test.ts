import "../../assertions/jest";
import { TerraformStack, Testing } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ChatPlatform, EntraPrincipal, Guardrails, PlatformTemplate, Roles } from "../../index";

const DEV = "4f1c2a9e-7b3d-4e8a-9c61-2d5b8e0f7a13";

function build() {
  const stack = new TerraformStack(Testing.app(), "prod");
  new AzurermProvider(stack, "azurerm", { features: [{}], storageUseAzuread: true });
  const platform = new ChatPlatform(stack, "Chat", { environment: "prod", webApp: { access: "open" }, developers: [{ objectId: DEV, name: "ada" }] });
  Guardrails.apply(stack, { warn: () => undefined });
  return { stack, platform };
}

describe("the testing kit: PlatformTemplate", () => {
  const { stack, platform } = build();
  const template = PlatformTemplate.fromStack(stack);

  it("asserts the access matrix with the constructs themselves", () => {
    template.hasGrant(platform.webApp, Roles.SearchIndexDataReader, platform.search);
    template.hasGrant(platform.webApp, "Storage Blob Data Reader", platform.storage);
    template.hasGrant(DEV, Roles.SearchIndexDataContributor, platform.search);
    expect(
      template
        .grantsOf(platform.webApp)
        .map((g) => g.role?.name)
        .sort(),
    ).toEqual(["Cognitive Services OpenAI User", "Search Index Data Reader", "Storage Blob Data Reader"]);
  });

  it("says what the principal does hold when a grant is missing", () => {
    expect(() => template.hasGrant(platform.webApp, Roles.SearchIndexDataContributor, platform.search)).toThrow(
      /^prod\/Chat\/WebApp \(web app .*\) holds no Search Index Data Contributor on prod\/Chat\/Search \(Search .*\) \(\$\{azurerm_search_service\.\w+\.id\}\); it holds: Cognitive Services OpenAI User on .*; Search Index Data Reader on/,
    );
  });

  it("reads the guardrails' verdict and the app settings", () => {
    expect(template.guardrails().errors).toBe(0);
    expect(template.appSettings(platform.webApp)).toMatchObject({ AZURE_SEARCH_INDEX: "documents-index", AZURE_STORAGE_CONTAINER: "documents" });
    expect(template.appSettings()).toBe(template.appSettings(platform.webApp));
  });

  it("gives a snapshot-stable JSON without cdktf's metadata", () => {
    const again = PlatformTemplate.fromStack(build().stack).toJSON();
    expect(JSON.stringify(template.toJSON())).not.toContain('"//"');
    expect(again).toEqual(template.toJSON());
  });
});

describe('the Jest matchers (import "azure-ai-chat-platform/jest")', () => {
  const { stack, platform } = build();

  it("toGrant, toPassGuardrails, toHaveAppSetting", () => {
    expect(stack).toGrant(platform.webApp, Roles.CognitiveServicesOpenAIUser, platform.openai);
    expect(stack).not.toGrant(platform.webApp, Roles.CognitiveServicesOpenAIContributor, platform.openai);
    expect(stack).toPassGuardrails();
    expect(stack).toHaveAppSetting("AZURE_SEARCH_INDEX", "documents-index");
    expect(stack).toHaveAppSetting("AZURE_OPENAI_SERVICE", /^chat-prod-oai-/);
    expect(stack).not.toHaveAppSetting("AZURE_SEARCH_ENDPOINT");
  });

  it("fails with the grants the principal holds", () => {
    const batch = EntraPrincipal.fromObjectId(stack, "11111111-1111-1111-1111-111111111111", "ServicePrincipal", "nightly indexer");
    expect(() => expect(stack).toGrant(batch, Roles.SearchIndexDataContributor, platform.search)).toThrow(
      /nightly indexer holds no Search Index Data Contributor on prod\/Chat\/Search/,
    );
  });
});
