import { App } from "cdktf";
import { ChatStack, ChatStackProps } from "./app/chat-stack";
import { shippedEnvironments } from "./config/environments";

export interface CreateAppOptions {
  /** @default "cdktf.out" (cdktf.json's output) */
  readonly outdir?: string;
  /**
   * Stack name -> props.
   * @default config/environments.json, validated (see config/schema.ts)
   */
  readonly environments?: Record<string, ChatStackProps>;
}

/** The ready app: one stack per environment, named after it (`cdktf deploy dev`). */
export function createApp(options: CreateAppOptions | string = {}): App {
  const { outdir, environments = shippedEnvironments() } = typeof options === "string" ? { outdir: options } : options;
  const app = new App({ outdir, skipValidation: false });
  for (const [name, props] of Object.entries(environments)) {
    new ChatStack(app, name, props);
  }
  return app;
}

if (require.main === module) {
  createApp().synth();
}
