import { ValidationError } from "../../errors";
import { PlatformFacts, ProfileSetting, SettingsProfile } from "../profile";

/**
 * The plain Azure OpenAI client style of the usual Python samples: `AUTHENTICATION=AZURE` selects
 * DefaultAzureCredential with the `https://cognitiveservices.azure.com/.default` scope,
 * anything else an API key from `AZURE_OPENAI_KEY`.
 */
export const OPENAI_DEFAULT_API_VERSION = "2024-10-21";

export interface OpenAIProfileOptions {
  /**
   * `AZURE_OPENAI_API_VERSION`.
   * @default "2024-10-21" (GA)
   */
  readonly apiVersion?: string;
}

export function openAIProfile(options: OpenAIProfileOptions = {}): SettingsProfile {
  const apiVersion = options.apiVersion ?? OPENAI_DEFAULT_API_VERSION;
  if (!/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(-preview)?$/.test(apiVersion)) {
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
    onYourData: false,
    settings(facts: PlatformFacts): ProfileSetting[] {
      const keyed = facts.openai.keyReference !== undefined;
      const out: ProfileSetting[] = [
        { name: "AUTHENTICATION", value: keyed ? "API_KEY" : "AZURE", description: keyed ? "API key from AZURE_OPENAI_KEY" : "DefaultAzureCredential (managed identity)" },
        { name: "AZURE_OPENAI_ENDPOINT", value: facts.openai.endpoint, description: "custom-subdomain endpoint" },
        { name: "AZURE_OPENAI_API_VERSION", value: apiVersion, description: "API version" },
        { name: "AZURE_OPENAI_CHATGPT_DEPLOYMENT", value: facts.openai.chatDeployment.name, description: `chat deployment (${facts.openai.chatDeployment.modelName})` },
      ];
      if (keyed) out.push({ name: "AZURE_OPENAI_KEY", value: facts.openai.keyReference!, description: "account key from Key Vault", keyVaultReference: true });
      return out;
    },
  };
}
