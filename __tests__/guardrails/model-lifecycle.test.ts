import { audit } from "../../guardrails/audit";
import type { Finding } from "../../guardrails/rule";
import { CHAT_DEPLOYMENT, EMBEDDING_DEPLOYMENT, OPENAI, type TfJson, deployment, get, keylessPlatform, put, ref } from "../../testing/guardrail-fixtures";

/**
 * AZ-MODEL-001..005: every azurerm_cognitive_deployment judged by the lifecycle
 * catalogue (catalogue/lifecycle.ts judgeDeployment) against the audit's today, in its
 * account's literal region. Tests run on 2026-12-06 (__tests__/setup.ts) unless they pass
 * `today`.
 */

const MODEL_RULES = ["AZ-MODEL-001", "AZ-MODEL-002", "AZ-MODEL-003", "AZ-MODEL-004", "AZ-MODEL-005"];
const CHAT = `${CHAT_DEPLOYMENT} (dev/platform/openai/chat) (deployment "chat")`;
const EMBEDDING = `${EMBEDDING_DEPLOYMENT} (dev/platform/openai/embedding) (deployment "embedding")`;
const EXISTING_CUSTOMER = "This subscription has deployed gpt-4o 2024-11-20 since 2025 (existing customer).";

/** The lifecycle findings of a stack. */
function lifecycle(stack: unknown, today?: string): Finding[] {
  return audit(stack, { today }).findings.filter((f) => MODEL_RULES.includes(f.ruleId));
}

/** The reference platform with the chat (or embedding) deployment's model, version and SKU replaced. */
function platformWith(model: string, version: string, sku = "GlobalStandard", address = CHAT_DEPLOYMENT, change: (s: TfJson) => void = () => undefined): TfJson {
  const s = keylessPlatform();
  Object.assign(get(s, address), { model: { format: "OpenAI", name: model, version }, sku: { name: sku, capacity: 10 } });
  change(s);
  return s;
}

const summary = (findings: readonly Finding[]) => findings.map((f) => `${f.ruleId} ${f.severity} ${f.address}`);

describe("the reference deployments", () => {
  it("pass: gpt-5.4-mini 2026-03-17 and text-embedding-3-large 1, GlobalStandard in swedencentral", () => {
    expect(lifecycle(keylessPlatform())).toEqual([]);
    expect(lifecycle(keylessPlatform(), "2026-09-01")).toEqual([]);
  });
});

describe("AZ-MODEL-002 model-closed-to-new-customers", () => {
  it("fails on gpt-4o 2024-11-20, naming ServiceModelDeprecating and the replacement Azure deploys today", () => {
    const [f] = lifecycle(platformWith("gpt-4o", "2024-11-20"));
    expect(f).toMatchObject({ ruleId: "AZ-MODEL-002", severity: "error", address: CHAT_DEPLOYMENT, constructPath: "dev/platform/openai/chat" });
    expect(f.message).toBe(
      `${CHAT}: gpt-4o 2024-11-20 closed to new customers on 2025-11-20 (retires 2027-04-14): a subscription that never deployed it gets ServiceModelDeprecating at apply ("The model 'Format:OpenAI,Name:gpt-4o,Version:2024-11-20' is in deprecating state and cannot be used for new deployments.") (judged on 2026-12-06).`,
    );
    // Microsoft names gpt-5.1, which closed on 2026-11-13 in turn: the default is named instead.
    expect(f.fix).toMatch(/^Deploy gpt-5\.4-mini 2026-03-17 \(GlobalStandard in swedencentral\) instead; only if this subscription already deploys gpt-4o 2024-11-20/);
    expect(lifecycle(platformWith("gpt-4o", "2024-11-20"))).toHaveLength(1);
  });

  it("names gpt-5.1 as the replacement while it was still open (2026-11-01)", () => {
    const [f] = lifecycle(platformWith("gpt-4o", "2024-11-20"), "2026-11-01");
    expect(f.ruleId).toBe("AZ-MODEL-002");
    expect(f.fix).toMatch(/^Deploy gpt-5\.1 2025-11-13 \(GlobalStandard or DataZoneStandard or Standard in swedencentral\) instead/);
  });

  it("is suppressed, with its reason, for an existing customer; retirement is not", () => {
    const s = platformWith("gpt-4o", "2024-11-20");
    (get(s, CHAT_DEPLOYMENT)["//"] as Record<string, unknown>).guardrails = { suppressions: [{ id: "AZ-MODEL-002", reason: EXISTING_CUSTOMER }] };
    const result = audit(s);
    expect(result.findings).toEqual([]);
    expect(result.suppressed).toEqual([expect.objectContaining({ ruleId: "AZ-MODEL-002", address: CHAT_DEPLOYMENT, reason: EXISTING_CUSTOMER })]);
    const retired = audit(s, { today: "2027-04-14" });
    expect(summary(retired.findings)).toEqual([`AZ-MODEL-001 error ${CHAT_DEPLOYMENT}`]);
    expect(retired.suppressed).toEqual([]);
  });

  it("keeps failing when the existing-customer suppression gives no real reason", () => {
    const s = platformWith("gpt-4o", "2024-11-20");
    (get(s, CHAT_DEPLOYMENT)["//"] as Record<string, unknown>).guardrails = { suppressions: [{ id: "AZ-MODEL-002", reason: "existing" }] };
    expect(summary(audit(s).findings)).toEqual([`AZ-MODEL-002 error ${CHAT_DEPLOYMENT}`, `GR-000 error ${CHAT_DEPLOYMENT}`]);
  });

  // SOURCE BUG (reported): guardrails/model-deployments.ts lifecycleFindings never passes
  // existingCustomer to judgeDeployment, so a deployment whose AZ-MODEL-002 suppression
  // declares an existing customer loses the retirement warning judgeDeployment gives
  // existing customers within 90 days (72 days here): the audit is silent until the
  // retirement day's error. Left failing on purpose.
  it("warns an existing customer (AZ-MODEL-002 suppressed) when the version retires within 90 days", () => {
    const s = platformWith("gpt-4o", "2024-11-20");
    (get(s, CHAT_DEPLOYMENT)["//"] as Record<string, unknown>).guardrails = { suppressions: [{ id: "AZ-MODEL-002", reason: EXISTING_CUSTOMER }] };
    const [f] = lifecycle(s, "2027-02-01");
    expect(f).toMatchObject({ ruleId: "AZ-MODEL-004", severity: "warning" });
    expect(f?.message).toContain("gpt-4o 2024-11-20 retires on 2027-04-14, in 72 days");
  });
});

