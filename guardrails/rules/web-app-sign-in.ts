import { OPEN_ACCESS_TAG } from "../../catalogue/access";
import { appKind, appSettings, apps, describe, identityOf, isTrue, partyOf, serviceOfSetting, setting, settingTargets } from "../azure";
import type { StackModel } from "../model";
import { type Finding, type Rule, finding, show } from "../rule";
import { type TfResource, block, str } from "../terraform-json";

const { name: OPEN_ACCESS_TAG_NAME, value: OPEN_ACCESS_TAG_VALUE } = OPEN_ACCESS_TAG;

/**
 * An app that calls Azure OpenAI answers anyone who reaches it, and pays with its own
 * identity or key: without sign-in, anyone who finds `https://<app>.azurewebsites.net`
 * chats on your quota (and reads your grounding data). App Service Authentication v2
 * with `require_authentication = true` is the gate.
 * https://learn.microsoft.com/azure/app-service/overview-authentication-authorization
 *
 * The sample app (microsoft/sample-app-aoai-chatGPT, backend/settings.py) defaults
 * `AUTH_ENABLED` to true and then expects Easy Auth's `/.auth/me` and
 * `X-Ms-Client-Principal*` headers: without Easy Auth, every user sees
 * "Authentication not configured".
 */
export const webAppSignIn: Rule = {
  id: "AZ-APP-007",
  name: "web-app-sign-in",
  severity: "error",
  title: "Web app calls Azure OpenAI without sign-in, or expects a sign-in it does not have",
  why: "Without App Service Authentication anyone with the app's URL chats on your OpenAI quota through the app's identity or key; AUTH_ENABLED=true without it makes the sample app reject every user.",
  fix: `Add auth_settings_v2 { auth_enabled = true, require_authentication = true, active_directory_v2 { ... } } to the app, or declare it open on purpose with the tag ${OPEN_ACCESS_TAG_NAME} = "${OPEN_ACCESS_TAG_VALUE}".`,
  helpUri: "https://learn.microsoft.com/azure/app-service/configure-authentication-provider-aad",
  evaluate(model) {
    const findings: Finding[] = [];
    // Function Apps are left out: their HTTP triggers answer only with a function key
    // unless declared anonymous (https://learn.microsoft.com/azure/azure-functions/function-keys-how-to).
    for (const app of apps(model).filter((a) => appKind(a) !== "functionApp")) {
      const container = appKind(app) === "containerApp";
      // A Container App without external ingress is reachable only inside its environment.
      if (container && !isTrue(block(app.values.ingress)?.external_enabled)) continue;
      const auth = easyAuthOf(app);
      const openAi = openAiSettings(model, app);
      if (openAi.length > 0 && !auth.required && !declaredOpen(app)) {
        findings.push(
          finding(
            this,
            app,
            `${describe(app)} calls Azure OpenAI (${container ? "env" : "app_settings"} ${openAi.join(", ")}) and has no required sign-in (${container ? auth.why.replace("no auth_settings_v2 block", "no Microsoft.App/containerApps/authConfigs") : auth.why}): anyone with its URL can use it.`,
            {
              fix: container
                ? `Require sign-in with Container Apps authentication: azapi_resource { type = "Microsoft.App/containerApps/authConfigs@2024-03-01", name = "current", parent_id = ${app.address}.id, body = { properties = { platform = { enabled = true }, globalValidation = { unauthenticatedClientAction = "RedirectToLoginPage" }, identityProviders = { azureActiveDirectory = { ... } } } } } (azurerm has no argument for it). Or declare the app open on purpose: tags = { ${OPEN_ACCESS_TAG_NAME} = "${OPEN_ACCESS_TAG_VALUE}" }.`
                : `Require sign-in: auth_settings_v2 { auth_enabled = true, require_authentication = true, unauthenticated_action = "RedirectToLoginPage", active_directory_v2 { client_id = ..., tenant_auth_endpoint = ... } } (ChatPlatform: remove webApp.access "open"). Or declare the app open on purpose: tags = { ${OPEN_ACCESS_TAG_NAME} = "${OPEN_ACCESS_TAG_VALUE}" }.`,
            },
          ),
        );
      }
      const credential = credentialProblem(model, app);
      if (credential) {
        findings.push(finding(this, app, `${describe(app)}: ${credential.message}`, { fix: credential.fix }));
      }
      const authEnabled = setting(model, app, "AUTH_ENABLED");
      if (authEnabled && truthy(authEnabled.value) && !auth.enabled) {
        findings.push(
          finding(
            this,
            app,
            `${describe(app)}: app_settings.AUTH_ENABLED = ${show(authEnabled.value)} but App Service Authentication is off (${auth.why}); the sample app would reject every user ("Authentication not configured").`,
            {
              fix: 'Turn App Service Authentication on (auth_settings_v2 { auth_enabled = true, ... }), or set AUTH_ENABLED = "false" for an app declared open.',
            },
          ),
        );
      }
    }
    return findings;
  },
};

