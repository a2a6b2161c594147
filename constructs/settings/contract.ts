import type { IConstruct } from "constructs";
import { ProblemCollector, ValidationError } from "../errors";
import { REDACTED, isSecretSetting } from "../../catalogue/secrets";
import { type KeyedService, type PlatformFacts, type ProfileSetting, SETTING_FACTS, SETTING_FACT_NAMES, type SettingFact, type SettingsProfile, factValue } from "./profile";

/**
 * A settings profile is a contract: which variable carries which platform fact. This
 * module reads it (validating what the profile declared), completes it with the
 * platform's own variables for the calls the app makes, and derives the app's settings
 * from it, each with the fact it carries. The web app writes the result into its
 * Terraform JSON (`"//".guardrails.settings`), where the guardrails read which variable
 * is a key and which service each one addresses (guardrails/app-contract.ts), and the
 * secrets rule reads which variables are the app's keys (catalogue/secrets.ts).
 */

/** The names the platform gives its own variables when the profile names none. */
export const DEFAULT_VARIABLES: Readonly<Partial<Record<SettingFact, string>>> = Object.freeze({
  "search.endpoint": "AZURE_SEARCH_ENDPOINT",
  "search.key": "AZURE_SEARCH_KEY",
  "storage.blobEndpoint": "AZURE_STORAGE_BLOB_ENDPOINT",
  "storage.container": "AZURE_STORAGE_CONTAINER",
  "identity.clientId": "AZURE_CLIENT_ID",
});

/** The key facts, by service. */
export const KEY_FACTS: Readonly<Record<KeyedService, SettingFact>> = Object.freeze({ openai: "openai.key", search: "search.key" });

/** App Service setting names: letters, digits, periods and underscores (Microsoft Learn, configure-common). */
export const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** One setting of the app, with who decided it and the fact it carries. */
export interface ContractSetting extends ProfileSetting {
  readonly origin: string;
  readonly fact?: SettingFact;
}

/**
 * Checks what a profile declares: known facts, valid and distinct variable names, and
 * keys that agree with `acceptsKeys`. Every problem in one ValidationErrors.
 * @returns the services whose key the app takes in keys mode
 */
export function checkProfileContract(scope: IConstruct, profile: SettingsProfile): readonly KeyedService[] {
  const problems = new ProblemCollector();
  const where = `profile "${profile.name}"`;
  const declared = Object.entries(profile.variables ?? {}) as [string, unknown][];
  const seen = new Map<string, string>();
  for (const [fact, variable] of declared) {
    const field = `${where}: variables.${fact}`;
    if (!SETTING_FACT_NAMES.includes(fact as SettingFact)) {
      problems.add(new ValidationError(scope, field, variable, "names a fact the platform does not have", `use one of ${SETTING_FACT_NAMES.join(", ")}`));
      continue;
    }
    if (typeof variable !== "string" || !SETTING_NAME.test(variable)) {
      problems.add(
        new ValidationError(
          scope,
          field,
          variable,
          "is not a name App Service can pass as an environment variable",
          "use letters, digits, periods and underscores, starting with a letter or underscore",
        ),
      );
      continue;
    }
    const other = seen.get(variable.toUpperCase());
    if (other !== undefined) {
      problems.add(new ValidationError(scope, field, variable, `is also the variable of ${other} (setting names are case-insensitive)`, "give every fact its own variable"));
    }
    seen.set(variable.toUpperCase(), fact);
  }
  const keys = (Object.keys(KEY_FACTS) as KeyedService[]).filter((service) => profile.variables?.[KEY_FACTS[service]] !== undefined);
  if (profile.acceptsKeys === undefined) {
    problems.throwIfAny();
    return profile.variables ? keys : ["openai", "search"];
  }
  if (profile.variables) {
    for (const service of profile.acceptsKeys) {
      if (!keys.includes(service)) {
        problems.add(
          new ValidationError(
            scope,
            `${where}: acceptsKeys`,
            profile.acceptsKeys,
            `says the app takes the ${service === "openai" ? "Azure OpenAI" : "Search"} key, but variables names no ${KEY_FACTS[service]} variable to pass it in`,
            `add variables["${KEY_FACTS[service]}"] (the variable the app reads the key from), or remove "${service}" from acceptsKeys`,
          ),
        );
      }
    }
    for (const service of keys) {
      if (!profile.acceptsKeys.includes(service)) {
        problems.add(
          new ValidationError(
            scope,
            `${where}: variables.${KEY_FACTS[service]}`,
            profile.variables[KEY_FACTS[service]],
            `is a key variable, but acceptsKeys leaves "${service}" out, so the platform would never set it`,
            `add "${service}" to acceptsKeys, or remove variables["${KEY_FACTS[service]}"]`,
          ),
        );
      }
    }
  }
  problems.throwIfAny();
  return profile.acceptsKeys;
}

