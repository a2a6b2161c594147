import type { FlowId, Party } from "./flows";

/**
 * How each access flow crosses the network when the platform is private (public
 * network access off on OpenAI, Search, Storage and Key Vault). One table, read by the
 * constructs (what to build), the network audit (what to prove) and the review (the
 * "path" column): adding a flow is adding a row here too.
 *
 * Source: the fact sheet docs/network.md (sections 0, 1 and 7), which cites:
 * - On Your Data network configuration:
 *   https://learn.microsoft.com/azure/ai-foundry/openai/how-to/on-your-data-configuration
 * - Search trusted services: https://learn.microsoft.com/azure/search/service-configure-firewall
 * - Storage trusted access and resource-instance rules:
 *   https://learn.microsoft.com/azure/storage/common/storage-network-security-trusted-azure-services
 * - Azure AI services network bypass:
 *   https://learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks
 * - Key Vault references over VNet integration (Linux needs route-all):
 *   https://learn.microsoft.com/azure/app-service/app-service-key-vault-references
 * - Private endpoint DNS zones: https://learn.microsoft.com/azure/private-link/private-endpoint-dns
 *
 * Shared private links (Search -> Storage/OpenAI) are deliberately not used: they need
 * an approval on the target that azurerm cannot give (docs/network.md section 3).
 */

/**
 * - `privateEndpoint`: the caller runs in the VNet (web app VNet integration) and
 *   resolves the target's private endpoint through a private DNS zone linked to it.
 * - `trustedService`: the target's firewall lets the calling Azure service in by its
 *   system-assigned identity (a bypass / resource-instance rule), no VNet involved.
 * - `deployerNetwork`: Terraform's own data-plane writes, from a network the
 *   configuration names (runner VNet linked to the zones, or IP ranges).
 * - `outOfBand`: people on laptops (VPN into the VNet, or a public dev environment);
 *   nothing the stack can build.
 */
export type NetworkPathKind = "privateEndpoint" | "trustedService" | "deployerNetwork" | "outOfBand";

export interface NetworkPathDefinition {
  readonly flow: FlowId;
  readonly kind: NetworkPathKind;
  /** One line for the review's "path" column. */
  readonly summary: string;
  /** What breaks at runtime when the path is missing (docs/network.md section 7). */
  readonly symptom: string;
}

/** Private-endpoint targets: the sub-resource and the DNS zones its record lives in. */
export interface PrivateLinkTarget {
  readonly subresource: string;
  /**
   * Zones in the private endpoint's DNS zone group. For Azure OpenAI the Private Link
   * table lists three zones for the `account` sub-resource; whether a kind "OpenAI"
   * account needs more than `privatelink.openai.azure.com` is UNCONFIRMED (docs/network.md
   * section 8.5), so both the openai and the cognitiveservices zones are in the group:
   * correct under either reading, at the cost of one extra zone.
   */
  readonly zones: readonly string[];
}

export const PRIVATE_LINK_TARGETS: Readonly<Record<"openai" | "search" | "storage" | "keyVault", PrivateLinkTarget>> = Object.freeze({
  openai: { subresource: "account", zones: ["privatelink.openai.azure.com", "privatelink.cognitiveservices.azure.com"] },
  search: { subresource: "searchService", zones: ["privatelink.search.windows.net"] },
  storage: { subresource: "blob", zones: ["privatelink.blob.core.windows.net"] },
  keyVault: { subresource: "vault", zones: ["privatelink.vaultcore.azure.net"] },
});

const SEARCH_403 =
  '400 "Invalid AzureCognitiveSearch configuration detected: Call to get Azure Search index failed ... Azure Search Error: 403" on the first grounded chat message';

