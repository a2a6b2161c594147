import { lifecycleFindings } from "../model-deployments";
import type { Rule } from "../rule";
import { MODEL_RULE_IDS } from "../../catalogue/lifecycle";

/**
 * A deployment type (`sku.name`) the account's region does not offer for the model
 * version; judged only where the region is a literal in the configuration.
 */
export const modelSkuNotInRegion: Rule = {
  id: MODEL_RULE_IDS.skuNotOffered,
  name: "model-sku-not-in-region",
  severity: "error",
  title: "A model deployment type the region does not offer",
  why: 'Apply fails with InvalidResourceProperties ("The specified SKU ... is not supported in this region") after the plan was approved.',
  fix: "Use a deployment type the region offers for the model (GlobalStandard is the widest), or another region.",
  helpUri: "https://learn.microsoft.com/azure/ai-foundry/openai/concepts/models",
  evaluate(model) {
    return lifecycleFindings(this, model, ["skuNotOffered"]);
  },
};
