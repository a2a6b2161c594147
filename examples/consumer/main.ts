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
 * The environment variables our chat app reads. The platform derives every value from
 * what it built (endpoints, deployment names, Key Vault references in keys mode), so
 * identity, grants and settings cannot disagree.
 */
const contosoChat: SettingsProfile = {
  name: "contosoChat",
  // Our app sends On Your Data requests: the platform grants OpenAI's identity its roles on Search.
  onYourData: true,
  settings(facts: PlatformFacts): ProfileSetting[] {
    const out: ProfileSetting[] = [
      { name: "CHAT_OPENAI_ENDPOINT", value: facts.openai.endpoint, description: "Azure OpenAI endpoint (custom subdomain)" },
      { name: "CHAT_DEPLOYMENT", value: facts.openai.chatDeployment.name, description: `chat deployment (${facts.openai.chatDeployment.modelName})` },
      { name: "CHAT_AUTH", value: facts.authMode === "keyless" ? "managed-identity" : "key", description: "how the app authenticates to Azure OpenAI" },
    ];
    if (facts.openai.keyReference) out.push({ name: "CHAT_OPENAI_KEY", value: facts.openai.keyReference, description: "account key from Key Vault", keyVaultReference: true });
    if (facts.search) {
      out.push(
        // With On Your Data, Azure OpenAI calls Search with its own identity (F2), not the app
        // (F8, features.appQueriesSearch). The guardrails' flow audit reads this setting, the
        // sample app's switch, as the plainest evidence of which one the app does.
        { name: "DATASOURCE_TYPE", value: "AzureCognitiveSearch", description: "On Your Data: Azure OpenAI queries Search" },
        { name: "CHAT_SEARCH_SERVICE", value: facts.search.serviceName, description: "Search service On Your Data grounds the chat in" },
        { name: "CHAT_SEARCH_INDEX", value: facts.search.indexName, description: "index the chat is grounded in" },
      );
      if (facts.search.keyReference)
        out.push({ name: "CHAT_SEARCH_KEY", value: facts.search.keyReference, description: "Search admin key from Key Vault", keyVaultReference: true });
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
  const app = new App({ outdir });
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
