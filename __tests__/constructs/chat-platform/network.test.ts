import type { ChatPlatformProps } from "../../../constructs/chat-platform";
import type { NetworkProps } from "../../../constructs/platform-network";
import { type TfJson, onlyResource, resources, synthPlatform } from "../../../testing/helpers";

/**
 * Private mode: each implied call gets exactly the network path its flow's row in
 * catalogue/network-paths.ts documents, and nothing else; what cannot work privately is
 * refused at synth with the fix.
 */

const PRIVATE: NetworkProps = { mode: "private" };
const RUNNER_VNET = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ci/providers/Microsoft.Network/virtualNetworks/runners";

function privatePlatform(props: Partial<ChatPlatformProps> = {}): TfJson {
  return synthPlatform({ ...props, network: { ...PRIVATE, ...props.network } }).json;
}

/** Subresource names of the private endpoints, e.g. ["account"]. */
function endpointSubresources(json: TfJson): string[] {
  return resources(json, "azurerm_private_endpoint")
    .flatMap((pe) => pe.private_service_connection.subresource_names)
    .sort();
}

const ref = (json: TfJson, type: string, attr = "id") => `\${${type}.${Object.keys(json.resource[type])[0]}.${attr}}`;

describe("network mode public (the default)", () => {
  it("builds no VNet and leaves every service's public endpoint and firewall as it was", () => {
    const { json, platform } = synthPlatform();
    expect(platform.network.mode).toBe("public");
    expect(json.resource.azurerm_virtual_network).toBeUndefined();
    expect(json.resource.azurerm_private_endpoint).toBeUndefined();
    expect(onlyResource(json, "azurerm_cognitive_account")).toMatchObject({ public_network_access_enabled: true });
    expect(onlyResource(json, "azurerm_cognitive_account").network_acls).toBeUndefined();
    expect(onlyResource(json, "azurerm_storage_account").network_rules).toBeUndefined();
    expect(onlyResource(json, "azurerm_linux_web_app").virtual_network_subnet_id).toBeUndefined();
  });

  it("fails when private-only settings are given without private mode", () => {
    expect(() => synthPlatform({ network: { appSubnet: "10.20.0.0/26" } })).toThrow(
      'Platform/Network: network.appSubnet = "10.20.0.0/26" only applies to network mode "private". Fix: remove network.appSubnet, or set network.mode: "private"',
    );
  });
});

describe("network mode private: the paths of the default app-side retrieval platform (F1, F8, F11)", () => {
  const { json, platform } = synthPlatform({ network: PRIVATE });

  it("turns public network access off on OpenAI, Search and Storage, and creates no Key Vault nothing uses", () => {
    for (const type of ["azurerm_cognitive_account", "azurerm_search_service", "azurerm_storage_account"]) {
      expect([type, onlyResource(json, type).public_network_access_enabled]).toEqual([type, false]);
    }
    expect(json.resource.azurerm_key_vault).toBeUndefined();
  });

  it("puts the web app on a delegated integration subnet with route-all, apart from the endpoint subnet", () => {
    const subnets = resources(json, "azurerm_subnet");
    const app = subnets.find((s) => s.name === "app-integration")!;
    expect(app.delegation[0].service_delegation.name).toBe("Microsoft.Web/serverFarms");
    expect(app.address_prefixes).toEqual(["10.20.0.0/26"]);
    expect(subnets.find((s) => s.name === "private-endpoints")!.address_prefixes).toEqual(["10.20.0.64/26"]);
    const site = onlyResource(json, "azurerm_linux_web_app");
    expect(site.virtual_network_subnet_id).toMatch(/^\$\{azurerm_subnet\.Platform_Network_VNet_AppSubnet_\w+\.id\}$/);
    expect(site.site_config.vnet_route_all_enabled).toBe(true);
  });

  it("F1, F8, F11: private endpoints `account`, `searchService` and `blob`, their zones linked to the VNet", () => {
    expect(endpointSubresources(json)).toEqual(["account", "blob", "searchService"]);
    const zones = resources(json, "azurerm_private_dns_zone")
      .map((z) => z.name)
      .sort();
    expect(zones).toEqual(["privatelink.blob.core.windows.net", "privatelink.cognitiveservices.azure.com", "privatelink.openai.azure.com", "privatelink.search.windows.net"]);
    const links = resources(json, "azurerm_private_dns_zone_virtual_network_link");
    expect(links).toHaveLength(4);
    for (const l of links) expect(l.virtual_network_id).toBe(ref(json, "azurerm_virtual_network"));
    expect(platform.network.pathOf("F8")?.summary).toMatch(/private endpoint `searchService`/);
  });

  it("the OpenAI endpoint waits for the model deployments (azurerm 4.55: AccountProvisioningStateInvalid otherwise)", () => {
    const endpoint = resources(json, "azurerm_private_endpoint").find((pe) => pe.private_service_connection.subresource_names[0] === "account")!;
    const deployments = Object.keys(json.resource.azurerm_cognitive_deployment).map((n) => `azurerm_cognitive_deployment.${n}`);
    expect(deployments).toHaveLength(2);
    expect(endpoint.depends_on).toEqual(deployments);
    for (const other of resources(json, "azurerm_private_endpoint").filter((pe) => pe !== endpoint)) expect(other.depends_on).toBeUndefined();
  });

  it("no trusted service anywhere: Search admits none (its only such caller was On Your Data), nor Storage or OpenAI", () => {
    expect(onlyResource(json, "azurerm_search_service").network_rule_bypass_option).toBeUndefined();
    expect(onlyResource(json, "azurerm_storage_account").network_rules).toEqual({ default_action: "Deny", bypass: ["None"], private_link_access: [] });
    expect(onlyResource(json, "azurerm_cognitive_account").network_acls).toEqual({ default_action: "Deny", bypass: "None" });
  });
});

