import { append } from "./values";
import { PRIVATE_LINK_TARGETS } from "../catalogue/network-paths";
import { TYPES, appKind, isFalse, isTrue, partyOf } from "./azure";
import type { StackModel } from "./model";
import { type TfResource, block, blocks, str } from "./terraform-json";

/**
 * What the network rules know about Azure networking in Terraform JSON: whether a
 * service's public endpoint is closed, which VNet a web app is integrated into, which
 * private endpoints (with which DNS zones, linked to which VNets) lead to a target,
 * and which trusted-service rules let one service call another. Source of every
 * attribute: docs/network.md section 2 (azurerm 4.55).
 */

export const NETWORK_TYPES = Object.freeze({
  virtualNetwork: "azurerm_virtual_network",
  subnet: "azurerm_subnet",
  privateEndpoint: "azurerm_private_endpoint",
  privateDnsZone: "azurerm_private_dns_zone",
  zoneLink: "azurerm_private_dns_zone_virtual_network_link",
  swiftConnection: "azurerm_app_service_virtual_network_swift_connection",
  sharedPrivateLink: "azurerm_search_shared_private_link_service",
  storageContainer: "azurerm_storage_container",
});

/**
 * The target refuses calls from the internet: public network access disabled, or
 * "selected networks" (a firewall whose default action is Deny; for Search, an IP
 * allow list).
 */
export function isRestricted(target: TfResource): boolean {
  if (isFalse(target.values.public_network_access_enabled)) return true;
  const acl = block(target.values.network_acls) ?? block(target.values.network_rules);
  if (str(acl?.default_action) === "Deny") return true;
  return target.type === TYPES.search && Array.isArray(target.values.allowed_ips) && target.values.allowed_ips.length > 0;
}

/** A VNet, by resource address when it is in the stack, else by its literal id. */
type VnetKey = string;

function vnetOfSubnet(model: StackModel, subnet: TfResource): VnetKey | undefined {
  const vnet = model.referenced(subnet, ["virtual_network_name"], [NETWORK_TYPES.virtualNetwork])[0];
  return vnet?.address;
}

/** A literal subnet id `/subscriptions/.../virtualNetworks/<vnet>/subnets/<subnet>` names its VNet. */
function vnetOfSubnetId(id: string | undefined): VnetKey | undefined {
  return id ? /^(.*\/virtualNetworks\/[^/]+)\/subnets\/[^/]+$/i.exec(id)?.[1] : undefined;
}

export interface AppIntegration {
  /** The integration subnet, when it is a resource of the stack. */
  readonly subnet?: TfResource;
  /** The VNet the app's outbound traffic enters; undefined when the app is not integrated. */
  readonly vnet?: VnetKey;
  /** Where the integration is declared, for messages. */
  readonly via?: string;
  readonly routeAll: boolean;
}

/**
 * The app's regional VNet integration: `virtual_network_subnet_id` or a swift connection
 * for App Service; for a Container App, its environment's `infrastructure_subnet_id`
 * (all its outbound traffic then leaves through that VNet, so "route all" holds).
 */
export function appIntegration(model: StackModel, app: TfResource): AppIntegration {
  if (appKind(app) === "containerApp") {
    const env = model.referenced(app, ["container_app_environment_id"], [TYPES.containerAppEnvironment])[0];
    if (!env) return { routeAll: true };
    const subnet = model.referenced(env, ["infrastructure_subnet_id"], [NETWORK_TYPES.subnet])[0];
    const vnet = subnet ? vnetOfSubnet(model, subnet) : vnetOfSubnetId(str(env.values.infrastructure_subnet_id));
    return subnet || vnet ? { subnet, vnet: vnet ?? subnet?.address, via: env.address, routeAll: true } : { routeAll: true };
  }
  const routeAll = isTrue(block(app.values.site_config)?.vnet_route_all_enabled);
  const direct = { holder: app, path: ["virtual_network_subnet_id"] };
  const swift = model.ofType(NETWORK_TYPES.swiftConnection).find((s) => model.referenced(s, ["app_service_id"]).includes(app));
  for (const source of [direct, ...(swift ? [{ holder: swift, path: ["subnet_id"] }] : [])]) {
    const subnet = model.referenced(source.holder, source.path, [NETWORK_TYPES.subnet])[0];
    const literal = str(source.holder.values[source.path[0]]);
    const vnet = subnet ? vnetOfSubnet(model, subnet) : vnetOfSubnetId(literal);
    if (subnet || vnet) return { subnet, vnet: vnet ?? subnet?.address, via: source.holder.address, routeAll };
  }
  return { routeAll };
}

