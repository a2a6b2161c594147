/**
 * The tests a platform team keeps next to its app, with the library's testing kit:
 * who may call what (the access matrix as Terraform will create it), the guardrails'
 * verdict, the app settings our app reads, and a snapshot of a whole stack.
 * Importing `azure-ai-chat-platform/jest` registers the matchers and their types.
 */
import "azure-ai-chat-platform/jest";
import { Testing, type TerraformStack } from "cdktf";
import { ChatStack, PlatformTemplate, Roles } from "azure-ai-chat-platform";
import { NIGHTLY_INDEXER, PrivateChat, SearchLab, createApp } from "../main";

// Lifecycle checks judge models on "today": fixed, so the tests never depend on the clock.
process.env.CHAT_PLATFORM_TODAY = "2026-12-06";

const app = createApp(Testing.app().outdir);
const weu = app.node.findChild("chat-weu") as PrivateChat;
const sec = app.node.findChild("chat-sec") as ChatStack;
const lab = app.node.findChild("search-lab") as SearchLab;

describe("the access matrix", () => {
  it("grants our app exactly the calls app-side retrieval makes, with its identity (keyless)", () => {
    const p = weu.platform;
    expect(weu).toGrant(p.webApp, Roles.CognitiveServicesOpenAIUser, p.openai);
    expect(weu).toGrant(p.webApp, Roles.SearchIndexDataReader, p.search);
    expect(weu).toGrant(p.webApp, Roles.StorageBlobDataReader, p.storage);
    // Its own secret in the platform's vault (webApp.vaultSecrets): F7.
    expect(weu).toGrant(p.webApp, Roles.KeyVaultSecretsUser, p.keyVault!);
    expect(PlatformTemplate.fromStack(weu).grantsOf(p.webApp)).toHaveLength(4);
  });

  it("gives the nightly indexer its extra grants and nothing else", () => {
    const p = weu.platform;
    expect(weu).toGrant(NIGHTLY_INDEXER, Roles.SearchIndexDataContributor, p.search);
    expect(weu).toGrant(NIGHTLY_INDEXER, Roles.StorageBlobDataReader, p.storage);
    expect(PlatformTemplate.fromStack(weu).grantsOf(NIGHTLY_INDEXER)).toHaveLength(2);
  });

  it("in keys mode, reads the OpenAI key from Key Vault instead of holding OpenAI User", () => {
    const p = sec.platform;
    expect(sec).not.toGrant(p.webApp, Roles.CognitiveServicesOpenAIUser, p.openai);
    expect(sec).toGrant(p.webApp, Roles.KeyVaultSecretsUser, p.keyVault!);
    expect(sec).toGrant(p.webApp, Roles.SearchIndexDataReader, p.search);
  });

  it("holds the hand-composed lab to the calls its app declares", () => {
    expect(lab).toGrant(lab.app, Roles.SearchIndexDataReader, lab.search);
    expect(lab).toGrant(lab.app, Roles.StorageBlobDataReader, lab.storage);
  });
});

describe("the guardrails", () => {
  it.each([
    ["chat-weu", weu],
    ["chat-sec", sec],
    ["search-lab", lab],
  ] as [string, TerraformStack][])("pass %s", (_, stack) => {
    expect(stack).toPassGuardrails();
  });
});

describe("the app settings our chat app reads", () => {
  it("name every fact by our contract, and nothing by the sample apps' names", () => {
    expect(weu).toHaveAppSetting("CHAT_SEARCH_ENDPOINT", /\.search\.windows\.net$/);
    expect(weu).toHaveAppSetting("CHAT_BLOB_CONTAINER", "documents");
    expect(weu).toHaveAppSetting("CHAT_AUTH", "managed-identity");
    expect(weu).not.toHaveAppSetting("CHAT_OPENAI_CREDENTIAL");
    const names = Object.keys(PlatformTemplate.fromStack(weu).appSettings());
    expect(names.filter((n) => n.startsWith("AZURE_"))).toEqual([]);
  });

  it("pass the key as a Key Vault reference in keys mode", () => {
    expect(sec).toHaveAppSetting("CHAT_OPENAI_CREDENTIAL", /^@Microsoft\.KeyVault\(SecretUri=/);
    expect(sec).toHaveAppSetting("CHAT_AUTH", "key");
  });
});

describe("snapshots", () => {
  it("of the hand-composed lab stack", () => {
    expect(PlatformTemplate.fromStack(lab).toJSON()).toMatchSnapshot();
  });

  it("of what our app gets in the private stamp: its grants and settings", () => {
    const template = PlatformTemplate.fromStack(weu);
    expect({
      grants: template
        .grants()
        .map((g) => `${g.role?.name} ${g.principalId} -> ${g.scope}`)
        .sort(),
      settings: template.appSettings(),
    }).toMatchSnapshot();
  });
});
