import { type KeyedService, TYPES, appSettings, apps, describe, isFalse, isOpenAiAccount, keyEvidence, settingTargets } from "../azure";
import { isKeySetting, keyServiceOf } from "../declarations";
import { Finding, Rule, finding, show } from "../rule";
import { TfResource } from "../terraform-json";

/**
 * The sample apps pick their auth path from the presence of a key variable: a key that
 * cannot work (local auth disabled on the service) or an empty one (`AZURE_OPENAI_KEY=""`)
 * sends them down the key path or an unexpected fallback instead of the identity.
 * Design: keyless mode has no `*_KEY` setting at all.
 */
export const keylessAppKeySettings: Rule = {
  id: "AZ-APP-001",
  name: "keyless-app-key-settings",
  severity: "error",
  title: "Key variable in a keyless web app",
  why: "An empty key variable, or a key for a service whose local auth is disabled, flips the app to the key auth path: 401 on the first call although the identity and roles are right.",
  fix: "Remove the *_KEY setting so the app uses its managed identity; in keys mode, set it to a @Microsoft.KeyVault(SecretUri=...) reference and keep local auth enabled on that service.",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const app of apps(model)) {
      const settings = appSettings(model, app);
      const targets = settings.flatMap((s) => settingTargets(model, s));
      for (const s of settings) {
        // A key by the app's settings contract, its value's evidence, or (no contract) a *_KEY name.
        if (!isKeySetting(model, app, s)) continue;
        if (s.value !== undefined && s.value.trim() === "") {
          findings.push(
            finding(this, app, `${describe(app)}: ${s.where} = "" (empty). An empty key is the worst case: the app takes the key path or a fallback instead of its identity.`),
          );
          continue;
        }
        const service = keyServiceOf(model, app, s);
        // The account whose key the value holds, else any service of that kind the app points at.
        const account = keyEvidence(model, s)?.account;
        const keyless = account && service && localAuthDisabled(account, service) ? account : targets.find((t) => service !== undefined && localAuthDisabled(t, service));
        if (keyless) {
          findings.push(finding(this, app, `${describe(app)}: ${s.where} is set, but ${keyless.address} disables key auth (${disabledBy(keyless)}), so the key can never work.`));
        }
      }
    }
    return findings;
  },
};

function localAuthDisabled(r: TfResource, service: KeyedService): boolean {
  if (service === "openai") return isOpenAiAccount(r) && isFalse(r.values.local_auth_enabled);
  if (service === "search") return r.type === TYPES.search && isFalse(r.values.local_authentication_enabled);
  return r.type === TYPES.storage && isFalse(r.values.shared_access_key_enabled);
}

function disabledBy(r: TfResource): string {
  const arg = r.type === TYPES.search ? "local_authentication_enabled" : r.type === TYPES.storage ? "shared_access_key_enabled" : "local_auth_enabled";
  return `${arg} = ${show(r.values[arg])}`;
}
