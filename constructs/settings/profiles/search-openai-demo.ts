import type { WebAppRuntime } from "../../web-app";
import type { PlatformFacts, ProfileSetting, SettingsProfile } from "../profile";

/**
 * Azure-Samples/azure-search-openai-demo: the maintained app-side retrieval app. It
 * queries Azure AI Search itself, reads the cited documents from Blob Storage and sends
 * both to the chat model; Azure OpenAI never calls Search (no On Your Data).
 *
 * Variable names, which are required and their defaults come from the app's own code,
 * read 2026-12-06 (the file index holds no clean upstream copy of app.py newer than
 * these; fork-only lines were ignored):
 * - app/backend/app.py `setup_clients` @08a7ce96: AZURE_STORAGE_ACCOUNT,
 *   AZURE_STORAGE_CONTAINER, AZURE_SEARCH_SERVICE, AZURE_SEARCH_INDEX and
 *   AZURE_OPENAI_CHATGPT_MODEL are read with os.environ[...] (a KeyError at start
 *   without them); AZURE_OPENAI_SERVICE is required with OPENAI_HOST "azure" (the
 *   default). Optional with defaults that do not fit our deployments:
 *   AZURE_OPENAI_EMB_MODEL_NAME ("text-embedding-ada-002"), AZURE_OPENAI_EMB_DIMENSIONS
 *   (1536), AZURE_SEARCH_SEMANTIC_RANKER ("free"), USE_VECTORS (on unless "false"),
 *   AZURE_SEARCH_FIELD_NAME_EMBEDDING ("embedding").
 * - app/backend/servicesetup.py @2ab12ab4: the endpoint is built from the service name,
 *   `https://{AZURE_OPENAI_SERVICE}.openai.azure.com/openai/v1` (the v1 API, no
 *   api-version), so the account's custom subdomain must equal that name; a key only
 *   through AZURE_OPENAI_API_KEY_OVERRIDE. Search is always called with the app's
 *   identity (no Search key setting upstream), so keys mode still grants F8.
 * - app/backend/approaches/approach.py @08a7ce96: chat goes through the Responses API
 *   with `max_output_tokens`, and any model starting with "gpt-5" is a reasoning model:
 *   the GPT-5 family works; `dimensions` is sent to text-embedding-3-* only.
 * - infra/main.bicep @fa275d6c: the runtime (Python 3.11, `python3 -m gunicorn
 *   main:app`, build during deployment), the defaults (gpt-5.4-mini 2026-03-17,
 *   text-embedding-3-large with 3072 dimensions) and the role assignments mirrored by
 *   the access flows (F1, F8, F11 for the app; F5 and F4 for Search; F10 for whoever
 *   runs prepdocs).
 * - Agentic retrieval: USE_AGENTIC_KNOWLEDGEBASE, AZURE_SEARCH_KNOWLEDGEBASE_NAME and
 *   AZURE_OPENAI_KNOWLEDGEBASE_DEPLOYMENT (setup_search_info raises "Azure OpenAI
 *   deployment for Knowledge Base must be specified" without it) / _MODEL. The
 *   upstream bicep writes the last two in mixed case (AZURE_OPENAI_knowledgeBase_*),
 *   which Linux passes as different variables; we write the names the app reads.
 *
 * AZURE_USE_AUTHENTICATION stays unset (false): App Service Authentication in front of
 * the app does the sign-in, and the app ignores it (`get_auth_claims_if_enabled`
 * returns no claims when its own login is off). WEBSITE_HOSTNAME, which App Service
 * always sets, selects the managed identity credential.
 */
export const SEARCH_OPENAI_DEMO_RUNTIME: WebAppRuntime = { kind: "python", version: "3.11", startCommand: "python3 -m gunicorn main:app" };

