import { Roles } from "../../catalogue/roles";
import { audit } from "../../guardrails/audit";
import type { Finding } from "../../guardrails/rule";
import {
  BEFORE_OYD_RETIREMENT,
  OPENAI,
  SEARCH,
  STORAGE,
  type TfJson,
  WEB,
  get,
  grant,
  keylessPlatform,
  onYourDataPlatform,
  put,
  rawOnYourDataWithoutIdentity,
  ref,
  remove,
  settings,
  systemIdentity,
} from "../../testing/guardrail-fixtures";

/** Terraform as people write it (issue 15): for_each role assignments, custom setting names, privileged roles. */

function findings(stack: unknown, ruleId: string, today?: string): Finding[] {
  return audit(stack, { today }).findings.filter((f) => f.ruleId === ruleId);
}

/** The keyless platform with the Storage grants (F11 for the app, F4 for Search's indexer) written the Azure Verified Modules way. */
function avmStyle(appPrincipal = systemIdentity(WEB)): TfJson {
  const s = keylessPlatform() as TfJson & Record<string, unknown>;
  remove(s, "azurerm_role_assignment.web_storage_reader");
  remove(s, "azurerm_role_assignment.search_storage");
  s.locals = {
    storage_roles: {
      app: { role: "Storage Blob Data Reader", principal: appPrincipal },
      indexer: { role: "${var.indexer_role}", principal: systemIdentity(SEARCH) },
    },
  };
  s.variable = { indexer_role: { type: "string", default: "Storage Blob Data Reader" } };
  put(s, "azurerm_role_assignment.storage", {
    for_each: "${local.storage_roles}",
    role_definition_name: "${each.value.role}",
    principal_id: "${each.value.principal}",
    scope: ref(STORAGE),
  });
  return s;
}

describe("for_each, locals and variable defaults", () => {
  it("expands role assignments written with for_each over a local map and judges each instance", () => {
    const result = audit(avmStyle());
    expect(result.findings).toEqual([]);
    for (const id of ["F11", "F4"]) expect(result.flows.find((c) => c.implied.flow.id === id)?.missingRoles).toEqual([]);
  });

  it("still fails when the expanded instances name the wrong principal", () => {
    const [f] = findings(avmStyle(systemIdentity(SEARCH)), "AZ-FLOW-001");
    expect(f.message).toMatch(/^F11 /);
    expect(f.message).toContain(`holds no "Storage Blob Data Reader" on ${STORAGE}`);
    expect(f.severity).toBe("error");
  });

  it("reports an unresolvable for_each as not judged and does not fail on a guess", () => {
    const s = avmStyle() as TfJson & Record<string, unknown>;
    get(s, "azurerm_role_assignment.storage").for_each = "${var.role_assignments}";
    const result = audit(s);
    const [notJudged] = result.findings.filter((f) => f.ruleId === "GR-001");
    expect(notJudged.message).toContain('azurerm_role_assignment.storage: for_each = "${var.role_assignments}" cannot be resolved statically');
    const [flow] = result.findings.filter((f) => f.ruleId === "AZ-FLOW-001");
    expect(flow.severity).toBe("warning");
    expect(flow.message).toContain("Not judged: azurerm_role_assignment.storage could not be expanded");
    expect(result.errors).toBe(0);
  });

  it("expands count and reports module blocks as not judged", () => {
    const s = keylessPlatform() as TfJson & Record<string, unknown>;
    remove(s, "azurerm_role_assignment.web_openai_user");
    grant(s, "web_openai_user", Roles.CognitiveServicesOpenAIUser, systemIdentity(WEB), ref(OPENAI), { count: 1 });
    s.module = { network: { source: "./network" } };
    const result = audit(s);
    expect(result.findings.map((f) => [f.ruleId, f.address])).toEqual([["GR-001", "module.network"]]);
  });
});

