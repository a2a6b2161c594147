import { describe } from "../azure";
import { NETWORK_TYPES } from "../network";
import { type Finding, type Rule, finding, show } from "../rule";

/**
 * A Search shared private link creates a private endpoint in Microsoft's tenant that
 * the *target's* owner must approve; azurerm has no resource that approves it, so it
 * stays Pending and indexers fail ("Data source credentials are invalid", transient
 * failures) until someone approves it by hand or with azapi. The platform uses the
 * trusted-service paths instead (F4, F5). https://learn.microsoft.com/azure/search/search-indexer-howto-access-private
 */
export const searchSharedPrivateLinkApproval: Rule = {
  id: "AZ-NET-004",
  name: "search-shared-private-link-approval",
  severity: "warning",
  title: "A Search shared private link needs an approval Terraform does not give",
  why: "The connection stays Pending until the target's owner approves it; indexers using it fail until then.",
  fix: "Prefer the documented trusted-service paths (Storage resource-instance rules, OpenAI network_acls.bypass); otherwise approve the connection (azapi_update_resource on the target's privateEndpointConnections) as part of the deployment.",
  helpUri: "https://learn.microsoft.com/azure/search/search-indexer-howto-access-private",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const spl of model.ofType(NETWORK_TYPES.sharedPrivateLink)) {
      findings.push(
        finding(
          this,
          spl,
          `${describe(spl)} (subresource_name = ${show(spl.values.subresource_name)}) creates a connection on its target that nothing in this configuration approves. Symptom: status Pending; indexers fail with "Data source credentials are invalid" or transient failures.`,
        ),
      );
    }
    return findings;
  },
};
