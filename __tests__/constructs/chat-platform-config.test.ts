import { Construct } from "constructs";
import { ChatPlatform, type ChatPlatformProps } from "../../constructs/chat-platform";
import { resolveChatPlatform } from "../../constructs/chat-platform-config";
import { ValidationErrors } from "../../constructs/errors";
import { SEARCH_OPENAI_DEMO_RUNTIME } from "../../constructs/settings/profiles";
import { newStack } from "../../testing/helpers";

/** Where resolve's errors point: the path a ChatPlatform called "Platform" has in the test stack. */
const scope = () => new Construct(newStack(), "Platform");
const resolve = (props: Partial<ChatPlatformProps>) => resolveChatPlatform(scope(), { environment: "dev", ...props });

describe("resolveChatPlatform", () => {
  it("states every default once: a complete configuration from the environment alone", () => {
    const c = resolve({});
    expect(c).toMatchObject({
      prefix: "chat",
      location: "swedencentral",
      today: { date: "2026-12-06", source: "CHAT_PLATFORM_TODAY" },
      authMode: "keyless",
      profile: { name: "searchOpenAIDemo" },
      features: {
        onYourData: false,
        ingestion: false,
        integratedVectorization: false,
        agenticRetrieval: false,
        customerManagedKey: false,
        appQueriesSearch: true,
        appReadsBlobs: true,
      },
      appKeys: [],
      developers: [],
      userAssignedIdentity: false,
      rolePropagationDelay: "120s",
      tags: { environment: "dev", "managed-by": "cdktf" },
      openai: {
        chatModel: { name: "gpt-5.4-mini", modelName: "gpt-5.4-mini", modelVersion: "2026-03-17", skuName: "GlobalStandard", capacity: 10, existingCustomer: false },
        embeddingModel: { name: "text-embedding-3-large", modelName: "text-embedding-3-large", modelVersion: "1", skuName: "GlobalStandard", capacity: 30 },
        embeddingDimensions: 3072,
      },
      search: {
        sku: "basic",
        semanticSearch: "free",
        systemIdentity: true,
        query: { indexName: "documents-index", queryType: "semantic", topK: 5, semanticConfiguration: "default" },
      },
      keyVault: { reasons: [] },
      webApp: { runtime: SEARCH_OPENAI_DEMO_RUNTIME, extraSettings: {} },
      protectStatefulResources: false,
    });
    expect(c.resourceGroupName).toBeUndefined();
    expect(c.openai.chatModel.facts).toMatchObject({ reasoning: true, retires: "2027-09-21" });
  });

  it("follows the profile and the features it is given", () => {
    const c = resolve({ profile: "openai", search: { sku: "free" }, openai: { embeddingModel: null } });
    expect(c.features).toEqual({
      onYourData: false,
      ingestion: false,
      integratedVectorization: false,
      agenticRetrieval: false,
      customerManagedKey: false,
      appQueriesSearch: false,
      appReadsBlobs: false,
    });
    expect(c.search).toMatchObject({ sku: "free", semanticSearch: "disabled", systemIdentity: false, query: { queryType: "simple" } });
    expect(c.openai.embeddingModel).toBeUndefined();
    expect(c.openai.embeddingDimensions).toBeUndefined();
    expect(c.webApp.runtime).toEqual({ kind: "python", version: "3.11" });
  });

  it("takes the keys the profile's app accepts in keys mode, and says why a vault exists", () => {
    expect(resolve({ authMode: "keys" })).toMatchObject({ appKeys: ["openai"], keyVault: { reasons: [expect.stringMatching(/^holds the Azure OpenAI key the app reads/)] } });
    expect(resolve({ authMode: "keys", profile: "openai" }).appKeys).toEqual(["openai"]);
    expect(resolve({ features: { customerManagedKey: true } }).keyVault.reasons).toEqual(["holds the customer-managed key of the OpenAI account (F6)"]);
    expect(resolve({ keyVault: { enabled: true } }).keyVault.reasons).toEqual(["kept by keyVault.enabled: true (nothing in the platform uses it)"]);
  });

  it("builds nothing: the scope it reports errors for stays empty", () => {
    const s = scope();
    resolveChatPlatform(s, { environment: "dev", authMode: "keys", features: { customerManagedKey: true }, developers: [{ objectId: "11111111-2222-3333-8444-555555555555" }] });
    expect(s.node.children).toEqual([]);
  });

  it("reports every independent problem in one run", () => {
    let caught: unknown;
    try {
      resolve({ prefix: "Bad!", location: "mars", rolePropagationDelay: "2 minutes", openai: { chatModel: { modelName: "gpt-4o", modelVersion: "2024-11-20" } } });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationErrors);
    expect((caught as ValidationErrors).errors.map((e) => e.field)).toEqual(["prefix", "location", "rolePropagationDelay"]);
  });

  it.each([
    ["free Search with app-side retrieval", { search: { sku: "free" } }, /^test\/Platform: search\.sku = "free" cannot serve this platform: .*Fix: use sku "basic" or higher$/],
    [
      "a semantic query without the ranker",
      { search: { semanticSearch: "disabled", queryType: "semantic" } },
      /^test\/Platform: search\.queryType = "semantic" needs the semantic ranker/,
    ],
    ["a duration in words", { rolePropagationDelay: "2 minutes" }, /^test\/Platform: rolePropagationDelay = "2 minutes" is not a duration/],
    [
      "a vault setting nothing uses",
      { keyVault: { skuName: "premium" } },
      /^test\/Platform: keyVault\.skuName = "premium" is set, but nothing in this configuration uses a Key Vault .*Fix: remove keyVault, or set keyVault\.enabled: true/,
    ],
  ] as [string, Partial<ChatPlatformProps>, RegExp][])("fails on %s, with the message ChatPlatform gives", (_name, props, message) => {
    expect(() => resolve(props)).toThrow(message);
    expect(() => new ChatPlatform(newStack(), "Platform", { environment: "dev", ...props })).toThrow(message);
  });
});
