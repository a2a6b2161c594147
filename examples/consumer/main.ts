/**
 * A platform team's own cdktf app on azure-ai-chat-platform, the library (packed and
 * installed: `npm run check` does it). Everything comes from the package's public API;
 * cdktf, constructs and the provider classes are this app's own (peer dependencies).
 *
 * Three stacks:
 * - `chat-weu`: the pattern (ChatPlatform) in a stack of our own, private network,
 *   keyless, our own chat app's settings profile, developers, and an extra grant for a
 *   pipeline that reloads the index;
 * - `chat-sec`: the ready stack (ChatStack), keys mode, the same profile;
 * - `search-lab`: the constructs without the pattern, composed by hand, with names
 *   unique per subscription and the app's intended calls declared, so the guardrails
 *   hold it to the same access matrix.
 *
 *   npm install && npm run synth      # cdktf.out/stacks/<stack>/cdk.tf.json
 *   npm test                          # matrix, guardrails, settings and snapshot tests
 */
import { App, TerraformStack } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import {
  ChatPlatform,
  ChatStack,
  EntraPrincipal,
  Guardrails,
  OpenAIAccount,
  SearchService,
  type SettingsProfile,
  StorageAccount,
  WebApp,
  provideNaming,
  uniqueNaming,
} from "azure-ai-chat-platform";

/**
 * Our chat app, as a contract with the platform: which variable carries which fact
 * (`variables`; the platform fills them and the guardrails judge the app by them, never
 * by the names), plus the variables of its own (`settings`). It retrieves itself
 * (app-side RAG): it queries the index and reads the cited blobs with its identity.
 */
export const contosoChat: SettingsProfile = {
  name: "contosoChat",
  appSideRetrieval: true,
  variables: {
    "openai.endpoint": "CHAT_OPENAI_ENDPOINT",
    // Read only in keys mode; keyless, the platform sets no key at all.
    "openai.key": "CHAT_OPENAI_CREDENTIAL",
    "openai.chatDeployment": "CHAT_DEPLOYMENT",
    "openai.embeddingDeployment": "CHAT_EMBEDDING_DEPLOYMENT",
    "search.endpoint": "CHAT_SEARCH_ENDPOINT",
    "search.indexName": "CHAT_SEARCH_INDEX",
    "storage.blobEndpoint": "CHAT_BLOB_ENDPOINT",
    "storage.container": "CHAT_BLOB_CONTAINER",
  },
  settings: (facts) => [
    { name: "CHAT_AUTH", value: facts.authMode === "keyless" ? "managed-identity" : "key", description: "how the app authenticates to Azure OpenAI" },
    { name: "CHAT_EMBEDDING_DIMENSIONS", value: String(facts.openai.embeddingDimensions), description: "vector length of the index's embedding field" },
  ],
};

/** The pipeline that reloads the index every night (a service principal of ours). */
export const NIGHTLY_INDEXER = "0f1e2d3c-4b5a-4968-8776-655443322110";
const DEVELOPERS = [{ objectId: "4f1c2a9e-7b3d-4e8a-9c61-2d5b8e0f7a13", type: "Group", name: "chat-devs" }] as const;

/** A stack of our own: our provider (a private platform needs the storage data plane skipped), the pattern, the guardrails. */
export class PrivateChat extends TerraformStack {
  public readonly platform: ChatPlatform;

  constructor(scope: App, id: string) {
    super(scope, id);
    new AzurermProvider(this, "azurerm", { features: [{ storage: [{ dataPlaneAvailable: false }] }], storageUseAzuread: true });
    this.platform = new ChatPlatform(this, "Chat", {
      environment: "prod",
      location: "westeurope",
      profile: contosoChat,
      network: { mode: "private" },
      developers: DEVELOPERS,
      webApp: { vaultSecrets: { CHAT_FEEDBACK_DB_PASSWORD: "feedback-db-password" } },
      protectStatefulResources: true,
    });
    // Role-named grant methods, as for the platform's own flows; the access matrix records the reason.
    const indexer = EntraPrincipal.fromObjectId(this, NIGHTLY_INDEXER, "ServicePrincipal", "nightly indexer");
    this.platform.search.grantIndexDataContributor(indexer, { reason: "reloads the index every night" });
    this.platform.storage.grantBlobDataReader(indexer, { reason: "reads the documents it indexes" });
    Guardrails.apply(this);
  }
}

/** The constructs without the pattern: a retrieval lab whose app names its variables itself. */
export class SearchLab extends TerraformStack {
  public readonly openai: OpenAIAccount;
  public readonly search: SearchService;
  public readonly storage: StorageAccount;
  public readonly app: WebApp;

  constructor(scope: App, id: string) {
    super(scope, id);
    new AzurermProvider(this, "azurerm", { features: [{}], storageUseAzuread: true });
    // Names unique per subscription, as ChatPlatform's are (a plan-time suffix from the subscription).
    provideNaming(this, uniqueNaming(this, { prefix: "lab", environment: "dev", location: "swedencentral" }));
    const where = { resourceGroupName: "contoso-lab-rg", location: "swedencentral" };
    this.openai = new OpenAIAccount(this, "OpenAI", where);
    this.openai.addDeployment({ name: "chat", modelName: "gpt-5.4-mini", modelVersion: "2026-03-17" });
    this.search = new SearchService(this, "Search", where);
    this.storage = new StorageAccount(this, "Storage", where);
    this.app = new WebApp(this, "App", { ...where, tags: { "app-access": "open" } });
    this.app.settings.set({ name: "LAB_LLM", value: this.openai.endpoint, origin: "lab", description: "endpoint", keyVaultReference: false, fact: "openai.endpoint" });
    this.app.settings.set({ name: "LAB_INDEX", value: this.search.endpoint, origin: "lab", description: "index", keyVaultReference: false, fact: "search.endpoint" });
    // The calls the app makes: the guardrails fail the synth until each is granted.
    this.app.intends({ openai: this.openai, search: this.search, storage: this.storage });
    this.openai.grantOpenAIUser(this.app);
    this.search.grantIndexDataReader(this.app);
    this.storage.grantBlobDataReader(this.app);
    Guardrails.apply(this);
  }
}

export function createApp(outdir?: string): App {
  const app = new App(outdir === undefined ? {} : { outdir });
  new PrivateChat(app, "chat-weu");
  // The ready stack: provider, local state, outputs, observability, the platform and its guardrails.
  new ChatStack(app, "chat-sec", { platform: { environment: "prod", location: "swedencentral", authMode: "keys", profile: contosoChat, developers: DEVELOPERS } });
  new SearchLab(app, "search-lab");
  return app;
}

if (require.main === module) {
  createApp().synth();
}
