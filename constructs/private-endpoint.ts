import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { PrivateEndpoint as PrivateEndpointResource } from "@cdktf/provider-azurerm/lib/private-endpoint";
import type { PrivateLinkTarget } from "../catalogue/network-paths";

export interface PrivateEndpointProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /** Endpoint name; the connection and zone group are named after it. */
  readonly name: string;
  /** The subnet the endpoint's private IP comes from. */
  readonly subnetId: string;
  /** Resource id of the target (OpenAI account, Search service, storage account, vault). */
  readonly targetResourceId: string;
  /** Sub-resource and DNS zones (catalogue/network-paths.ts PRIVATE_LINK_TARGETS). */
  readonly target: PrivateLinkTarget;
  /** Ids of the private DNS zones for `target.zones`, in the same order. */
  readonly privateDnsZoneIds: readonly string[];
  /**
   * Resources the endpoint must wait for: on an Azure OpenAI account, its model
   * deployments (see PlatformNetwork).
   * @default none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
  readonly tags?: Record<string, string>;
}

/**
 * A private endpoint with its DNS zone group: the zone group writes the A record into
 * the linked private DNS zones, so callers in the VNet resolve the target's usual host
 * name (`<name>.openai.azure.com`) to the private IP.
 *
 * The connection is automatic (not manual): the principal running Terraform owns the
 * target in the same stack, which auto-approves the connection
 * (https://learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks).
 */
export class PrivateEndpoint extends Construct {
  public readonly resource: PrivateEndpointResource;

  constructor(scope: Construct, id: string, props: PrivateEndpointProps) {
    super(scope, id);
    this.resource = new PrivateEndpointResource(this, "Endpoint", {
      name: props.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      subnetId: props.subnetId,
      privateServiceConnection: {
        name: `${props.name}-connection`,
        isManualConnection: false,
        privateConnectionResourceId: props.targetResourceId,
        subresourceNames: [props.target.subresource],
      },
      privateDnsZoneGroup: { name: "default", privateDnsZoneIds: [...props.privateDnsZoneIds] },
      dependsOn: props.dependsOn?.length ? [...props.dependsOn] : undefined,
      tags: props.tags,
    });
  }
}
