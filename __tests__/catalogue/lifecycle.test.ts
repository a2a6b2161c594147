import {
  CATALOGUE_REGIONS,
  CURRENT_DEFAULTS,
  type DeploymentFacts,
  MODEL_RULE_IDS,
  MODEL_VERSIONS,
  RETIREMENT_WARNING_DAYS,
  SERVICES,
  type VerdictKind,
  judgeDeployment,
  modelListCommand,
  modelVersion,
  offeredSkus,
  replacementFor,
  serviceRetired,
  stageOf,
  versionsOf,
} from "../../catalogue/lifecycle";
import { isIsoDate } from "../../catalogue/today";
import { AZURE_AI_CHAT_PACK } from "../../guardrails/pack";

const TODAY = "2026-12-06";
const SWEDEN = "swedencentral";
const facts = (model: string, version: string, sku = "GlobalStandard", region: string | undefined = SWEDEN, existingCustomer?: boolean): DeploymentFacts => ({
  model,
  version,
  sku,
  region,
  existingCustomer,
});
/** `kind severity` of each verdict. */
const kinds = (d: DeploymentFacts, today = TODAY) => judgeDeployment(d, today).map((v) => `${v.kind} ${v.severity}`);
const row = (model: string, version: string) => {
  const v = modelVersion(model, version);
  if (!v) throw new Error(`no catalogue row for ${model} ${version}`);
  return v;
};

