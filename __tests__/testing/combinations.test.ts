import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { main as auditMain } from "../../bin/audit";
import { main as combinationsMain } from "../../scripts/combinations";
import { ChatPlatform } from "../../constructs/chat-platform";
import { ChatStack } from "../../app/chat-stack";
import {
  Accepted,
  CHECK_IDS,
  CHECKS,
  COMBINATION_TODAY,
  CheckId,
  Combination,
  CombinationResult,
  FEATURE_DIMENSIONS,
  FEATURE_NAMES,
  MODEL_CHOICE_NAMES,
  checkAccepted,
  combinationName,
  enumerateCombinations,
  flowIdsOf,
  pairwiseCombinations,
  runCombinations,
  summarize,
  synthesizeCombination,
} from "../../testing/combinations";
import { ValidationError } from "../../constructs/errors";
import { AUTH_MODES } from "../../constructs/settings/profile";
import { BUILT_IN_PROFILE_NAMES } from "../../constructs/settings/profiles";
import { NETWORK_MODES } from "../../constructs/platform-network";
import { newStack } from "../../testing/helpers";

/**
 * "Every feature combination is safe": every ChatPlatform feature combination is
 * synthesized once (as a ChatStack, validations included) and is either rejected with
 * a ValidationError that says how to fix it, or passes every check of CHECKS.
 *
 * A synthesis through cdktf's public API costs ~50-100 ms (see __tests__/setup.ts for
 * why it is not more under Jest), so `npm test` runs a pairwise subset: every pair of
 * options among the supported combinations, and among the unsupported ones, plus the
 * fullest supported combination of each auth mode and network mode. scripts/check.sh
 * runs all of them (COMBINATIONS=all), against the summary snapshot of the full sweep.
 *
 * Known platform bugs are listed in KNOWN_BUGS: their violations are asserted in a
 * `it.failing` test of their own (it starts failing, i.e. turns red, once the platform is
 * fixed: then delete the entry), every other violation fails the check's own test.
 */

interface KnownBug {
  readonly id: string;
  /** Where and what, for the report. */
  readonly description: string;
  /** Which violations are this bug (by check and message). */
  readonly matches: (check: CheckId, violation: string, c: Combination) => boolean;
}

const KNOWN_BUGS: readonly KnownBug[] = [];

/**
 * What the platform documents as unsupported, judged on COMBINATION_TODAY:
 * - ChatPlatformFeatures.onYourData: retired on 2026-10-14, refused (whatever the profile);
 * - SettingsProfile.sendsMaxTokens: the sample app cannot call a reasoning model, and both
 *   model choices are reasoning models (what a new subscription can deploy);
 * - SettingsProfile.appSideRetrieval: searchOpenAIDemo refuses appQueriesSearch or appReadsBlobs off;
 * - SettingsProfile.agenticRetrieval: only searchOpenAIDemo supports the knowledge base;
 * - NetworkProps/PlatformNetwork: private mode refuses a customer-managed key (UNCONFIRMED vault
 *   path), and an indexer (ingestion) once Storage has a private endpoint (the app reads blobs,
 *   or developers reach Storage: a shared private link would need an approval azurerm cannot give).
 */
const storageEndpoint = (c: Combination) => c.features.appReadsBlobs || c.developers;
const refusedPrivate = (c: Combination) => c.network === "private" && (c.features.customerManagedKey || (c.features.ingestion && storageEndpoint(c)));
const refusedByProfile = (c: Combination) =>
  c.profile === "sampleApp" ||
  (c.profile === "searchOpenAIDemo" && (!c.features.appQueriesSearch || !c.features.appReadsBlobs)) ||
  (c.profile !== "searchOpenAIDemo" && c.features.agenticRetrieval);
const unsupported = (c: Combination) => c.features.onYourData || refusedByProfile(c) || refusedPrivate(c);

