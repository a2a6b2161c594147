import { lifecycleFindings } from "../model-deployments";
import type { Rule } from "../rule";
import { MODEL_RULE_IDS } from "../../catalogue/lifecycle";

/**
 * A model version that retires, or closes to new customers, within
 * RETIREMENT_WARNING_DAYS (catalogue/lifecycle.ts): it works today, so a warning.
 */
export const modelRetiringSoon: Rule = {
  id: MODEL_RULE_IDS.retiringSoon,
  name: "model-retiring-soon",
  severity: "warning",
  title: "A model deployment that retires or closes to new customers soon",
  why: "On the retirement date every request answers 410 Gone; once a version closes, a new environment (a new subscription) can no longer deploy it. Moving takes a deployment, a quota check and a test of the app's prompts.",
  fix: "Move to the replacement the catalogue names before the date.",
  helpUri: "https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements",
  evaluate(model) {
    return lifecycleFindings(this, model, ["retiringSoon", "closingSoon"]);
  },
};