describe("judgeDeployment: one verdict kind each", () => {
  it("has nothing to say about today's defaults in swedencentral", () => {
    for (const d of [CURRENT_DEFAULTS.chat, CURRENT_DEFAULTS.embedding]) expect(judgeDeployment(facts(d.model, d.version, d.sku), TODAY)).toEqual([]);
    // The EU data-zone choice is deployable, but expected to close within 90 days (2027-03-05).
    const eu = CURRENT_DEFAULTS.chatEuDataZone;
    expect(kinds(facts(eu.model, eu.version, eu.sku))).toEqual(["closingSoon warning"]);
    expect(judgeDeployment(facts(eu.model, eu.version, eu.sku), TODAY)[0].problem).toContain("around 2027-03-05, in 89 days");
  });

  it("retired: gpt-4o 2024-05-13 (2026-10-01), an error with Azure's answers and nothing else", () => {
    const [v, ...rest] = judgeDeployment(facts("gpt-4o", "2024-05-13", "Standard"), TODAY);
    expect(rest).toEqual([]);
    expect(v).toMatchObject({ kind: "retired", severity: "error", azureError: "ServiceModelDeprecated at create; 410 Gone on every request", facts: row("gpt-4o", "2024-05-13") });
    expect(v.problem).toBe(
      "gpt-4o 2024-05-13 retired on 2026-10-01: Azure refuses new deployments (ServiceModelDeprecated) and answers every request to existing ones with 410 Gone",
    );
    expect(v.fix).toBe("deploy gpt-5.4-mini 2026-03-17 (GlobalStandard in swedencentral) instead");
  });

  it("closedToNewCustomers: gpt-4o 2024-11-20, an error quoting ServiceModelDeprecating", () => {
    const [v] = judgeDeployment(facts("gpt-4o", "2024-11-20"), TODAY);
    expect(v).toMatchObject({ kind: "closedToNewCustomers", severity: "error", azureError: "ServiceModelDeprecating" });
    expect(v.problem).toContain("is in deprecating state and cannot be used for new deployments.");
    expect(v.fix).toContain(
      "existingCustomer: true in the platform's configuration, or a suppression of AZ-MODEL-002 with that reason), a warning until 2027-04-14, refused after",
    );
    expect(kinds(facts("gpt-4o", "2024-11-20"))).toEqual(["closedToNewCustomers error"]);
  });

  it("closedExistingCustomer: the same version for a subscription that deploys it, a warning with the days left", () => {
    const [v] = judgeDeployment(facts("gpt-4o", "2024-11-20", "GlobalStandard", SWEDEN, true), TODAY);
    expect(v).toMatchObject({ kind: "closedExistingCustomer", severity: "warning" });
    expect(v.problem).toContain("until it retires on 2027-04-14 (129 days)");
    expect(v.azureError).toBeUndefined();
    // Within 90 days of retirement the existing customer is also told it retires; on the day, refused.
    expect(kinds(facts("gpt-4o", "2024-11-20", "GlobalStandard", SWEDEN, true), "2027-02-01")).toEqual(["closedExistingCustomer warning", "retiringSoon warning"]);
    expect(kinds(facts("gpt-4o", "2024-11-20", "GlobalStandard", SWEDEN, true), "2027-04-14")).toEqual(["retired error"]);
  });

  it("skuNotOffered: text-embedding-3-small 1 Standard in swedencentral, with the apply-time error", () => {
    const [v] = judgeDeployment(facts("text-embedding-3-small", "1", "Standard"), TODAY);
    expect(v).toMatchObject({ kind: "skuNotOffered", severity: "error", azureError: "InvalidResourceProperties" });
    expect(v.problem).toBe(
      "swedencentral does not offer text-embedding-3-small 1 as Standard (it offers GlobalStandard, DataZoneStandard): apply fails with InvalidResourceProperties (\"The specified SKU 'Standard' for model 'text-embedding-3-small 1' is not supported in this region 'swedencentral'.\")",
    );
    expect(v.fix).toBe('use skuName "GlobalStandard" or "DataZoneStandard", or a region that offers Standard: eastus2, eastus, australiaeast, japaneast');
    expect(kinds(facts("text-embedding-3-small", "1", "Standard", "eastus2"))).toEqual([]);
  });

  it("skuNotOffered in a region that offers the version in no standard type: names the regions that do", () => {
    const [v] = judgeDeployment(facts("gpt-5.5", "2026-04-24", "GlobalStandard", "westeurope"), TODAY);
    expect(v.kind).toBe("skuNotOffered");
    expect(v.fix).toBe("deploy it in a region that offers it, or a region that offers GlobalStandard: swedencentral, eastus2, or choose another model");
  });

  it("closingSoon: gpt-5.2 closes to new customers on 2026-12-12, 6 days after 2026-12-06", () => {
    const [v] = judgeDeployment(facts("gpt-5.2", "2025-12-11"), TODAY);
    expect(v).toMatchObject({ kind: "closingSoon", severity: "warning" });
    expect(v.problem).toBe(
      "gpt-5.2 2025-12-11 closes to new customers on 2026-12-12, in 6 days: from then on a subscription that never deployed it gets ServiceModelDeprecating at apply",
    );
    expect(v.fix).toBe("deploy gpt-5.4-mini 2026-03-17 (GlobalStandard in swedencentral) for new environments");
    // An existing customer is not warned about a closing it is not subject to.
    expect(kinds(facts("gpt-5.2", "2025-12-11", "GlobalStandard", SWEDEN, true))).toEqual([]);
    expect(kinds(facts("gpt-5.2", "2025-12-11"), "2026-12-12")).toEqual(["closedToNewCustomers error"]);
  });

  it("closingSoon for an unpublished closing (launch + 12 months): warned within 90 days, never refused", () => {
    // gpt-5.4-mini is expected to close around 2027-03-17.
    expect(kinds(facts("gpt-5.4-mini", "2026-03-17"), "2026-12-17")).toEqual([]);
    const [v] = judgeDeployment(facts("gpt-5.4-mini", "2026-03-17"), "2026-12-18");
    expect(v).toMatchObject({ kind: "closingSoon", severity: "warning" });
    expect(v.problem).toBe(
      "gpt-5.4-mini 2026-03-17 is expected to close to new customers around 2027-03-17, in 89 days (launch + 12 months under Microsoft's lifecycle policy; no date published yet)",
    );
    expect(v.fix).toContain(`check the live list before applying (${modelListCommand(SWEDEN)})`);
    expect(RETIREMENT_WARNING_DAYS).toBe(90);
  });

  // SOURCE BUG (reported): catalogue/lifecycle.ts judgeDeployment's closingSoon test is
  // `until < RETIREMENT_WARNING_DAYS` with no lower bound, so once an estimated closing
  // date has passed it keeps warning "in -106 days". Left failing on purpose.
  it("does not announce an estimated closing that has passed as 'in -N days'", () => {
    const verdicts = judgeDeployment(facts("gpt-5.4-mini", "2026-03-17"), "2027-07-01");
    for (const v of verdicts) expect(v.problem).not.toMatch(/in -\d+ days/);
  });

  it("retiringSoon: text-embedding-3-large 1 retires on 2028-02-09; warned within 90 days", () => {
    expect(kinds(facts("text-embedding-3-large", "1"), "2027-11-11")).toEqual([]);
    const [v] = judgeDeployment(facts("text-embedding-3-large", "1"), "2027-12-01");
    expect(v).toMatchObject({ kind: "retiringSoon", severity: "warning" });
    expect(v.problem).toBe("text-embedding-3-large 1 retires on 2028-02-09, in 70 days; after that every request answers 410 Gone");
    expect(kinds(facts("text-embedding-3-large", "1"), "2028-02-09")).toEqual(["retired error"]);
  });

  it.each<[string, DeploymentFacts, VerdictKind, string]>([
    ["a model it has no row for", facts("gpt-9", "2027-01-01"), "unknownModel", "gpt-9 2027-01-01 is not in the model catalogue"],
    ["an unknown version of a known model", facts("gpt-4o", "2025-01-01"), "unknownModel", "(the catalogue knows 2024-11-20, 2024-08-06, 2024-05-13)"],
    ["a region it does not cover", facts("gpt-5.4-mini", "2026-03-17", "GlobalStandard", "brazilsouth"), "unknownRegion", "which deployment types brazilsouth offers"],
    ["a deployment type it does not record", facts("gpt-5.4-mini", "2026-03-17", "ProvisionedManaged"), "unknownSku", "not ProvisionedManaged"],
  ])("warns on %s (%s)", (_name, d, kind, text) => {
    const verdicts = judgeDeployment(d, TODAY);
    expect(verdicts.map((v) => `${v.kind} ${v.severity}`)).toEqual([`${kind} warning`]);
    expect(verdicts[0].problem).toContain(text);
    expect(verdicts[0].fix).toContain("az cognitiveservices model list -l ");
  });

  it("compares model names without case, as Azure does, and judges no region it was not given", () => {
    expect(kinds(facts("GPT-4o", "2024-11-20"))).toEqual(["closedToNewCustomers error"]);
    expect(kinds({ model: "text-embedding-3-small", version: "1", sku: "Standard" })).toEqual([]);
    expect(modelListCommand()).toBe("az cognitiveservices model list -l <region> -o table");
  });
});

