import { IConstruct } from "constructs";
import { TerraformStack } from "cdktf";
import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";

const ID = "ClientConfig";

/**
 * The principal running Terraform (tenant, subscription and object id), read once per
 * stack. Role definition ids, Key Vault tenant and the deployer's grants all use it.
 */
export function clientConfigOf(scope: IConstruct): DataAzurermClientConfig {
  const stack = TerraformStack.of(scope);
  return (stack.node.tryFindChild(ID) as DataAzurermClientConfig | undefined) ?? new DataAzurermClientConfig(stack, ID, {});
}