describe("network mode private: Search's own calls", () => {
  it("F5: the OpenAI account lets Search in as a trusted service when it vectorizes or runs a knowledge base", () => {
    for (const features of [{ integratedVectorization: true }, { agenticRetrieval: true }]) {
      const json = privatePlatform({ features });
      expect(onlyResource(json, "azurerm_cognitive_account").network_acls).toEqual({ default_action: "Deny", bypass: "AzureServices" });
    }
  });

  it("F4: Storage trusts exactly the Search service when an indexer reads it and nothing reaches Storage privately", () => {
    const json = privatePlatform({ profile: "openai", features: { ingestion: true } });
    expect(onlyResource(json, "azurerm_storage_account").network_rules).toEqual({
      default_action: "Deny",
      bypass: ["AzureServices"],
      private_link_access: [{ endpoint_resource_id: ref(json, "azurerm_search_service") }],
    });
    expect(endpointSubresources(json)).toEqual(["account"]);
  });
});

describe("network mode private: the people who build the index (F10)", () => {
  it("get private endpoints for OpenAI, Search and Storage even when the app calls only OpenAI", () => {
    const { json, platform } = synthPlatform({ profile: "openai", developers: [{ objectId: "11111111-2222-3333-8444-555555555555" }], network: PRIVATE });
    expect(endpointSubresources(json)).toEqual(["account", "blob", "searchService"]);
    expect(platform.network.pathOf("F10", "developers", "search")?.summary).toMatch(/VPN or a peered network into the VNet/);
  });
});

describe("network mode private: the app's optional calls", () => {
  it("F7: a private endpoint `vault` when the app resolves Key Vault references (sign-in secret)", () => {
    const json = privatePlatform({
      profile: "openai",
      webApp: { signIn: { clientId: "11111111-1111-1111-1111-111111111111", clientSecretName: "auth-client-secret", clientSecretExpiresOn: "2027-06-30" } },
    });
    expect(endpointSubresources(json)).toEqual(["account", "vault"]);
    expect(resources(json, "azurerm_private_dns_zone").map((z) => z.name)).toContain("privatelink.vaultcore.azure.net");
    expect(onlyResource(json, "azurerm_key_vault")).toMatchObject({ public_network_access_enabled: false, network_acls: { default_action: "Deny", bypass: "None" } });
  });
});

