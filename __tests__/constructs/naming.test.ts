import { Testing } from "cdktf";
import { ChatStack } from "../../app/chat-stack";
import { ValidationError } from "../../constructs/errors";
import { checkName, nameForChecks } from "../../constructs/naming";
import { newStack, synthPlatform } from "../../testing/helpers";

describe("unique names: a suffix Terraform computes at plan time from the subscription", () => {
  const { json } = synthPlatform();
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
    const named = synthPlatform({ keyVault: { name: "my-team-kv-01" } }).json as any;
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
