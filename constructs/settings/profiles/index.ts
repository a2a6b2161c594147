import { SettingsProfile } from "../profile";
import { openAIProfile } from "./openai";
import { sampleAppProfile } from "./sample-app";

export * from "./openai";
export * from "./sample-app";

/** The built-in profiles by name, with their default options. */
export const BUILT_IN_PROFILES = {
  sampleApp: () => sampleAppProfile(),
  openai: () => openAIProfile(),
} satisfies Record<string, () => SettingsProfile>;

export type BuiltInProfileName = keyof typeof BUILT_IN_PROFILES;
export const BUILT_IN_PROFILE_NAMES = Object.keys(BUILT_IN_PROFILES) as BuiltInProfileName[];
