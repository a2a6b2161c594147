import { lifecycleFindings } from "../model-deployments";
import type { Rule } from "../rule";
import { MODEL_RULE_IDS } from "../../catalogue/lifecycle";

/**
 * A model, region or deployment type the catalogue has no row for: nothing vouches that
 * Azure deploys it. A warning at synth, where the author chose the model; a note in anyone
 * else's Terraform (AuditOptions.unknownModels), where a fine-tune or a newer model is no
 * reason to fail a gate.
 */
export const modelUnknownToCatalogue: Rule = {
  id: MODEL_RULE_IDS.unknown,
  name: "model-unknown-to-catalogue",
  severity: "warning",
  title: "A model deployment the lifecycle catalogue cannot vouch for",
  why: "The catalogue records lifecycle dates and regional offers with their sources; for anything else only Azure's live model list can say whether the apply will work.",
  fix: "Check the region's offer with `az cognitiveservices model list -l <region> -o table` before applying.",
  helpUri: "https://learn.microsoft.com/azure/ai-foundry/openai/concepts/models",
  evaluate(model) {
    return lifecycleFindings(this, model, ["unknownModel", "unknownRegion", "unknownSku"]).map((f) => ({ ...f, severity: model.unknownModels }));
  },
};
