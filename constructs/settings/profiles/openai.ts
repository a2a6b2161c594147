import { ValidationError } from "../../errors";
import { PlatformFacts, ProfileSetting, SettingsProfile } from "../profile";
import { apiVersionAtLeast } from "./sample-app";

/**
 * The plain Azure OpenAI client style of the usual Python samples: `AUTHENTICATION=AZURE` selects
 * DefaultAzureCredential with the `https://cognitiveservices.azure.com/.default` scope,
 * anything else an API key from `AZURE_OPENAI_KEY`.
 *
 * GPT-5-family models are reasoning models: the app must send `max_completion_tokens`
 * (Chat Completions) or `max_output_tokens` (Responses), never `max_tokens`, and call a
 * dated API version of 2025-04-01-preview or later, or the v1 API (Learn,
 * foundry/openai/how-to/reasoning.md, 2026-02-24; the minimum dated version is from
 * field reports; docs/retrieval.md "2. Model lifecycle").
 */
export const OPENAI_DEFAULT_API_VERSION = "2025-04-01-preview";

/** The oldest dated API version that serves reasoning models. */
export const REASONING_MIN_API_VERSION = "2025-04-01-preview";

const API_VERSION = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(-preview)?$/;

export interface OpenAIProfileOptions {
  /**
   * `AZURE_OPENAI_API_VERSION`. A reasoning chat model (GPT-5 family) needs
   * 2025-04-01-preview or later.
   * @default "2025-04-01-preview"
   */
  readonly apiVersion?: string;
}

export function openAIProfile(options: OpenAIProfileOptions = {}): SettingsProfile {
  const apiVersion = options.apiVersion ?? OPENAI_DEFAULT_API_VERSION;
  if (!API_VERSION.test(apiVersion)) {
    throw new ValidationError(
      "profile openai",
      "apiVersion",
      apiVersion,
      "is not an Azure OpenAI API version",
      `use a YYYY-MM-DD or YYYY-MM-DD-preview version, e.g. "${OPENAI_DEFAULT_API_VERSION}"`,
    );
  }
  return {
    name: "openai",
    variables: { "openai.endpoint": "AZURE_OPENAI_ENDPOINT", "openai.key": "AZURE_OPENAI_KEY", "openai.chatDeployment": "AZURE_OPENAI_CHATGPT_DEPLOYMENT" },
    onYourData: false,
    acceptsKeys: ["openai"],
    settings(facts: PlatformFacts): ProfileSetting[] {
      const chat = facts.openai.chatDeployment;
      const reasoning = chat.facts?.reasoning === true;
      if (reasoning && !apiVersionAtLeast(apiVersion, REASONING_MIN_API_VERSION)) {
        throw new ValidationError(
          "profile openai",
          "apiVersion",
          apiVersion,
          `is older than ${REASONING_MIN_API_VERSION}, the first API version that serves reasoning models such as ${chat.modelName}`,
          `use "${REASONING_MIN_API_VERSION}" or later (and send max_completion_tokens, not max_tokens)`,
        );
      }
      const keyed = facts.openai.keyReference !== undefined;
      const out: ProfileSetting[] = [
        { name: "AUTHENTICATION", value: keyed ? "API_KEY" : "AZURE", description: keyed ? "API key from AZURE_OPENAI_KEY" : "DefaultAzureCredential (managed identity)" },
        { name: "AZURE_OPENAI_ENDPOINT", value: facts.openai.endpoint, description: "custom-subdomain endpoint" },
        {
          name: "AZURE_OPENAI_API_VERSION",
          value: apiVersion,
          description: reasoning ? `API version; ${chat.modelName} is a reasoning model: send max_completion_tokens, not max_tokens` : "API version",
        },
        { name: "AZURE_OPENAI_CHATGPT_DEPLOYMENT", value: chat.name, description: `chat deployment (${chat.modelName})` },
      ];
      if (keyed) out.push({ name: "AZURE_OPENAI_KEY", value: facts.openai.keyReference!, description: "account key from Key Vault", keyVaultReference: true });
      return out;
    },
  };
}
