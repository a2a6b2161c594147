import { Testing } from "cdktf";
import { ChatPlatform } from "../../../constructs/chat-platform";
import { Roles } from "../../../catalogue/roles";
import { FLOW_IDS, FlowId } from "../../../catalogue/flows";
import { impliedFlows } from "../../../constructs/rbac/implied-flows";
import { addressNamed, addressOf, assignments, onlyResource, resources, synthPlatform, TfJson, newStack } from "../../../testing/helpers";

/** Principal expressions of each part, as they appear in role assignments. */
function parties(json: TfJson) {
  return {
    webApp: `${addressOf(json, "azurerm_linux_web_app")}.identity[0].principal_id`,
    openai: `${addressOf(json, "azurerm_cognitive_account")}.identity[0].principal_id`,
    search: `${addressOf(json, "azurerm_search_service")}.identity[0].principal_id`,
    deployer: "data.azurerm_client_config.ClientConfig.object_id",
  };
}
function scopes(json: TfJson) {
  return {
    openai: `${addressOf(json, "azurerm_cognitive_account")}.id`,
    search: `${addressOf(json, "azurerm_search_service")}.id`,
    storage: `${addressOf(json, "azurerm_storage_account")}.id`,
    ...(json.resource.azurerm_key_vault ? { keyVault: `${addressOf(json, "azurerm_key_vault")}.id` } : {}),
  };
}
const flowsOf = (p: ChatPlatform) => new Set(p.accessMatrix.map((r) => r.flow));
/** On Your Data before its retirement: the sample app on a model it can call (an existing customer's). */
const BEFORE_RETIREMENT = {
  profile: "sampleApp",
  today: "2026-09-01",
  openai: { chatModel: { modelName: "gpt-4.1", modelVersion: "2025-04-14", existingCustomer: true } },
} as const;

describe("the default platform holds azure-search-openai-demo's app-side retrieval matrix exactly", () => {
  const { json, platform } = synthPlatform();
  const who = parties(json);
  const where = scopes(json);

  it.each([
    ["F1 web app -> OpenAI: OpenAI User", who.webApp, Roles.CognitiveServicesOpenAIUser, where.openai],
    ["F8 web app -> Search: Index Data Reader", who.webApp, Roles.SearchIndexDataReader, where.search],
    ["F11 web app -> Storage: Blob Data Reader", who.webApp, Roles.StorageBlobDataReader, where.storage],
  ])("%s", (_name, principal, role, scope) => {
    expect(assignments(json)).toContainEqual({ principal, role: role.id, scope, principalType: "ServicePrincipal" });
  });

  it("grants nothing else: nothing for the OpenAI identity, nothing for Search's unless it calls", () => {
    expect(assignments(json)).toHaveLength(3);
    expect([...flowsOf(platform)].sort()).toEqual(["F1", "F11", "F8"]);
    expect(assignments(json).filter((a) => a.principal === who.openai || a.principal === who.search)).toEqual([]);
  });

  it("assigns roles by id in the subscription-scoped form Azure returns", () => {
    for (const a of resources(json, "azurerm_role_assignment")) {
      expect(a.role_definition_id).toMatch(
        /^\/subscriptions\/\$\{data\.azurerm_client_config\.ClientConfig\.subscription_id\}\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/,
      );
      expect(a.role_definition_name).toBeUndefined();
    }
  });

  it("names every assignment with a GUID derived at plan time from a deterministic seed and the scope's id (which holds the subscription)", () => {
    const all = resources(json, "azurerm_role_assignment");
    const names = all.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    const seeded = /^\$\{uuidv5\("([0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})", (azurerm_[a-z_]+\.[A-Za-z0-9_-]+\.id)\)\}$/;
    for (const a of all) {
      expect(a.name).toMatch(seeded);
      // Hashed with the very scope the assignment is on.
      expect(`\${${seeded.exec(a.name)?.[2]}}`).toBe(a.scope);
    }
    expect(new Set(names.map((n) => seeded.exec(n)?.[1])).size).toBe(names.length);
    expect(resources(synthPlatform().json, "azurerm_role_assignment").map((a) => a.name)).toEqual(names);
  });

  it("never scopes a role to a resource group or subscription", () => {
    for (const a of assignments(json)) expect(Object.values(where)).toContain(a.scope);
  });

  it("records an access-matrix row per assignment with flow, principal, role, scope and reason", () => {
    expect(platform.accessMatrix).toHaveLength(3);
    expect(platform.accessMatrix[0]).toMatchObject({
      flow: "F1",
      principal: "web app chat-dev-app-${local.name_suffix_chat_dev} (system-assigned)",
      role: "Cognitive Services OpenAI User",
      scope: expect.stringMatching(/^Azure OpenAI /),
      reason: expect.any(String),
    });
  });
});