describe("stageOf", () => {
  it("moves gpt-5.1 from available to closed on 2026-11-13 and to retired on 2027-05-15", () => {
    const v = row("gpt-5.1", "2025-11-13");
    expect(["2026-11-12", "2026-11-13", "2027-05-14", "2027-05-15"].map((d) => stageOf(v, d))).toEqual(["available", "closedToNewCustomers", "closedToNewCustomers", "retired"]);
  });

  it("never closes a version on an estimate alone", () => {
    expect(stageOf(row("gpt-5.4-mini", "2026-03-17"), "2027-06-01")).toBe("available");
  });
});

describe("replacementFor", () => {
  it("follows Microsoft's replacement while it is open: gpt-4o names gpt-5.1", () => {
    expect(replacementFor(row("gpt-4o", "2024-11-20"), "2026-11-01")).toBe(row("gpt-5.1", "2025-11-13"));
  });

  it("falls back to the current default once the named one closed too: gpt-4o -> gpt-5.1 (closed) -> gpt-5.4-mini", () => {
    expect(replacementFor(row("gpt-4o", "2024-11-20"), TODAY)).toBe(row("gpt-5.4-mini", "2026-03-17"));
    // gpt-4 0613 -> gpt-4o 2024-11-20 -> gpt-5.1, all closed or retired.
    expect(replacementFor(row("gpt-4", "0613"), TODAY)).toBe(row("gpt-5.4-mini", "2026-03-17"));
    expect(replacementFor(row("o1", "2024-12-17"), TODAY)).toBe(row("gpt-5.6-sol", "2026-07-09"));
  });

  it("falls back to the default of the same kind, and names nothing for the default itself", () => {
    expect(replacementFor(row("text-embedding-ada-002", "2"), TODAY)).toBe(row("text-embedding-3-large", "1"));
    expect(replacementFor(row("gpt-5.4-mini", "2026-03-17"), TODAY)).toBeUndefined();
    expect(replacementFor(row("gpt-5.2", "2025-12-11"), "2027-10-01")).toBeUndefined();
  });
});