interface EasyAuth {
  /** Easy Auth runs (`/.auth/me` answers). */
  readonly enabled: boolean;
  /** Unauthenticated requests are turned away. */
  readonly required: boolean;
  /** What is missing, for messages. */
  readonly why: string;
}

/** azurerm 4.x defaults: auth_enabled false, require_authentication false, unauthenticated_action "RedirectToLoginPage". */
function easyAuthOf(app: TfResource): EasyAuth {
  const v2 = block(app.values.auth_settings_v2);
  if (v2) {
    const enabled = isTrue(v2.auth_enabled);
    if (!enabled) return { enabled, required: false, why: `auth_settings_v2.auth_enabled = ${show(v2.auth_enabled)}` };
    if (!isTrue(v2.require_authentication)) return { enabled, required: false, why: `auth_settings_v2.require_authentication = ${show(v2.require_authentication)}` };
    if (str(v2.unauthenticated_action) === "AllowAnonymous") return { enabled, required: false, why: 'auth_settings_v2.unauthenticated_action = "AllowAnonymous"' };
    return { enabled, required: true, why: "" };
  }
  // The v1 block still works; count it when it turns anonymous callers away.
  const v1 = block(app.values.auth_settings);
  if (v1 && isTrue(v1.enabled)) {
    const action = str(v1.unauthenticated_client_action);
    const required = action === "RedirectToLoginPage";
    return { enabled: true, required, why: required ? "" : `auth_settings.unauthenticated_client_action = ${show(action)}` };
  }
  return { enabled: false, required: false, why: "no auth_settings_v2 block" };
}

/** The setting App Service reads a managed identity's client id from, in place of a client secret (Microsoft Learn, "Use a managed identity instead of a secret"). */
const MI_FIC_SETTING = "OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID";

/**
 * The Entra provider's credential must exist: `client_secret_setting_name` names an app
 * setting, and for the secretless form that setting must name an identity attached to
 * the app. Otherwise sign-in fails for every user (or falls back to the implicit flow).
 */
function credentialProblem(model: StackModel, app: TfResource): { message: string; fix: string } | undefined {
  const aad = block(block(app.values.auth_settings_v2)?.active_directory_v2);
  const name = str(aad?.client_secret_setting_name);
  if (!aad || name === undefined) return undefined;
  const s = setting(model, app, name);
  if (!s) {
    return {
      message: `auth_settings_v2.active_directory_v2.client_secret_setting_name = ${show(name)}, but app_settings.${name} is not set: sign-in cannot authenticate the registration.`,
      fix:
        name === MI_FIC_SETTING
          ? `Set app_settings.${MI_FIC_SETTING} = <user-assigned identity>.client_id, for an identity in identity.identity_ids.`
          : `Set app_settings.${name} = @Microsoft.KeyVault(SecretUri=...) holding the registration's client secret.`,
    };
  }
  if (name.toUpperCase() !== MI_FIC_SETTING) return undefined;
  const named = s.refs.map((r) => model.get(r.address)).find((r) => r?.type === "azurerm_user_assigned_identity");
  if (named && !identityOf(model, app).userAssignedRefs.some((r) => model.is(r, named))) {
    return {
      message: `app_settings.${MI_FIC_SETTING} names ${named.address}, which is not in identity.identity_ids: App Service cannot get its token, so sign-in fails.`,
      fix: `Attach ${named.address} to the app (identity { type = "SystemAssigned, UserAssigned", identity_ids = [...] }).`,
    };
  }
  return undefined;
}

/** Names of the settings that point the app at an Azure OpenAI account, in this stack or by endpoint. */
function openAiSettings(model: StackModel, app: TfResource): string[] {
  return appSettings(model, app)
    .filter((s) => settingTargets(model, s).some((t) => partyOf(t) === "openai") || (serviceOfSetting(s.name) === "openai" && /^https:\/\//i.test(s.value ?? "")))
    .map((s) => s.name);
}

function declaredOpen(app: TfResource): boolean {
  const tags = block(app.values.tags) ?? {};
  return Object.entries(tags).some(([k, v]) => k.toLowerCase() === OPEN_ACCESS_TAG_NAME && String(v).toLowerCase() === OPEN_ACCESS_TAG_VALUE);
}

/** Pydantic's bool parsing, which the sample app's settings use. */
function truthy(value: string | undefined): boolean {
  return value !== undefined && /^(true|1|yes|on|t|y)$/i.test(value.trim());
}