const ALL = process.env.COMBINATIONS === "all";
/** The enumeration, made once (12,288 combinations; every test reads the same list). */
const ALL_COMBINATIONS = enumerateCombinations();
/** Each auth mode and network mode with the most features it supports, identity and developer on: the most flows, grants and paths. */
const featureCount = (c: Combination) => FEATURE_NAMES.filter((f) => c.features[f]).length;
const fullestOf = (all: readonly Combination[]) => {
  const supported = all.filter((c) => !unsupported(c) && c.userAssignedIdentity && c.developers);
  const most = new Map<string, number>();
  for (const c of supported) most.set(`${c.authMode}|${c.network}`, Math.max(most.get(`${c.authMode}|${c.network}`) ?? 0, featureCount(c)));
  return supported.filter((c) => featureCount(c) === most.get(`${c.authMode}|${c.network}`));
};
const sweep = ALL
  ? ALL_COMBINATIONS
  : [
      ...new Set([
        ...pairwiseCombinations(ALL_COMBINATIONS.filter((c) => !unsupported(c))),
        ...pairwiseCombinations(ALL_COMBINATIONS.filter(unsupported)),
        ...fullestOf(ALL_COMBINATIONS),
      ]),
    ].sort((a, b) => a.name.localeCompare(b.name));
const started = performance.now();
const results: CombinationResult[] = runCombinations({ combinations: sweep });
const elapsed = performance.now() - started;
const accepted = results.filter((r) => r.kind === "accepted");
const rejected = results.filter((r) => r.kind === "rejected");

/** Violations of `check` as `combination: violation`, split into unknown ones and each known bug's. */
function violationsOf(check: CheckId): { unknown: string[]; byBug: Map<string, string[]> } {
  const unknown: string[] = [];
  const byBug = new Map<string, string[]>(KNOWN_BUGS.map((b) => [b.id, []]));
  for (const r of accepted) {
    for (const v of r.report!.violations[check]) {
      const bug = KNOWN_BUGS.find((b) => b.matches(check, v, r.combination));
      (bug ? byBug.get(bug.id)! : unknown).push(`${r.combination.name}: ${v}`);
    }
  }
  return { unknown, byBug };
}

/** The first `max` violations and a count of the rest, so a failure stays readable. */
function digest(lines: readonly string[], max = 12): string[] {
  return lines.length <= max ? [...lines] : [...lines.slice(0, max), `... and ${lines.length - max} more`];
}

describe("the enumeration", () => {
  it("covers every auth mode, feature, identity choice, profile, developer choice, network and model choice, each combination once", () => {
    const all = ALL_COMBINATIONS;
    expect(all).toHaveLength(AUTH_MODES.length * 2 ** FEATURE_NAMES.length * 2 * BUILT_IN_PROFILE_NAMES.length * 2 * NETWORK_MODES.length * MODEL_CHOICE_NAMES.length);
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
    expect(FEATURE_NAMES).toEqual(["onYourData", "ingestion", "integratedVectorization", "agenticRetrieval", "customerManagedKey", "appQueriesSearch", "appReadsBlobs"]);
    const features = [...FEATURE_NAMES].sort().join();
    expect(all.filter((c) => Object.keys(c.props.features!).sort().join() !== features || c.props.today !== COMBINATION_TODAY).map((c) => c.name)).toEqual([]);
  });

  it("names combinations by spelling out their options in a stable order", () => {
    const all = ALL_COMBINATIONS;
    expect(all[0].name).toBe("keyless-searchOpenAIDemo");
    expect(all[1].name).toBe("keyless-searchOpenAIDemo-eudz");
    expect(all.map((c) => c.name)).toContain("keys-oyd-ingest-vec-cmk-uami-sampleApp-devs");
    expect(all.map((c) => c.name)).toContain("keyless-oyd-ingest-vec-cmk-appsearch-appblobs-uami-openai-devs");
    expect(all.map((c) => c.name)).toContain("keyless-vec-agentic-appsearch-appblobs-searchOpenAIDemo-private-eudz");
    expect(all.map((c) => c.name)).toEqual(enumerateCombinations().map((c) => c.name));
    expect(all.filter((c) => combinationName(c) !== c.name).map((c) => c.name)).toEqual([]);
    expect(Object.values(FEATURE_DIMENSIONS).map((d) => d.token)).toEqual(["oyd", "ingest", "vec", "agentic", "cmk", "appsearch", "appblobs"]);
  });

  it("leaves no configuration to defaults: the default features resolve to an enumerated combination", () => {
    const names = new Set(ALL_COMBINATIONS.map((c) => c.name));
    for (const authMode of AUTH_MODES) {
      for (const profile of BUILT_IN_PROFILE_NAMES) {
        // The sample app's defaults are refused (On Your Data retired, a reasoning model): its
        // explicit combination is refused the same way.
        const build = () => new ChatPlatform(newStack(), "Platform", { environment: "dev", authMode, profile, today: COMBINATION_TODAY });
        if (profile === "sampleApp") {
          expect(build).toThrow(/On Your Data, retired on 2026-10-14/);
          continue;
        }
        const platform = build();
        const name = combinationName({ authMode, profile, features: platform.features, userAssignedIdentity: false, developers: false, network: "public", models: "default" });
        expect(names).toContain(name);
        const explicit = results.find((r) => r.combination.name === name) ?? runCombinations({ combinations: ALL_COMBINATIONS.filter((c) => c.name === name) })[0];
        expect(explicit.kind).toBe("accepted");
        expect(explicit.report!.flows).toEqual(flowIdsOf(platform.flows));
      }
    }
  });
});

