import { App } from "cdktf";
import { ChatStack } from "./constructs/chat-stack";
import { ENVIRONMENTS } from "./config/environments";

/** The ready app: one stack per environment, named after it. */
export function createApp(outdir?: string): App {
  const app = new App({ outdir, skipValidation: false });
  for (const [name, props] of Object.entries(ENVIRONMENTS)) {
    new ChatStack(app, name, props);
  }
  return app;
}

if (require.main === module) {
  createApp().synth();
}