describe("network mode private: the deployer's path (F9)", () => {
  const keysNoOyd: Partial<ChatPlatformProps> = { authMode: "keys", profile: "openai" };

  it("fails when the platform writes vault secrets and Terraform has no way into the vault", () => {
    expect(() => privatePlatform(keysNoOyd)).toThrow(
      /Platform\/Network: network\.deployer = \(not set\) is missing, but this private platform writes Key Vault secrets or keys \(F9\).*403 ForbiddenByConnection.*Fix: set network\.deployer\.virtualNetworkIds .* or network\.deployer\.ipRanges/,
    );
  });

  it("with deployer IP ranges: the vault accepts exactly those public addresses, and the app's key call still goes through the OpenAI endpoint", () => {
    const json = privatePlatform({ ...keysNoOyd, network: { mode: "private", deployer: { ipRanges: ["203.0.113.10", "198.51.100.0/28"] } } });
    const vault = onlyResource(json, "azurerm_key_vault");
    expect(vault.public_network_access_enabled).toBe(true);
    expect(vault.network_acls).toEqual({ default_action: "Deny", bypass: "None", ip_rules: ["203.0.113.10", "198.51.100.0/28"] });
    expect(endpointSubresources(json)).toEqual(["account", "vault"]);
  });

  it("with a runner VNet: the vault gets a private endpoint and every zone is linked to the runner's VNet too", () => {
    const json = privatePlatform({ ...keysNoOyd, network: { mode: "private", deployer: { virtualNetworkIds: [RUNNER_VNET] } } });
    expect(onlyResource(json, "azurerm_key_vault").public_network_access_enabled).toBe(false);
    const links = resources(json, "azurerm_private_dns_zone_virtual_network_link");
    expect(links.filter((l) => l.virtual_network_id === RUNNER_VNET)).toHaveLength(resources(json, "azurerm_private_dns_zone").length);
  });

  it("fails on a private deployer address (Key Vault IP rules match public sources only)", () => {
    expect(() => privatePlatform({ ...keysNoOyd, network: { mode: "private", deployer: { ipRanges: ["10.1.2.3"] } } })).toThrow(
      'network.deployer.ipRanges[0] = "10.1.2.3" is a private or reserved range',
    );
  });
});

describe("network mode private: combinations refused with the reason", () => {
  it("fails with a customer-managed key (UNCONFIRMED whether OpenAI passes a private vault's firewall)", () => {
    expect(() => privatePlatform({ features: { customerManagedKey: true } })).toThrow(
      /features\.customerManagedKey = true cannot be combined with network mode "private".*Fix: set customerManagedKey: false/,
    );
  });

  it("fails with On Your Data: Search closed with the trusted-services bypass is a path the sources contradict", () => {
    const beforeRetirement: Partial<ChatPlatformProps> = {
      profile: "sampleApp",
      today: "2026-09-01",
      openai: { chatModel: { modelName: "gpt-4.1", modelVersion: "2025-04-14", existingCustomer: true } },
    };
    expect(() => privatePlatform(beforeRetirement)).toThrow(
      /features\.onYourData = true cannot be combined with network mode "private": .*contradict.*Fix: use app-side retrieval \(profile "searchOpenAIDemo"/,
    );
  });

  it("fails with an indexer once Storage has a private endpoint (a shared private link would need an approval)", () => {
    expect(() => privatePlatform({ features: { ingestion: true } })).toThrow(
      /features\.ingestion = true cannot be combined with network mode "private" here: .*shared private link.*Fix: build the index from inside the VNet/,
    );
  });

  it("fails when openai.publicNetworkAccessEnabled asks for the public endpoint", () => {
    expect(() => privatePlatform({ openai: { publicNetworkAccessEnabled: true } })).toThrow('openai.publicNetworkAccessEnabled = true contradicts network.mode "private"');
  });

  it("fails on the free App Service plan, which has no VNet integration", () => {
    expect(() => privatePlatform({ webApp: { planSku: "F1" } })).toThrow('Platform/WebApp: planSku = "F1" does not support VNet integration. Fix: use "B1" or higher');
  });
});

describe("network mode private: subnet checks", () => {
  const fails = (network: Partial<NetworkProps>, message: string) => expect(() => privatePlatform({ network: { mode: "private", ...network } })).toThrow(message);

  it("fails on overlapping subnets (integration cannot share the private endpoints' subnet)", () => {
    fails({ appSubnet: "10.20.0.0/26", privateEndpointSubnet: "10.20.0.32/27" }, 'Platform/Network/VNet: privateEndpointSubnet = "10.20.0.32/27" overlaps appSubnet 10.20.0.0/26');
  });

  it("fails on an integration subnet smaller than /28", () => {
    fails({ appSubnet: "10.20.0.0/29" }, 'appSubnet = "10.20.0.0/29" is smaller than /28, the smallest subnet App Service VNet integration accepts. Fix: use a /26');
  });

  it("fails on a subnet outside the address space", () => {
    fails({ privateEndpointSubnet: "10.30.0.0/27" }, 'privateEndpointSubnet = "10.30.0.0/27" is not inside the VNet\'s addressSpace 10.20.0.0/24');
  });

  it("fails on a block with host bits set", () => {
    fails({ addressSpace: "10.20.0.1/24" }, 'addressSpace = "10.20.0.1/24" is not an IPv4 CIDR block with its host bits zero');
  });
});