describe("every combination is either synthesized or rejected on purpose", () => {
  it("nothing crashes: anything thrown that is not a ValidationError is a platform bug", () => {
    expect(results.filter((r) => r.kind === "crashed").map((r) => `${r.combination.name}: ${r.reason}`)).toEqual([]);
  });

  it("rejections are ValidationErrors that say how to fix them", () => {
    for (const r of rejected) {
      expect(r.error).toBeInstanceOf(ValidationError);
      expect((r.error as ValidationError).message).toContain("Fix:");
      expect((r.error as ValidationError).fix.length).toBeGreaterThan(10);
    }
  });

  it("rejects exactly the combinations the platform documents as unsupported", () => {
    expect(rejected.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.kind === "rejected").map((r) => r.combination.name)).toEqual(results.filter((r) => unsupported(r.combination)).map((r) => r.combination.name));
  });

  it("runs every combination (COMBINATIONS=all) or every pair of options", () => {
    const pairs = (cs: readonly Combination[]) => new Set(cs.flatMap((c) => pairsOf(c)));
    for (const part of [(c: Combination) => !unsupported(c), unsupported]) {
      const space = ALL_COMBINATIONS.filter(part);
      expect(pairs(results.map((r) => r.combination).filter(part))).toEqual(pairs(space));
    }
    if (ALL) expect(results).toHaveLength(ALL_COMBINATIONS.length);
  });

  (ALL ? it : it.skip)("summary of all combinations", () => checkSummary());
  (ALL ? it.skip : it)("summary of the pairwise subset", () => checkSummary());

  function checkSummary() {
    const summary = summarize(results);
    console.log(
      `combinations: ${summary.total} (${summary.accepted} accepted, ${summary.total - summary.accepted - summary.crashed} rejected, ${summary.crashed} crashed, ${summary.unsafe} accepted but unsafe); ` +
        `flows per accepted combination ${summary.flowsPerCombination.min}-${summary.flowsPerCombination.max}; ` +
        `synthesized and checked in ${(elapsed / 1000).toFixed(1)} s (${(accepted.reduce((t, r) => t + r.ms, 0) / Math.max(accepted.length, 1)).toFixed(1)} ms per accepted synth)`,
    );
    const { unsafe: _unsafe, ...stable } = summary;
    expect(stable).toMatchSnapshot();
  }
});

/** Every pair of options of a combination, as `dimension=option|dimension=option`. */
function pairsOf(c: Combination): string[] {
  const o = [c.authMode, ...FEATURE_NAMES.map((f) => String(c.features[f])), String(c.userAssignedIdentity), c.profile, String(c.developers), c.network, c.models];
  return o.flatMap((a, i) => o.slice(i + 1).map((b, k) => `${i}=${a}|${i + k + 1}=${b}`));
}

it("every known bug still reproduces (delete the KNOWN_BUGS entry of a fixed one)", () => {
  const fixed = KNOWN_BUGS.filter((b) => CHECK_IDS.every((check) => violationsOf(check).byBug.get(b.id)!.length === 0)).map((b) => b.id);
  expect(fixed).toEqual([]);
});

