import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { PrivateDnsZone } from "@cdktf/provider-azurerm/lib/private-dns-zone";
import { PrivateDnsZoneVirtualNetworkLink } from "@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link";
import { ValidationError } from "./errors";
import { checkCidr, cidrContains, cidrsOverlap } from "./cidr";
import { isUnresolved } from "./validate";
import { PrivateEndpoint } from "./private-endpoint";
import type { PrivateLinkTarget } from "../catalogue/network-paths";

export interface PrivateNetworkProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /** Virtual network name (unique within the resource group). */
  readonly name: string;
  /**
   * The VNet's address space.
   * @default "10.20.0.0/24"
   */
  readonly addressSpace?: string;
  /**
   * The web app's regional VNet integration subnet, delegated to
   * Microsoft.Web/serverFarms. App Service needs /28 or larger and recommends /26 so
   * scale-out never runs out of addresses.
   * @default "10.20.0.0/26"
   */
  readonly appSubnet?: string;
  /**
   * The private endpoints' subnet (one address per endpoint).
   * @default "10.20.0.64/26"
   */
  readonly privateEndpointSubnet?: string;
  /**
   * Other VNets (e.g. a peered deployment runner's) that must resolve the private
   * endpoints: every private DNS zone is linked to each of them too.
   * @default none
   */
  readonly linkedVirtualNetworkIds?: readonly string[];
  readonly tags?: Record<string, string>;
}

/** Smallest subnet App Service VNet integration accepts (https://learn.microsoft.com/azure/app-service/overview-vnet-integration). */
export const MIN_INTEGRATION_PREFIX = 28;

const VNET_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+$/i;

/**
 * A VNet for a private platform: a delegated subnet for the web app's regional VNet
 * integration, a separate subnet for private endpoints ("The virtual network
 * integration feature cannot use the same subnet as private endpoint",
 * https://learn.microsoft.com/azure/app-service/networking/private-endpoint), and the
 * private DNS zones, each created once and linked to the VNet (and to
 * `linkedVirtualNetworkIds`).
 */
export class PrivateNetwork extends Construct {
  public readonly vnet: VirtualNetwork;
  public readonly appSubnet: Subnet;
  public readonly privateEndpointSubnet: Subnet;
  public readonly name: string;
  public readonly addressSpace: string;
  private readonly zones = new Map<string, PrivateDnsZone>();
  private readonly endpoints: PrivateEndpoint[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: PrivateNetworkProps,
  ) {
    super(scope, id);
    const space = checkCidr(this, "addressSpace", props.addressSpace ?? "10.20.0.0/24", "10.20.0.0/24");
    const app = checkCidr(this, "appSubnet", props.appSubnet ?? "10.20.0.0/26", "10.20.0.0/26");
    const endpoints = checkCidr(this, "privateEndpointSubnet", props.privateEndpointSubnet ?? "10.20.0.64/26", "10.20.0.64/26");
    for (const [field, subnet] of [
      ["appSubnet", app],
      ["privateEndpointSubnet", endpoints],
    ] as const) {
      if (!cidrContains(space, subnet)) {
        throw new ValidationError(this, field, subnet.text, `is not inside the VNet's addressSpace ${space.text}`, `choose a block inside ${space.text}, or widen addressSpace`);
      }
    }
    if (app.prefix > MIN_INTEGRATION_PREFIX) {
      throw new ValidationError(
        this,
        "appSubnet",
        app.text,
        `is smaller than /${MIN_INTEGRATION_PREFIX}, the smallest subnet App Service VNet integration accepts`,
        "use a /26 (recommended) or at least a /28",
      );
    }
    if (cidrsOverlap(app, endpoints)) {
      throw new ValidationError(
        this,
        "privateEndpointSubnet",
        endpoints.text,
        `overlaps appSubnet ${app.text}: VNet integration needs a subnet of its own, not shared with private endpoints`,
        "give the two subnets separate blocks, e.g. 10.20.0.0/26 and 10.20.0.64/26",
      );
    }
    (props.linkedVirtualNetworkIds ?? []).forEach((v, i) => {
      if (!isUnresolved(v) && !VNET_ID.test(v)) {
        throw new ValidationError(
          this,
          `linkedVirtualNetworkIds[${i}]`,
          v,
          "is not a virtual network resource id",
          "use /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<name>",
        );
      }
    });
    this.addressSpace = space.text;
    this.name = props.name;

    this.vnet = new VirtualNetwork(this, "VNet", {
      name: props.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      addressSpace: [space.text],
      tags: props.tags,
    });
    this.appSubnet = new Subnet(this, "AppSubnet", {
      name: "app-integration",
      resourceGroupName: props.resourceGroupName,
      virtualNetworkName: this.vnet.name,
      addressPrefixes: [app.text],
      // https://learn.microsoft.com/azure/app-service/overview-vnet-integration#subnet-requirements
      delegation: [{ name: "app-service", serviceDelegation: { name: "Microsoft.Web/serverFarms", actions: ["Microsoft.Network/virtualNetworks/subnets/action"] } }],
    });
    this.privateEndpointSubnet = new Subnet(this, "PrivateEndpointSubnet", {
      name: "private-endpoints",
      resourceGroupName: props.resourceGroupName,
      virtualNetworkName: this.vnet.name,
      addressPrefixes: [endpoints.text],
    });
  }

  /** The private endpoints created with `addPrivateEndpoint`. */
  public get privateEndpoints(): readonly PrivateEndpoint[] {
    return this.endpoints;
  }

  /** The private DNS zone `name`, created and linked on first use. */
  public zone(name: string): PrivateDnsZone {
    let zone = this.zones.get(name);
    if (zone) return zone;
    const id = name.replace(/^privatelink\./, "").replace(/[^A-Za-z0-9]+/g, "-");
    zone = new PrivateDnsZone(this, `Zone-${id}`, { name, resourceGroupName: this.props.resourceGroupName, tags: this.props.tags });
    const vnets = [this.vnet.id, ...(this.props.linkedVirtualNetworkIds ?? [])];
    vnets.forEach((vnetId, i) => {
      new PrivateDnsZoneVirtualNetworkLink(this, `Zone-${id}-Link${i === 0 ? "" : i}`, {
        name: i === 0 ? "platform" : `linked-${i}`,
        resourceGroupName: this.props.resourceGroupName,
        privateDnsZoneName: zone!.name,
        virtualNetworkId: vnetId,
        registrationEnabled: false,
        tags: this.props.tags,
      });
    });
    this.zones.set(name, zone);
    return zone;
  }

  /**
   * A private endpoint for `targetResourceId` in the endpoint subnet, its record in the
   * target's zones; created after `dependsOn`.
   */
  public addPrivateEndpoint(id: string, name: string, targetResourceId: string, target: PrivateLinkTarget, dependsOn: readonly ITerraformDependable[] = []): PrivateEndpoint {
    const endpoint = new PrivateEndpoint(this, id, {
      name,
      location: this.props.location,
      resourceGroupName: this.props.resourceGroupName,
      subnetId: this.privateEndpointSubnet.id,
      targetResourceId,
      target,
      privateDnsZoneIds: target.zones.map((z) => this.zone(z).id),
      dependsOn,
      tags: this.props.tags,
    });
    this.endpoints.push(endpoint);
    return endpoint;
  }
}
