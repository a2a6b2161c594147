import { TYPES, argument, describe, isFalse } from "../azure";
import { Finding, Rule, finding, show } from "../rule";

/**
 * The documents behind On Your Data are private; anonymous blob access must be off at
 * the account so no container can be made public by mistake. azurerm defaults
 * allow_nested_items_to_be_public to true.
 * https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent
 */
export const storagePublicAccess: Rule = {
  id: "AZ-ST-002",
  name: "storage-public-access",
  severity: "error",
  title: "Storage allows anonymous (public) blob access",
  why: "With nested public access allowed, one container setting away from publishing the grounding documents to the internet.",
  fix: "Set allow_nested_items_to_be_public = false.",
  helpUri: "https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const storage of model.ofType(TYPES.storage)) {
      if (isFalse(storage.values.allow_nested_items_to_be_public)) continue;
      findings.push(
        finding(
          this,
          storage,
          `${describe(storage)}: ${argument(storage, "allow_nested_items_to_be_public")} = ${show(storage.values.allow_nested_items_to_be_public)} (default true).`,
        ),
      );
    }
    return findings;
  },
};
