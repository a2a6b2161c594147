import * as fs from "fs";
import { ChatPlatformProps } from "../../../constructs/chat-platform";
import { KeyVault } from "../../../constructs/key-vault";
import { isSecretSettingName } from "../../../catalogue/secrets";
import { TfJson, newStack, onlyResource, synthJson, synthPlatform } from "../../../testing/helpers";
import { DEV_A, DEV_B, FEATURE_SETS, ISO_TIMESTAMP, KEY_ATTRIBUTE, KNOWN_GUIDS, STATEFUL_TYPES, UUID_V4, scanForSecrets, synthAppToDir, synthStackText } from "./support";

/**
 * Reliability invariants of the synthesized configuration: determinism, stable
 * addresses, stateful protection, no key material, stable role-assignment names.
 *
 * One file on purpose: module loading is most of a test file's cost, and each synth
 * below is made once and read by every section that needs it.
 */

// --- the synths, each made once ------------------------------------------------------------
/** Every feature set as a full ChatStack, synthesized twice in two fresh apps. */
const runs = Object.entries(FEATURE_SETS).map(([name, props]) => ({ name, first: synthStackText(props), second: synthStackText(props) }));
const runJson = (name: keyof typeof FEATURE_SETS): TfJson => JSON.parse(runs.find((r) => r.name === name)!.first);

/** The default platform, and one variant per optional feature toggled. */
const baseline = synthPlatform().json;
/** The default platform with a vault kept for the user's own secrets: where a vault's address and name come from. */
const withVault = synthPlatform({ keyVault: { enabled: true } }).json;
const VARIANTS: [string, Partial<ChatPlatformProps>][] = [
  ["customer-managed key on", { features: { customerManagedKey: true } }],
  ["ingestion on", { features: { ingestion: true } }],
  ["developers added", { developers: [{ objectId: DEV_A }, { objectId: DEV_B, type: "Group" }] }],
  ["keys mode", { authMode: "keys" }],
  ["user-assigned identity", { userAssignedIdentity: true }],
  ["app queries Search", { features: { appQueriesSearch: true } }],
  ["prevent_destroy on", { protectStatefulResources: true }],
  ["all of them together (plus sign-in and blob reads)", { ...FEATURE_SETS.full, features: { ...FEATURE_SETS.full.features, ingestion: true }, protectStatefulResources: true }],
];
const variants = VARIANTS.map(([label, props]) => ({ label, json: synthPlatform(props).json }));
const variant = (label: string) => variants.find((v) => v.label.startsWith(label))!.json;

/** `cdktf synth` for real: an App with an outdir, two environments, written to disk twice. */
const APP_STACKS = { dev: FEATURE_SETS.full, prod: { ...FEATURE_SETS.openaiProfile, developers: [{ objectId: DEV_A }] } };
const appA = synthAppToDir(APP_STACKS);
const appB = synthAppToDir(APP_STACKS);
afterAll(() => {
  fs.rmSync(appA.outdir, { recursive: true, force: true });
  fs.rmSync(appB.outdir, { recursive: true, force: true });
});
const appFiles = [...appA.files.entries()].map(([file, text]) => ({ file, text, json: JSON.parse(text) as Record<string, any> }));
const appStack = (id: string): TfJson => appFiles.find((f) => f.file === `stacks/${id}/cdk.tf.json`)!.json as TfJson;

// --- determinism ------------------------------------------------------------------------------
describe("determinism", () => {
  describe.each(runs)("feature set $name", ({ first, second }) => {
    it("synthesizes byte-identical JSON in two fresh apps", () => {
      expect(second).toBe(first);
    });

    it("holds no ISO timestamp", () => {
      expect(first).not.toMatch(ISO_TIMESTAMP);
    });

    it("holds no random (v4) GUID beyond Microsoft's built-in role ids", () => {
      const v4 = [...new Set(first.match(UUID_V4) ?? [])].filter((g) => !KNOWN_GUIDS.has(g.toLowerCase()));
      expect(v4).toEqual([]);
    });
  });

  it("the feature sets really differ (the comparison is not vacuous)", () => {
    expect(new Set(runs.map((r) => r.first)).size).toBe(runs.length);
    const full = runs.find((r) => r.name === "full")!.first;
    for (const type of ["azurerm_cognitive_account_customer_managed_key", "azurerm_user_assigned_identity", "azurerm_key_vault_secret", "time_sleep"])
      expect(full).toContain(`"${type}"`);
  });

  it("app.synth() writes byte-identical files in two fresh apps (manifest included)", () => {
    expect([...appA.files.keys()]).toEqual([...appB.files.keys()]);
    expect([...appA.files.keys()]).toEqual(expect.arrayContaining(["manifest.json", "stacks/dev/cdk.tf.json", "stacks/prod/cdk.tf.json"]));
    for (const [file, text] of appA.files) expect({ file, text }).toEqual({ file, text: appB.files.get(file) });
  });

  it("app.synth() output holds no timestamp and no absolute path of this machine", () => {
    for (const { file, text } of appFiles) {
      expect({ file, timestamp: ISO_TIMESTAMP.test(text), outdir: text.includes(appA.outdir) }).toEqual({ file, timestamp: false, outdir: false });
    }
  });
});