describe.each(CHECK_IDS.map((id) => [id, CHECKS[id]] as const))("every accepted combination: %s", (check, promise) => {
  it(promise, () => {
    expect(accepted.length).toBeGreaterThan(0);
    expect(digest(violationsOf(check).unknown)).toEqual([]);
  });

  for (const bug of KNOWN_BUGS) {
    const hits = violationsOf(check).byBug.get(bug.id)!;
    if (hits.length === 0) continue;
    // Known platform bug, reported; leave failing until the platform is fixed (then delete the KNOWN_BUGS entry).
    it.failing(`KNOWN BUG ${bug.id} (${hits.length} violations): ${bug.description}`, () => {
      expect(digest(hits, 3)).toEqual([]);
    });
  }
});

describe("the checks catch what they promise (mutated JSON of an accepted combination)", () => {
  const name = "keyless-ingest-vec-agentic-cmk-appsearch-appblobs-uami-searchOpenAIDemo-devs";
  const outcome = synthesizeCombination(ALL_COMBINATIONS.find((c) => c.name === name)!) as Accepted;
  type Resources = Record<string, Record<string, Record<string, any>>>;
  /** The violations of `check` after `mutate` edits a copy of the JSON, minus those of the unmutated JSON. */
  const violationsAfter = (check: CheckId, mutate: (resources: Resources, json: any) => void): string[] => {
    const json = JSON.parse(JSON.stringify(outcome.json));
    mutate(json.resource, json);
    const before = new Set(checkAccepted(outcome).violations[check]);
    return checkAccepted({ ...outcome, json }).violations[check].filter((v) => !before.has(v));
  };
  const first = (r: Resources, type: string) => Object.values(r[type])[0];
  /** The first role assignment of `roleId` whose principal mentions `principal` (cdk.tf.json orders keys alphabetically). */
  const flowOf = (r: Resources, roleId: string, principal = "") =>
    Object.keys(r.azurerm_role_assignment).find(
      (k) => r.azurerm_role_assignment[k].role_definition_id.endsWith(roleId) && String(r.azurerm_role_assignment[k].principal_id).includes(principal),
    )!;

  it("is accepted", () => expect(outcome.kind).toBe("accepted"));

  it("audit: a Search service without its system identity cannot vectorize (AZ-FLOW-001)", () => {
    expect(violationsAfter("audit", (r) => delete first(r, "azurerm_search_service").identity)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\[AZ-FLOW-001\] F5 .*no system-assigned identity/)]),
    );
  });

  it("grantsPresent: a missing role assignment of an implied flow", () => {
    expect(violationsAfter("grantsPresent", (r) => delete r.azurerm_role_assignment[flowOf(r, "1407120a-92aa-4202-b7e9-c0e197c71c8f", "azurerm_user_assigned_identity.")])).toEqual(
      [expect.stringMatching(/^missing: F8 webApp -> search: "Search Index Data Reader"/)],
    );
  });

  it("grantsExact: an assignment no flow implies, and a duplicate", () => {
    const extra = violationsAfter("grantsExact", (r) => {
      const a = r.azurerm_role_assignment[flowOf(r, "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd")];
      r.azurerm_role_assignment.extra = { ...a, role_definition_id: a.role_definition_id.replace(/[0-9a-f-]{36}$/, "b24988ac-6180-42a0-ab88-20f7382dd24c") };
      r.azurerm_role_assignment.twice = { ...a };
    });
    expect(extra).toHaveLength(2);
    expect(extra).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/twice: the same role assignment 2 times/),
        expect.stringMatching(/^azurerm_role_assignment\.extra: role b24988ac-.* belongs to no implied flow$/),
      ]),
    );
  });

  it("authSettings: a key variable in keyless mode, local auth on, a secret", () => {
    expect(
      violationsAfter("authSettings", (r) => {
        first(r, "azurerm_linux_web_app").app_settings.AZURE_SEARCH_KEY = "";
        first(r, "azurerm_cognitive_account").local_auth_enabled = true;
      }),
    ).toEqual(["app setting AZURE_SEARCH_KEY is a key or secret variable in keyless mode", expect.stringMatching(/local_auth_enabled is not false/)]);
  });

  it("keyMaterial: a key attribute in an output or a setting, a literal key", () => {
    const found = violationsAfter("keyMaterial", (r, json) => {
      json.output.leak = { value: "${azurerm_search_service.x.primary_key}" };
      first(r, "azurerm_linux_web_app").app_settings.STORAGE = "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc";
      first(r, "azurerm_linux_web_app").tags.note = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A=";
    });
    expect(found).toHaveLength(3);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/STORAGE: embeds a credential \(AccountKey=\)/),
        expect.stringMatching(/tags\.note: contains a literal key-shaped string/),
        "output.leak.value = ${azurerm_search_service.x.primary_key}: references the credential attribute primary_key",
      ]),
    );
  });

  it("deployments: a deployment variable naming no deployment", () => {
    expect(violationsAfter("deployments", (r) => (first(r, "azurerm_linux_web_app").app_settings.AZURE_OPENAI_EMB_DEPLOYMENT = "embeddings"))).toEqual([
      expect.stringMatching(/^AZURE_OPENAI_EMB_DEPLOYMENT = "embeddings" names no azurerm_cognitive_deployment/),
    ]);
  });

  it("appIdentity: a user-assigned identity without AZURE_CLIENT_ID", () => {
    expect(violationsAfter("appIdentity", (r) => delete first(r, "azurerm_linux_web_app").app_settings.AZURE_CLIENT_ID)).toEqual([
      expect.stringMatching(/^AZURE_CLIENT_ID = undefined, not/),
    ]);
  });

  it("auditFlows: a flow the audit sees but the platform does not imply", () => {
    const found = violationsAfter("auditFlows", (r) => {
      const vault = Object.keys(r.azurerm_key_vault)[0];
      first(r, "azurerm_linux_web_app").app_settings.SOME_SETTING = `@Microsoft.KeyVault(SecretUri=\${azurerm_key_vault.${vault}.vault_uri}secrets/some/)`;
    });
    expect(found).toEqual([expect.stringMatching(/^the audit infers F7 webApp -> keyVault .*Key Vault reference.*, which the platform does not imply$/)]);
  });

  it("network: an OpenAI private endpoint that does not wait for the model deployments", () => {
    const priv = synthesizeCombination(ALL_COMBINATIONS.find((c) => c.name === "keyless-appsearch-appblobs-searchOpenAIDemo-private")!) as Accepted;
    const json = JSON.parse(JSON.stringify(priv.json));
    for (const e of Object.values(json.resource.azurerm_private_endpoint) as Record<string, any>[]) delete e.depends_on;
    expect(checkAccepted({ ...priv, json }).violations.network).toEqual([expect.stringMatching(/^the OpenAI private endpoint does not depend on every model deployment/)]);
  });

  it("network: a VNet in a public combination", () => {
    expect(violationsAfter("network", (r) => (r.azurerm_virtual_network = { extra: { name: "vnet" } }))).toEqual(["public mode has 1 VNet(s) and 0 private endpoint(s)"]);
  });

  it("network: a private combination with a public service, no route-all, a missing private endpoint", () => {
    const priv = synthesizeCombination(ALL_COMBINATIONS.find((c) => c.name === "keyless-vec-appblobs-openai-private")!) as Accepted;
    expect(checkAccepted(priv).violations.network).toEqual([]);
    const json = JSON.parse(JSON.stringify(priv.json));
    first(json.resource, "azurerm_search_service").public_network_access_enabled = true;
    first(json.resource, "azurerm_linux_web_app").site_config.vnet_route_all_enabled = false;
    const blob = Object.keys(json.resource.azurerm_private_endpoint).find(
      (k) => json.resource.azurerm_private_endpoint[k].private_service_connection.subresource_names[0] === "blob",
    )!;
    delete json.resource.azurerm_private_endpoint[blob];
    expect(checkAccepted({ ...priv, json }).violations.network).toEqual([
      expect.stringMatching(/^azurerm_search_service\.\w+\.public_network_access_enabled is true in private mode$/),
      "the web app is not VNet-integrated with route-all in private mode",
      'private endpoints ["account"] do not match the private-endpoint paths ["account","blob"]',
    ]);
  });

  it("standalone: JSON the ready app's StandaloneChatStack would not synthesize", () => {
    const group = (r: Resources) => Object.keys(r.azurerm_resource_group)[0];
    expect(
      violationsAfter("standalone", (r, json) => {
        r.azurerm_resource_group[group(r)].name = "changed";
        json.output.extra = { value: "x" };
      }),
    ).toEqual([`StandaloneChatStack differs at output.extra`, `StandaloneChatStack differs at resource.azurerm_resource_group.${group(outcome.json.resource as Resources)}.name`]);
  });
});

