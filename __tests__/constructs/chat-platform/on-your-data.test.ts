import { Testing } from "cdktf";
import { ChatStack } from "../../../app/chat-stack";
import { ChatPlatform, type ChatPlatformProps } from "../../../constructs/chat-platform";
import { ValidationError, ValidationErrors } from "../../../constructs/errors";
import { Guardrails } from "../../../guardrails/guardrails";
import { newStack, synthPlatform } from "../../../testing/helpers";

/**
 * Azure OpenAI On Your Data was retired on 2026-10-14 (catalogue/lifecycle-data.ts
 * SERVICES.onYourData). A configuration that turns it on is refused from that day, with
 * the date, the source and the move, and every other problem of the configuration in the
 * same run; the flows that existed only for it (F2, F3) are implied by nothing else.
 */

const GPT41 = { chatModel: { modelName: "gpt-4.1", modelVersion: "2025-04-14", existingCustomer: true } } as const;

function problems(props: Partial<ChatPlatformProps>): ValidationError[] {
  try {
    new ChatPlatform(newStack(), "Platform", { environment: "dev", ...props });
  } catch (e) {
    if (e instanceof ValidationErrors) return [...e.errors];
    if (e instanceof ValidationError) return [e];
    throw e;
  }
  return [];
}

describe("On Your Data after its retirement", () => {
  it("refuses the sample app's default with the retirement date, the source and the move, and its model problem in the same run", () => {
    const [oyd, model, ...rest] = problems({ profile: "sampleApp" });
    expect(rest).toEqual([]);
    expect(oyd.message).toBe(
      'test/Platform: profile ("sampleApp" turns features.onYourData on) = true is Azure OpenAI On Your Data, retired on 2026-10-14 ' +
        "(https://learn.microsoft.com/azure/ai-foundry/openai/how-to/on-your-data-configuration (foundry-classic), 2026-02-06): all On Your Data API endpoints and data source connectors stop functioning: " +
        "a chat request with data_sources (DATASOURCE_TYPE=AzureCognitiveSearch in the sample app) fails, so every grounded chat fails. " +
        'Fix: move to app-side retrieval: the app queries Search itself and sends the results to the chat model (profile "searchOpenAIDemo", Azure-Samples/azure-search-openai-demo), ' +
        'i.e. set profile "searchOpenAIDemo"; or keep the sample app for ungrounded chat only with features.onYourData: false',
    );
    expect(model.field).toBe("openai.chatModel");
  });

  it("refuses onYourData set explicitly for any profile that supports it, naming the field", () => {
    const custom = { name: "contoso", onYourData: true, settings: () => [] };
    expect(problems({ profile: custom, features: { onYourData: true } }).map((e) => e.field)).toEqual(["features.onYourData"]);
  });

  it("is judged on the configured today: the day before retirement it is allowed, with its Microsoft Learn matrix", () => {
    const before = { profile: "sampleApp", today: "2026-10-13", openai: GPT41 } as const;
    const { platform } = synthPlatform(before);
    expect(platform.flows.map((f) => f.flow)).toEqual(expect.arrayContaining(["F2", "F3"]));
    expect(problems({ ...before, today: "2026-10-14" }).map((e) => e.field)).toEqual(['profile ("sampleApp" turns features.onYourData on)']);
  });

  it("warns through the guardrails before retirement, with the days left", () => {
    const warnings: string[] = [];
    const stack = new ChatStack(Testing.app(), "dev", {
      platform: { environment: "dev", profile: "sampleApp", today: "2026-09-14", openai: GPT41 },
      guardrails: { warn: (l) => warnings.push(l) },
    });
    Testing.synth(stack, true);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/\[AZ-OYD-001\] .*configures Azure OpenAI On Your Data .*retires on 2026-10-14, in 30 days/)]));
  });
});

describe("the sample app where it still works", () => {
  it("runs ungrounded chat on a model a subscription already deploys: no search variable, no grant for the OpenAI identity, a review note", () => {
    const stack = new ChatStack(Testing.app(), "dev", {
      platform: { environment: "dev", profile: "sampleApp", features: { onYourData: false }, openai: GPT41 },
      observability: false,
    });
    Testing.synth(stack, true);
    const p = stack.platform;
    expect(p.flows.map((f) => f.flow)).toEqual(["F1"]);
    expect(p.appSettings.map((s) => s.name).filter((n) => n.startsWith("AZURE_SEARCH") || n === "DATASOURCE_TYPE")).toEqual([]);
    expect(Guardrails.of(stack).result().errors).toBe(0);
  });
});
