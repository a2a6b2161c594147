import { Construct } from "constructs";
import { ValidationError } from "./errors";
import { checkCidr, isPublicRange } from "./cidr";
import { checkOneOf, isUnresolved } from "./validate";
import { namingOf } from "./naming";
import { PrivateNetwork } from "./network";
import type { PlatformFlow } from "./rbac/implied-flows";
import type { OpenAIAccount } from "./openai-account";
import type { SearchService } from "./search-service";
import type { StorageAccount } from "./storage-account";
import type { KeyVault } from "./key-vault";
import type { WebApp } from "./web-app";
import { type NetworkCall, type NetworkPath, PRIVATE_LINK_TARGETS, networkPaths } from "../catalogue/network-paths";

export const NETWORK_MODES = ["public", "private"] as const;
export type NetworkMode = (typeof NETWORK_MODES)[number];

/** How Terraform itself reaches a private vault to write secrets and keys (F9). */
export interface DeployerNetworkProps {
  /**
   * Public IPv4 addresses or CIDR ranges Terraform runs from (a NAT gateway, a fixed
   * egress IP). When the platform writes secrets or keys (F9), the vault accepts public
   * traffic from these ranges only; otherwise the vault stays fully closed and the
   * ranges are not used. Every other service stays closed (Terraform reaches them
   * through Azure Resource Manager).
   * @default none
   */
  readonly ipRanges?: readonly string[];
  /**
   * Resource ids of VNets the deployment runner sits in, peered with the platform's
   * VNet (a self-hosted runner, or GitHub-hosted runners with Azure private
   * networking). Every private DNS zone is linked to them, and the vault gets a
   * private endpoint the runner resolves. A VNet cannot be linked to two zones of the
   * same name ("cannot be linked to multiple zones with overlapping namespaces"): a
   * runner VNet that already resolves `privatelink.*` zones from a hub fails this
   * link at apply; add the records to the hub's zones instead, or use `ipRanges`.
   * https://learn.microsoft.com/azure/dns/dns-faq-private
   * @default none
   */
  readonly virtualNetworkIds?: readonly string[];
}

/** Where the platform's services can be reached from. */
export interface NetworkProps {
  /**
   * `public`: every service keeps its public endpoint (authenticated, keyless by
   * default). `private`: public network access off on OpenAI, Search, Storage and Key
   * Vault; a VNet with the web app on regional VNet integration; a private endpoint and
   * linked private DNS zone for each call the app makes; trusted-service rules for
   * each call one service makes to another (catalogue/network-paths.ts).
   * @default "public"
   */
  readonly mode?: NetworkMode;
  /**
   * The VNet's address space (private mode).
   * @default "10.20.0.0/24"
   */
  readonly addressSpace?: string;
  /**
   * The web app's integration subnet, /28 or larger (private mode).
   * @default "10.20.0.0/26"
   */
  readonly appSubnet?: string;
  /**
   * The private endpoints' subnet (private mode).
   * @default "10.20.0.64/26"
   */
  readonly privateEndpointSubnet?: string;
  /**
   * Terraform's own path into a private vault, needed when the platform writes secrets
   * or keys (keys auth mode). A private platform that writes them without one is
   * refused at synth.
   * @default none
   */
  readonly deployer?: DeployerNetworkProps;
}

/** The parts the network connects, as ChatPlatform built them. */
export interface PlatformNetworkParts {
  readonly openai: OpenAIAccount;
  readonly search: SearchService;
  readonly storage: StorageAccount;
  /** Absent when nothing uses a vault. */
  readonly keyVault?: KeyVault;
  readonly webApp: WebApp;
}

export interface PlatformNetworkProps {
  readonly network?: NetworkProps;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly parts: PlatformNetworkParts;
  /** The flows the platform implies (the grants). */
  readonly flows: readonly PlatformFlow[];
  /** Calls made with a key instead of an identity: no grant, but the same network path (see callsMadeWithKeys). */
  readonly keyCalls: readonly NetworkCall[];
  /** Public-access props the caller set elsewhere (`openai.publicNetworkAccessEnabled`): `true` contradicts private mode. */
  readonly publicAccessRequests?: Readonly<Record<string, boolean | undefined>>;
  readonly tags?: Record<string, string>;
}

/**
 * Calls that authenticate with a key (keys mode, for the keys the app takes): they hold
 * no role, so they are not access flows, but they cross the network exactly like the
 * flow they replace.
 */