describe("Search's own calls", () => {
  it("F5: Search gets Cognitive Services OpenAI User (inference only, as the demo grants) when it vectorizes or runs a knowledge base", () => {
    for (const features of [{ integratedVectorization: true }, { agenticRetrieval: true }]) {
      const { json, platform } = synthPlatform({ features });
      expect(assignments(json).filter((a) => a.principal === parties(json).search)).toEqual([
        { principal: parties(json).search, role: Roles.CognitiveServicesOpenAIUser.id, scope: scopes(json).openai, principalType: "ServicePrincipal" },
      ]);
      expect(platform.flows.find((f) => f.flow === "F5")?.reason).toMatch(features.agenticRetrieval ? /knowledge base/ : /vectorizes/);
    }
  });

  it("F4: Search's indexer gets Storage Blob Data Reader when it reads the documents", () => {
    const { json } = synthPlatform({ features: { ingestion: true } });
    expect(assignments(json)).toContainEqual({
      principal: parties(json).search,
      role: Roles.StorageBlobDataReader.id,
      scope: scopes(json).storage,
      principalType: "ServicePrincipal",
    });
  });
});

describe("On Your Data before its retirement (today fixed to 2026-09-01): the Microsoft Learn matrix", () => {
  const { json, platform } = synthPlatform(BEFORE_RETIREMENT);
  const who = parties(json);
  const where = scopes(json);

  it.each([
    ["F1 web app -> OpenAI: OpenAI User", who.webApp, Roles.CognitiveServicesOpenAIUser, where.openai],
    ["F2 OpenAI -> Search: Index Data Reader", who.openai, Roles.SearchIndexDataReader, where.search],
    ["F2 OpenAI -> Search: Service Contributor", who.openai, Roles.SearchServiceContributor, where.search],
    ["F3 OpenAI -> Storage: Blob Data Contributor", who.openai, Roles.StorageBlobDataContributor, where.storage],
    ["F4 Search -> Storage: Blob Data Reader", who.search, Roles.StorageBlobDataReader, where.storage],
    ["F5 Search -> OpenAI: OpenAI User", who.search, Roles.CognitiveServicesOpenAIUser, where.openai],
  ])("%s", (_name, principal, role, scope) => {
    expect(assignments(json)).toContainEqual({ principal, role: role.id, scope, principalType: "ServicePrincipal" });
  });

  it("grants nothing else", () => {
    expect(assignments(json)).toHaveLength(6);
    expect([...flowsOf(platform)].sort()).toEqual(["F1", "F2", "F3", "F4", "F5"]);
  });
});

