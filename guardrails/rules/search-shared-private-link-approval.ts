import { describe } from "../azure";
import type { StackModel } from "../model";
import { NETWORK_TYPES } from "../network";
import { armTypeOf } from "../normalize";
import { type Finding, type Rule, finding, show } from "../rule";
import { type TfResource, block, blocks, isObject, referencesIn, str } from "../terraform-json";

/**
 * A Search shared private link creates a private endpoint in Microsoft's tenant that
 * the *target's* owner must approve; azurerm has no resource that approves it, so it
 * stays Pending and indexers fail ("Data source credentials are invalid", transient
 * failures) until someone approves it by hand or with azapi. The platform uses the
 * trusted-service paths instead (F4, F5). https://learn.microsoft.com/azure/search/search-indexer-howto-access-private
 *
 * An approval in the same configuration passes: an `azapi_update_resource` (or
 * `azapi_resource`) of the target's `privateEndpointConnections` with status "Approved",
 * or a provisioner running `az network private-endpoint-connection approve` for it
 * (docs/network.md section 3).
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
      if (approved(model, spl)) continue;
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

/** Whether the configuration approves the connection the shared private link asks `target_resource_id` for. */
function approved(model: StackModel, spl: TfResource): boolean {
  const targets = new Set<TfResource | undefined>(
    model
      .refs(spl, "target_resource_id")
      .map((r) => model.get(r.address))
      .filter((r) => r !== undefined),
  );
  const literal = str(spl.values.target_resource_id)?.toLowerCase();
  const namesTarget = (r: TfResource, arg: string) =>
    model.refs(r, arg).some((ref) => targets.has(model.get(ref.address))) || (literal !== undefined && !literal.includes("${") && str(r.values[arg])?.toLowerCase() === literal);
  for (const r of [...model.ofType("azapi_update_resource"), ...model.ofType("azapi_resource")]) {
    if (!/\/privateEndpointConnections$/i.test(armTypeOf(r.values.type) ?? "")) continue;
    const body = typeof r.values.body === "string" ? safeJson(r.values.body) : r.values.body;
    const status = str(block(block(block(body)?.properties)?.privateLinkServiceConnectionState)?.status);
    if (status?.toLowerCase() === "approved" && namesTarget(r, "parent_id")) return true;
  }
  // `az network private-endpoint-connection approve --id ...` from a provisioner.
  for (const r of model.resources) {
    for (const p of blocks(r.values.provisioner)) {
      const exec = block(p["local-exec"]) ?? (isObject(p) && "command" in p ? p : undefined);
      const command = str(exec?.command) ?? "";
      if (/private-endpoint-connection\s+approve/.test(command) && referencesIn(command).some((ref) => targets.has(model.get(ref.address)))) return true;
    }
  }
  return false;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
