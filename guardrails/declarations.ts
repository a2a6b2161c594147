import { FLOWS, type FlowId, FLOW_IDS } from "../catalogue/flows";
import type { BuiltInRole } from "../catalogue/roles";
import { isKeySettingName } from "../catalogue/secrets";
import { type AppSetting, type KeyedService, appSettings, keyEvidence, partyOf, serviceOfSetting, setting } from "./azure";
import type { StackModel } from "./model";
import { type TfResource, isObject, referencesIn } from "./terraform-json";

/**
 * What the constructs declare to the guardrails in cdk.tf.json (`"//".guardrails`), next
 * to suppressions: JSON is the contract between the two halves, so neither imports the
 * other (constructs/web-app.ts and constructs/rbac/intent.ts write it).
 *
 * - `settings`: a web app's settings contract, variable -> the platform fact it carries
 *   (constructs/settings/contract.ts). An app that has one is judged by it and by
 *   evidence in its values, never by its variables' names: a variable is the Azure OpenAI
 *   key because the contract or its value says so, not because it is called *OPENAI*KEY.
 * - `flows`: calls a resource declares it makes (`webApp.intends(...)`), each
 *   `{ flow, target }` with the target as a reference: the flow audit requires them like
 *   any flow it infers, so a hand-composed stack is held to the same matrix as the pattern.
 *
 * Plans and states drop `"//"`; there the evidence and, for apps without a contract, the
 * sample apps' naming conventions are all the audit has.
 */

const KEY_FACTS: Readonly<Record<string, KeyedService>> = { "openai.key": "openai", "search.key": "search" };

/** The settings contract `app` was built with (upper-cased variable -> fact), or undefined when it has none. */
export function settingsContract(app: TfResource): ReadonlyMap<string, string> | undefined {
  const declared = app.declared?.settings;
  if (!isObject(declared)) return undefined;
  const out = new Map<string, string>();
  for (const [name, fact] of Object.entries(declared)) if (typeof fact === "string") out.set(name.toUpperCase(), fact);
  return out;
}

/** The variable a contracted app reads `fact` from, if it declares one. */
export function variableFor(app: TfResource, fact: string): string | undefined {
  for (const [name, f] of settingsContract(app) ?? []) if (f === fact) return name;
  return undefined;
}

/**
 * Whether `s` is an API key setting of `app`, and for which service: the settings
 * contract's word when the app has one; evidence in the value (a Key Vault reference to a
 * secret holding an account's key, or the key attribute itself); and, only for an app
 * without a contract, the sample apps' naming (`AZURE_OPENAI_KEY`, `AZURE_SEARCH_KEY`).
 */
export function keyServiceOf(model: StackModel, app: TfResource, s: AppSetting): KeyedService | undefined {
  // Once per app: the rules ask for every setting, several times.
  const keys = model.derive(`keys:${app.address}`, (m) => {
    const contract = settingsContract(app);
    const out = new Map<AppSetting, KeyedService>();
    for (const setting of appSettings(m, app)) {
      const declared = contract?.get(setting.name.toUpperCase());
      const service =
        declared !== undefined && KEY_FACTS[declared]
          ? KEY_FACTS[declared]
          : (keyEvidence(m, setting)?.service ?? (contract || !isKeySettingName(setting.name) ? undefined : serviceOfSetting(setting.name)));
      if (service) out.set(setting, service);
    }
    return out;
  });
  return keys.get(s);
}

/** Whether `s` is a key-named setting the audit should treat as a key of unknown service (apps without a contract only). */
export function isKeySetting(model: StackModel, app: TfResource, s: AppSetting): boolean {
  if (keyServiceOf(model, app, s)) return true;
  return !settingsContract(app) && isKeySettingName(s.name);
}

/** The app setting that names the user-assigned identity for DefaultAzureCredential: the contract's `identity.clientId`, else AZURE_CLIENT_ID. */
export function clientIdSetting(model: StackModel, app: TfResource): AppSetting | undefined {
  return setting(model, app, variableFor(app, "identity.clientId") ?? "AZURE_CLIENT_ID");
}

// ---------------------------------------------------------------------------------
// Declared flows

/** One call a resource declares it makes. */
export interface DeclaredFlow {
  readonly flow: FlowId;
  /** The target in this stack; undefined when it lives elsewhere (an existing resource by id). */
  readonly target?: TfResource;
  /** The target as declared, for messages. */
  readonly targetText: string;
}

/** The flows `r` declares (`"//".guardrails.flows`). */
export function declaredFlows(model: StackModel, r: TfResource): readonly DeclaredFlow[] {
  const list = r.declared?.flows;
  if (!Array.isArray(list)) return [];
  const out: DeclaredFlow[] = [];
  for (const item of list) {
    if (!isObject(item) || typeof item.flow !== "string" || !(FLOW_IDS as readonly string[]).includes(item.flow)) continue;
    const targetText = typeof item.target === "string" ? item.target : "(unknown)";
    const target = referencesIn(item.target)
      .map((ref) => model.get(ref.address))
      .find((t) => t !== undefined);
    out.push({ flow: item.flow as FlowId, ...(target ? { target } : {}), targetText });
  }
  return out;
}

/** Whether `caller` declares `flow` to `target`. */
export function declares(model: StackModel, caller: TfResource, flow: FlowId, target: TfResource): boolean {
  return declaredFlows(model, caller).some((d) => d.flow === flow && d.target === target);
}

type AddFlow = (id: FlowId, caller: TfResource | undefined, target: TfResource | undefined, because: string, opts?: { roles?: readonly BuiltInRole[] }) => void;

/** Adds every declared flow to the inferred ones (flow-inference.ts calls it). */
export function inferDeclaredFlows(model: StackModel, add: AddFlow): void {
  for (const r of model.resources) {
    if (r.declared?.flows === undefined) continue;
    for (const d of declaredFlows(model, r)) {
      const def = FLOWS[d.flow];
      const roles = d.target ? def.targets.find((t) => t.target === partyOf(d.target!))?.roles : def.targets[0]?.roles;
      add(d.flow, r, d.target, `${r.constructPath ?? r.address} declares it calls ${d.target?.address ?? d.targetText} (${def.title})`, roles ? { roles } : {});
    }
  }
}