// --- stable addresses -----------------------------------------------------------------------
/** `type.logicalId` -> `name` of every stateful resource. */
function statefulNames(json: TfJson): Record<string, string> {
  const out: Record<string, string> = {};
  for (const type of STATEFUL_TYPES) {
    for (const [id, r] of Object.entries(json.resource[type] ?? {})) out[`${type}.${id}`] = r.name;
  }
  return out;
}

const roleAssignmentNames = (json: TfJson): Record<string, string> =>
  Object.fromEntries(Object.entries(json.resource.azurerm_role_assignment ?? {}).map(([id, r]) => [`azurerm_role_assignment.${id}`, r.name]));

describe("stateful resources keep their address and name when optional features change", () => {
  const base = statefulNames(baseline);
  const vault = Object.entries(statefulNames(withVault)).filter(([a]) => a.startsWith("azurerm_key_vault."));
  const baseGrants = roleAssignmentNames(baseline);

  it("the default platform has every stateful type but the vault nothing uses, each named", () => {
    for (const type of STATEFUL_TYPES.filter((t) => t !== "azurerm_key_vault")) expect(Object.keys(base).some((a) => a.startsWith(`${type}.`))).toBe(true);
    expect(Object.keys(base)).toHaveLength(7); // group, account, 2 deployments, search, storage, container
    expect(vault).toHaveLength(1);
  });

  describe.each(variants.map((v, i) => ({ ...v, props: VARIANTS[i][1] })))("$label", ({ json, props }) => {
    it("has exactly the default platform's stateful addresses and names (and a vault, when one is used, at the same address and name)", () => {
      const names = statefulNames(json);
      const hasVault = Object.keys(names).some((a) => a.startsWith("azurerm_key_vault."));
      expect(names).toEqual(hasVault ? { ...base, ...Object.fromEntries(vault) } : base);
    });

    it("keeps the name of every role assignment it shares with the default platform", () => {
      const grants = roleAssignmentNames(json);
      const shared = Object.keys(grants).filter((a) => a in baseGrants);
      // A user-assigned identity takes over every grant of the app's system identity: new addresses on purpose.
      if (!props.userAssignedIdentity) expect(shared.length).toBeGreaterThan(0);
      for (const a of shared) expect({ a, name: grants[a] }).toEqual({ a, name: baseGrants[a] });
    });
  });
});

// --- stateful protection -------------------------------------------------------------------
const lifecycleOf = (json: TfJson) =>
  Object.entries(json.resource).flatMap(([type, byId]) =>
    Object.entries(byId).map(([id, r]) => ({ address: `${type}.${id}`, type, preventDestroy: r.lifecycle?.prevent_destroy })),
  );

describe("protectStatefulResources: true", () => {
  const protectedSets = [variant("prevent_destroy on"), variant("all of them together")].map(lifecycleOf);

  it.each(STATEFUL_TYPES)("puts prevent_destroy on every %s", (type) => {
    const ofType = protectedSets.flat().filter((r) => r.type === type);
    expect(ofType.length).toBeGreaterThan(0);
    for (const r of ofType) expect(r).toEqual({ address: r.address, type, preventDestroy: true });
  });

  it("leaves role assignments and the propagation wait destroyable (cheap to re-create)", () => {
    const disposable = protectedSets[1].filter((r) => r.type === "azurerm_role_assignment" || r.type === "time_sleep");
    expect(disposable.length).toBeGreaterThan(10);
    for (const r of disposable) expect(r).toEqual({ ...r, preventDestroy: undefined });
  });
});

describe("protectStatefulResources default", () => {
  it("is off: no resource carries prevent_destroy, whatever the features", () => {
    for (const json of [baseline, runJson("full"), runJson("keylessCmkDevs")]) expect(lifecycleOf(json).filter((r) => r.preventDestroy !== undefined)).toEqual([]);
  });

  it("false is the same as not set", () => {
    expect(synthPlatform({ protectStatefulResources: false }).json).toEqual(baseline);
  });
});

