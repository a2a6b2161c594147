import { ValidationError } from "../../errors";
import type { WebAppRuntime } from "../../web-app";
import { PlatformFacts, ProfileSetting, SettingsProfile } from "../profile";

/** The sample app's image, as its "Deploy to Azure" template runs it (microsoft/sample-app-aoai-chatGPT, infrastructure/deployment.json). */
export const SAMPLE_APP_IMAGE: WebAppRuntime = { kind: "container", registry: "sampleappaoaichatgpt.azurecr.io", image: "sample-app-aoai-chatgpt", tag: "latest" };

/**
 * Microsoft's "sample-app-aoai-chatGPT", Azure OpenAI + Azure AI Search On Your Data.
 *
 * What it can still do (docs/retrieval.md "1. What broke in the shipped stacks"): its grounding is On Your Data, retired
 * on 2026-10-14, so it can no longer ground a chat; and it always sends `max_tokens`,
 * which reasoning models (the GPT-5 family, all a new subscription can deploy) reject
 * (issue #1514). Left: ungrounded chat (`features.onYourData: false`) on a model it can
 * call, which today means a subscription that already deploys one (`existingCustomer`).
 * Its last commit is from 2025-05-28. For grounded chat use "searchOpenAIDemo".
 *
 * Variable names, defaults and rules come from the app's own settings code:
 * microsoft/sample-app-aoai-chatGPT, backend/settings.py at 54f0af2 (May 2025), with
 * the API-version floor enforced in app.py. What that code does with them:
 * - `AZURE_OPENAI_MODEL` is required (the *deployment* name sent as model).
 * - `AZURE_OPENAI_ENDPOINT` wins over `AZURE_OPENAI_RESOURCE`; the resource name is
 *   only used to build `https://{resource}.openai.azure.com`, so it must equal the
 *   custom subdomain. We set both, consistently.
 * - An empty or missing `AZURE_OPENAI_KEY` selects DefaultAzureCredential (F1).
 * - `DATASOURCE_TYPE` must be exactly "AzureCognitiveSearch"; anything else silently
 *   disables grounding (the sample's own ARM template never sets it).
 * - An empty or missing `AZURE_SEARCH_KEY` sends `system_assigned_managed_identity`,
 *   so the *OpenAI account's* identity calls Search (F2).
 * - `AUTH_ENABLED` defaults to true and expects App Service Authentication; without it
 *   the chat page says "Authentication not configured".
 * - `AZURE_SEARCH_USE_SEMANTIC_SEARCH` is read but never used: the query type decides.
 */
export const SAMPLE_APP_MIN_PREVIEW_API_VERSION = "2024-05-01-preview";

const API_VERSION = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(-preview)?$/;

export interface SampleAppProfileOptions {
  /**
   * `AZURE_OPENAI_PREVIEW_API_VERSION`; the app refuses anything below its minimum.
   * @default "2024-05-01-preview" (the app's own default and minimum)
   */
  readonly previewApiVersion?: string;
  /**
   * `AZURE_OPENAI_SYSTEM_MESSAGE`.
   * @default the app's default ("You are an AI assistant that helps people find information.")
   */
  readonly systemMessage?: string;
}

/** Compares `YYYY-MM-DD[-preview]` strings the way the app does (a preview sorts after its GA date). */
export function apiVersionAtLeast(version: string, minimum: string): boolean {
  return version >= minimum;
}

