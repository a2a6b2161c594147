import { lifecycleFindings } from "../model-deployments";
import type { Rule } from "../rule";
import { MODEL_RULE_IDS } from "../../catalogue/lifecycle";

/**
 * A retired model answers every request with 410 Gone, and Azure refuses new deployments
 * of it (catalogue/lifecycle-data.ts has the dates and their sources).
 */
export const modelRetired: Rule = {
  id: MODEL_RULE_IDS.retired,
  name: "model-retired",
  severity: "error",
  title: "A model deployment of a retired model version",
  why: "After retirement every inference request answers 410 Gone and new deployments fail with ServiceModelDeprecated; the app's first chat message fails.",
  fix: "Deploy the replacement the catalogue names (a current model version the region offers).",
  helpUri: "https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements",
  evaluate(model) {
    return lifecycleFindings(this, model, ["retired"]);
  },
};
