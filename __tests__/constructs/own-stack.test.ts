/**
 * Constructs in a stack of one's own, as a platform team composes them: the providers
 * the constructs need, declared calls (constructs/rbac/intent.ts), errors in the
 * construct API's terms (guardrails/construct-fixes.ts, synth-failure.ts) and the
 * testing kit (assertions/). One file: each test file pays for loading cdktf and the
 * providers again.
 */
import "../../assertions/jest";
import { App, TerraformStack, Testing } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { ChatPlatform, EntraPrincipal, Guardrails, OpenAIAccount, PlatformTemplate, Roles, SearchService, StorageAccount, WebApp } from "../../index";
import { SynthFailure } from "../../guardrails/synth-failure";
import { formatFailure } from "../../scripts/terminal/report";
import { synthPlatform } from "../../testing/helpers";

const base = { resourceGroupName: "rg", location: "swedencentral" } as const;

/** A stack of one's own with only the azurerm provider, as a platform team writes it. */
function ownStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "prod");
  new AzurermProvider(stack, "azurerm", { features: [{}], storageUseAzuread: true });
  return stack;
}

describe("providers the constructs need besides azurerm", () => {
  it("adds azuread when sign-in creates an app registration, as it adds time for the role-propagation gate", () => {
    const stack = ownStack();
    new ChatPlatform(stack, "Chat", { environment: "prod", authMode: "keys" });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(Object.keys(json.provider).sort()).toEqual(["azuread", "azurerm", "time"]);
    expect(json.provider.azuread).toEqual([{}]);
  });

  it("keeps the owner's own provider, even one added after the platform, and adds no second default", () => {
    const stack = ownStack();
    new ChatPlatform(stack, "Chat", { environment: "prod" });
    new AzureadProvider(stack, "entra", { tenantId: "11111111-2222-3333-8444-555555555555" });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(json.provider.azuread).toEqual([{ tenant_id: "11111111-2222-3333-8444-555555555555" }]);
  });

  it("adds none for an open app or a brought registration", () => {
    const stack = ownStack();
    new ChatPlatform(stack, "Chat", { environment: "prod", webApp: { access: "open" } });
    expect(Object.keys(JSON.parse(Testing.synth(stack, true)).provider)).toEqual(["azurerm"]);
  });

  it("synthesizes a whole app of one's own without cdktf's missing-provider error", () => {
    const app = new App({ outdir: Testing.app().outdir, skipValidation: false });
    const stack = new TerraformStack(app, "prod");
    new AzurermProvider(stack, "azurerm", { features: [{}], storageUseAzuread: true });
    new ChatPlatform(stack, "Chat", { environment: "prod" });
    expect(() => app.synth()).not.toThrow();
  });
});