describe("On Your Data from evidence, whatever the variable names", () => {
  /** The field report with its own setting names and no DATASOURCE_TYPE. */
  function customNames(): TfJson {
    const s = rawOnYourDataWithoutIdentity();
    const app = settings(s, "azurerm_linux_web_app.handmade");
    for (const k of Object.keys(app)) delete app[k];
    Object.assign(app, { CHAT_MODEL_URL: "https://oai-handmade.openai.azure.com/", AZURE_AI_SEARCH_ENDPOINT: "https://srch-handmade.search.windows.net" });
    return s;
  }

  it("infers F2 from settings that point at Search and OpenAI and names them as the evidence (before the retirement)", () => {
    const [f] = findings(customNames(), "AZ-FLOW-001", BEFORE_OYD_RETIREMENT).filter((x) => x.message.startsWith("F2"));
    expect(f.message).toContain("AZURE_AI_SEARCH_ENDPOINT point at azurerm_search_service.handmade");
    expect(f.message).toContain("CHAT_MODEL_URL at azurerm_cognitive_account.handmade");
    expect(f.message).toContain("ManagedIdentityIsNotEnabled");
    expect(findings(customNames(), "AZ-OAI-001", BEFORE_OYD_RETIREMENT)).toHaveLength(1);
    // Not the wrong fix: the app's own Search role is not what is missing.
    expect(findings(customNames(), "AZ-FLOW-001", BEFORE_OYD_RETIREMENT).filter((x) => x.message.startsWith("F8"))).toEqual([]);
  });

  it("names the same evidence in the retirement error afterwards, and demands no OpenAI identity", () => {
    const [f] = findings(customNames(), "AZ-OYD-001");
    expect(f).toMatchObject({ severity: "error", address: "azurerm_linux_web_app.handmade" });
    expect(f.message).toContain("AZURE_AI_SEARCH_ENDPOINT point at azurerm_search_service.handmade");
    expect(f.message).toContain("CHAT_MODEL_URL at azurerm_cognitive_account.handmade");
    expect(findings(customNames(), "AZ-OAI-001")).toEqual([]);
  });

  it("takes a Search role held by the app as evidence that the app queries the index itself (F8)", () => {
    // Without the app's role, settings naming Search and OpenAI read as On Your Data.
    const s = keylessPlatform();
    remove(s, "azurerm_role_assignment.web_search_reader");
    const before = audit(s, { today: BEFORE_OYD_RETIREMENT }).flows.map((c) => `${c.implied.flow.id}:${c.implied.caller?.address}`);
    expect(before).toContain(`F2:${OPENAI}`);
    expect(before).not.toContain(`F8:${WEB}`);
    const [retired] = findings(s, "AZ-OYD-001");
    expect(retired.message).toContain("if the app queries the index itself instead, grant its identity Search Index Data Reader");

    const flows = audit(keylessPlatform(), { today: BEFORE_OYD_RETIREMENT }).flows.map((c) => `${c.implied.flow.id}:${c.implied.caller?.address}`);
    expect(flows).toContain(`F8:${WEB}`);
    expect(flows.filter((f) => f.startsWith("F2"))).toEqual([]);
    expect(findings(keylessPlatform(), "AZ-OYD-001")).toEqual([]);
  });

  it("implies the Search indexer hop (F4) from OpenAI ingestion (F3) before the retirement, not after", () => {
    const s = onYourDataPlatform();
    remove(s, "azurerm_role_assignment.search_storage");
    const [f] = findings(s, "AZ-FLOW-001", BEFORE_OYD_RETIREMENT);
    expect(f.message).toContain("F4 (Search indexer reads Storage) is implied because F3");
    expect(findings(s, "AZ-FLOW-001")).toEqual([]);
  });
});

