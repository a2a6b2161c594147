/**
 * A cdktf app of your own that uses azure-ai-chat-platform as a library: two stamps of
 * the platform (one per region) and a settings profile for your own chat app instead
 * of the sample app. Everything comes from the package's public API (its index); the
 * provider classes, cdktf and constructs are this app's own (peer dependencies).
 *
 *   npm install && npm run synth      # cdktf.out/stacks/<stamp>/cdk.tf.json
 */
import { App } from "cdktf";
import { ChatStack, type PlatformFacts, type ProfileSetting, type SettingsProfile } from "azure-ai-chat-platform";

/**
 * The environment variables our chat app reads. Our app retrieves itself (app-side RAG):
 * it queries the Search index and reads the cited blobs with its managed identity, then
 * calls the chat model. The platform derives every value from what it built (endpoints,
 * deployment names, Key Vault references in keys mode), so identity, grants and settings
 * cannot disagree.
 */
const contosoChat: SettingsProfile = {
  name: "contosoChat",
  // The platform grants the app Search Index Data Reader (F8) and Storage Blob Data Reader
  // (F11), and adds no generic Search or Storage variables: ours name them below.
  appSideRetrieval: true,
  // In keys mode our app takes the OpenAI key only; Search and blobs stay keyless.
  acceptsKeys: ["openai"],
  settings(facts: PlatformFacts): ProfileSetting[] {
    const chat = facts.openai.chatDeployment;
    const out: ProfileSetting[] = [
      { name: "CHAT_OPENAI_ENDPOINT", value: facts.openai.endpoint, description: "Azure OpenAI endpoint (custom subdomain)" },
      { name: "CHAT_DEPLOYMENT", value: chat.name, description: `chat deployment (${chat.modelName}; a reasoning model: the app sends max_completion_tokens)` },
      { name: "CHAT_AUTH", value: facts.authMode === "keyless" ? "managed-identity" : "key", description: "how the app authenticates to Azure OpenAI" },
    ];
    if (facts.openai.keyReference) out.push({ name: "CHAT_OPENAI_KEY", value: facts.openai.keyReference, description: "account key from Key Vault", keyVaultReference: true });
    if (facts.openai.embeddingDeployment) {
      out.push(
        { name: "CHAT_EMBEDDING_DEPLOYMENT", value: facts.openai.embeddingDeployment.name, description: "embedding deployment for query vectors" },
        { name: "CHAT_EMBEDDING_DIMENSIONS", value: String(facts.openai.embeddingDimensions), description: "vector length of the index's embedding field" },
      );
    }
    if (facts.search) {
      out.push(
        { name: "CHAT_SEARCH_ENDPOINT", value: facts.search.endpoint, description: "Search service the app queries (F8)" },
        { name: "CHAT_SEARCH_INDEX", value: facts.search.indexName, description: "index the chat is grounded in" },
      );
    }
    if (facts.storage) {
      out.push(
        { name: "CHAT_BLOB_ENDPOINT", value: facts.storage.blobEndpoint, description: "blob endpoint the cited documents are read from (F11)" },
        { name: "CHAT_BLOB_CONTAINER", value: facts.storage.container, description: "container holding the documents" },
      );
    }
    return out;
  },
};

/** One stamp per region; each is a stack with its own state. */
const STAMPS = {
  "chat-weu": { location: "westeurope" },
  "chat-sec": { location: "swedencentral" },
} as const;

export function createApp(outdir?: string): App {
  const app = new App(outdir === undefined ? {} : { outdir });
  for (const [name, stamp] of Object.entries(STAMPS)) {
    // ChatStack: the azurerm provider, local state, outputs, the platform and its guardrails
    // (an error finding fails the synth). Names differ per region, so the stamps never collide.
    new ChatStack(app, name, { platform: { environment: "prod", location: stamp.location, profile: contosoChat, protectStatefulResources: true } });
  }
  return app;
}

if (require.main === module) {
  createApp().synth();
}