describe("Key Vault purge protection is always on", () => {
  const candidates: [string, TfJson][] = [
    ["kept for the user's own secrets", withVault],
    ...variants.map((v) => [v.label, v.json] as [string, TfJson]),
    ...runs.map((r) => [`stack ${r.name}`, JSON.parse(r.first)] as [string, TfJson]),
  ];
  const all = candidates.filter(([, json]) => json.resource.azurerm_key_vault !== undefined);

  it("is checked on every configuration that has a vault (customer-managed key, keys mode, a sign-in secret, kept)", () => {
    expect(all.map(([label]) => label)).toEqual(
      expect.arrayContaining(["kept for the user's own secrets", "customer-managed key on", "keys mode", "stack full", "stack keylessCmkDevs", "stack openaiProfile"]),
    );
    expect(baseline.resource.azurerm_key_vault).toBeUndefined();
  });

  it.each(all)("%s", (_label, json) => {
    const vault = onlyResource(json, "azurerm_key_vault");
    expect(vault).toMatchObject({ purge_protection_enabled: true, rbac_authorization_enabled: true });
    expect(vault.soft_delete_retention_days).toBeGreaterThanOrEqual(7);
  });

  it("cannot be turned off on the construct, even by a JavaScript caller passing an unknown prop", () => {
    const stack = newStack();
    new KeyVault(stack, "Vault", { resourceGroupName: "rg", location: "swedencentral", purgeProtectionEnabled: false } as never);
    expect(onlyResource(synthJson(stack), "azurerm_key_vault").purge_protection_enabled).toBe(true);
  });

  it("cannot be turned off through ChatPlatform's keyVault options with a customer-managed key", () => {
    const { json } = synthPlatform({ features: { customerManagedKey: true }, keyVault: { purgeProtectionEnabled: false, softDeleteRetentionDays: 7 } as never });
    expect(onlyResource(json, "azurerm_key_vault")).toMatchObject({ purge_protection_enabled: true, soft_delete_retention_days: 7 });
    expect(onlyResource(json, "azurerm_cognitive_account_customer_managed_key")).toBeDefined();
  });
});

// --- secrets ----------------------------------------------------------------------------------
describe("no key material leaves Key Vault (every file of cdktf.out)", () => {
  const stacks = appFiles.filter((f) => f.file.endsWith("cdk.tf.json"));

  it("holds no key attribute outside Key Vault secret values and no literal key material, in any file", () => {
    expect(appFiles.flatMap(({ file, json }) => scanForSecrets(file, json))).toEqual([]);
  });

  it("does store the keys in keys mode: Key Vault secrets whose values are references to the resources' attributes", () => {
    for (const { json } of stacks) {
      const secrets = Object.values(json.resource.azurerm_key_vault_secret ?? {}) as Record<string, any>[];
      expect(secrets.length).toBeGreaterThan(0);
      for (const s of secrets) expect(s.value).toMatch(/^\$\{azurerm_(cognitive_account|search_service)\.[\w-]+\.(primary_access_key|primary_key)\}$/);
    }
  });

  it("hands every secret-like app setting over as a Key Vault reference (App Insights' connection string excepted)", () => {
    for (const { file, json } of stacks) {
      for (const site of Object.values(json.resource.azurerm_linux_web_app) as Record<string, any>[]) {
        const secretLike = Object.entries(site.app_settings as Record<string, string>).filter(([n]) => isSecretSettingName(n));
        expect(secretLike.length).toBeGreaterThan(0);
        for (const [name, value] of secretLike) {
          const ok =
            value.startsWith("@Microsoft.KeyVault(") ||
            (name === "APPLICATIONINSIGHTS_CONNECTION_STRING" && /^\$\{azurerm_application_insights\.[\w-]+\.connection_string\}$/.test(value));
          expect({ file, name, ok }).toEqual({ file, name, ok: true });
        }
      }
    }
  });

  it("has no output referencing a key attribute (and any that ever does must be sensitive)", () => {
    for (const { file, json } of stacks) {
      const outputs = Object.entries(json.output ?? {}) as [string, { value: unknown; sensitive?: boolean }][];
      expect(outputs.length).toBeGreaterThan(0);
      const keyed = outputs.filter(([, o]) => KEY_ATTRIBUTE.test(JSON.stringify(o.value)));
      expect({ file, keyed: keyed.map(([n]) => n) }).toEqual({ file, keyed: [] });
      for (const [name, o] of keyed) expect({ name, sensitive: o.sensitive }).toEqual({ name, sensitive: true });
    }
  });

  it("the scanner flags each planted secret and nothing it must allow (so a clean result means something)", () => {
    const planted = {
      resource: {
        azurerm_key_vault_secret: { ok: { value: "${azurerm_search_service.s.primary_key}" } },
        azurerm_linux_web_app: {
          w: {
            app_settings: {
              APPLICATIONINSIGHTS_CONNECTION_STRING: "${azurerm_application_insights.ai.connection_string}",
              LEAK: "${azurerm_storage_account.st.primary_access_key}",
              STORAGE: "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc",
            },
          },
        },
        azurerm_search_service: { s: { tags: { hex: "0123456789abcdef0123456789ABCDEF", b64: "Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A=" } } },
      },
      output: { conn: { value: "${azurerm_storage_account.st.primary_connection_string}" } },
    };
    expect(
      scanForSecrets("planted", planted)
        .map((f) => `${f.path} (${f.why})`)
        .sort(),
    ).toEqual(
      [
        "output.conn.value (key attribute)",
        "resource.azurerm_linux_web_app.w.app_settings.LEAK (key attribute)",
        "resource.azurerm_linux_web_app.w.app_settings.STORAGE (literal key material)",
        "resource.azurerm_search_service.s.tags.b64 (literal key material)",
        "resource.azurerm_search_service.s.tags.hex (literal key material)",
      ].sort(),
    );
  });
});