describe("the catalogue's rows", () => {
  it("are consistent: real dates, closing before retiring, known regions and replacements, dated sources", () => {
    const problems: string[] = [];
    for (const v of MODEL_VERSIONS) {
      const what = `${v.model} ${v.version}`;
      for (const d of [v.retires, v.closesToNewCustomers, v.expectedToCloseAround]) if (d !== undefined && !isIsoDate(d)) problems.push(`${what}: ${d} is not a date`);
      if (v.closesToNewCustomers && v.closesToNewCustomers >= v.retires) problems.push(`${what}: closes on or after it retires`);
      if (v.closesToNewCustomers && v.expectedToCloseAround) problems.push(`${what}: both a published and an estimated closing`);
      for (const r of Object.keys(v.regions)) if (!(CATALOGUE_REGIONS as readonly string[]).includes(r)) problems.push(`${what}: region ${r} is not a catalogue column`);
      if (v.replacement && !modelVersion(v.replacement.model, v.replacement.version))
        problems.push(`${what}: replacement ${v.replacement.model} ${v.replacement.version} has no row`);
      if (v.sources.length === 0 || v.sources.some((s) => !isIsoDate(s.date))) problems.push(`${what}: undated or missing sources`);
      if (MODEL_VERSIONS.filter((o) => o.model === v.model && o.version === v.version).length !== 1) problems.push(`${what}: listed twice`);
    }
    expect(problems).toEqual([]);
  });

  it("record the swedencentral offer of the 2026-04-30 region matrix", () => {
    expect(offeredSkus(row("gpt-5.4-mini", "2026-03-17"), SWEDEN)).toEqual(["GlobalStandard"]);
    expect(offeredSkus(row("text-embedding-3-small", "1"), SWEDEN)).toEqual(["GlobalStandard", "DataZoneStandard"]);
    expect(offeredSkus(row("text-embedding-3-large", "1"), SWEDEN)).toEqual(["GlobalStandard", "DataZoneStandard", "Standard"]);
    expect(offeredSkus(row("gpt-5.4-mini", "2026-03-17"), "brazilsouth")).toBeUndefined();
    expect(versionsOf("GPT-4O").map((v) => v.version)).toEqual(["2024-11-20", "2024-08-06", "2024-05-13"]);
  });

  it("have each lifecycle rule in the pack", () => {
    const pack = AZURE_AI_CHAT_PACK.map((r) => r.id);
    for (const id of Object.values(MODEL_RULE_IDS)) expect(pack).toContain(id);
  });
});

describe("services", () => {
  it("retires On Your Data on 2026-10-14, and names the move", () => {
    expect(serviceRetired(SERVICES.onYourData, "2026-10-13")).toBe(false);
    expect(serviceRetired(SERVICES.onYourData, "2026-10-14")).toBe(true);
    expect(SERVICES.onYourData.move).toContain("app-side retrieval");
  });
});