export function callsMadeWithKeys(f: {
  readonly onYourData: boolean;
  readonly appQueriesSearch: boolean;
  readonly openaiKeyed: boolean;
  readonly searchKeyed: boolean;
}): NetworkCall[] {
  return [
    ...(f.openaiKeyed ? [{ flow: "F1", caller: "webApp", target: "openai", reason: "the app calls Azure OpenAI with its API key" } as const] : []),
    ...(f.searchKeyed && f.onYourData ? [{ flow: "F2", caller: "openai", target: "search", reason: "On Your Data queries Search with the search key" } as const] : []),
    ...(f.searchKeyed && f.appQueriesSearch ? [{ flow: "F8", caller: "webApp", target: "search", reason: "the app queries the index with the search key" } as const] : []),
  ];
}

/**
 * The platform's network: in public mode nothing; in private mode the VNet, and for
 * each call the configuration implies exactly the path NETWORK_PATHS documents for
 * its flow, nothing else. Refuses at synth what cannot work privately.
 */
export class PlatformNetwork extends Construct {
  public readonly mode: NetworkMode;
  /** The paths each implied call takes (private mode; empty in public mode). */
  public readonly paths: readonly NetworkPath[];
  /** The VNet, subnets, zones and endpoints (private mode only). */
  public readonly privateNetwork?: PrivateNetwork;