describe("the enumerated JSON is what Testing.synth produces", () => {
  it("matches Testing.synth(stack, true) for a sample combination, metadata aside", () => {
    const sample = ALL_COMBINATIONS.find((c) => c.name === "keys-ingest-vec-agentic-cmk-appsearch-appblobs-uami-searchOpenAIDemo-devs")!;
    let ours: unknown;
    runCombinations({ combinations: [sample], onAccepted: (a) => (ours = a.json) });
    const app = Testing.app();
    const stack = new ChatStack(app, sample.name, { platform: sample.props });
    expect(withoutMetadata(ours)).toEqual(JSON.parse(Testing.synth(stack, true)));
  });
});

function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "//")
        .map(([k, v]) => [k, withoutMetadata(v)]),
    );
  return value;
}

describe("scripts/combinations.ts", () => {
  const run = (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const files = new Map<string, string>();
    const code = combinationsMain(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), writeFile: (f, t) => files.set(f, t) });
    return { code, stdout: out.join(""), stderr: err.join(""), files };
  };

  it("prints one row per combination with result, flows, role assignments, audit and checks", () => {
    const { stdout } = run("--filter", "^keyless-oyd-ingest-sampleApp$|^keyless-ingest-appsearch-appblobs-searchOpenAIDemo$|^keys-cmk-openai-devs$");
    const lines = stdout.split("\n");
    expect(lines[0]).toMatch(/^\| combination +\| result +\| flows implied +\| role assignments \| audit errors\/warnings \| checks +\|$/);
    expect(lines.find((l) => l.startsWith("| keyless-oyd-ingest-sampleApp "))).toMatch(/\| rejected R1 +\|/);
    expect(lines.find((l) => l.startsWith("| keyless-ingest-appsearch-appblobs-searchOpenAIDemo "))).toMatch(/\| accepted +\| F1 F4 F8 F11 +\| 4 +\| \d+\/\d+ +\|/);
    expect(lines.find((l) => l.startsWith("| keys-cmk-openai-devs "))).toMatch(/\| accepted +\| F6 F7 F9 F10 +\| 8 +\|/);
    expect(stdout).toContain("3 combinations: 2 accepted");
    expect(stdout).toMatch(/R1 \(1\): features.onYourData = true is Azure OpenAI On Your Data, retired on 2026-10-14 .*\(\+1 more\)/);
  });

  it("--out writes each accepted combination's cdk.tf.json, which the audit CLI reads", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "combinations-"));
    try {
      const name = "keys-ingest-vec-agentic-cmk-appsearch-appblobs-uami-searchOpenAIDemo-devs";
      const { files } = run("--out", dir, "--filter", `^${name}$|^keyless-oyd-openai$`);
      expect([...files.keys()].sort()).toEqual([path.join(dir, "combinations.json"), path.join(dir, name, "cdk.tf.json")]);
      const file = path.join(dir, name, "cdk.tf.json");
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, files.get(file)!);
      const report: string[] = [];
      const code = await auditMain([file, "--format", "json"], { stdout: (t) => report.push(t), stderr: () => undefined, writeFile: () => undefined });
      const summary = JSON.parse(files.get(path.join(dir, "combinations.json"))!);
      expect(summary.combinations.map((c: { combination: string; result: string }) => [c.combination, c.result])).toEqual([
        ["keyless-oyd-openai", "rejected"],
        [name, "accepted"],
      ]);
      // The audit CLI on the written file agrees with the in-process audit.
      expect(code).toBe(summary.combinations[1].audit.errors > 0 ? 1 : 0);
      expect(JSON.parse(report.join("")).summary).toMatchObject({ errors: summary.combinations[1].audit.errors, warnings: summary.combinations[1].audit.warnings });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses bad arguments with exit code 2", () => {
    expect(run("--filter", "(").code).toBe(2);
    expect(run("--filter", "^nothing$").code).toBe(2);
    expect(run("extra").code).toBe(2);
    expect(run("--help")).toMatchObject({ code: 0, stdout: expect.stringContaining("Usage: combinations") });
  });
});