describe("AZ-MODEL-001 model-retired", () => {
  it("fails on gpt-4o 2024-05-13 (retired 2026-10-01): 410 Gone, ServiceModelDeprecated, the replacement", () => {
    const [f] = lifecycle(platformWith("gpt-4o", "2024-05-13"));
    expect(f).toMatchObject({ ruleId: "AZ-MODEL-001", severity: "error" });
    expect(f.message).toBe(
      `${CHAT}: gpt-4o 2024-05-13 retired on 2026-10-01: Azure refuses new deployments (ServiceModelDeprecated) and answers every request to existing ones with 410 Gone (judged on 2026-12-06).`,
    );
    expect(f.fix).toBe("Deploy gpt-5.4-mini 2026-03-17 (GlobalStandard in swedencentral) instead.");
  });

  it("was closed, not retired, the month before", () => {
    const before = summary(lifecycle(platformWith("gpt-4o", "2024-05-13"), "2026-09-01"));
    expect(before).toContain(`AZ-MODEL-002 error ${CHAT_DEPLOYMENT}`);
    expect(before).not.toContain(`AZ-MODEL-001 error ${CHAT_DEPLOYMENT}`);
  });
});

describe("AZ-MODEL-003 model-sku-not-in-region", () => {
  const smallStandard = (change?: (s: TfJson) => void) => platformWith("text-embedding-3-small", "1", "Standard", EMBEDDING_DEPLOYMENT, change);

  it("fails on text-embedding-3-small 1 Standard in swedencentral, with the apply-time error and what the region offers", () => {
    const [f] = lifecycle(smallStandard());
    expect(f).toMatchObject({ ruleId: "AZ-MODEL-003", severity: "error", address: EMBEDDING_DEPLOYMENT });
    expect(f.message).toBe(
      `${EMBEDDING}: swedencentral does not offer text-embedding-3-small 1 as Standard (it offers GlobalStandard, DataZoneStandard): apply fails with InvalidResourceProperties ("The specified SKU 'Standard' for model 'text-embedding-3-small 1' is not supported in this region 'swedencentral'.") (judged on 2026-12-06).`,
    );
    expect(f.fix).toBe('Use skuName "GlobalStandard" or "DataZoneStandard", or a region that offers Standard: eastus2, eastus, australiaeast, japaneast.');
  });

  it("reads the region as Azure does: display names and case do not matter", () => {
    const s = smallStandard((x) => (get(x, OPENAI).location = "Sweden Central"));
    expect(summary(lifecycle(s))).toEqual([`AZ-MODEL-003 error ${EMBEDDING_DEPLOYMENT}`]);
  });

  it("follows the account's location reference to the resource group", () => {
    const s = smallStandard((x) => (get(x, OPENAI).location = ref("azurerm_resource_group.rg", "location")));
    expect(lifecycle(s)[0].message).toContain("swedencentral does not offer text-embedding-3-small 1 as Standard");
    get(s, "azurerm_resource_group.rg").location = "eastus2";
    expect(lifecycle(s)).toEqual([]);
  });

  it("judges no region that is not a literal (a variable), but still judges the model itself", () => {
    const s = smallStandard((x) => {
      get(x, OPENAI).location = "${var.location}";
      Object.assign(get(x, CHAT_DEPLOYMENT), { model: { format: "OpenAI", name: "gpt-4o", version: "2024-11-20" } });
    });
    expect(summary(lifecycle(s))).toEqual([`AZ-MODEL-002 error ${CHAT_DEPLOYMENT}`]);
    expect(lifecycle(s)[0].fix).toMatch(/^Deploy gpt-5\.4-mini 2026-03-17 instead/);
  });

  it("passes Standard where the region offers it", () => {
    expect(lifecycle(smallStandard((x) => (get(x, OPENAI).location = "eastus2")))).toEqual([]);
  });
});

