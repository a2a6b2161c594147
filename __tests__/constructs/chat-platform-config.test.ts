import { Construct } from "constructs";
import { ChatPlatform, type ChatPlatformProps } from "../../constructs/chat-platform";
import { SAMPLE_APP_IMAGE, resolveChatPlatform } from "../../constructs/chat-platform-config";
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
      authMode: "keyless",
      profile: { name: "sampleApp" },
      features: { onYourData: true, ingestion: true, integratedVectorization: true, customerManagedKey: false, appQueriesSearch: false, appReadsBlobs: false },
      developers: [],
      userAssignedIdentity: false,
      rolePropagationDelay: "120s",
      tags: { environment: "dev", "managed-by": "cdktf" },
      openai: {
        chatModel: { name: "gpt-4o", modelName: "gpt-4o", modelVersion: "2024-11-20", skuName: "GlobalStandard", capacity: 10 },
        embeddingModel: { name: "text-embedding-3-small", modelName: "text-embedding-3-small", modelVersion: "1", skuName: "Standard", capacity: 30 },
      },
      search: {
        sku: "basic",
        semanticSearch: "free",
        systemIdentity: true,
        query: { indexName: "documents-index", queryType: "semantic", topK: 5, semanticConfiguration: "default" },
      },
      webApp: { runtime: SAMPLE_APP_IMAGE, extraSettings: {} },
      protectStatefulResources: false,
    });
    expect(c.resourceGroupName).toBeUndefined();
  });

  it("follows the profile and the features it is given", () => {
    const c = resolve({ profile: "openai", search: { sku: "free" }, openai: { embeddingModel: null } });
    expect(c.features).toEqual({ onYourData: false, ingestion: false, integratedVectorization: false, customerManagedKey: false, appQueriesSearch: false, appReadsBlobs: false });
    expect(c.search).toMatchObject({ sku: "free", semanticSearch: "disabled", systemIdentity: false, query: { queryType: "simple" } });
    expect(c.openai.embeddingModel).toBeUndefined();
    expect(c.webApp.runtime).toBeUndefined();
  });

  it("builds nothing: the scope it reports errors for stays empty", () => {
    const s = scope();
    resolveChatPlatform(s, { environment: "dev", authMode: "keys", features: { customerManagedKey: true }, developers: [{ objectId: "11111111-2222-3333-8444-555555555555" }] });
    expect(s.node.children).toEqual([]);
  });

  it.each([
    [
      "ingestion without On Your Data",
      { features: { onYourData: false, ingestion: true } },
      /^test\/Platform: features\.ingestion = true is On Your Data ingestion, but onYourData is false\. Fix: set onYourData: true, or ingestion: false$/,
    ],
    ["free Search with On Your Data", { search: { sku: "free" } }, /^test\/Platform: search\.sku = "free" cannot serve this platform: .*Fix: use sku "basic" or higher$/],
    [
      "a semantic query without the ranker",
      { search: { semanticSearch: "disabled", queryType: "semantic" } },
      /^test\/Platform: search\.queryType = "semantic" needs the semantic ranker/,
    ],
    ["topK above 20", { search: { topK: 50 } }, /^test\/Platform: search\.topK = 50 is out of range\. Fix: use a whole number from 1 to 20/],
    ["a duration in words", { rolePropagationDelay: "2 minutes" }, /^test\/Platform: rolePropagationDelay = "2 minutes" is not a duration/],
  ] as [string, Partial<ChatPlatformProps>, RegExp][])("fails on %s, with the message ChatPlatform gives", (_name, props, message) => {
    expect(() => resolve(props)).toThrow(message);
    expect(() => new ChatPlatform(newStack(), "Platform", { environment: "dev", ...props })).toThrow(message);
  });
});