describe("what the azurerm provider must be configured with", () => {
  it("refuses a private platform in a stack whose provider polls the storage data plane, naming the setting (issue 27: only a warning)", () => {
    const stack = ownStack();
    new ChatPlatform(stack, "Chat", { environment: "prod", network: { mode: "private" }, webApp: { access: "open" } });
    expect(() => Testing.synth(stack, true)).toThrow(
      /prod\/Chat\/Storage: publicNetworkAccessEnabled = false needs the azurerm provider of stack "prod" to skip the storage data plane.*Fix: configure the provider with new AzurermProvider\(stack, "azurerm", \{ features: \[\{ storage: \[\{ dataPlaneAvailable: false \}\] \}\]/s,
    );
  });

  it("accepts it once the provider skips the data plane, and never asks for it in public mode", () => {
    const stack = new TerraformStack(Testing.app(), "prod");
    new AzurermProvider(stack, "azurerm", { features: [{ storage: [{ dataPlaneAvailable: false }] }], storageUseAzuread: true });
    new ChatPlatform(stack, "Chat", { environment: "prod", network: { mode: "private" }, webApp: { access: "open" } });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    const pub = ownStack();
    new ChatPlatform(pub, "Chat", { environment: "prod", webApp: { access: "open" } });
    expect(() => Testing.synth(pub, true)).not.toThrow();
  });
});

/** Constructs without the pattern: an app that finds its index and documents through its own configuration. */
function handComposed() {
  const stack = new TerraformStack(Testing.app(), "prod");
  new AzurermProvider(stack, "azurerm", { features: [{}], storageUseAzuread: true });
  const openai = new OpenAIAccount(stack, "OpenAI", { ...base, name: "contoso-oai" });
  openai.addDeployment({ name: "chat", modelName: "gpt-5.4-mini", modelVersion: "2026-03-17" });
  const search = new SearchService(stack, "Search", { ...base, name: "contoso-srch" });
  const storage = new StorageAccount(stack, "Storage", { ...base, name: "contosodocs" });
  const app = new WebApp(stack, "Web", { ...base, name: "contoso-chat", tags: { "app-access": "open" } });
  app.settings.set({ name: "LLM_URL", value: openai.endpoint, origin: "user", description: "endpoint", keyVaultReference: false, fact: "openai.endpoint" });
  openai.grantOpenAIUser(app);
  return { stack, openai, search, storage, app };
}

const errors = (stack: TerraformStack) =>
  Guardrails.of(stack)
    .result(true)
    .findings.filter((f) => f.severity === "error")
    .map((f) => `${f.ruleId} ${f.message.split(" ")[0]}`);

describe("declared intent: the guardrails hold a hand-composed stack to the flows its app declares", () => {
  it("passes a forgotten grant silently without a declaration (the friction: nothing points the audit at Search)", () => {
    expect(errors(handComposed().stack)).toEqual([]);
  });

  it("fails each forgotten grant once the app declares app-side retrieval (issue 27)", () => {
    const { stack, openai, search, storage, app } = handComposed();
    app.intends({ openai, search, storage });
    expect(errors(stack)).toEqual(["AZ-FLOW-001 F11", "AZ-FLOW-001 F8"]);
    search.grantIndexDataReader(app);
    storage.grantBlobDataReader(app);
    expect(errors(stack)).toEqual([]);
  });

  it("holds Search's own calls too: an indexer reading the documents, a vectorizer calling the deployments", () => {
    const { stack, openai, search, storage } = handComposed();
    search.intends({ storage, openai });
    expect(errors(stack)).toEqual(["AZ-FLOW-001 F4", "AZ-FLOW-001 F5"]);
  });

  it("travels in cdk.tf.json, so the audit CLI holds the stack to it as well", () => {
    const { stack, openai, search, storage, app } = handComposed();
    app.intends({ openai, search, storage });
    const site = Object.values(
      (stack.toTerraform() as { resource: Record<string, Record<string, { "//": { guardrails: { flows: unknown } } }>> }).resource.azurerm_linux_web_app,
    )[0];
    expect(site["//"].guardrails.flows).toEqual([
      { flow: "F1", target: "${azurerm_cognitive_account.OpenAI_Account_C128CEA9.id}" },
      { flow: "F8", target: "${azurerm_search_service.Search_Service_9712605C.id}" },
      { flow: "F11", target: "${azurerm_storage_account.Storage_Account_C87105F1.id}" },
    ]);
  });

  it("is what ChatPlatform declares for its own flows", () => {
    const { platform, stack } = synthPlatform({ features: { integratedVectorization: true } });
    const json = stack.toTerraform() as { resource: Record<string, Record<string, { "//": { guardrails?: { flows?: { flow: string }[] } } }>> };
    const flowsOf = (type: string) => Object.values(json.resource[type]).flatMap((r) => r["//"].guardrails?.flows?.map((f) => f.flow) ?? []);
    expect(flowsOf("azurerm_linux_web_app")).toEqual(platform.flows.filter((f) => f.caller === "webApp").map((f) => f.flow));
    expect(flowsOf("azurerm_search_service")).toEqual(["F5"]);
  });
});

/** A hand-composed app that declares app-side retrieval and forgot the Search grant. */
function forgotSearchGrant(app = Testing.app()) {
  const stack = new TerraformStack(app, "prod");
  new AzurermProvider(stack, "azurerm", { features: [{}], storageUseAzuread: true });
  const openai = new OpenAIAccount(stack, "OpenAI", { ...base, name: "contoso-oai" });
  openai.addDeployment({ name: "chat", modelName: "gpt-5.4-mini", modelVersion: "2026-03-17" });
  const search = new SearchService(stack, "Search", { ...base, name: "contoso-srch" });
  const storage = new StorageAccount(stack, "Storage", { ...base, name: "contosodocs" });
  const web = new WebApp(stack, "Web", { ...base, name: "contoso-chat", tags: { "app-access": "open" } });
  web.settings.set({ name: "LLM_URL", value: openai.endpoint, origin: "user", description: "endpoint", keyVaultReference: false, fact: "openai.endpoint" });
  web.settings.set({ name: "IDX_HOST", value: search.endpoint, origin: "user", description: "index", keyVaultReference: false, fact: "search.endpoint" });
  web.intends({ openai, search, storage });
  openai.grantOpenAIUser(web);
  storage.grantBlobDataReader(web);
  Guardrails.apply(stack, { warn: () => undefined });
  return { stack, web, search };
}

function failureOf(run: () => unknown): SynthFailure {
  try {
    run();
  } catch (e) {
    if (e instanceof SynthFailure) return e;
    throw e;
  }
  throw new Error("the synth did not fail");
}

describe("errors in the user's terms", () => {
  it("names the construct path and the grant method that fixes a forgotten grant, in one short finding (issue 27: Terraform expressions, ~1,500 characters)", () => {
    const failure = failureOf(() => Testing.synth(forgotSearchGrant().stack, true));
    expect(failure.problems).toEqual([
      {
        where: "prod/Web",
        ruleId: "AZ-FLOW-001",
        problem: expect.stringMatching(
          /^the WebApp at prod\/Web makes F8 \(web app queries Search directly\) but holds no Search Index Data Reader on the SearchService at prod\/Search: .*Forbidden/,
        ),
        fix: "call grantIndexDataReader(<the WebApp at prod/Web>) on the SearchService at prod/Search",
      },
    ]);
    expect(failure.message.length).toBeLessThan(900);
    expect(failure.message).not.toMatch(/identity\[0\]\.principal_id|role_definition_id/);
  });

  it("reports one root cause once: the app that declares it queries the index is not also taken for On Your Data", () => {
    const failure = failureOf(() => Testing.synth(forgotSearchGrant().stack, true));
    expect(failure.problems.map((p) => p.ruleId)).toEqual(["AZ-FLOW-001"]);
  });

  it("never tells the user to switch validation off (issue 27: cdktf's hint was skipValidation: true)", () => {
    const app = new App({ outdir: Testing.app().outdir, skipValidation: false });
    forgotSearchGrant(app);
    let message = "";
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Synth of stack "prod" failed, 1 problem:/);
    expect(message).not.toMatch(/skipValidation/);
  });

  it("reports every problem of the construct tree in one run: the constructs' own validations with the guardrails' findings", () => {
    const { stack } = forgotSearchGrant();
    new StorageAccount(stack, "Closed", { ...base, name: "contosoclosed", publicNetworkAccessEnabled: false });
    const failure = failureOf(() => Testing.synth(stack, true));
    expect(failure.problems.map((p) => `${p.where} ${p.ruleId ?? p.problem.split(" ")[0]}`)).toEqual(["prod/Closed publicNetworkAccessEnabled", "prod/Web AZ-FLOW-001"]);
  });

  it("names the construct's method for a finding on a construct used alone: sign-in", () => {
    const { stack, web } = forgotSearchGrant();
    web.resource.tags = {};
    const failure = failureOf(() => Testing.synth(stack, true));
    expect(failure.problems.find((p) => p.ruleId === "AZ-APP-007")).toEqual(
      expect.objectContaining({
        where: "prod/Web",
        fix: 'the WebApp at prod/Web: call requireSignIn({ clientId, credential }) on it, or declare it open on purpose with tags: { "app-access": "open" }',
      }),
    );
  });

  it("names the construct and the escape hatch for a finding on a resource the pattern created", () => {
    const stack = new TerraformStack(Testing.app(), "prod");
    new AzurermProvider(stack, "azurerm", { features: [{}], storageUseAzuread: true });
    const platform = new ChatPlatform(stack, "Chat", { environment: "prod", webApp: { access: "open" } });
    // An escape hatch that undoes what the construct set: the fix names the construct and the override.
    platform.webApp.resource.httpsOnly = false;
    Guardrails.apply(stack, { warn: () => undefined });
    const failure = failureOf(() => Testing.synth(stack, true));
    expect(failure.problems).toEqual([
      expect.objectContaining({
        where: "prod/Chat/WebApp",
        ruleId: "AZ-APP-004",
        fix: expect.stringMatching(/^the WebApp at prod\/Chat\/WebApp sets this itself, so an override changed it/),
      }),
    ]);
  });

  it("prints one block per problem in the terminal", () => {
    const text = formatFailure(failureOf(() => Testing.synth(forgotSearchGrant().stack, true)));
    expect(text).toMatch(
      /^✗ prod\/Web: guardrail AZ-FLOW-001\n {2}the WebApp at prod\/Web makes F8 .*\n {2}fix: call grantIndexDataReader\(<the WebApp at prod\/Web>\) on the SearchService at prod\/Search\n\nNothing was synthesized \(1 problem/,
    );
  });
});

describe("one root cause, one finding", () => {
  it("merges the findings a missing VNet integration causes on one app into one, with the construct's method as the fix", () => {
    const { stack, web, search } = forgotSearchGrant();
    search.grantIndexDataReader(web);
    search.restrictNetwork({ trustedServices: false });
    (stack.node.findChild("OpenAI") as OpenAIAccount).restrictNetwork({ trustedServices: false });
    const failure = failureOf(() => Testing.synth(stack, true));
    const network = failure.problems.filter((p) => p.ruleId === "AZ-NET-001");
    expect(network).toEqual([
      expect.objectContaining({
        where: "prod/Web",
        problem: expect.stringMatching(/^F1 .* Also: F8 \(web app queries Search directly\) from azurerm_linux_web_app\.\w+ \(prod\/Web\/Site\) to azurerm_search_service\.\w+:$/),
        fix: expect.stringMatching(/^the WebApp at prod\/Web: call integrateWithVnet\(subnetId\) on it/),
      }),
    ]);
  });
});

describe("a root cause a construct reports itself", () => {
  it("is not repeated as a guardrail warning: a closed storage account's provider", () => {
    const { stack } = forgotSearchGrant();
    new StorageAccount(stack, "Closed", { ...base, name: "contosoclosed", publicNetworkAccessEnabled: false });
    const warnings: string[] = [];
    Guardrails.apply(stack, { warn: (line) => warnings.push(line) });
    failureOf(() => Testing.synth(stack, true));
    expect(warnings.filter((w) => w.includes("AZ-NET-002"))).toEqual([]);
  });
});

describe("every problem in one run", () => {
  it("reports every problem of a construct's props at once, each naming the construct, field, value and fix (issue 27: one per run)", () => {
    const stack = ownStack();
    const fields = (build: () => unknown) => {
      try {
        build();
      } catch (e) {
        return ((e as { errors?: { field: string }[] }).errors ?? [e as { field: string }]).map((x) => x.field);
      }
      return [];
    };
    expect(fields(() => new OpenAIAccount(stack, "OpenAI", { resourceGroupName: "rg", location: "mars", name: "bad_name" }))).toEqual(["location", "name"]);
    expect(fields(() => new SearchService(stack, "Search", { ...base, name: "Bad", replicaCount: 13, partitionCount: 5 }))).toEqual(["name", "replicaCount", "partitionCount"]);
    expect(fields(() => new StorageAccount(stack, "Storage", { ...base, name: "x", containers: ["A", "A"] }))).toEqual(["name", "containers[0]", "containers[1]", "containers"]);
    expect(fields(() => new WebApp(stack, "Web", { resourceGroupName: "rg", location: "mars", planSku: "Z9" as never, healthCheckPath: "health" }))).toEqual([
      "location",
      "planSku",
      "healthCheckPath",
    ]);
  });
});

// --- the testing kit (assertions/) -----------------------------------------------------------------
const DEV = "4f1c2a9e-7b3d-4e8a-9c61-2d5b8e0f7a13";

function buildKitStack() {
  const stack = new TerraformStack(Testing.app(), "prod");
  new AzurermProvider(stack, "azurerm", { features: [{}], storageUseAzuread: true });
  const platform = new ChatPlatform(stack, "Chat", { environment: "prod", webApp: { access: "open" }, developers: [{ objectId: DEV, name: "ada" }] });
  Guardrails.apply(stack, { warn: () => undefined });
  return { stack, platform };
}

describe("the testing kit: PlatformTemplate", () => {
  const { stack, platform } = buildKitStack();
  const template = PlatformTemplate.fromStack(stack);

  it("asserts the access matrix with the constructs themselves", () => {
    template.hasGrant(platform.webApp, Roles.SearchIndexDataReader, platform.search);
    template.hasGrant(platform.webApp, "Storage Blob Data Reader", platform.storage);
    template.hasGrant(DEV, Roles.SearchIndexDataContributor, platform.search);
    expect(
      template
        .grantsOf(platform.webApp)
        .map((g) => g.role?.name)
        .sort(),
    ).toEqual(["Cognitive Services OpenAI User", "Search Index Data Reader", "Storage Blob Data Reader"]);
  });

  it("says what the principal does hold when a grant is missing", () => {
    expect(() => template.hasGrant(platform.webApp, Roles.SearchIndexDataContributor, platform.search)).toThrow(
      /^prod\/Chat\/WebApp \(web app .*\) holds no Search Index Data Contributor on prod\/Chat\/Search \(Search .*\) \(\$\{azurerm_search_service\.\w+\.id\}\); it holds: Cognitive Services OpenAI User on .*; Search Index Data Reader on/,
    );
  });

  it("reads the guardrails' verdict and the app settings", () => {
    expect(template.guardrails().errors).toBe(0);
    expect(template.appSettings(platform.webApp)).toMatchObject({ AZURE_SEARCH_INDEX: "documents-index", AZURE_STORAGE_CONTAINER: "documents" });
    expect(template.appSettings()).toBe(template.appSettings(platform.webApp));
  });

  it("gives a snapshot-stable JSON without cdktf's metadata", () => {
    const again = PlatformTemplate.fromStack(buildKitStack().stack).toJSON();
    expect(JSON.stringify(template.toJSON())).not.toContain('"//"');
    expect(again).toEqual(template.toJSON());
  });
});

describe('the Jest matchers (import "azure-ai-chat-platform/jest")', () => {
  const { stack, platform } = buildKitStack();

  it("toGrant, toPassGuardrails, toHaveAppSetting", () => {
    expect(stack).toGrant(platform.webApp, Roles.CognitiveServicesOpenAIUser, platform.openai);
    expect(stack).not.toGrant(platform.webApp, Roles.CognitiveServicesOpenAIContributor, platform.openai);
    expect(stack).toPassGuardrails();
    expect(stack).toHaveAppSetting("AZURE_SEARCH_INDEX", "documents-index");
    expect(stack).toHaveAppSetting("AZURE_OPENAI_SERVICE", /^chat-prod-oai-/);
    expect(stack).not.toHaveAppSetting("AZURE_SEARCH_ENDPOINT");
  });

  it("fails with the grants the principal holds", () => {
    const batch = EntraPrincipal.fromObjectId(stack, "11111111-1111-1111-1111-111111111111", "ServicePrincipal", "nightly indexer");
    expect(() => expect(stack).toGrant(batch, Roles.SearchIndexDataContributor, platform.search)).toThrow(
      /nightly indexer holds no Search Index Data Contributor on prod\/Chat\/Search/,
    );
  });
});