describe("AZ-MODEL-004 model-retiring-soon", () => {
  it("warns on gpt-5.2 on 2026-12-06: it closes to new customers in 6 days", () => {
    const [f] = lifecycle(platformWith("gpt-5.2", "2025-12-11"));
    expect(f).toMatchObject({ ruleId: "AZ-MODEL-004", severity: "warning" });
    expect(f.message).toContain(
      "gpt-5.2 2025-12-11 closes to new customers on 2026-12-12, in 6 days: from then on a subscription that never deployed it gets ServiceModelDeprecating at apply",
    );
    expect(f.fix).toBe("Deploy gpt-5.4-mini 2026-03-17 (GlobalStandard in swedencentral) for new environments.");
    expect(summary(lifecycle(platformWith("gpt-5.2", "2025-12-11"), "2026-12-12"))).toEqual([`AZ-MODEL-002 error ${CHAT_DEPLOYMENT}`]);
  });

  it("warns on an embedding model retiring within 90 days, and not before", () => {
    const embedding = (today: string) => lifecycle(keylessPlatform(), today).filter((x) => x.address === EMBEDDING_DEPLOYMENT);
    const [f] = embedding("2027-12-01");
    expect(f).toMatchObject({ ruleId: "AZ-MODEL-004", severity: "warning" });
    expect(f.message).toContain("text-embedding-3-large 1 retires on 2028-02-09, in 70 days; after that every request answers 410 Gone");
    expect(embedding("2027-11-10")).toEqual([]);
  });
});

describe("AZ-MODEL-005 model-unknown-to-catalogue", () => {
  it.each([
    ["a model the catalogue never heard of", platformWith("gpt-9", "2027-01-01"), "gpt-9 2027-01-01 is not in the model catalogue, so nothing vouches that Azure deploys it"],
    ["an unknown version of a known model", platformWith("gpt-4o", "2025-01-01"), "(the catalogue knows 2024-11-20, 2024-08-06, 2024-05-13)"],
    [
      "a region the catalogue does not cover",
      platformWith("gpt-5.4-mini", "2026-03-17", "GlobalStandard", CHAT_DEPLOYMENT, (s) => (get(s, OPENAI).location = "brazilsouth")),
      "brazilsouth offers",
    ],
    ["a deployment type it does not record", platformWith("gpt-5.4-mini", "2026-03-17", "ProvisionedManaged"), "not ProvisionedManaged"],
  ])("notes %s, pointing at Azure's live list", (_name, stack, text) => {
    const found = lifecycle(stack);
    expect(found.map((f) => `${f.ruleId} ${f.severity}`)).toContain("AZ-MODEL-005 note");
    const f = found.find((x) => x.ruleId === "AZ-MODEL-005")!;
    expect(f.message).toContain(text);
    expect(f.fix).toContain("az cognitiveservices model list -l ");
  });

  it("is a warning where the author chose the model (the synth-time guardrails ask for that), and a note never fails a run", () => {
    const stack = platformWith("gpt-9", "2027-01-01");
    const asWarning = audit(stack, { unknownModels: "warning" }).findings.filter((f) => f.ruleId === "AZ-MODEL-005");
    expect(asWarning.map((f) => f.severity)).toEqual(["warning"]);
    const result = audit(stack);
    expect([result.errors, result.warnings, result.notes]).toEqual([0, 0, 1]);
  });

  it("leaves other model formats and non-literal models alone", () => {
    const s = keylessPlatform();
    Object.assign(get(s, CHAT_DEPLOYMENT), { model: { format: "Mistral AI", name: "Mistral-Large-2411", version: "2" } });
    Object.assign(get(s, EMBEDDING_DEPLOYMENT), { model: { format: "OpenAI", name: "${var.embedding_model}", version: "1" } });
    expect(lifecycle(s)).toEqual([]);
  });
});

