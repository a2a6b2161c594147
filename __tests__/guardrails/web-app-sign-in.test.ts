import { audit } from "../../guardrails/audit";
import type { Finding } from "../../guardrails/rule";
import { type TfJson, WEB, get, keylessPlatform, ref, settings } from "../../testing/guardrail-fixtures";

/** AZ-APP-007 findings on the reference platform after `change`. */
function signInFindings(change: (s: TfJson) => void): Finding[] {
  const s = keylessPlatform();
  change(s);
  return audit(s).findings.filter((f) => f.ruleId === "AZ-APP-007");
}

describe("AZ-APP-007 web-app-sign-in", () => {
  it("passes an app that requires sign-in", () => {
    expect(signInFindings(() => undefined)).toEqual([]);
  });

  it("refuses an app that calls OpenAI with no auth_settings_v2 block, and says how to declare it open", () => {
    const [f] = signInFindings((s) => delete get(s, WEB).auth_settings_v2);
    expect(f).toMatchObject({ severity: "error", address: WEB, constructPath: "dev/platform/web/app" });
    expect(f.message).toBe(
      "azurerm_linux_web_app.web (dev/platform/web/app) calls Azure OpenAI (app_settings AZURE_OPENAI_SERVICE) and has no required sign-in (no auth_settings_v2 block): anyone with its URL can use it.",
    );
    expect(f.fix).toContain('tags = { app-access = "open" }');
  });

  it.each([
    ["require_authentication is false", { require_authentication: false }, "auth_settings_v2.require_authentication = false"],
    ["auth is off", { auth_enabled: false }, "auth_settings_v2.auth_enabled = false"],
    ["anonymous callers are let through", { unauthenticated_action: "AllowAnonymous" }, 'auth_settings_v2.unauthenticated_action = "AllowAnonymous"'],
  ])("refuses an app whose %s", (_name, change, why) => {
    const [f] = signInFindings((s) => Object.assign(get(s, WEB).auth_settings_v2 as object, change));
    expect(f.message).toContain(`has no required sign-in (${why})`);
  });

  it("accepts an app declared open with the app-access tag", () => {
    expect(signInFindings((s) => Object.assign(get(s, WEB), { auth_settings_v2: undefined, tags: { "app-access": "open" } }))).toEqual([]);
  });

  it("ignores an app that does not call Azure OpenAI", () => {
    expect(
      signInFindings((s) => {
        delete get(s, WEB).auth_settings_v2;
        // Deployment and model names are not the account: only AZURE_OPENAI_SERVICE points at it.
        delete settings(s).AZURE_OPENAI_SERVICE;
      }),
    ).toEqual([]);
  });

  it("refuses an app pointed at an OpenAI endpoint outside the stack", () => {
    const [f] = signInFindings((s) => {
      delete get(s, WEB).auth_settings_v2;
      settings(s).AZURE_OPENAI_ENDPOINT = "https://someone-elses.openai.azure.com/";
    });
    expect(f.message).toContain("app_settings AZURE_OPENAI_SERVICE, AZURE_OPENAI_ENDPOINT");
  });

  it("refuses AUTH_ENABLED=true without App Service Authentication, even on an app declared open", () => {
    const found = signInFindings((s) => {
      Object.assign(get(s, WEB), { auth_settings_v2: undefined, tags: { "app-access": "open" } });
      settings(s).AUTH_ENABLED = "True";
    });
    expect(found.map((f) => f.message)).toEqual([
      'azurerm_linux_web_app.web (dev/platform/web/app): app_settings.AUTH_ENABLED = "True" but App Service Authentication is off (no auth_settings_v2 block); the sample app would reject every user ("Authentication not configured").',
    ]);
  });

  it("accepts AUTH_ENABLED=false on an app declared open, and AUTH_ENABLED=true behind sign-in", () => {
    expect(
      signInFindings((s) => Object.assign(get(s, WEB), { auth_settings_v2: undefined, tags: { "app-access": "open" }, app_settings: { ...settings(s), AUTH_ENABLED: "false" } })),
    ).toEqual([]);
    expect(signInFindings((s) => (settings(s).AUTH_ENABLED = "true"))).toEqual([]);
  });

  it("counts the legacy auth_settings block when it redirects anonymous callers", () => {
    expect(
      signInFindings((s) => Object.assign(get(s, WEB), { auth_settings_v2: undefined, auth_settings: { enabled: true, unauthenticated_client_action: "RedirectToLoginPage" } })),
    ).toEqual([]);
    expect(
      signInFindings((s) => Object.assign(get(s, WEB), { auth_settings_v2: undefined, auth_settings: { enabled: true, unauthenticated_client_action: "AllowAnonymous" } })),
    ).toHaveLength(1);
  });

  it("refuses a sign-in whose client secret setting does not exist", () => {
    const [f] = signInFindings((s) =>
      Object.assign((get(s, WEB).auth_settings_v2 as { active_directory_v2: object }).active_directory_v2, {
        client_secret_setting_name: "MICROSOFT_PROVIDER_AUTHENTICATION_SECRET",
      }),
    );
    expect(f.message).toContain('client_secret_setting_name = "MICROSOFT_PROVIDER_AUTHENTICATION_SECRET", but app_settings.MICROSOFT_PROVIDER_AUTHENTICATION_SECRET is not set');
  });

  it("refuses a secretless sign-in whose identity is not attached to the app", () => {
    const [f] = signInFindings((s) => {
      Object.assign((get(s, WEB).auth_settings_v2 as { active_directory_v2: object }).active_directory_v2, {
        client_secret_setting_name: "OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID",
      });
      settings(s).OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID = ref("azurerm_user_assigned_identity.signin", "client_id");
      s.resource.azurerm_user_assigned_identity = { signin: { name: "app-chat-signin" } };
    });
    expect(f.message).toContain("app_settings.OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID names azurerm_user_assigned_identity.signin, which is not in identity.identity_ids");
  });

  it("does not mistake the sign-in identity for the app's own (AZ-APP-003 stays quiet)", () => {
    const s = keylessPlatform();
    const uami = "azurerm_user_assigned_identity.signin";
    get(s, WEB).identity = { type: "SystemAssigned, UserAssigned", identity_ids: [ref(uami)] };
    settings(s).OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID = ref(uami, "client_id");
    s.resource.azurerm_user_assigned_identity = { signin: { name: "app-chat-signin", resource_group_name: "rg-chat", location: "swedencentral" } };
    expect(audit(s).findings.filter((f) => f.ruleId === "AZ-APP-003")).toEqual([]);
  });
});
