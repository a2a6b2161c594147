import { TerraformStack, Testing } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { Guardrails, OpenAIAccount, SearchService, StorageAccount, WebApp } from "../../../index";
import { synthPlatform } from "../../../testing/helpers";

const base = { resourceGroupName: "rg", location: "swedencentral" } as const;

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
