import { lifecycleFindings } from "../model-deployments";
import type { Rule } from "../rule";
import { MODEL_RULE_IDS } from "../../catalogue/lifecycle";

/**
 * A deprecated ("Deprecating" in ARM) model version accepts new deployments only from
 * subscriptions that already deploy it. Such an existing customer suppresses this rule
 * for the deployment with that reason (ChatPlatform does it for `existingCustomer: true`);
 * retirement (AZ-MODEL-001) cannot be suppressed away by the same reason.
 */
export const modelClosedToNewCustomers: Rule = {
  id: MODEL_RULE_IDS.closedToNewCustomers,
  name: "model-closed-to-new-customers",
  severity: "error",
  title: "A model deployment of a version closed to new customers",
  why: "A subscription that never deployed the version gets ServiceModelDeprecating at apply: the plan a reviewer approved fails.",
  fix: "Deploy the replacement the catalogue names; if this subscription already deploys the version, suppress this rule for the deployment with that reason.",
  helpUri: "https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements",
  evaluate(model) {
    return lifecycleFindings(this, model, ["closedToNewCustomers"]);
  },
};