describe("each flow is granted when implied and absent when not", () => {
  const cases: [FlowId, Parameters<typeof synthPlatform>[0], Parameters<typeof synthPlatform>[0]][] = [
    ["F1", {}, { authMode: "keys" }],
    ["F2", BEFORE_RETIREMENT, { ...BEFORE_RETIREMENT, features: { onYourData: false, ingestion: false, integratedVectorization: false } }],
    ["F3", BEFORE_RETIREMENT, { ...BEFORE_RETIREMENT, features: { ingestion: false } }],
    ["F4", { features: { ingestion: true } }, {}],
    ["F5", { features: { integratedVectorization: true } }, {}],
    ["F6", { features: { customerManagedKey: true } }, {}],
    ["F7", { authMode: "keys" }, {}],
    ["F8", {}, { profile: "openai" }],
    ["F9", { authMode: "keys" }, {}],
    ["F10", { developers: [{ objectId: "00000000-0000-0000-0000-00000000000a" }] }, {}],
    ["F11", {}, { profile: "openai" }],
  ];
  it("covers every flow in the table", () => {
    expect(cases.map((c) => c[0])).toEqual(FLOW_IDS);
  });
  it.each(cases)("%s", (flow, withIt, withoutIt) => {
    expect(flowsOf(synthPlatform(withIt).platform)).toContain(flow);
    expect(flowsOf(synthPlatform(withoutIt).platform)).not.toContain(flow);
  });

  it("keys mode for the demo app: the OpenAI key, but Search and blobs still with the app's identity (it has no Search key setting)", () => {
    const { platform } = synthPlatform({ authMode: "keys" });
    expect([...flowsOf(platform)].sort()).toEqual(["F11", "F7", "F8", "F9"]);
    expect(platform.appSettings.find((s) => s.name === "AZURE_OPENAI_API_KEY_OVERRIDE")?.keyVaultReference).toBe(true);
    expect(platform.appSettings.map((s) => s.name)).not.toContain("AZURE_SEARCH_KEY");
  });
});

describe("flow details", () => {
  it("F10 gives each developer OpenAI User, Search Index Data Contributor, Search Service Contributor and Blob Data Contributor, typed User", () => {
    const dev = "11111111-2222-3333-4444-555555555555";
    const { json } = synthPlatform({ developers: [{ objectId: dev, name: "ada" }] });
    const mine = assignments(json).filter((a) => a.principal === dev);
    const where = scopes(json);
    expect(mine).toEqual(
      expect.arrayContaining([
        { principal: dev, role: Roles.CognitiveServicesOpenAIUser.id, scope: where.openai, principalType: "User" },
        { principal: dev, role: Roles.SearchIndexDataContributor.id, scope: where.search, principalType: "User" },
        { principal: dev, role: Roles.SearchServiceContributor.id, scope: where.search, principalType: "User" },
        { principal: dev, role: Roles.StorageBlobDataContributor.id, scope: where.storage, principalType: "User" },
      ]),
    );
    expect(mine).toHaveLength(4);
  });

  it("F10 takes groups as principal type Group", () => {
    const { json } = synthPlatform({ developers: [{ objectId: "11111111-2222-3333-4444-555555555555", type: "Group" }] });
    expect(assignments(json).filter((a) => a.principalType === "Group")).toHaveLength(4);
  });

  it("a user-assigned identity receives every grant to the app", () => {
    const { json } = synthPlatform({ userAssignedIdentity: true, features: { appQueriesSearch: true, appReadsBlobs: true } });
    const uami = `${addressNamed(json, "azurerm_user_assigned_identity", "AppIdentity")}.principal_id`;
    const signIn = `${addressNamed(json, "azurerm_user_assigned_identity", "SignInIdentity")}.principal_id`;
    const web = parties(json).webApp;
    expect(
      assignments(json)
        .filter((a) => a.principal === uami)
        .map((a) => a.role)
        .sort(),
    ).toEqual([Roles.CognitiveServicesOpenAIUser.id, Roles.SearchIndexDataReader.id, Roles.StorageBlobDataReader.id].sort());
    expect(assignments(json).some((a) => a.principal === web || a.principal === signIn)).toBe(false);
  });

  it("granting the same thing twice yields one assignment", () => {
    const stack = newStack();
    const p = new ChatPlatform(stack, "Platform", { environment: "dev" });
    const first = p.openai.grantOpenAIUser(p.webApp);
    const second = p.openai.grantOpenAIUser(p.webApp);
    expect(second.assignments[0]).toBe(first.assignments[0]);
    expect(p.accessMatrix.filter((r) => r.flow === "F1")).toHaveLength(1);
  });

  it("impliedFlows is least privilege: a keyless platform without features implies only F1", () => {
    const none = impliedFlows({
      onYourData: false,
      ingestion: false,
      integratedVectorization: false,
      agenticRetrieval: false,
      customerManagedKey: false,
      appQueriesSearch: false,
      appReadsBlobs: false,
      developers: false,
      signIn: false,
      appKeys: [],
    });
    expect(none.map((f) => f.flow)).toEqual(["F1"]);
  });
});