// --- role-assignment names ------------------------------------------------------------------
/**
 * uuidv5(<v5 GUID seeded at synth>, <the scope's ARM id>): Bicep's guid(scope, principal,
 * role). The id holds the subscription, so names are unique per subscription (and per
 * stamp: the resource's name is in it), stable across plans.
 */
const V5_GUID_PER_SCOPE = /^\$\{uuidv5\("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", azurerm_[a-z_]+\.[A-Za-z0-9_-]+\.id\)\}$/;
type Assignment = { address: string; name: string; key: string; inputs: string };
const assignmentsOf = (json: TfJson): Assignment[] =>
  Object.entries(json.resource.azurerm_role_assignment ?? {}).map(([id, r]) => ({
    address: `azurerm_role_assignment.${id}`,
    name: r.name,
    key: `${r.scope}|${r.principal_id}|${r.role_definition_id}`,
    inputs: planTimeInputs(json, r.name),
  }));

/**
 * What `uuidv5("<seed>", <type>.<id>.id)` hashes at plan time: the seed and the scope's
 * ARM id, which differs between resources by its name (same subscription and group
 * assumed, the worst case for collisions). Two assignments whose inputs differ get
 * different names.
 */
function planTimeInputs(json: TfJson, name: string): string {
  const m = /^\$\{uuidv5\("([^"]+)", (azurerm_[a-z_]+)\.([A-Za-z0-9_-]+)\.id\)\}$/.exec(name);
  if (!m) return name;
  return `${m[1]}|${m[2]}/${json.resource[m[2]][m[3]].name}`;
}

describe("role-assignment names", () => {
  const full = runs.find((r) => r.name === "full")!;
  const first = assignmentsOf(JSON.parse(full.first));

  it("are v5 (name-based) GUIDs of a synth-time seed and the scope's id (which holds the subscription), computed at plan time", () => {
    expect(first.length).toBeGreaterThan(10);
    for (const a of first) {
      expect(a.name).toMatch(V5_GUID_PER_SCOPE);
      // The same resource the assignment is scoped to.
      expect(a.name).toContain(a.key.split("|")[0].replace(/^\$\{|\}$/g, ""));
    }
  });

  it("are the same across two synths, address by address", () => {
    expect(assignmentsOf(JSON.parse(full.second)).map((a) => [a.address, a.name])).toEqual(first.map((a) => [a.address, a.name]));
  });

  it("are unique within a stack, one per (scope, principal, role)", () => {
    expect(new Set(first.map((a) => a.name)).size).toBe(first.length);
    expect(new Set(first.map((a) => a.inputs)).size).toBe(first.length);
    expect(new Set(first.map((a) => a.key)).size).toBe(first.length);
  });

  it("differ between the dev and prod stacks of one app, even for the same developer", () => {
    const dev = assignmentsOf(appStack("dev"));
    const prod = assignmentsOf(appStack("prod"));
    const devNames = new Set(dev.map((a) => a.inputs));
    expect(prod.some((a) => a.key.includes(DEV_A))).toBe(true);
    expect(prod.filter((a) => devNames.has(a.inputs))).toEqual([]);
  });

  /**
   * Two projects in one tenant that both call their stack "test" (or "dev") but deploy
   * different stamps (another prefix, hence other resources) must not share assignment
   * names, e.g. for the same developer: the scope's ARM id, which holds the resource's
   * name, is hashed into every name.
   */
  it("differ between two stamps that share a stack id (separate apps, different prefix)", () => {
    const ours = assignmentsOf(variant("developers added"));
    const theirs = assignmentsOf(synthPlatform({ prefix: "team2", developers: [{ objectId: DEV_A }, { objectId: DEV_B, type: "Group" }] }).json);
    const mine = new Set(ours.map((a) => a.inputs));
    expect(theirs.filter((a) => mine.has(a.inputs)).map((a) => a.address)).toEqual([]);
  });
});
