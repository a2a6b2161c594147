import { APP_TYPES, TYPES } from "./azure";
import { NETWORK_TYPES } from "./network";
import { armTypeOf, isDomainArmType } from "./normalize";
import type { TfResource } from "./terraform-json";

/**
 * The resource types some rule of the pack reads. Only these can be "not judged": a
 * `random_uuid`, a telemetry resource or a network security group whose `count` cannot
 * be resolved hides nothing the rules would have said, so it is not reported (issue 26:
 * most of 327 warnings on 93 public directories were of that kind).
 */
const JUDGED: ReadonlySet<string> = new Set([
  TYPES.cognitiveAccount,
  TYPES.customerManagedKey,
  TYPES.search,
  TYPES.storage,
  TYPES.keyVault,
  TYPES.keyVaultKey,
  TYPES.keyVaultSecret,
  TYPES.roleAssignment,
  TYPES.userAssignedIdentity,
  TYPES.clientConfig,
  TYPES.cognitiveDeployment,
  TYPES.keyVaultAccessPolicy,
  ...APP_TYPES,
  ...Object.values(NETWORK_TYPES),
  "azurerm_resource_group_template_deployment",
  "azurerm_subscription_template_deployment",
  "azurerm_management_group_template_deployment",
  "azurerm_tenant_template_deployment",
  "azurerm_template_deployment",
]);

/** Whether a rule reads resources like `r` (an azapi resource by its ARM type). */
export function isJudgedType(r: Pick<TfResource, "type" | "mode" | "values">): boolean {
  const key = r.mode === "data" ? `data.${r.type}` : r.type;
  if (JUDGED.has(key)) return true;
  if (r.type === "azapi_resource" || r.type === "azapi_update_resource") {
    const armType = armTypeOf(r.values.type);
    // An unresolved type may be anything, so it counts.
    return armType === undefined || isDomainArmType(armType) || /\/privateEndpointConnections$/i.test(armType);
  }
  return false;
}
