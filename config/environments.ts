import { ChatStackProps } from "../constructs/chat-stack";

/** The environments the ready app deploys, one stack each. */
export const ENVIRONMENTS: Record<string, ChatStackProps> = {
  dev: {
    platform: { environment: "dev" },
  },
};