/** The path of every flow in private mode. F6 has none: the platform refuses CMK with a private vault (see NetworkProps). */
export const NETWORK_PATHS: Readonly<Partial<Record<FlowId, NetworkPathDefinition>>> = Object.freeze({
  F1: {
    flow: "F1",
    kind: "privateEndpoint",
    summary: "VNet integration -> private endpoint `account` (privatelink.openai.azure.com)",
    symptom: '403 "Public access is disabled. Please configure private endpoint." on the first chat completion',
  },
  // Contested (docs/network.md corrections): the platform refuses it; the audit still
  // judges other people's Terraform by it.
  F2: { flow: "F2", kind: "trustedService", summary: 'Search trusted services (network_rule_bypass_option = "AzureServices"), OpenAI system identity', symptom: SEARCH_403 },
  F3: {
    flow: "F3",
    kind: "trustedService",
    summary: "Storage trusted access + resource-instance rule for the OpenAI account",
    symptom: 'ingestion fails with 403 AuthorizationFailure "This request is not authorized to perform this operation."',
  },
  F4: {
    flow: "F4",
    kind: "trustedService",
    summary: "Storage trusted access + resource-instance rule for the Search service",
    symptom: 'indexer fails with "The remote server returned an error: (403) Forbidden"',
  },
  F5: {
    flow: "F5",
    kind: "trustedService",
    summary: 'OpenAI network_acls.bypass = "AzureServices", Search system identity',
    symptom: "vectorization fails with 403 from the embedding deployment (Search -> OpenAI)",
  },
  F7: {
    flow: "F7",
    kind: "privateEndpoint",
    summary: "VNet integration with vnet_route_all_enabled -> private endpoint `vault` (privatelink.vaultcore.azure.net)",
    symptom: "the app setting stays the literal @Microsoft.KeyVault(...) string (AccessToKeyVaultDenied / FetchTimedOut)",
  },
  F8: {
    flow: "F8",
    kind: "privateEndpoint",
    summary: "VNet integration -> private endpoint `searchService` (privatelink.search.windows.net)",
    symptom: '403 Forbidden "with no other details" from the index',
  },
  F9: {
    flow: "F9",
    kind: "deployerNetwork",
    summary: "the deployer's network: runner VNet linked to the vault's zone, or an IP rule",
    symptom: "403 ForbiddenByConnection on the key or secret at apply and at every plan",
  },
  F10: {
    flow: "F10",
    kind: "outOfBand",
    summary: "VPN or a peered network into the VNet -> the private endpoints of OpenAI, Search and Storage (see README)",
    symptom: "local runs and index builds fail with 403 while the deployed app works",
  },
  F11: {
    flow: "F11",
    kind: "privateEndpoint",
    summary: "VNet integration -> private endpoint `blob` (privatelink.blob.core.windows.net)",
    symptom: "citation links return 403 AuthorizationFailure",
  },
});

/** One network path the configuration needs, between two parts. */
export interface NetworkPath {
  readonly flow: FlowId;
  readonly caller: Party;
  readonly target: Party;
  readonly kind: NetworkPathKind;
  readonly summary: string;
  readonly reason: string;
}

/** A call between two parts, whatever it authenticates with (identity or key). */
export interface NetworkCall {
  readonly flow: FlowId;
  readonly caller: Party;
  readonly target: Party;
  readonly reason: string;
}

/**
 * The paths a private platform needs: one per call, exactly the row of its flow.
 * A call with no row (F6) is a configuration the platform refuses before it gets here.
 */
export function networkPaths(calls: readonly NetworkCall[]): NetworkPath[] {
  const out: NetworkPath[] = [];
  for (const c of calls) {
    const def = NETWORK_PATHS[c.flow];
    if (!def) throw new Error(`flow ${c.flow} has no private network path; the platform must refuse it before deriving paths`);
    if (!out.some((p) => p.flow === c.flow && p.caller === c.caller && p.target === c.target)) {
      out.push({ flow: c.flow, caller: c.caller, target: c.target, kind: def.kind, summary: def.summary, reason: c.reason });
    }
  }
  return out;
}