/**
 * The variables the app reads its keys for the platform's services from, by upper-cased
 * name, for the secrets rule (catalogue/secrets.ts judgeAppSetting): the declared key
 * variables, and the platform's own Search key variable when it would pass one.
 * @param acceptedKeys the services whose key the app takes in keys mode, whatever the mode
 */
export function keyVariables(profile: SettingsProfile, acceptedKeys: readonly KeyedService[], queriesSearch: boolean): Map<string, string> {
  const out = new Map<string, string>();
  const add = (name: string | undefined, what: string) => name && out.set(name.toUpperCase(), what);
  add(profile.variables?.["openai.key"], "Azure OpenAI key");
  add(profile.variables?.["search.key"], "Search key");
  if (queriesSearch && acceptedKeys.includes("search") && profile.variables?.["search.key"] === undefined) add(DEFAULT_VARIABLES["search.key"], "Search key");
  return out;
}

/** What the app calls itself, so its settings must address it. */
export interface CallsToAddress {
  readonly search: boolean;
  readonly blobs: boolean;
}

/**
 * Every setting the app gets from its profile and the platform, each with the fact it
 * carries: the profile's own `settings()`, then each declared variable the profile left to
 * the platform, then the platform's variables for the calls the app makes that none of
 * those already address (named by the contract, else DEFAULT_VARIABLES).
 */
export function contractSettings(scope: IConstruct, profile: SettingsProfile, facts: PlatformFacts, calls: CallsToAddress): ContractSetting[] {
  const origin = `profile ${profile.name}`;
  const declared = new Map<string, SettingFact>();
  for (const fact of SETTING_FACT_NAMES) {
    const variable = profile.variables?.[fact];
    if (variable !== undefined) declared.set(variable.toUpperCase(), fact);
  }
  const out: ContractSetting[] = [];
  const carried = new Set<SettingFact>();
  const problems = new ProblemCollector();
  for (const s of profile.settings?.(facts) ?? []) {
    const fact = declared.get(s.name.toUpperCase()) ?? carriedByValue(facts, s.value, profile.variables !== undefined);
    if (fact !== undefined && declared.has(s.name.toUpperCase()) && factValue(facts, fact) !== s.value) {
      problems.add(
        new ValidationError(
          scope,
          `profile "${profile.name}": variables.${fact}`,
          s.name,
          `names ${s.name}, but settings() sets it to ${JSON.stringify(isSecretSetting(s.name, s.value) ? REDACTED : s.value)}, not the ${SETTING_FACTS[fact]}`,
          `leave ${s.name} out of settings() and let the platform set it, or set it to the fact's value`,
        ),
      );
    }
    if (fact !== undefined) carried.add(fact);
    out.push({ ...s, origin, ...(fact !== undefined ? { fact } : {}) });
  }
  problems.throwIfAny();
  const set = (fact: SettingFact, value: string, origin: string, name: string) => {
    carried.add(fact);
    out.push({ name, value, description: SETTING_FACTS[fact], origin, fact, ...(fact.endsWith(".key") ? { keyVaultReference: true } : {}) });
  };
  for (const [name, fact] of declared) {
    const value = factValue(facts, fact);
    if (value !== undefined && !out.some((s) => s.name.toUpperCase() === name)) set(fact, value, origin, profile.variables![fact]!);
  }
  const platform = (fact: SettingFact, when: boolean) => {
    const value = factValue(facts, fact);
    if (when && value !== undefined && !carried.has(fact)) set(fact, value, "platform", profile.variables?.[fact] ?? DEFAULT_VARIABLES[fact]!);
  };
  // The app reaches a service through either of its addresses; the platform adds one when none is there.
  platform("search.endpoint", calls.search && !carried.has("search.serviceName"));
  platform("search.key", calls.search);
  platform("storage.blobEndpoint", calls.blobs && !carried.has("storage.accountName"));
  platform("storage.container", calls.blobs);
  platform("identity.clientId", true);
  if (facts.openai.keyReference !== undefined && !carried.has("openai.key")) {
    throw new ValidationError(
      scope,
      `profile "${profile.name}"`,
      profile.name,
      "takes the Azure OpenAI key in keys mode (acceptsKeys), but none of its variables carries it, so the app would call with neither key nor role",
      'declare the variable the app reads it from: variables: { "openai.key": "<NAME>" }, or leave "openai" out of acceptsKeys',
    );
  }
  return out;
}

/**
 * The fact a profile variable carries by its value, for profiles that declare none:
 * the first fact whose value it is. Deployment names are left out when nothing is
 * declared: a deployment named after its model would be ambiguous.
 */
function carriedByValue(facts: PlatformFacts, value: string, declaring: boolean): SettingFact | undefined {
  if (declaring) return undefined;
  return SETTING_FACT_NAMES.find((fact) => !fact.endsWith("Deployment") && factValue(facts, fact) === value);
}
