import { SettingsProfile } from "../profile";
import { openAIProfile } from "./openai";
import { sampleAppProfile } from "./sample-app";
import { searchOpenAIDemoProfile } from "./search-openai-demo";

export * from "./openai";
export * from "./sample-app";
export * from "./search-openai-demo";

/** The built-in profiles by name, with their default options. */
export const BUILT_IN_PROFILES = {
  searchOpenAIDemo: () => searchOpenAIDemoProfile(),
  sampleApp: () => sampleAppProfile(),
  openai: () => openAIProfile(),
} satisfies Record<string, () => SettingsProfile>;

export type BuiltInProfileName = keyof typeof BUILT_IN_PROFILES;
export const BUILT_IN_PROFILE_NAMES = Object.keys(BUILT_IN_PROFILES) as BuiltInProfileName[];
