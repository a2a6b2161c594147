import { Testing } from "cdktf";
import { Construct } from "constructs";
import { resolveChatPlatform } from "../../../constructs/chat-platform-config";
import type { ChatPlatformProps } from "../../../constructs/chat-platform";
import { ChatStack } from "../../../app/chat-stack";
import { shippedEnvironments } from "../../../config/environments";
import { addressNamed, newStack, onlyResource, resources, synthPlatform } from "../../../testing/helpers";

const CLIENT_ID = "22222222-3333-5444-8555-666666666666";
const GROUP = "aaaaaaaa-bbbb-cccc-9ddd-eeeeeeeeeeee";
const OWNER = "bbbbbbbb-cccc-dddd-8eee-ffffffffffff";

/** The sample app where it still works: ungrounded chat on a model a subscription already deploys. */
const SAMPLE_APP_UNGROUNDED = {
  profile: "sampleApp",
  features: { onYourData: false },
  openai: { chatModel: { modelName: "gpt-4.1", modelVersion: "2025-04-14", existingCustomer: true } },
} as const;

describe("resolving webApp.access and webApp.signIn (pure)", () => {
  const resolve = (webApp: ChatPlatformProps["webApp"]) => resolveChatPlatform(new Construct(newStack(), "Platform"), { environment: "dev", webApp }).webApp;

  it("requires sign-in by default, with a registration the platform creates", () => {
    expect(resolve(undefined)).toMatchObject({ access: "signIn", signIn: { kind: "created", owners: [], allowedGroups: [] } });
  });

  it("brings a registration secretless, or with a client secret and its expiry", () => {
    expect(resolve({ signIn: { clientId: CLIENT_ID } }).signIn).toEqual({ kind: "brought", clientId: CLIENT_ID, tenantId: undefined });
    expect(resolve({ signIn: { clientId: CLIENT_ID, clientSecretName: "s", clientSecretExpiresOn: "2027-06-30" } }).signIn).toMatchObject({
      clientSecret: { name: "s", expiresOn: "2027-06-30" },
    });
  });

  it("leaves an app declared open without sign-in", () => {
    expect(resolve({ access: "open" })).toMatchObject({ access: "open", signIn: undefined });
  });

  it("refuses sign-in options on an app declared open", () => {
    expect(() => resolve({ access: "open", signIn: {} })).toThrow('test/Platform: webApp.signIn = "(set)" configures sign-in, but webApp.access is "open"');
  });
});

describe("sign-in by default: a registration the platform creates, without a secret", () => {
  const { json } = synthPlatform({ webApp: { signIn: { allowedGroups: [GROUP], owners: [OWNER] } } });
  const site = onlyResource(json, "azurerm_linux_web_app");
  const app = addressNamed(json, "azuread_application", "Registration");
  const signIn = addressNamed(json, "azurerm_user_assigned_identity", "SignInIdentity");

  it("registers a single-tenant web app with ID tokens, owned by the deployer and the given owners", () => {
    expect(onlyResource(json, "azuread_application")).toMatchObject({
      sign_in_audience: "AzureADMyOrg",
      owners: [`\${data.azurerm_client_config.ClientConfig.object_id}`, OWNER],
      web: { implicit_grant: { id_token_issuance_enabled: true } },
    });
  });

  it("points the redirect URI at the app's own host", () => {
    const name = onlyResource(json, "azurerm_linux_web_app").name;
    expect(onlyResource(json, "azuread_application").web.redirect_uris).toEqual([`https://${name}.azurewebsites.net/.auth/login/aad/callback`]);
  });

  it("trusts the sign-in identity with a federated credential instead of a secret", () => {
    expect(onlyResource(json, "azuread_application_federated_identity_credential")).toMatchObject({
      application_id: `\${${app}.id}`,
      issuer: `https://login.microsoftonline.com/\${data.azurerm_client_config.ClientConfig.tenant_id}/v2.0`,
      subject: `\${${signIn}.principal_id}`,
      audiences: ["api://AzureADTokenExchange"],
    });
    expect(resources(json, "azuread_application_password")).toEqual([]);
    expect(site.app_settings.OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID).toBe(`\${${signIn}.client_id}`);
    expect(site.identity.identity_ids).toEqual([`\${${signIn}.id}`]);
  });

  it("requires assignment and assigns only the allowed groups", () => {
    expect(onlyResource(json, "azuread_service_principal")).toMatchObject({ client_id: `\${${app}.client_id}`, app_role_assignment_required: true });
    expect(onlyResource(json, "azuread_app_role_assignment")).toMatchObject({ principal_object_id: GROUP, app_role_id: "00000000-0000-0000-0000-000000000000" });
  });

  it("turns App Service Authentication v2 on with the registration's client id", () => {
    expect(site.auth_settings_v2).toMatchObject({
      auth_enabled: true,
      require_authentication: true,
      unauthenticated_action: "RedirectToLoginPage",
      login: { token_store_enabled: true },
      active_directory_v2: { client_id: `\${${app}.client_id}`, client_secret_setting_name: "OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID" },
    });
    // azure-search-openai-demo's own login stays off: App Service Authentication signs users in.
    expect(site.app_settings.AZURE_USE_AUTHENTICATION).toBeUndefined();
    expect(site.tags["app-access"]).toBeUndefined();
  });

  it("tells the sample app it is behind sign-in (AUTH_ENABLED, which it reads Easy Auth's headers for)", () => {
    const { json } = synthPlatform({ ...SAMPLE_APP_UNGROUNDED });
    expect(onlyResource(json, "azurerm_linux_web_app").app_settings.AUTH_ENABLED).toBe("true");
    const open = synthPlatform({ ...SAMPLE_APP_UNGROUNDED, webApp: { access: "open" } }).json;
    expect(onlyResource(open, "azurerm_linux_web_app").app_settings.AUTH_ENABLED).toBe("false");
  });
});