export interface EndpointPath {
  readonly endpoint: TfResource;
  readonly subresources: readonly string[];
  /** Zone names in the endpoint's DNS zone group. */
  readonly zones: readonly string[];
  /** Zone name -> the VNets it is linked to. */
  readonly links: ReadonlyMap<string, readonly VnetKey[]>;
}

function zoneNameOf(zoneIdOrRef: TfResource | string): string | undefined {
  if (typeof zoneIdOrRef !== "string") return str(zoneIdOrRef.values.name);
  return /\/privateDnsZones\/([^/]+)$/i.exec(zoneIdOrRef)?.[1];
}

/** Zone name -> VNets linked to it, over every link in the stack. */
function zoneLinks(model: StackModel): Map<string, VnetKey[]> {
  return model.derive("network.zoneLinks", (m) => {
    const out = new Map<string, VnetKey[]>();
    for (const link of m.ofType(NETWORK_TYPES.zoneLink)) {
      const zone = m.referenced(link, ["private_dns_zone_name"], [NETWORK_TYPES.privateDnsZone])[0];
      const name = zone ? str(zone.values.name) : str(link.values.private_dns_zone_name);
      const vnet = m.referenced(link, ["virtual_network_id"], [NETWORK_TYPES.virtualNetwork])[0]?.address ?? str(link.values.virtual_network_id);
      if (!name || !vnet) continue;
      append(out, name.toLowerCase(), vnet);
    }
    return out;
  });
}

/** The private endpoints whose connection targets `target`, with their zones and links. */
export function endpointsTo(model: StackModel, target: TfResource): EndpointPath[] {
  const links = zoneLinks(model);
  const out: EndpointPath[] = [];
  for (const pe of model.ofType(NETWORK_TYPES.privateEndpoint)) {
    for (const conn of blocks(pe.values.private_service_connection)) {
      const refs = model.refs(pe, "private_service_connection", "private_connection_resource_id").map((r) => model.get(r.address));
      if (!refs.includes(target)) continue;
      const group = block(pe.values.private_dns_zone_group);
      const zoneRefs = model.referenced(pe, ["private_dns_zone_group", "private_dns_zone_ids"], [NETWORK_TYPES.privateDnsZone]);
      const literal = (Array.isArray(group?.private_dns_zone_ids) ? group!.private_dns_zone_ids : []).filter((z): z is string => typeof z === "string" && !z.includes("${"));
      const zones = [...zoneRefs, ...literal]
        .map((z) => zoneNameOf(z))
        .filter((z): z is string => z !== undefined)
        .map((z) => z.toLowerCase());
      const subresources = (Array.isArray(conn.subresource_names) ? conn.subresource_names : []).map(String);
      out.push({ endpoint: pe, subresources, zones, links: new Map(zones.map((z) => [z, links.get(z) ?? []])) });
    }
  }
  return out;
}

/** The private-link facts of a target (sub-resource and zones), by its party. */
export function privateLinkOf(target: TfResource) {
  const party = partyOf(target);
  return party && party !== "webApp" ? PRIVATE_LINK_TARGETS[party] : undefined;
}

/** Whether `caller` passes `target`'s firewall as a trusted Azure service (the documented paths of F2-F6). */
export function trustedPath(model: StackModel, caller: TfResource, target: TfResource): { ok: boolean; missing: string } {
  switch (target.type) {
    case TYPES.search:
      return { ok: str(target.values.network_rule_bypass_option) === "AzureServices", missing: `network_rule_bypass_option = "AzureServices" on ${target.address}` };
    case TYPES.cognitiveAccount: {
      const bypass = str(block(target.values.network_acls)?.bypass) === "AzureServices";
      return { ok: bypass, missing: `network_acls { bypass = "AzureServices" } on ${target.address}` };
    }
    case TYPES.storage: {
      const rules = block(target.values.network_rules);
      const bypass = Array.isArray(rules?.bypass) && rules!.bypass.includes("AzureServices");
      const instance = model.refs(target, "network_rules").some((r) => model.get(r.address) === caller);
      // With default_action Allow (public access off) nothing but the bypass applies; with
      // no network_rules block at all the account's own default is "Allow" with bypass AzureServices.
      const ok = rules === undefined ? true : bypass || instance;
      return { ok, missing: `network_rules { bypass = ["AzureServices"] } or private_link_access { endpoint_resource_id = ${caller.address}.id } on ${target.address}` };
    }
    case TYPES.keyVault:
      return { ok: str(block(target.values.network_acls)?.bypass) === "AzureServices", missing: `network_acls { bypass = "AzureServices" } on ${target.address}` };
    default:
      return { ok: true, missing: "" };
  }
}