describe("deployments as the rules read them", () => {
  it("names the deployment only when its name is a literal, and judges every deployment", () => {
    const s = keylessPlatform();
    deployment(s, "old", "gpt-4o", "2024-05-13");
    get(s, "azurerm_cognitive_deployment.old").name = "${var.old_name}";
    deployment(s, "closed", "gpt-4.1", "2025-04-14");
    const found = lifecycle(s);
    expect(summary(found)).toEqual(["AZ-MODEL-001 error azurerm_cognitive_deployment.old", "AZ-MODEL-002 error azurerm_cognitive_deployment.closed"]);
    expect(found[0].message).toMatch(/^azurerm_cognitive_deployment\.old \(dev\/platform\/openai\/old\): gpt-4o 2024-05-13 retired/);
    expect(found[1].message).toMatch(/^azurerm_cognitive_deployment\.closed \(dev\/platform\/openai\/closed\) \(deployment "closed"\): gpt-4\.1 2025-04-14 closed/);
  });

  it("reads `terraform show -json` plan output: list-shaped blocks and the account through configuration references", () => {
    const resource = (address: string, values: Record<string, unknown>) => ({ address, mode: "managed", type: address.split(".")[0], name: address.split(".")[1], values });
    const plan = {
      format_version: "1.2",
      planned_values: {
        root_module: {
          resources: [
            resource("azurerm_cognitive_account.oai", { name: "oai-x", kind: "OpenAI", location: "swedencentral", custom_subdomain_name: "oai-x", local_auth_enabled: false }),
            resource("azurerm_cognitive_deployment.chat", {
              name: "chat",
              model: [{ format: "OpenAI", name: "gpt-4o", version: "2024-11-20" }],
              sku: [{ name: "GlobalStandard", capacity: 10 }],
            }),
            resource("azurerm_cognitive_deployment.emb", {
              name: "emb",
              model: [{ format: "OpenAI", name: "text-embedding-3-small", version: "1" }],
              sku: [{ name: "Standard", capacity: 10 }],
            }),
          ],
        },
      },
      resource_changes: ["chat", "emb"].map((n) => ({
        address: `azurerm_cognitive_deployment.${n}`,
        change: { actions: ["create"], after_unknown: { cognitive_account_id: true } },
      })),
      configuration: {
        root_module: {
          resources: ["chat", "emb"].map((n) => ({
            address: `azurerm_cognitive_deployment.${n}`,
            expressions: { cognitive_account_id: { references: ["azurerm_cognitive_account.oai.id", "azurerm_cognitive_account.oai"] } },
          })),
        },
      },
    };
    const found = lifecycle(plan);
    expect(summary(found)).toEqual(["AZ-MODEL-002 error azurerm_cognitive_deployment.chat", "AZ-MODEL-003 error azurerm_cognitive_deployment.emb"]);
    expect(found[1].message).toContain("swedencentral does not offer text-embedding-3-small 1 as Standard");
  });

  it("puts a deployment's account region in the replacement it names", () => {
    const s = platformWith("gpt-4o", "2024-11-20", "GlobalStandard", CHAT_DEPLOYMENT, (x) =>
      put(x, "azurerm_cognitive_account.us", { name: "oai-us", kind: "OpenAI", location: "eastus2" }),
    );
    deployment(s, "us_chat", "gpt-4o", "2024-11-20", "GlobalStandard", "azurerm_cognitive_account.us");
    const found = lifecycle(s);
    expect(found.map((f) => f.address)).toEqual([CHAT_DEPLOYMENT, "azurerm_cognitive_deployment.us_chat"]);
    expect(found[0].fix).toMatch(/^Deploy gpt-5\.4-mini 2026-03-17 \(GlobalStandard in swedencentral\) instead/);
    expect(found[1].fix).toMatch(/^Deploy gpt-5\.4-mini 2026-03-17 \(GlobalStandard or DataZoneStandard in eastus2\) instead/);
  });
});