describe("customer-managed key (F6)", () => {
  const { json } = synthPlatform({ features: { customerManagedKey: true } });
  const key = onlyResource(json, "azurerm_key_vault_key");
  const binding = onlyResource(json, "azurerm_cognitive_account_customer_managed_key");
  const sleepAddress = addressOf(json, "time_sleep");
  const sleep = onlyResource(json, "time_sleep");
  const byRole = (roleId: string) => Object.entries(json.resource.azurerm_role_assignment).find(([, a]) => a.role_definition_id.endsWith(roleId))!;

  it("creates an RSA 2048 key in the RBAC vault", () => {
    expect(key).toMatchObject({ key_type: "RSA", key_size: 2048, key_vault_id: `\${${addressOf(json, "azurerm_key_vault")}.id}` });
  });

  it("grants the deployer Crypto Officer and the OpenAI identity Crypto Service Encryption User on the vault", () => {
    const where = scopes(json);
    expect(assignments(json)).toContainEqual(
      expect.objectContaining({ principal: parties(json).deployer, role: Roles.KeyVaultCryptoOfficer.id, scope: where.keyVault, principalType: undefined }),
    );
    expect(assignments(json)).toContainEqual({
      principal: parties(json).openai,
      role: Roles.KeyVaultCryptoServiceEncryptionUser.id,
      scope: where.keyVault,
      principalType: "ServicePrincipal",
    });
  });

  it("waits for both grants to propagate before creating the key and binding it", () => {
    const [officer] = byRole(Roles.KeyVaultCryptoOfficer.id);
    const [encryptionUser] = byRole(Roles.KeyVaultCryptoServiceEncryptionUser.id);
    expect(sleep.depends_on).toEqual(expect.arrayContaining([`azurerm_role_assignment.${officer}`, `azurerm_role_assignment.${encryptionUser}`]));
    expect(sleep.create_duration).toBe("120s");
    expect(key.depends_on).toContain(sleepAddress);
    expect(binding.depends_on).toEqual(expect.arrayContaining([sleepAddress, addressOf(json, "azurerm_key_vault_key")]));
    expect(binding.key_vault_key_id).toBe(`\${${addressOf(json, "azurerm_key_vault_key")}.id}`);
  });

  it("uses the configured propagation delay", () => {
    expect(onlyResource(synthPlatform({ features: { customerManagedKey: true }, rolePropagationDelay: "5m" }).json, "time_sleep").create_duration).toBe("5m");
  });

  it("adds no sleep when nothing waits for a grant", () => {
    expect(synthPlatform().json.resource.time_sleep).toBeUndefined();
  });
});

describe("flows that need Search's identity", () => {
  it("fails when search is free tier and a flow needs its identity or RBAC, naming each flow", () => {
    expect(() => new ChatPlatform(newStack(), "Platform", { environment: "dev", search: { sku: "free" }, features: { ingestion: true, integratedVectorization: true } })).toThrow(
      /test\/Platform: search\.sku = "free" cannot serve this platform: the free tier has no managed identity and no RBAC data plane, but the indexer reads Storage with Search's identity \(F4\); vectorization calls OpenAI with Search's identity \(F5\); the app queries the index with its identity \(F8\)\. Fix: use sku "basic" or higher/,
    );
  });

  it("accepts the free tier when no flow needs Search's identity", () => {
    const { json } = synthPlatform({ profile: "openai", search: { sku: "free" } });
    expect(onlyResource(json, "azurerm_search_service").identity).toBeUndefined();
  });
});

describe("role propagation", () => {
  it("waits for the longest delay any platform in the stack asks for, not the last", () => {
    const stack = newStack();
    new ChatPlatform(stack, "A", { environment: "a", features: { customerManagedKey: true }, rolePropagationDelay: "5m" });
    new ChatPlatform(stack, "B", { environment: "b", features: { customerManagedKey: true }, rolePropagationDelay: "90s" });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(onlyResource(json, "time_sleep").create_duration).toBe("5m");
  });
});