describe("a brought registration", () => {
  it("without a secret: the platform creates only the sign-in identity", () => {
    const { json } = synthPlatform({ webApp: { signIn: { clientId: CLIENT_ID } } });
    expect(Object.keys(json.resource).filter((t) => t.startsWith("azuread_"))).toEqual([]);
    const site = onlyResource(json, "azurerm_linux_web_app");
    expect(site.auth_settings_v2.active_directory_v2).toMatchObject({ client_id: CLIENT_ID, client_secret_setting_name: "OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID" });
    expect(site.app_settings.OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID).toBe(`\${${addressNamed(json, "azurerm_user_assigned_identity", "SignInIdentity")}.client_id}`);
  });

  it("with a secret: only a Key Vault reference, resolved with the app's identity (F7); the value is nowhere in Terraform", () => {
    const { json, platform } = synthPlatform({ webApp: { signIn: { clientId: CLIENT_ID, clientSecretName: "auth-client-secret", clientSecretExpiresOn: "2027-06-30" } } });
    const site = onlyResource(json, "azurerm_linux_web_app");
    expect(site.app_settings.MICROSOFT_PROVIDER_AUTHENTICATION_SECRET).toBe(`@Microsoft.KeyVault(VaultName=${platform.keyVault!.name};SecretName=auth-client-secret)`);
    expect(platform.config.keyVault.reasons).toEqual(['holds the sign-in client secret "auth-client-secret" (F7)']);
    expect(platform.flows.map((f) => f.flow)).toContain("F7");
    expect(resources(json, "azurerm_key_vault_secret")).toEqual([]);
    expect(resources(json, "azurerm_user_assigned_identity")).toEqual([]);
    expect(JSON.stringify(json)).not.toMatch(/client_secret"|azuread_application_password/);
  });
});

describe("the shipped environments", () => {
  const envs = shippedEnvironments();
  const synth = (name: string) => {
    const stack = new ChatStack(Testing.app(), name, { ...envs[name], observability: false });
    return { stack, json: JSON.parse(Testing.synth(stack, true)) };
  };

  it("prod requires sign-in, and its outputs carry the client id and no secret", () => {
    const { json } = synth("prod");
    expect(onlyResource(json, "azurerm_linux_web_app").auth_settings_v2.require_authentication).toBe(true);
    expect(Object.keys(json.output)).toEqual(expect.arrayContaining(["sign_in_client_id", "sign_in_identity_principal_id"]));
    expect(JSON.stringify(json.output)).not.toMatch(/SECRET|KeyVault\(/i);
    expect(json.provider.azuread).toBeDefined();
  });

  it("dev is open only because its configuration says so: tagged, no registration", () => {
    expect(envs.dev.platform.webApp?.access).toBe("open");
    const { json } = synth("dev");
    const site = onlyResource(json, "azurerm_linux_web_app");
    expect(site.auth_settings_v2).toBeUndefined();
    expect(site.tags["app-access"]).toBe("open");
    expect(resources(json, "azuread_application")).toEqual([]);
  });

  it("fails synth when an app without sign-in is not declared open (the tag removed by hand)", () => {
    const stack = new ChatStack(Testing.app(), "dev", { ...envs.dev, observability: false });
    stack.platform.webApp.resource.addOverride("tags.app-access", undefined);
    expect(() => Testing.synth(stack, true)).toThrow(
      /\[AZ-APP-007\] azurerm_linux_web_app\.\w+ \(dev\/Platform\/WebApp\/Site\) calls Azure OpenAI .* has no required sign-in \(no auth_settings_v2 block\)/,
    );
  });
});
