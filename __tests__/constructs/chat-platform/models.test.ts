import { Testing } from "cdktf";
import { ChatStack } from "../../../app/chat-stack";
import { ChatPlatform, type ChatPlatformProps } from "../../../constructs/chat-platform";
import { ValidationError, ValidationErrors } from "../../../constructs/errors";
import { openAIProfile } from "../../../constructs/settings/profiles";
import { judgeDeployment } from "../../../catalogue/lifecycle";
import { Guardrails } from "../../../guardrails/guardrails";
import { newStack, onlyResource, resources, synthPlatform } from "../../../testing/helpers";
import { expectValidationError } from "./support";

/**
 * Models Azure will actually deploy (catalogue/lifecycle.ts): the platform refuses, at
 * synth and all in one run, a model version that is retired or closed to new customers
 * and a SKU the region does not offer, each with the replacement; "today" is fixed by the
 * test setup (CHAT_PLATFORM_TODAY=2026-12-06) or a prop, never the clock.
 */

const P = "test/Platform";
const build = (props: Partial<ChatPlatformProps>) => () => new ChatPlatform(newStack(), "Platform", { environment: "dev", ...props });

/** The problems one construction reports, in order. */
function problems(props: Partial<ChatPlatformProps>): ValidationError[] {
  try {
    build(props)();
  } catch (e) {
    if (e instanceof ValidationErrors) return [...e.errors];
    if (e instanceof ValidationError) return [e];
    throw e;
  }
  return [];
}

/** What the shipped stacks deployed before this change: both deployments fail at apply on 2026-12-06. */
const OLD_DEFAULTS: Partial<ChatPlatformProps> = {
  openai: {
    chatModel: { modelName: "gpt-4o", modelVersion: "2024-11-20", skuName: "GlobalStandard" },
    embeddingModel: { modelName: "text-embedding-3-small", modelVersion: "1", skuName: "Standard" },
  },
};

describe("the default models", () => {
  it("are what a new subscription can create with that SKU in that region today: gpt-5.4-mini and text-embedding-3-large, GlobalStandard", () => {
    const { json, platform } = synthPlatform();
    const deployments = resources(json, "azurerm_cognitive_deployment").map((d) => [d.name, d.model.name, d.model.version, d.sku.name]);
    expect(deployments).toEqual([
      ["gpt-5.4-mini", "gpt-5.4-mini", "2026-03-17", "GlobalStandard"],
      ["text-embedding-3-large", "text-embedding-3-large", "1", "GlobalStandard"],
    ]);
    for (const d of platform.openai.deployments) {
      expect(judgeDeployment({ model: d.modelName, version: d.modelVersion, sku: d.skuName, region: platform.location }, "2026-12-06")).toEqual([]);
    }
  });

  it("offer the documented EU data-zone choice: gpt-5.4 DataZoneStandard", () => {
    const { platform } = synthPlatform({ openai: { chatModel: { modelName: "gpt-5.4", skuName: "DataZoneStandard" }, embeddingModel: { skuName: "DataZoneStandard" } } });
    expect(platform.chatDeployment).toMatchObject({ name: "gpt-5.4", modelVersion: "2026-03-05", skuName: "DataZoneStandard" });
  });
});