export function sampleAppProfile(options: SampleAppProfileOptions = {}): SettingsProfile {
  const previewApiVersion = options.previewApiVersion ?? SAMPLE_APP_MIN_PREVIEW_API_VERSION;
  if (!API_VERSION.test(previewApiVersion) || !apiVersionAtLeast(previewApiVersion, SAMPLE_APP_MIN_PREVIEW_API_VERSION)) {
    throw new ValidationError(
      "profile sampleApp",
      "previewApiVersion",
      previewApiVersion,
      `is not an API version the sample app accepts (minimum ${SAMPLE_APP_MIN_PREVIEW_API_VERSION})`,
      `use "${SAMPLE_APP_MIN_PREVIEW_API_VERSION}" or a later YYYY-MM-DD-preview version`,
    );
  }
  return {
    name: "sampleApp",
    // backend/settings.py. Its Search variables serve On Your Data (retired), which the
    // platform no longer addresses: only the key is declared, for keys mode's secrets rule.
    variables: {
      "openai.resourceName": "AZURE_OPENAI_RESOURCE",
      "openai.endpoint": "AZURE_OPENAI_ENDPOINT",
      "openai.chatDeployment": "AZURE_OPENAI_MODEL",
      "openai.key": "AZURE_OPENAI_KEY",
      "search.key": "AZURE_SEARCH_KEY",
    },
    onYourData: true,
    acceptsKeys: ["openai", "search"],
    sendsMaxTokens: true,
    runtime: SAMPLE_APP_IMAGE,
    settings(facts: PlatformFacts): ProfileSetting[] {
      const out: ProfileSetting[] = [
        { name: "AZURE_OPENAI_RESOURCE", value: facts.openai.resourceName, description: "account name = custom subdomain" },
        { name: "AZURE_OPENAI_ENDPOINT", value: facts.openai.endpoint, description: "custom-subdomain endpoint (wins over the resource name)" },
        {
          name: "AZURE_OPENAI_MODEL",
          value: facts.openai.chatDeployment.name,
          description: `chat deployment (${facts.openai.chatDeployment.modelName} ${facts.openai.chatDeployment.modelVersion})`,
        },
        {
          name: "AZURE_OPENAI_PREVIEW_API_VERSION",
          value: previewApiVersion,
          description: `API version (minimum ${SAMPLE_APP_MIN_PREVIEW_API_VERSION}); the app sends max_tokens, which GPT-5-family models reject`,
        },
        {
          name: "AUTH_ENABLED",
          value: facts.signInEnabled ? "true" : "false",
          description: facts.signInEnabled
            ? "App Service Authentication guards the app"
            : 'declared open (webApp.access "open"): no sign-in, the app is open to anyone with the URL',
        },
      ];
      if (options.systemMessage !== undefined) {
        out.push({ name: "AZURE_OPENAI_SYSTEM_MESSAGE", value: options.systemMessage, description: "system prompt" });
      }
      if (facts.openai.keyReference) {
        out.push({ name: "AZURE_OPENAI_KEY", value: facts.openai.keyReference, description: "account key from Key Vault", keyVaultReference: true });
      }
      // The sample app grounds only through On Your Data: without it, no search variable.
      const search = facts.onYourData ? facts.search : undefined;
      if (search) {
        out.push(
          { name: "DATASOURCE_TYPE", value: "AzureCognitiveSearch", description: "turns On Your Data grounding on (exact value required)" },
          { name: "AZURE_SEARCH_SERVICE", value: search.serviceName, description: "Search service name" },
          { name: "AZURE_SEARCH_INDEX", value: search.indexName, description: "index the chat is grounded in" },
          { name: "AZURE_SEARCH_QUERY_TYPE", value: search.queryType, description: "On Your Data query type" },
          { name: "AZURE_SEARCH_TOP_K", value: String(search.topK), description: "documents retrieved per question" },
        );
        if (search.semanticConfiguration) {
          out.push({ name: "AZURE_SEARCH_SEMANTIC_SEARCH_CONFIG", value: search.semanticConfiguration, description: "semantic configuration of the index" });
        }
        if (search.vectorColumns?.length) {
          out.push({ name: "AZURE_SEARCH_VECTOR_COLUMNS", value: search.vectorColumns.join("|"), description: "vector fields of the index" });
        }
        if (facts.openai.embeddingDeployment && search.queryType.startsWith("vector")) {
          out.push({
            name: "AZURE_OPENAI_EMBEDDING_NAME",
            value: facts.openai.embeddingDeployment.name,
            description: `embedding deployment for vector queries (${facts.openai.embeddingDeployment.modelName})`,
          });
        }
        if (search.keyReference) {
          out.push({ name: "AZURE_SEARCH_KEY", value: search.keyReference, description: "Search admin key from Key Vault", keyVaultReference: true });
        }
      }
      return out;
    },
  };
}