describe("AZ-RBAC-003 privileged-role-scope", () => {
  const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";
  it.each([
    ["Owner", "/providers/Microsoft.Management/managementGroups/contoso", "error", "a management group"],
    ["Owner", "/", "error", "the root scope"],
    ["User Access Administrator", SUB, "error", "a subscription"],
    ["Role Based Access Control Administrator", ref("data.azurerm_subscription.current"), "error", "a subscription"],
    ["User Access Administrator", ref(WEB), "warning", "one resource"],
  ])("flags %s at %s as %s", (role, scope, severity, where) => {
    const s = keylessPlatform();
    put(s, "azurerm_role_assignment.admin", { role_definition_name: role, principal_id: systemIdentity(WEB), scope });
    const [f] = findings(s, "AZ-RBAC-003");
    expect(f).toMatchObject({ severity, address: "azurerm_role_assignment.admin" });
    expect(f.message).toContain(`assigns "${role}" at ${where}`);
  });

  it("recognises Owner by role definition id", () => {
    const s = keylessPlatform();
    put(s, "azurerm_role_assignment.admin", {
      role_definition_id: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`,
      principal_id: "00000000-0000-0000-0000-000000000001",
      scope: SUB,
    });
    expect(findings(s, "AZ-RBAC-003")[0].message).toContain('"Owner" at a subscription');
  });
});

describe("AZ-APP-006 mutable-image-tag", () => {
  it.each([
    ["sample-app-aoai-chatgpt:latest", 'by the tag "latest"'],
    ["myregistry.azurecr.io:5000/chat", "with no tag"],
  ])("warns on %s", (image, why) => {
    const s = keylessPlatform();
    (get(s, WEB).site_config as Record<string, unknown>).application_stack = { docker_image_name: image };
    const [f] = findings(s, "AZ-APP-006");
    expect(f.severity).toBe("warning");
    expect(f.message).toContain(why);
  });

  it("passes a pinned tag or digest", () => {
    for (const image of ["chat:1.4.2", "chat@sha256:0123456789abcdef"]) {
      const s = keylessPlatform();
      (get(s, WEB).site_config as Record<string, unknown>).application_stack = { docker_image_name: image };
      expect(findings(s, "AZ-APP-006")).toEqual([]);
    }
  });
});

describe("plans of role assignments", () => {
  const WEB_PRINCIPAL = "11111111-2222-3333-4444-555555555555";
  /** A plan: an existing web app with a known identity (declared open: sign-in, AZ-APP-007, is not the subject here), an OpenAI account, one assignment. */
  function plan(assignment: Record<string, unknown>, expressions: Record<string, unknown>, afterUnknown: Record<string, unknown> = {}) {
    const resource = (address: string, values: Record<string, unknown>) => ({ address, mode: "managed", type: address.split(".")[0], name: address.split(".")[1], values });
    return {
      format_version: "1.2",
      planned_values: {
        root_module: {
          resources: [
            resource("azurerm_cognitive_account.oai", {
              name: "oai-x",
              kind: "OpenAI",
              custom_subdomain_name: "oai-x",
              local_auth_enabled: false,
              identity: [{ type: "SystemAssigned" }],
            }),
            resource("azurerm_linux_web_app.app", {
              name: "app-x",
              https_only: true,
              tags: { "app-access": "open" },
              site_config: [{}],
              identity: [{ type: "SystemAssigned", principal_id: WEB_PRINCIPAL }],
              app_settings: { AZURE_OPENAI_ENDPOINT: "https://oai-x.openai.azure.com/" },
            }),
            { ...resource('azurerm_role_assignment.app["openai"]', assignment), name: "app", type: "azurerm_role_assignment" },
          ],
        },
      },
      resource_changes: [{ address: 'azurerm_role_assignment.app["openai"]', change: { actions: ["create"], after_unknown: afterUnknown } }],
      configuration: { root_module: { resources: [{ address: "azurerm_role_assignment.app", for_each_expression: { references: ["local.roles"] }, expressions }] } },
    };
  }

  it("matches a principal_id the plan knows as a GUID to the identity that has it", () => {
    const p = plan(
      { role_definition_name: "Cognitive Services OpenAI User", principal_id: WEB_PRINCIPAL, scope: "" },
      {
        principal_id: { references: ["each.value.principal", "each.value", "each"] },
        scope: { references: ["azurerm_cognitive_account.oai.id", "azurerm_cognitive_account.oai"] },
      },
      { scope: true },
    );
    expect(audit(p).findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("reports a principal known only after apply through each.value as not judged, not as a missing role", () => {
    const p = plan(
      { role_definition_name: "Cognitive Services OpenAI User", scope: "" },
      {
        principal_id: { references: ["each.value.principal", "each.value", "each"] },
        scope: { references: ["azurerm_cognitive_account.oai.id", "azurerm_cognitive_account.oai"] },
      },
      { principal_id: true, scope: true },
    );
    const result = audit(p);
    expect(result.errors).toBe(0);
    expect(result.findings.map((f) => [f.ruleId, f.severity])).toEqual([
      ["AZ-FLOW-001", "warning"],
      ["GR-001", "warning"],
    ]);
    expect(result.findings[1].message).toContain('azurerm_role_assignment.app["openai"]: principal_id comes from each/count and is known only after apply');
  });
});