export function searchOpenAIDemoProfile(): SettingsProfile {
  return {
    name: "searchOpenAIDemo",
    // What the app's code reads each fact from (app.py setup_clients, servicesetup.py).
    variables: {
      "openai.resourceName": "AZURE_OPENAI_SERVICE",
      "openai.key": "AZURE_OPENAI_API_KEY_OVERRIDE",
      "openai.chatDeployment": "AZURE_OPENAI_CHATGPT_DEPLOYMENT",
      "openai.embeddingDeployment": "AZURE_OPENAI_EMB_DEPLOYMENT",
      "search.serviceName": "AZURE_SEARCH_SERVICE",
      "search.indexName": "AZURE_SEARCH_INDEX",
      "storage.accountName": "AZURE_STORAGE_ACCOUNT",
      "storage.container": "AZURE_STORAGE_CONTAINER",
    },
    onYourData: false,
    appSideRetrieval: true,
    acceptsKeys: ["openai"],
    agenticRetrieval: true,
    runtime: SEARCH_OPENAI_DEMO_RUNTIME,
    settings(facts: PlatformFacts): ProfileSetting[] {
      const out = [...retrievalSettings(facts)];
      if (facts.openai.keyReference) {
        out.push({ name: "AZURE_OPENAI_API_KEY_OVERRIDE", value: facts.openai.keyReference, description: "account key from Key Vault", keyVaultReference: true });
      }
      const agentic = facts.agenticRetrieval;
      if (agentic) {
        out.push(
          { name: "USE_AGENTIC_KNOWLEDGEBASE", value: "true", description: "agentic retrieval through a Search knowledge base" },
          { name: "AZURE_SEARCH_KNOWLEDGEBASE_NAME", value: agentic.knowledgeBaseName, description: "knowledge base the app retrieves through" },
          {
            name: "AZURE_OPENAI_KNOWLEDGEBASE_DEPLOYMENT",
            value: agentic.deployment.name,
            description: "deployment the knowledge base plans queries with (Search's identity calls it, F5)",
          },
          { name: "AZURE_OPENAI_KNOWLEDGEBASE_MODEL", value: agentic.deployment.modelName, description: "model of that deployment" },
        );
      }
      return out;
    },
    indexBuilderSettings(facts) {
      // scripts/prepdocs with app/backend/prepdocs.py reads these; AZURE_OPENAI_ENDPOINT is
      // required there (a KeyError without it), the resource group and subscription locate
      // the storage account.
      const out = [
        ...retrievalSettings(facts),
        { name: "OPENAI_HOST", value: "azure", description: "Azure OpenAI" },
        { name: "AZURE_OPENAI_ENDPOINT", value: facts.openai.endpoint, description: "custom-subdomain endpoint" },
        { name: "AZURE_SUBSCRIPTION_ID", value: facts.subscriptionId, description: "subscription of the storage account" },
      ];
      if (facts.storage) out.push({ name: "AZURE_STORAGE_RESOURCE_GROUP", value: facts.storage.resourceGroupName, description: "resource group of the storage account" });
      return out;
    },
  };
}

/** What both the app and its ingestion read: where the documents and the index are, and the models. */
function retrievalSettings(facts: PlatformFacts): ProfileSetting[] {
  const chat = facts.openai.chatDeployment;
  const out: ProfileSetting[] = [
    { name: "AZURE_OPENAI_SERVICE", value: facts.openai.resourceName, description: "account name = custom subdomain (the app builds https://<name>.openai.azure.com/openai/v1)" },
    { name: "AZURE_OPENAI_CHATGPT_DEPLOYMENT", value: chat.name, description: `chat deployment (${chat.modelName} ${chat.modelVersion})` },
    { name: "AZURE_OPENAI_CHATGPT_MODEL", value: chat.modelName, description: "chat model (the app treats gpt-5* as reasoning models)" },
  ];
  const embedding = facts.openai.embeddingDeployment;
  if (embedding) {
    out.push(
      { name: "AZURE_OPENAI_EMB_DEPLOYMENT", value: embedding.name, description: `embedding deployment (${embedding.modelName} ${embedding.modelVersion})` },
      { name: "AZURE_OPENAI_EMB_MODEL_NAME", value: embedding.modelName, description: "embedding model (the app's default is text-embedding-ada-002)" },
      {
        name: "AZURE_OPENAI_EMB_DIMENSIONS",
        value: String(facts.openai.embeddingDimensions),
        description: "vector length of the index's embedding field (the app's default is 1536)",
      },
    );
  } else {
    out.push({ name: "USE_VECTORS", value: "false", description: "no embedding deployment: text and semantic retrieval only" });
  }
  const search = facts.search;
  if (search) {
    out.push(
      { name: "AZURE_SEARCH_SERVICE", value: search.serviceName, description: "Search service the app queries (F8)" },
      { name: "AZURE_SEARCH_INDEX", value: search.indexName, description: "index the app retrieves from (built by prepdocs)" },
      { name: "AZURE_SEARCH_SEMANTIC_RANKER", value: search.semanticRanker, description: "the service's semantic ranker plan" },
    );
    const field = search.vectorColumns?.[0];
    if (embedding && field) out.push({ name: "AZURE_SEARCH_FIELD_NAME_EMBEDDING", value: field, description: "vector field of the index" });
  }
  const storage = facts.storage;
  if (storage) {
    out.push(
      { name: "AZURE_STORAGE_ACCOUNT", value: storage.accountName, description: "account the cited documents are read from (F11)" },
      { name: "AZURE_STORAGE_CONTAINER", value: storage.container, description: "container holding the documents" },
    );
  }
  return out;
}
