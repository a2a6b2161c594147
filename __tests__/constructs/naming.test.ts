import { Testing } from "cdktf";
import { ChatStack } from "../../app/chat-stack";
import { ValidationError } from "../../constructs/errors";
import { checkName, nameForChecks } from "../../constructs/naming";
import { KeyVault } from "../../constructs/key-vault";
import { newStack, synthJson, synthPlatform } from "../../testing/helpers";

describe("unique names: a suffix Terraform computes at plan time from the subscription", () => {
  const { json } = synthPlatform({ keyVault: { enabled: true } });
  const j = json as any;

  it("is one local per stamp over the subscription id, prefix, environment, region and seed", () => {
    expect(j.locals).toEqual({
      name_suffix_chat_dev: '${substr(sha256(join("|", [data.azurerm_client_config.ClientConfig.subscription_id, "chat", "dev", "swedencentral", ""])), 0, 6)}',
    });
    expect(j.data.azurerm_client_config).toBeDefined();
  });

  it("ends every globally unique name, so two subscriptions never collide and the JSON stays machine-independent", () => {
    const names = [
      ...Object.values(j.resource.azurerm_storage_account),
      ...Object.values(j.resource.azurerm_key_vault),
      ...Object.values(j.resource.azurerm_search_service),
      ...Object.values(j.resource.azurerm_linux_web_app),
      ...Object.values(j.resource.azurerm_cognitive_account),
    ].map((r: any) => r.name);
    expect(names).toEqual([
      "chatdevst${local.name_suffix_chat_dev}",
      "chat-dev-kv-${local.name_suffix_chat_dev}",
      "chat-dev-srch-${local.name_suffix_chat_dev}",
      "chat-dev-app-${local.name_suffix_chat_dev}",
      "chat-dev-oai-${local.name_suffix_chat_dev}",
    ]);
    expect((Object.values(j.resource.azurerm_cognitive_account)[0] as any).custom_subdomain_name).toBe("chat-dev-oai-${local.name_suffix_chat_dev}");
  });

  it("feeds nameSeed into the suffix", () => {
    const seeded = synthPlatform({ nameSeed: "contoso.com" }).json as any;
    expect(seeded.locals.name_suffix_chat_dev).toContain('"swedencentral", "contoso.com"])');
  });

  it("still checks lengths and charsets at synth, counting the suffix as its 6 characters", () => {
    expect(nameForChecks("chatdevst${local.name_suffix_chat_dev}")).toBe("chatdevst000000");
    const stack = newStack();
    expect(checkName(stack, "name", "storage", "chatdevst${local.name_suffix_chat_dev}")).toBe("chatdevst${local.name_suffix_chat_dev}");
    expect(() => checkName(stack, "name", "storage", "chatdevelopmentstorage${local.name_suffix_chat_dev}")).toThrow(
      /name = .* is not a valid storage account name. Fix: use 3-24 characters/,
    );
  });

  it("keeps explicit names as given", () => {
    const named = synthPlatform({ keyVault: { enabled: true, name: "my-team-kv-01" } }).json as any;
    expect((Object.values(named.resource.azurerm_key_vault)[0] as any).name).toBe("my-team-kv-01");
  });

  it("fails two stamps that would get the same names with one message naming both", () => {
    const app = Testing.app();
    new ChatStack(app, "a", { platform: { environment: "dev" } });
    let error: unknown;
    try {
      new ChatStack(app, "b", { platform: { environment: "dev" } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe(
      'b/Platform: environment = "dev" gives every resource the same name as a/Platform (same prefix, environment, location and nameSeed). Fix: give each stamp its own environment name, or a different prefix, location or nameSeed',
    );
    // A different seed is enough to tell them apart.
    expect(() => new ChatStack(app, "c", { platform: { environment: "dev", nameSeed: "c" } })).not.toThrow();
  });
});

describe("globally unique names are claimed once per app", () => {
  const explicit = (environment: string, name: string) => ({
    platform: { environment, search: { name }, storage: { name: name.replace(/-/g, "") }, keyVault: { enabled: true, name }, openai: { name }, webApp: { name } },
  });

  it("fails a second stack that sets a name Azure makes global, naming the first (a name set once in the defaults)", () => {
    const app = Testing.app();
    new ChatStack(app, "dev", explicit("dev", "chat-shared-1"));
    expect(() => new ChatStack(app, "prod", explicit("prod", "chat-shared-1"))).toThrow(
      'prod/Platform/OpenAI: name = "chat-shared-1" is also the custom subdomain of dev/Platform/OpenAI; Azure makes it a global DNS name, so only one of the two can ever be created. Fix: give each its own name, or leave the name out to derive a unique one per stamp',
    );
  });

  it.each([
    ["search", { search: { name: "chat-srch-1" } }, "prod/Platform/Search: name"],
    ["storage", { storage: { name: "chatstorage1" } }, "prod/Platform/Storage: name"],
    ["keyVault", { keyVault: { enabled: true, name: "chat-kv-1" } }, "prod/Platform/KeyVault: name"],
    ["webApp", { webApp: { name: "chat-app-1" } }, "prod/Platform/WebApp: name"],
  ])("compares %s names without case, as DNS does", (kind, props, where) => {
    // Web app names may be written in upper case; the others are lower case only.
    const upper = JSON.parse(JSON.stringify(props).replace(/"name":"([^"]+)"/, (_m, n: string) => `"name":"${kind === "webApp" ? n.toUpperCase() : n}"`));
    const app = Testing.app();
    new ChatStack(app, "dev", { platform: { environment: "dev", ...props } });
    expect(() => new ChatStack(app, "prod", { platform: { environment: "prod", ...upper } })).toThrow(new RegExp(`^${where} = .* is also the .* of dev/`));
  });

  it("lets separate apps, and references to one existing vault, use the same name", () => {
    new ChatStack(Testing.app(), "dev", explicit("dev", "chat-shared-1"));
    expect(() => new ChatStack(Testing.app(), "dev", explicit("dev", "chat-shared-1"))).not.toThrow();
    const app = Testing.app();
    for (const id of ["a", "b"]) {
      const stack = new ChatStack(app, id, { platform: { environment: id } });
      const resourceId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/shared/providers/Microsoft.KeyVault/vaults/shared-kv";
      expect(() => KeyVault.fromKeyVaultAttributes(stack, "Shared", { resourceId, name: "shared-kv" })).not.toThrow();
    }
  });
});

describe("constructs used without the pattern", () => {
  it("get names unique per subscription from the exported helpers, as ChatPlatform's are (issue 27: not exported)", async () => {
    const lib = await import("../../index");
    const stack = newStack("prod");
    lib.provideNaming(stack, lib.uniqueNaming(stack, { prefix: "contoso", environment: "prod", location: "westeurope" }));
    const search = new lib.SearchService(stack, "Search", { resourceGroupName: "rg", location: "westeurope" });
    expect(search.name).toBe("contoso-prod-srch-${local.name_suffix_contoso_prod}");
    const json = synthJson(stack) as { locals?: Record<string, string> };
    expect(json.locals?.name_suffix_contoso_prod).toMatch(
      /sha256\(join\("\|", \[data\.azurerm_client_config\.ClientConfig\.subscription_id, "contoso", "prod", "westeurope", ""\]\)\)/,
    );
  });
});
