import { Testing } from "cdktf";
import { LinuxWebApp } from "@cdktf/provider-azurerm/lib/linux-web-app";
import { ServicePlan } from "@cdktf/provider-azurerm/lib/service-plan";
import { WebApp } from "../../constructs/web-app";
import { UserAssignedIdentity } from "../../constructs/user-assigned-identity";
import { KeyVault } from "../../constructs/key-vault";
import { newStack, onlyResource, synthJson } from "../../testing/helpers";

const base = { resourceGroupName: "rg", location: "swedencentral" };

describe("WebApp", () => {
  it("is HTTPS-only with TLS 1.2, FTPS and basic-auth publishing off, a system identity and Python 3.11", () => {
    const stack = newStack();
    new WebApp(stack, "App", { ...base, name: "my-app" });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(LinuxWebApp, {
      https_only: true,
      ftp_publish_basic_authentication_enabled: false,
      webdeploy_publish_basic_authentication_enabled: false,
      identity: { type: "SystemAssigned" },
      site_config: expect.objectContaining({
        minimum_tls_version: "1.2",
        ftps_state: "Disabled",
        always_on: true,
        health_check_path: "/",
        application_stack: { python_version: "3.11" },
      }),
    });
    expect(synth).toHaveResourceWithProperties(ServicePlan, { os_type: "Linux", sku_name: "B1" });
  });

  it("turns always-on off on the free plan, which does not support it", () => {
    const stack = newStack();
    new WebApp(stack, "App", { ...base, planSku: "F1" });
    expect(onlyResource(synthJson(stack), "azurerm_linux_web_app").site_config.always_on).toBe(false);
  });

  it("runs a container image with a start command-less stack", () => {
    const stack = newStack();
    new WebApp(stack, "App", { ...base, runtime: { kind: "container", registry: "example.azurecr.io", image: "chat", tag: "1.2.3" } });
    expect(onlyResource(synthJson(stack), "azurerm_linux_web_app").site_config.application_stack).toEqual({
      docker_image_name: "chat:1.2.3",
      docker_registry_url: "https://example.azurecr.io",
    });
  });

  it("runs Python with a start command", () => {
    const stack = newStack();
    new WebApp(stack, "App", { ...base, runtime: { kind: "python", version: "3.12", startCommand: "python3 -m gunicorn app:app" } });
    const site = onlyResource(synthJson(stack), "azurerm_linux_web_app").site_config;
    expect(site.app_command_line).toBe("python3 -m gunicorn app:app");
    expect(site.application_stack).toEqual({ python_version: "3.12" });
  });

  it("runs as a user-assigned identity and resolves Key Vault references with it", () => {
    const stack = newStack();
    const id = new UserAssignedIdentity(stack, "Id", base);
    const app = new WebApp(stack, "App", { ...base, userAssignedIdentity: id });
    const site = onlyResource(synthJson(stack), "azurerm_linux_web_app");
    expect(site.identity).toEqual({ type: "UserAssigned", identity_ids: [expect.stringMatching(/^\$\{azurerm_user_assigned_identity\.Id_Identity_[0-9A-F]+\.id\}$/)] });
    expect(site.key_vault_reference_identity_id).toBe(site.identity.identity_ids[0]);
    expect(app.grantPrincipal.kind).toBe("user-assigned");
  });

  it("requires Entra sign-in with the client secret as a Key Vault reference", () => {
    const stack = newStack();
    const vault = new KeyVault(stack, "Vault", { ...base, name: "my-vault" });
    const app = new WebApp(stack, "App", base);
    app.requireSignIn({ clientId: "11111111-1111-1111-1111-111111111111", credential: { kind: "clientSecret", vault, secretName: "auth-secret", expiresOn: "2027-06-30" } });
    const site = onlyResource(synthJson(stack), "azurerm_linux_web_app");
    expect(site.auth_settings_v2).toMatchObject({
      auth_enabled: true,
      require_authentication: true,
      unauthenticated_action: "RedirectToLoginPage",
      active_directory_v2: { client_id: "11111111-1111-1111-1111-111111111111", client_secret_setting_name: "MICROSOFT_PROVIDER_AUTHENTICATION_SECRET" },
    });
    expect(site.app_settings.MICROSOFT_PROVIDER_AUTHENTICATION_SECRET).toBe("@Microsoft.KeyVault(VaultName=my-vault;SecretName=auth-secret)");
    expect(site.sticky_settings).toEqual({ app_setting_names: ["MICROSOFT_PROVIDER_AUTHENTICATION_SECRET"] });
  });

  it("requires Entra sign-in without a secret: a second, user-assigned identity stands in for it", () => {
    const stack = newStack();
    const app = new WebApp(stack, "App", base);
    const signInIdentity = new UserAssignedIdentity(stack, "SignIn", { ...base, name: "app-signin" });
    app.requireSignIn({ clientId: "11111111-1111-1111-1111-111111111111", credential: { kind: "managedIdentity", identity: signInIdentity } });
    const site = onlyResource(synthJson(stack), "azurerm_linux_web_app");
    expect(site.auth_settings_v2.active_directory_v2.client_secret_setting_name).toBe("OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID");
    expect(site.app_settings.OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID).toMatch(/^\$\{azurerm_user_assigned_identity\.SignIn_Identity_\w+\.client_id\}$/);
    // The system identity stays the app's own (grants, Key Vault references); the second one only signs in.
    expect(site.identity).toEqual({ type: "SystemAssigned, UserAssigned", identity_ids: [expect.stringMatching(/SignIn_Identity_\w+\.id\}$/)] });
    expect(site.key_vault_reference_identity_id).toBeUndefined();
    expect(app.grantPrincipal.kind).toBe("system-assigned");
  });

  it("fails on a client secret without an expiry date", () => {
    const stack = newStack();
    const vault = new KeyVault(stack, "Vault", { ...base, name: "my-vault" });
    const app = new WebApp(stack, "App", base);
    expect(() =>
      app.requireSignIn({ clientId: "11111111-1111-1111-1111-111111111111", credential: { kind: "clientSecret", vault, secretName: "auth-secret", expiresOn: "next year" } }),
    ).toThrow(/test\/App: signIn\.clientSecretExpiresOn = "next year" is not a date\. Fix: give the secret's expiry as YYYY-MM-DD/);
  });

  it("fails on a tag inside the image name", () => {
    expect(() => new WebApp(newStack(), "App", { ...base, runtime: { kind: "container", registry: "r.io", image: "chat:1", tag: "1" } })).toThrow(
      /runtime\.image = "chat:1" contains a tag/,
    );
  });

  const container =
    (image: string, tag: string, registry = "example.azurecr.io") =>
    () =>
      new WebApp(newStack(), "App", { ...base, runtime: { kind: "container", registry, image, tag } });

  it.each([
    ["upper case", "My-App"],
    ["a space", "my app"],
    ["a separator at the end", "team/app-"],
    ["an empty path component", "team//app"],
  ])("fails on an image name with %s, which no registry resolves", (_what, image) => {
    expect(container(image, "1.0")).toThrow(
      new RegExp(`runtime\\.image = "${image}" is not an image name a registry accepts\\. Fix: use lower-case letters and digits, separated by '\\.', '_', '__' or '-'`),
    );
  });

  it("fails on an image name longer than the registry allows", () => {
    expect(container(`team/${"a".repeat(240)}`, "1.0")).toThrow(/at most 255 characters with the registry/);
  });

  it.each([
    ["a space", "v 1"],
    ["a leading '-'", "-rc1"],
    ["129 characters", "t".repeat(129)],
  ])("fails on a tag with %s", (_what, tag) => {
    expect(container("chat", tag)).toThrow(/runtime\.tag = .* is not an image tag\. Fix: use 1-128 letters, digits, "_", "\." and "-"/);
  });

  it("fails on a digest given as the tag, which would become image:sha256:...", () => {
    expect(container("chat", `sha256:${"0".repeat(64)}`)).toThrow(
      /runtime\.tag = "sha256:0+" is a digest, which App Service would join to the image as a tag \(image:sha256:\.\.\.\)/,
    );
  });

  it("accepts the names registries accept: paths, '.', '_', '__' and runs of '-'", () => {
    const stack = newStack();
    new WebApp(stack, "App", { ...base, runtime: { kind: "container", registry: "example.azurecr.io", image: "team.a/my__app--x_y", tag: "_V1.2-rc.3" } });
    expect(onlyResource(synthJson(stack), "azurerm_linux_web_app").site_config.application_stack.docker_image_name).toBe("team.a/my__app--x_y:_V1.2-rc.3");
  });

  it("fails on an unknown plan sku", () => {
    expect(() => new WebApp(newStack(), "App", { ...base, planSku: "X9" as never })).toThrow(/planSku = "X9" is not supported/);
  });

  it("fails on an unsupported Python version", () => {
    expect(() => new WebApp(newStack(), "App", { ...base, runtime: { kind: "python", version: "2.7" as never } })).toThrow(/runtime\.version = "2\.7" is not supported/);
  });

  it("fails on a health check path that is not a path", () => {
    expect(() => new WebApp(newStack(), "App", { ...base, healthCheckPath: "health" })).toThrow(/healthCheckPath = "health" is not a path\. Fix: start it with "\/"/);
  });

  it("fails on a web app name over 60 characters", () => {
    expect(() => new WebApp(newStack(), "App", { ...base, name: "a".repeat(61) })).toThrow(/is not a valid web app name\. Fix: use 2-60 characters/);
  });
});