describe("a model Azure will not deploy is refused at synth, every problem in one run", () => {
  it("refuses the old defaults twice: gpt-4o closed to new customers, text-embedding-3-small not offered as Standard in swedencentral", () => {
    const [chat, embedding, ...rest] = problems(OLD_DEFAULTS);
    expect(rest).toEqual([]);
    expect(chat.message).toMatch(
      /^test\/Platform: openai\.chatModel = "gpt-4o 2024-11-20 GlobalStandard in swedencentral \(deployment \\"gpt-4o\\"\)" gpt-4o 2024-11-20 closed to new customers on 2025-11-20 \(retires 2027-04-14\): .*ServiceModelDeprecating.*\(judged on 2026-12-06, fixed by CHAT_PLATFORM_TODAY\)\. Fix: deploy gpt-5\.4-mini 2026-03-17 \(GlobalStandard in swedencentral\) instead; only if this subscription already deploys gpt-4o 2024-11-20, declare it \(existingCustomer: true in the platform's configuration, or a suppression of AZ-MODEL-002 with that reason\)/,
    );
    expect(embedding).toMatchObject({ field: "openai.embeddingModel.skuName" });
    expect(embedding.message).toMatch(
      /swedencentral does not offer text-embedding-3-small 1 as Standard \(it offers GlobalStandard, DataZoneStandard\): apply fails with InvalidResourceProperties.*Fix: use skuName "GlobalStandard" or "DataZoneStandard", or a region that offers Standard: eastus2/,
    );
  });

  it("refuses a retired model even for an existing customer, naming the retirement and the replacement", () => {
    expectValidationError(build({ openai: { chatModel: { modelName: "gpt-4o", modelVersion: "2024-05-13", existingCustomer: true } } }), {
      path: P,
      field: "openai.chatModel",
      value: '"gpt-4o 2024-05-13 GlobalStandard in swedencentral (deployment \\"gpt-4o\\")"',
      fix: /^deploy gpt-5\.4-mini 2026-03-17 \(GlobalStandard in swedencentral\) instead$/,
    });
    expect(problems({ openai: { chatModel: { modelName: "gpt-4o", modelVersion: "2024-05-13" } } })[0].problem).toMatch(/retired on 2026-10-01: .*410 Gone/);
  });

  it("lets an existing customer keep a closed version until it retires, with a reasoned suppression the audit reads", () => {
    const props: Partial<ChatPlatformProps> = { openai: { chatModel: { modelName: "gpt-4.1", modelVersion: "2025-04-14", existingCustomer: true } } };
    const stack = new ChatStack(Testing.app(), "dev", { platform: { environment: "dev", ...props } });
    Testing.synth(stack, true);
    expect(stack.platform.chatDeployment.existingCustomer).toBe(true);
    const result = Guardrails.of(stack).result();
    expect(result.findings.filter((f) => f.ruleId.startsWith("AZ-MODEL"))).toEqual([]);
    expect(result.suppressed.map((f) => [f.ruleId, f.constructPath, f.reason])).toEqual([
      [
        "AZ-MODEL-002",
        "dev/Platform/OpenAI/Deployment-gpt-4.1",
        "existing customer: this subscription already deploys gpt-4.1 2025-04-14, so Azure still accepts it until it retires on 2027-04-14 (existingCustomer: true)",
      ],
    ]);
    // Not after retirement: the same declaration is refused on 2027-04-14.
    expect(problems({ ...props, today: "2027-04-14" }).map((e) => e.problem)).toEqual([expect.stringMatching(/^gpt-4\.1 2025-04-14 retired on 2027-04-14/)]);
  });

  it("refuses existingCustomer on a version open to every subscription (it would silence nothing, or the wrong thing later)", () => {
    expectValidationError(build({ openai: { chatModel: { existingCustomer: true } } }), {
      path: P,
      field: "openai.chatModel.existingCustomer",
      value: "true",
      fix: /remove existingCustomer/,
    });
  });

  it("judges on the configured today: before gpt-4o closed, the old chat model was deployable", () => {
    expect(problems({ ...OLD_DEFAULTS, today: "2025-06-01" }).map((e) => e.field)).toEqual(["openai.embeddingModel.skuName"]);
  });

  it("fails on a today that is not a date, naming where it came from", () => {
    expectValidationError(build({ today: "2026-02-30" }), { path: P, field: "today", value: '"2026-02-30"', fix: /YYYY-MM-DD/ });
  });

  it("refuses a chat model as the embedding model and the other way round", () => {
    expectValidationError(build({ openai: { embeddingModel: { modelName: "gpt-5.4-mini", modelVersion: "2026-03-17" } } }), {
      path: P,
      field: "openai.embeddingModel.modelName",
      value: '"gpt-5.4-mini"',
      fix: /an embedding model, e\.g\. "text-embedding-3-large"/,
    });
  });

  it("takes the one open version of another known model, and asks for the version where the catalogue cannot choose", () => {
    expect(synthPlatform({ openai: { chatModel: { modelName: "gpt-5.5" } } }).platform.chatDeployment.modelVersion).toBe("2026-04-24");
    expectValidationError(build({ openai: { chatModel: { modelName: "gpt-4o" } } }), {
      path: P,
      field: "openai.chatModel.modelVersion",
      value: "(not set)",
      fix: /name the version/,
    });
  });
});

describe("embedding dimensions", () => {
  it("are the catalogue's for the model, or shortened within the text-embedding-3 range", () => {
    expect(synthPlatform({ openai: { embeddingModel: { modelName: "text-embedding-ada-002", modelVersion: "2" } } }).platform.config.openai.embeddingDimensions).toBe(1536);
    expectValidationError(build({ openai: { embeddingModel: { dimensions: 4096 } } }), {
      path: P,
      field: "openai.embeddingModel.dimensions",
      value: "4096",
      fix: /from 1 to 3072/,
    });
    expectValidationError(build({ openai: { embeddingModel: { modelName: "text-embedding-ada-002", modelVersion: "2", dimensions: 512 } } }), {
      path: P,
      field: "openai.embeddingModel.dimensions",
      value: "512",
      fix: /remove it, or use 1536/,
    });
  });

  it("are required for an embedding model the catalogue does not know", () => {
    expectValidationError(build({ openai: { embeddingModel: { modelName: "my-embedder", modelVersion: "3" } } }), {
      path: P,
      field: "openai.embeddingModel.dimensions",
      value: "(not set)",
      fix: /give the model's vector length/,
    });
  });
});

describe("what the catalogue cannot vouch for, and what retires soon, is a guardrail warning at synth", () => {
  it("warns about a model the catalogue does not know, saying how to check", () => {
    const warnings: string[] = [];
    const stack = new ChatStack(Testing.app(), "dev", {
      platform: { environment: "dev", openai: { chatModel: { modelName: "gpt-6-astra", modelVersion: "2026-09-03" } } },
      guardrails: { warn: (l) => warnings.push(l) },
    });
    Testing.synth(stack, true);
    expect(warnings).toEqual([expect.stringMatching(/\[AZ-MODEL-005\] .*gpt-6-astra 2026-09-03 is not in the model catalogue.* az cognitiveservices model list -l swedencentral/)]);
  });

  it("warns 90 days ahead of a retirement, judged on the stack's today", () => {
    const warnings: string[] = [];
    const stack = new ChatStack(Testing.app(), "dev", { platform: { environment: "dev", today: "2027-07-01" }, guardrails: { warn: (l) => warnings.push(l) } });
    Testing.synth(stack, true);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/\[AZ-MODEL-004\] .*gpt-5\.4-mini 2026-03-17 retires on 2027-09-21, in 82 days/)]));
  });
});

describe("apps that call GPT-5-family (reasoning) models", () => {
  it("refuse the sample app with a reasoning model: it sends max_tokens", () => {
    expect(problems({ profile: "sampleApp", features: { onYourData: false } }).map((e) => [e.field, e.problem])).toEqual([
      ["openai.chatModel", expect.stringMatching(/is a reasoning model, which rejects max_tokens .*profile "sampleApp" sends max_tokens/)],
    ]);
  });

  it("make the openai profile's API version 2025-04-01-preview or later, and say max_completion_tokens", () => {
    const { json } = synthPlatform({ profile: "openai" });
    const settings = onlyResource(json, "azurerm_linux_web_app").app_settings;
    expect(settings.AZURE_OPENAI_API_VERSION).toBe("2025-04-01-preview");
    expect(() => build({ profile: openAIProfile({ apiVersion: "2024-10-21" }) })()).toThrow(
      /profile openai: apiVersion = "2024-10-21" is older than 2025-04-01-preview, the first API version that serves reasoning models such as gpt-5\.4-mini\. Fix: .*max_completion_tokens/,
    );
  });
});