  constructor(scope: Construct, id: string, props: PlatformNetworkProps) {
    super(scope, id);
    const given = props.network ?? {};
    const field = (name: string) => `network.${name}`;
    this.mode = checkOneOf(this, field("mode"), given.mode ?? "public", NETWORK_MODES);
    const calls: NetworkCall[] = [...props.flows.map((f) => ({ flow: f.flow, caller: f.caller, target: f.target, reason: f.reason })), ...props.keyCalls];
    if (this.mode === "public") {
      for (const name of ["addressSpace", "appSubnet", "privateEndpointSubnet", "deployer"] as const) {
        if (given[name] !== undefined)
          throw new ValidationError(this, field(name), given[name], 'only applies to network mode "private"', `remove network.${name}, or set network.mode: "private"`);
      }
      this.paths = [];
      return;
    }

    for (const [name, value] of Object.entries(props.publicAccessRequests ?? {})) {
      if (value === true)
        throw new ValidationError(
          this,
          name,
          value,
          'contradicts network.mode "private" (public network access is off on every service)',
          `remove ${name}; network.mode decides it`,
        );
    }
    const { openai, search, storage, keyVault, webApp } = props.parts;
    const has = (flow: string) => calls.some((c) => c.flow === flow);
    // F6 with a private vault: Azure OpenAI's CMK doc says "allow trusted Microsoft
    // services", but Key Vault's trusted list omits Azure AI services (docs/network.md F6,
    // section 8.1, UNCONFIRMED). Refused rather than guessed: either reading could lock
    // the account out of its own key.
    if (has("F6")) {
      throw new ValidationError(
        this,
        "features.customerManagedKey",
        true,
        "cannot be combined with network mode \"private\": whether Azure OpenAI can reach its key through a private vault's firewall is not documented consistently (the OpenAI CMK doc asks for trusted services, Key Vault's trusted-service list does not include Azure AI services)",
        'set customerManagedKey: false, or keep network.mode "public" for this environment',
      );
    }
    // On Your Data (F2) in private mode would need Search with public access disabled
    // plus the trusted-services bypass for Azure OpenAI. The sources contradict each other:
    // the Search REST spec (2025-05-01: "If set to 'disabled' ... private endpoint
    // connections would be the exclusive access method"), the azurerm search_service doc
    // and the Search firewall page say disabled means private endpoints only, and field
    // reports see 403 (sample-app-aoai-chatGPT #1464, azure-search-openai-demo #1886);
    // only the On Your Data how-to says otherwise (docs/network.md, corrections). Refused
    // rather than built on a contested path; On Your Data itself retired on 2026-10-14.
    if (has("F2")) {
      throw new ValidationError(
        this,
        "features.onYourData",
        true,
        'cannot be combined with network mode "private": Azure OpenAI would reach Search through a closed Search firewall by the trusted-services bypass, a path the Search REST spec, the azurerm doc and field reports (403) contradict',
        'use app-side retrieval (profile "searchOpenAIDemo": the app reaches Search through its private endpoint), or keep network.mode "public"',
      );
    }

    const deployer = given.deployer ?? {};
    const ipRanges = (deployer.ipRanges ?? []).map((r, i) => this.checkPublicRange(field(`deployer.ipRanges[${i}]`), r));
    const runnerVnets = deployer.virtualNetworkIds ?? [];
    if (has("F9") && ipRanges.length === 0 && runnerVnets.length === 0) {
      throw new ValidationError(
        this,
        field("deployer"),
        given.deployer,
        "is missing, but this private platform writes Key Vault secrets or keys (F9) and Terraform's data-plane writes to a private vault fail with 403 ForbiddenByConnection at apply and at every later plan",
        "set network.deployer.virtualNetworkIds to the VNet of a runner peered with the platform's VNet, or network.deployer.ipRanges to the public egress IPs Terraform runs from",
      );
    }

    const naming = namingOf(this);
    const base = `${naming.props.prefix}-${naming.props.environment}`;
    this.privateNetwork = new PrivateNetwork(this, "VNet", {
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      name: `${base}-vnet-${naming.hash}`,
      addressSpace: given.addressSpace,
      appSubnet: given.appSubnet,
      privateEndpointSubnet: given.privateEndpointSubnet,
      linkedVirtualNetworkIds: runnerVnets,
      tags: props.tags,
    });
    this.paths = networkPaths(calls);

    // Private endpoints: one per target the app (or a runner in a linked VNet) calls, and
    // one per service the developers' and index builders' roles reach (F10): from a VPN or
    // a peered network into this VNet they build the index, upload the documents and call
    // the models through these endpoints, as the app does.
    const endpointTargets = new Set(this.paths.filter((p) => p.kind === "privateEndpoint" || p.flow === "F10").map((p) => p.target));
    if (has("F9") && runnerVnets.length > 0) endpointTargets.add("keyVault");
    // An indexer (F4) reaches Storage as a trusted service only while Storage has no private
    // endpoint: "if you already set up a private endpoint for Azure Storage, you should also
    // set up a shared private link or the connection is refused on the storage side"
    // (search/search-indexer-howto-access-private, footnote 1; docs/network.md F4). A shared
    // private link needs an approval on Storage that azurerm cannot give, so refused.
    if (has("F4") && endpointTargets.has("storage")) {
      throw new ValidationError(
        this,
        "features.ingestion",
        true,
        "cannot be combined with network mode \"private\" here: Storage gets a blob private endpoint (the app or the developers read it), and then Search's indexer needs a shared private link that must be approved on Storage, which Terraform's azurerm provider cannot do",
        'build the index from inside the VNet instead (the app\'s own ingestion, e.g. prepdocs, run by a developer or pipeline principal through the private endpoints), and set ingestion: false; or keep network.mode "public"',
      );
    }
    const targets = { openai, search, storage, keyVault } as const;
    for (const party of ["openai", "search", "storage", "keyVault"] as const) {
      const part = targets[party];
      if (!endpointTargets.has(party) || !part) continue;
      // azurerm 4.55 creates an OpenAI account's private endpoint in parallel with its model
      // deployments; the account is "Accepted" while a deployment runs and the endpoint
      // fails with AccountProvisioningStateInvalid (fixed after 4.55 in
      // terraform-provider-azurerm #33298; the Bicep AVM module hit the same race,
      // bicep-registry-modules #7205). The endpoint waits for the deployments.
      const after = party === "openai" ? openai.deployments.map((d) => d.resource) : [];
      this.privateNetwork.addPrivateEndpoint(`Endpoint-${party}`, `${part.name}-pe`, part.resourceId, PRIVATE_LINK_TARGETS[party], after);
    }

    // Public access off everywhere; trusted-service rules only for the calls that need
    // them. Search admits no trusted service: its only caller from another service was On
    // Your Data (F2), refused above.
    const trusted = (flow: string, caller: string) => this.paths.some((p) => p.kind === "trustedService" && p.flow === flow && p.caller === caller);
    openai.restrictNetwork({ trustedServices: trusted("F5", "search") });
    search.restrictNetwork({ trustedServices: false });
    storage.restrictNetwork({
      trustedResourceIds: [...(trusted("F3", "openai") ? [openai.resourceId] : []), ...(trusted("F4", "search") ? [search.resourceId] : [])],
    });
    keyVault?.restrictNetwork({ deployerIpRanges: has("F9") ? ipRanges : [] });
    webApp.integrateWithVnet(this.privateNetwork.appSubnet.id);
  }

  /** The path of `flow` from `caller` to `target`, if the platform is private and implies it. */
  public pathOf(flow: string, caller?: string, target?: string): NetworkPath | undefined {
    return this.paths.find((p) => p.flow === flow && (caller === undefined || p.caller === caller) && (target === undefined || p.target === target));
  }

  private checkPublicRange(field: string, value: string): string {
    if (isUnresolved(value)) return value;
    const text = typeof value === "string" && !value.includes("/") ? `${value}/32` : value;
    const cidr = checkCidr(this, field, text, "203.0.113.10/32");
    if (!isPublicRange(cidr)) {
      throw new ValidationError(
        this,
        field,
        value,
        "is a private or reserved range: Key Vault IP rules only match public source addresses",
        "give the public egress IP of the runner (or use deployer.virtualNetworkIds for a runner inside a peered VNet)",
      );
    }
    // Key Vault takes a bare address for a single host.
    return cidr.prefix === 32 ? text.replace(/\/32$/, "") : text;
  }
}
