import { ChatPlatform, ChatPlatformProps } from "../../../constructs/chat-platform";
import { OpenAIAccount } from "../../../constructs/openai-account";
import { KeyVault } from "../../../constructs/key-vault";
import { WebApp } from "../../../constructs/web-app";
import { UserAssignedIdentity } from "../../../constructs/user-assigned-identity";
import { openAIProfile, sampleAppProfile } from "../../../constructs/settings/profiles";
import { newStack, onlyResource, synthPlatform } from "../../../testing/helpers";
import { DEV_B, ExpectedError, expectValidationError } from "./support";

/**
 * Bad input fails at construction (synth) with one error type naming the construct path,
 * the field, the value and the fix. Every row is a distinct bad input not already covered
 * by the other suites in __tests__/constructs.
 */

const P = "test/Platform";
const base = { resourceGroupName: "rg", location: "swedencentral" };
const platform = (props: Partial<ChatPlatformProps>) => () => new ChatPlatform(newStack(), "Platform", { environment: "dev", ...props });
/** The sample app's On Your Data, before its retirement, on a model the app can call (an existing customer's). */
const onYourData: Partial<ChatPlatformProps> = {
  profile: "sampleApp",
  today: "2026-09-01",
  openai: { chatModel: { modelName: "gpt-4.1", modelVersion: "2025-04-14", existingCustomer: true } },
};

interface Row extends ExpectedError {
  readonly name: string;
  readonly build: () => unknown;
}

const row = (name: string, build: () => unknown, path: string, field: string, value: string, fix: RegExp): Row => ({ name, build, path, field, value, fix });

// --- ChatPlatform's own props -------------------------------------------------------------
const platformRows: Row[] = [
  row("on a prefix with upper case", platform({ prefix: "Chat" }), P, "prefix", '"Chat"', /1-10 lower-case letters and digits, starting with a letter/),
  row("on a prefix longer than 10 characters", platform({ prefix: "abcdefghijk" }), P, "prefix", '"abcdefghijk"', /1-10 lower-case letters and digits/),
  row("on an environment with a hyphen", platform({ environment: "prod-1" }), P, "environment", '"prod-1"', /1-12 lower-case letters and digits.*e\.g\. "dev"/),
  row("on an environment starting with a digit", platform({ environment: "1dev" }), P, "environment", '"1dev"', /starting with a letter/),
  row("on a missing environment (JavaScript callers)", platform({ environment: undefined as never }), P, "environment", "(not set)", /1-12 lower-case letters/),
  row("on a display-name region at platform level", platform({ location: "West Europe" }), P, "location", '"West Europe"', /programmatic name, lower case without spaces/),
  row("on a region name that is too short", platform({ location: "eu" }), P, "location", '"eu"', /e\.g\. "swedencentral"/),
  row("on an unknown auth mode", platform({ authMode: "apikey" as never }), P, "authMode", '"apikey"', /use one of "keyless", "keys"/),
  row("on an unknown built-in profile", platform({ profile: "chatbot" as never }), P, "profile", '"chatbot"', /use one of "searchOpenAIDemo", "sampleApp", "openai"/),
  row(
    "on a profile object without a settings function",
    platform({ profile: { name: "mine" } as never }),
    P,
    "profile",
    '"mine"',
    /an object with a name and a settings\(facts\) function/,
  ),
  row(
    "on On Your Data with a profile that never sends it",
    platform({ profile: "openai", features: { onYourData: true }, today: "2026-09-01" }),
    P,
    "features.onYourData",
    "true",
    /set onYourData: false/,
  ),
  row(
    "on turning off the Search queries of an app that retrieves itself",
    platform({ features: { appQueriesSearch: false } }),
    P,
    "features.appQueriesSearch",
    "false",
    /remove features\.appQueriesSearch; the profile needs it/,
  ),
  row(
    "on agentic retrieval for a profile without it",
    platform({ profile: "openai", features: { agenticRetrieval: true } }),
    P,
    "features.agenticRetrieval",
    "true",
    /use profile "searchOpenAIDemo", or set agenticRetrieval: false/,
  ),
  row(
    "on agentic retrieval without the semantic ranker",
    platform({ features: { agenticRetrieval: true }, search: { semanticSearch: "disabled", queryType: "simple" } }),
    P,
    "features.agenticRetrieval",
    "true",
    /set search\.semanticSearch to "free" or "standard", or agenticRetrieval: false/,
  ),
  row(
    "on a knowledge base name without agentic retrieval",
    platform({ search: { knowledgeBaseName: "kb" } }),
    P,
    "search.knowledgeBaseName",
    '"kb"',
    /remove it, or set agenticRetrieval: true/,
  ),
  row(
    "on keys mode for an app that takes no key",
    platform({ authMode: "keys", profile: { name: "idOnly", acceptsKeys: [], settings: () => [] } }),
    P,
    "authMode",
    '"keys"',
    /use authMode "keyless"/,
  ),
  row(
    "on a vault switched off that a customer-managed key needs",
    platform({ features: { customerManagedKey: true }, keyVault: { enabled: false } }),
    P,
    "keyVault.enabled",
    "false",
    /remove keyVault\.enabled/,
  ),
  row(
    "on integratedVectorization without an embedding model",
    platform({ openai: { embeddingModel: null }, features: { integratedVectorization: true } }),
    P,
    "features.integratedVectorization",
    "true",
    /configure openai\.embeddingModel or set integratedVectorization: false/,
  ),
  row("on free Search with On Your Data (the default features)", platform({ search: { sku: "free" } }), P, "search.sku", '"free"', /use sku "basic" or higher/),
  row(
    "on free Search with developers who need data-plane roles",
    platform({ search: { sku: "free" }, features: { onYourData: false }, developers: [{ objectId: "11111111-2222-3333-8444-555555555555" }] }),
    P,
    "search.sku",
    '"free"',
    /use sku "basic" or higher/,
  ),
  row(
    "on free Search with integrated vectorization only (Search's identity calls OpenAI)",
    platform({ search: { sku: "free" }, features: { onYourData: false, integratedVectorization: true } }),
    P,
    "search.sku",
    '"free"',
    /"basic" or higher/,
  ),
  row(
    "on a semantic query type with the semantic ranker disabled",
    platform({ search: { semanticSearch: "disabled", queryType: "semantic" } }),
    P,
    "search.queryType",
    '"semantic"',
    /set search\.semanticSearch to "free" or "standard", or use queryType "simple"/,
  ),
  row(
    "on a vector query type without an embedding model",
    platform({ openai: { embeddingModel: null }, search: { queryType: "vector", vectorColumns: ["contentVector"] } }),
    P,
    "search.queryType",
    '"vector"',
    /configure openai\.embeddingModel or use a non-vector query type/,
  ),
  row(
    "on a vector query type without vector columns",
    platform({ search: { queryType: "vector_simple_hybrid" } }),
    P,
    "search.vectorColumns",
    "(not set)",
    /name the index's vector fields, e\.g\. \["contentVector"\]/,
  ),
  row(
    "on a vector query type with an empty vector column list",
    platform({ search: { queryType: "vector", vectorColumns: [] } }),
    P,
    "search.vectorColumns",
    "[]",
    /name the index's vector fields/,
  ),
  row("on an unknown query type", platform({ search: { queryType: "fulltext" as never } }), P, "search.queryType", '"fulltext"', /use one of "simple", "semantic", "vector"/),
  // topK is On Your Data's top_n_documents: judged before its retirement, with the sample app.
  row("on topK 0", platform({ ...onYourData, search: { topK: 0 } }), P, "search.topK", "0", /whole number from 1 to 20 \(On Your Data's top_n_documents\)/),
  row("on topK above 20", platform({ ...onYourData, search: { topK: 50 } }), P, "search.topK", "50", /from 1 to 20/),
  row("on a fractional topK", platform({ ...onYourData, search: { topK: 2.5 } }), P, "search.topK", "2.5", /whole number/),
  row("on an index name with a space and upper case", platform({ search: { indexName: "Docs Index" } }), P, "search.indexName", '"Docs Index"', /2-128 characters: lower-case/),
  row("on an index name with a dot", platform({ search: { indexName: "docs.v2" } }), P, "search.indexName", '"docs.v2"', /lower-case letters, digits, '-' and '_'/),
  row("on an index name with '__'", platform({ search: { indexName: "docs__v2" } }), P, "search.indexName", '"docs__v2"', /no '--' or '__'/),
  row(
    "on a vector column name with a space",
    platform({ search: { queryType: "vector", vectorColumns: ["contentVector", "title vector"] } }),
    P,
    "search.vectorColumns[1]",
    '"title vector"',
    /letters, digits and '_'; start with a letter/,
  ),
  row(
    "on a vector column name Search reserves",
    platform({ search: { queryType: "vector", vectorColumns: ["azureSearchVector"] } }),
    P,
    "search.vectorColumns[0]",
    '"azureSearchVector"',
    /not starting with "azureSearch"/,
  ),
  row(
    "on duplicate developer object ids differing only in case",
    platform({ developers: [{ objectId: "aaaaaaaa-bbbb-cccc-9ddd-eeeeeeeeeeee" }, { objectId: "AAAAAAAA-BBBB-CCCC-9DDD-EEEEEEEEEEEE" }] }),
    P,
    "developers[].objectId",
    '"AAAAAAAA-BBBB-CCCC-9DDD-EEEEEEEEEEEE"',
    /distinct/,
  ),
  row(
    "on a developer given by UPN instead of object id",
    platform({ developers: [{ objectId: "alice@contoso.com" }] }),
    P,
    "developers[0].objectId",
    '"alice@contoso.com"',
    /as a GUID like 12345678-90ab-cdef-1234-567890abcdef \(az ad user show/,
  ),
  row(
    "on a developer principal type in the wrong case",
    platform({ developers: [{ objectId: "11111111-2222-3333-8444-555555555555", type: "user" as never }] }),
    P,
    "developers[0].type",
    '"user"',
    /use one of "ServicePrincipal", "User", "Group"/,
  ),
  row("on a rolePropagationDelay in words", platform({ rolePropagationDelay: "2 minutes" }), P, "rolePropagationDelay", '"2 minutes"', /a number with s, m or h, e\.g\. "120s"/),
  row("on a rolePropagationDelay without a unit", platform({ rolePropagationDelay: "120" }), P, "rolePropagationDelay", '"120"', /s, m or h/),
  row('on a rolePropagationDelay of hours ("600m" for "600s")', platform({ rolePropagationDelay: "600m" }), P, "rolePropagationDelay", '"600m"', /use at most "30m"/),
  row(
    "on keyless mode with OpenAI local auth forced on",
    platform({ openai: { localAuthEnabled: true } }),
    P,
    "openai.localAuthEnabled",
    "true",
    /remove openai\.localAuthEnabled; authMode decides it/,
  ),
  row(
    "on keys mode with Search local auth forced off",
    platform({ authMode: "keys", search: { localAuthEnabled: false } }),
    P,
    "search.localAuthEnabled",
    "false",
    /remove search\.localAuthEnabled; authMode decides it/,
  ),
  row("on a resource group name ending with a dot", platform({ resourceGroupName: "rg-chat." }), P, "resourceGroupName", '"rg-chat."', /1-90 characters.*must not end with '\.'/),
];

// --- extra settings conflicts -------------------------------------------------------------
const extra = (extraSettings: Record<string, string>, more: Partial<ChatPlatformProps> = {}) => platform({ ...more, webApp: { ...more.webApp, extraSettings } });
const settingsRows: Row[] = [
  row("on an extra setting name starting with a digit", extra({ "1BAD": "x" }), P, "webApp.extraSettings.1BAD", '"x"', /letters, digits, periods and underscores/),
  row("on an extra setting name with a space", extra({ "MY VAR": "x" }), P, "webApp.extraSettings.MY VAR", '"x"', /letters, digits, periods and underscores/),
  row("on an extra setting name with a hyphen", extra({ "MY-VAR": "x" }), P, "webApp.extraSettings.MY-VAR", '"x"', /letters, digits, periods and underscores/),
  row(
    "on two extra settings whose names differ only in case",
    extra({ LOG_LEVEL: "info", log_level: "debug" }),
    P,
    "webApp.extraSettings.log_level",
    '"debug"',
    /keep one of LOG_LEVEL and log_level/,
  ),
  row(
    "on an extra setting that overrides a derived one in another case",
    extra({ azure_openai_service: "other" }),
    P,
    "webApp.extraSettings.azure_openai_service",
    '"other"',
    /change the platform's configuration instead/,
  ),
  row(
    "on overriding AZURE_CLIENT_ID of the user-assigned identity",
    extra({ AZURE_CLIENT_ID: "someone-else" }, { userAssignedIdentity: true }),
    P,
    "webApp.extraSettings.AZURE_CLIENT_ID",
    '"someone-else"',
    /change the platform's configuration instead/,
  ),
  row(
    "on overriding the derived AZURE_OPENAI_API_KEY_OVERRIDE reference in keys mode",
    extra({ AZURE_OPENAI_API_KEY_OVERRIDE: "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/other)" }, { authMode: "keys" }),
    P,
    "webApp.extraSettings.AZURE_OPENAI_API_KEY_OVERRIDE",
    '"@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/other)"',
    /change the platform's configuration instead/,
  ),
  row(
    "on overriding SCM_DO_BUILD_DURING_DEPLOYMENT of a Python app",
    extra({ SCM_DO_BUILD_DURING_DEPLOYMENT: "false" }, { profile: "openai" }),
    P,
    "webApp.extraSettings.SCM_DO_BUILD_DURING_DEPLOYMENT",
    '"false"',
    /change the platform's configuration/,
  ),
  row(
    "on a literal password in keys mode, redacted",
    extra({ DB_PASSWORD: "hunter2" }, { authMode: "keys" }),
    P,
    "webApp.extraSettings.DB_PASSWORD",
    '"(redacted)"',
    /store it in Key Vault and pass @Microsoft\.KeyVault\(SecretUri=\.\.\.\)/,
  ),
  row(
    "on a base64 key under an innocent name, redacted",
    extra({ BANNER: "q3Lk8ZxY0pQ1wErT5yUiOp7AsDfGhJkL9zXcVbNm2Q4=" }),
    P,
    "webApp.extraSettings.BANNER",
    '"(redacted)"',
    /store it in Key Vault/,
  ),
  row(
    "on a literal connection string in keyless mode (Key Vault is the fix, not removing it)",
    extra({ COSMOS_CONNECTION_STRING: "AccountEndpoint=https://x.documents.azure.com/" }),
    P,
    "webApp.extraSettings.COSMOS_CONNECTION_STRING",
    '"(redacted)"',
    /store it in Key Vault and pass @Microsoft\.KeyVault/,
  ),
];

// --- the parts, through ChatPlatform (paths below the platform) ---------------------------
const partRows: Row[] = [
  row("on an OpenAI account name with an underscore", platform({ openai: { name: "oai_bad" } }), `${P}/OpenAI`, "name", '"oai_bad"', /2-64 characters/),
  row(
    "on chat and embedding deployments with the same name",
    platform({ openai: { chatModel: { deploymentName: "models" }, embeddingModel: { deploymentName: "Models" } } }),
    `${P}/OpenAI`,
    "deployments[1].name",
    '"Models"',
    /give every deployment a distinct name/,
  ),
  row(
    "on a chat deployment name starting with a hyphen",
    platform({ openai: { chatModel: { deploymentName: "-chat" } } }),
    `${P}/OpenAI`,
    "deployments[0].name",
    '"-chat"',
    /2-64 characters: letters, digits/,
  ),
  row(
    "on a chat capacity above 10000",
    platform({ openai: { chatModel: { capacity: 10001 } } }),
    `${P}/OpenAI`,
    "deployments[0].capacity",
    "10001",
    /whole number from 1 to 10000/,
  ),
  row("on a fractional embedding capacity", platform({ openai: { embeddingModel: { capacity: 1.5 } } }), `${P}/OpenAI`, "deployments[1].capacity", "1.5", /whole number/),
  row("on an empty model version", platform({ openai: { chatModel: { modelVersion: "" } } }), `${P}/OpenAI`, "deployments[0].modelVersion", '""', /e\.g\. "2026-03-17" or "1"/),
  row(
    "on an empty model name",
    platform({ openai: { chatModel: { modelName: "" } } }),
    P,
    "openai.chatModel.modelName",
    '""',
    /use the model name Azure lists, e\.g\. "gpt-5\.4-mini"/,
  ),
  row(
    "on an unknown embedding deployment sku",
    platform({ openai: { embeddingModel: { skuName: "Basic" as never } } }),
    `${P}/OpenAI`,
    "deployments[1].skuName",
    '"Basic"',
    /use one of "Standard"/,
  ),
  row("on zero Search replicas", platform({ search: { replicaCount: 0 } }), `${P}/Search`, "replicaCount", "0", /from 1 to 3 \(the basic tier's limit\)/),
  row(
    "on more partitions than the standard tier allows",
    platform({ search: { sku: "standard", partitionCount: 24 } }),
    `${P}/Search`,
    "partitionCount",
    "24",
    /from 1 to 12 \(the standard tier's limit\)/,
  ),
  row(
    "on an unknown semantic ranker plan",
    platform({ search: { semanticSearch: "premium" as never } }),
    `${P}/Search`,
    "semanticSearch",
    '"premium"',
    /use one of "disabled", "free", "standard"/,
  ),
  row("on a Search name over 60 characters", platform({ search: { name: "s".repeat(61) } }), `${P}/Search`, "name", `"${"s".repeat(61)}"`, /2-60 characters/),
  row("on a container listed twice among others", platform({ storage: { containers: ["docs", "uploads", "docs"] } }), `${P}/Storage`, "containers", '"docs"', /distinct name/),
  row("on an empty container list", platform({ storage: { containers: [] } }), `${P}/Storage`, "containers", "[]", /name at least one container/),
  row("on a container name with a double hyphen", platform({ storage: { containers: ["my--docs"] } }), `${P}/Storage`, "containers[0]", '"my--docs"', /3-63 characters.*no '--'/),
  row(
    "on a storage account name over 24 characters",
    platform({ storage: { name: "a".repeat(25) } }),
    `${P}/Storage`,
    "name",
    `"${"a".repeat(25)}"`,
    /3-24 characters: lower-case letters and digits only/,
  ),
  row("on soft-delete days above 90", platform({ keyVault: { enabled: true, softDeleteRetentionDays: 91 } }), `${P}/KeyVault`, "softDeleteRetentionDays", "91", /from 7 to 90/),
  row(
    "on fractional soft-delete days",
    platform({ keyVault: { enabled: true, softDeleteRetentionDays: 30.5 } }),
    `${P}/KeyVault`,
    "softDeleteRetentionDays",
    "30.5",
    /whole number/,
  ),
  row("on a Key Vault name with a double hyphen", platform({ keyVault: { enabled: true, name: "kv--chat" } }), `${P}/KeyVault`, "name", '"kv--chat"', /3-24 characters/),
  row(
    "on a Key Vault sku in the wrong case",
    platform({ keyVault: { enabled: true, skuName: "Premium" as never } }),
    `${P}/KeyVault`,
    "skuName",
    '"Premium"',
    /use one of "standard", "premium"/,
  ),
  row("on an unknown App Service plan sku", platform({ webApp: { planSku: "B4" as never } }), `${P}/WebApp`, "planSku", '"B4"', /use one of "F1", "B1"/),
  row("on a web app name with an underscore", platform({ webApp: { name: "app_1" } }), `${P}/WebApp`, "name", '"app_1"', /2-60 characters/),
  row(
    "on a container runtime without a tag",
    platform({ webApp: { runtime: { kind: "container", registry: "r.azurecr.io", image: "chat", tag: "" } } }),
    `${P}/WebApp`,
    "runtime.tag",
    '""',
    /pinned version or digest/,
  ),
  row(
    "on a container runtime without a registry",
    platform({ webApp: { runtime: { kind: "container", registry: " ", image: "chat", tag: "1.0.0" } } }),
    `${P}/WebApp`,
    "runtime.registry",
    '" "',
    /give the host only, without scheme or path/,
  ),
  row(
    "on sign-in without a client id",
    platform({ webApp: { signIn: { clientId: "", clientSecretName: "auth-secret", clientSecretExpiresOn: "2027-06-30" } } }),
    `${P}/WebApp`,
    "signIn.clientId",
    '""',
    /application \(client\) id/,
  ),
  row("on an access value that is not signIn or open", platform({ webApp: { access: "public" as never } }), P, "webApp.access", '"public"', /use one of "signIn", "open"/),
  row(
    "on sign-in options for an app declared open",
    platform({ webApp: { access: "open", signIn: { allowedGroups: [DEV_B] } } }),
    P,
    "webApp.signIn",
    '"(set)"',
    /remove webApp.signIn, or remove webApp.access/,
  ),
  row(
    "on allowed groups for a brought registration",
    platform({ webApp: { signIn: { clientId: "22222222-3333-5444-8555-666666666666", allowedGroups: [DEV_B] } } }),
    P,
    "webApp.signIn.allowedGroups",
    `["${DEV_B}"]`,
    /manage assignments of the registration in Entra ID/,
  ),
  row(
    "on a client secret without its expiry",
    platform({ webApp: { signIn: { clientId: "22222222-3333-5444-8555-666666666666", clientSecretName: "auth-secret" } } }),
    P,
    "webApp.signIn.clientSecretExpiresOn",
    "(not set)",
    /YYYY-MM-DD/,
  ),
  row(
    "on a secret name for the registration the platform creates",
    platform({ webApp: { signIn: { clientSecretName: "auth-secret" } } }),
    P,
    "webApp.signIn.clientSecretName",
    '"auth-secret"',
    /remove webApp.signIn.clientSecretName, or give webApp.signIn.clientId/,
  ),
  row(
    "on an allowed group that is not a GUID",
    platform({ webApp: { signIn: { allowedGroups: ["chat-users"] } } }),
    `${P}/SignIn/Registration`,
    "allowedGroups[0]",
    '"chat-users"',
    /az ad group show/,
  ),
  row(
    "on a sign-in secret name with an underscore",
    platform({ webApp: { signIn: { clientId: "22222222-3333-5444-8555-666666666666", clientSecretName: "auth_secret", clientSecretExpiresOn: "2027-06-30" } } }),
    `${P}/WebApp`,
    "signIn.clientSecretName",
    '"auth_secret"',
    /1-127 characters: letters, digits and hyphens/,
  ),
];

// --- profiles and standalone constructs -----------------------------------------------------
const otherRows: Row[] = [
  row(
    "on a GA previewApiVersion below the sample's minimum preview",
    () => sampleAppProfile({ previewApiVersion: "2024-05-01" }),
    "profile sampleApp",
    "previewApiVersion",
    '"2024-05-01"',
    /use "2024-05-01-preview" or a later YYYY-MM-DD-preview version/,
  ),
  row(
    "on a previewApiVersion that is not a date",
    () => sampleAppProfile({ previewApiVersion: "latest" }),
    "profile sampleApp",
    "previewApiVersion",
    '"latest"',
    /YYYY-MM-DD-preview/,
  ),
  row(
    "on an openai apiVersion without a day",
    () => openAIProfile({ apiVersion: "2024-10" }),
    "profile openai",
    "apiVersion",
    '"2024-10"',
    /YYYY-MM-DD or YYYY-MM-DD-preview version, e\.g\. "2025-04-01-preview"/,
  ),
  row("on an openai apiVersion like v1", () => openAIProfile({ apiVersion: "v1" }), "profile openai", "apiVersion", '"v1"', /YYYY-MM-DD/),
  row("on a user-assigned identity name of 2 characters", () => new UserAssignedIdentity(newStack(), "Id", { ...base, name: "id" }), "test/Id", "name", '"id"', /3-128 characters/),
  row(
    "on a user-assigned identity in a display-name region",
    () => new UserAssignedIdentity(newStack(), "Id", { ...base, location: "eu west" }),
    "test/Id",
    "location",
    '"eu west"',
    /programmatic name/,
  ),
  row(
    "on an App Service plan name with an underscore",
    () => new WebApp(newStack(), "App", { ...base, planName: "plan_1" }),
    "test/App",
    "planName",
    '"plan_1"',
    /1-60 characters: letters, digits and hyphens/,
  ),
  row(
    "on a Key Vault secret name with an underscore",
    () => new KeyVault(newStack(), "Vault", base).addSecret("S", { name: "api_key", value: "${var.x}" }),
    "test/Vault",
    "secrets.S.name",
    '"api_key"',
    /letters, digits and hyphens/,
  ),
  row(
    "on a Key Vault key name with a space",
    () => new KeyVault(newStack(), "Vault", base).addKey("K", { name: "cmk key" }),
    "test/Vault",
    "keys.K.name",
    '"cmk key"',
    /letters, digits and hyphens/,
  ),
  row(
    "on a second customer-managed key for one account",
    () => {
      const stack = newStack();
      const oai = new OpenAIAccount(stack, "OpenAI", base);
      const vault = new KeyVault(stack, "Vault", { ...base, name: "my-vault" });
      oai.encryptWith(vault);
      oai.encryptWith(vault, { keyName: "other" });
    },
    "test/OpenAI",
    "customerManagedKey",
    '"my-vault"',
    /call encryptWith once per account/,
  ),
];

describe("validation: one error type naming path, field, value and fix", () => {
  const rows = [...platformRows, ...settingsRows, ...partRows, ...otherRows];

  it("has at least 30 distinct bad inputs", () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });

  it.each(rows)("fails $name", (r) => {
    expectValidationError(r.build, r);
  });

  it("checks every part of the message (a wrong path, field, value or fix is caught)", () => {
    const r = platformRows[0];
    expect(() => expectValidationError(r.build, { ...r, path: "test/Other" })).toThrow();
    expect(() => expectValidationError(r.build, { ...r, field: "environment" })).toThrow();
    expect(() => expectValidationError(r.build, { ...r, value: '"chat"' })).toThrow();
    expect(() => expectValidationError(r.build, { ...r, fix: /something else/ })).toThrow();
    expect(() => expectValidationError(() => undefined, r)).toThrow(/got no error/);
  });

  it("never echoes a redacted secret", () => {
    expect(extra({ DB_PASSWORD: "hunter2" }, { authMode: "keys" })).toThrow(/^(?!.*hunter2)/s);
  });
});

/**
 * Validations the constructs do not have yet. Written as they should behave, so these
 * fail until the checks are added (see the proposals in each row's fix).
 */
describe("validation gaps (fail until the constructs add the check)", () => {
  const gapRows: Row[] = [
    row(
      "on a sign-in client id that is not a GUID",
      platform({ webApp: { signIn: { clientId: "my-app", clientSecretName: "auth-secret", clientSecretExpiresOn: "2027-06-30" } } }),
      `${P}/WebApp`,
      "signIn.clientId",
      '"my-app"',
      /GUID/,
    ),
    row(
      "on a sign-in tenant id that is a domain, not a GUID",
      platform({
        webApp: { signIn: { clientId: "22222222-3333-5444-8555-666666666666", clientSecretName: "auth-secret", clientSecretExpiresOn: "2027-06-30", tenantId: "contoso.com" } },
      }),
      `${P}/WebApp`,
      "signIn.tenantId",
      '"contoso.com"',
      /GUID/,
    ),
    row("on a Key Vault tenant id that is not a GUID", () => new KeyVault(newStack(), "Vault", { ...base, tenantId: "contoso" }), "test/Vault", "tenantId", '"contoso"', /GUID/),
    row("on a model name with a space", platform({ openai: { chatModel: { modelName: "gpt 4o" } } }), P, "openai.chatModel.modelName", '"gpt 4o"', /e\.g\. "gpt-5\.4-mini"/),
    row(
      "on AZURE_CLIENT_ID for an app that runs as its system-assigned identity",
      extra({ AZURE_CLIENT_ID: "33333333-4444-5555-8666-777777777777" }),
      P,
      "webApp.extraSettings.AZURE_CLIENT_ID",
      '"33333333-4444-5555-8666-777777777777"',
      /userAssignedIdentity: true|remove AZURE_CLIENT_ID/,
    ),
    row(
      "on a container registry given as a URL instead of a host",
      platform({ webApp: { runtime: { kind: "container", registry: "https://r.azurecr.io", image: "chat", tag: "1.0.0" } } }),
      `${P}/WebApp`,
      "runtime.registry",
      '"https://r.azurecr.io"',
      /host/,
    ),
    row("on a misspelt region", platform({ location: "swedencentrall" }), P, "location", '"swedencentrall"', /az account list-locations/),
    row("on an openai apiVersion with month 13", () => openAIProfile({ apiVersion: "2024-13-45" }), "profile openai", "apiVersion", '"2024-13-45"', /YYYY-MM-DD/),
    row(
      "on the nil GUID as a developer object id (the placeholder in our own fix text)",
      platform({ developers: [{ objectId: "00000000-0000-0000-0000-000000000000" }] }),
      P,
      "developers[0].objectId",
      '"00000000-0000-0000-0000-000000000000"',
      /az ad user show/,
    ),
  ];

  it.each(gapRows)("fails $name", (r) => {
    expectValidationError(r.build, r);
  });
});

describe("a user-assigned identity always reaches the code as AZURE_CLIENT_ID", () => {
  it.each([
    ["keyless sampleApp", {}],
    ["keys mode", { authMode: "keys" }],
    ["openai profile on Python", { profile: "openai" }],
    [
      "with sign-in and developers",
      {
        webApp: { signIn: { clientId: "22222222-3333-5444-8555-666666666666", clientSecretName: "auth-secret", clientSecretExpiresOn: "2027-06-30" } },
        developers: [{ objectId: "11111111-2222-3333-8444-555555555555" }],
      },
    ],
  ] as [string, Partial<ChatPlatformProps>][])("%s", (_name, props) => {
    const p = new ChatPlatform(newStack(), "Platform", { environment: "dev", userAssignedIdentity: true, ...props });
    expect(p.appSettings.find((s) => s.name === "AZURE_CLIENT_ID")?.value).toBe(p.identity!.clientId);
  });

  it("in the synthesized app settings, pointing at the identity the app runs as, not the sign-in one", () => {
    const { json } = synthPlatform({ userAssignedIdentity: true, authMode: "keys" });
    const site = onlyResource(json, "azurerm_linux_web_app");
    const [uami, signIn] = ["AppIdentity", "SignInIdentity"].map(
      (id) => `azurerm_user_assigned_identity.${Object.keys(json.resource.azurerm_user_assigned_identity).find((n) => n.includes(id))}`,
    );
    expect(site.app_settings.AZURE_CLIENT_ID).toBe(`\${${uami}.client_id}`);
    expect(site.app_settings.OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID).toBe(`\${${signIn}.client_id}`);
    expect(site.identity.identity_ids).toEqual([`\${${uami}.id}`, `\${${signIn}.id}`]);
    expect(site.key_vault_reference_identity_id).toBe(`\${${uami}.id}`);
  });
});

describe("names Azure accepts are accepted (no check refuses more than the service)", () => {
  it("an index name with '_' and '-' (Search allows both; storage containers do not)", () => {
    const p = new ChatPlatform(newStack(), "Platform", { environment: "dev", search: { indexName: "docs_v2-2026" } });
    expect(p.appSettings.find((s) => s.name === "AZURE_SEARCH_INDEX")?.value).toBe("docs_v2-2026");
  });

  it("vector field names with upper case and '_'", () => {
    const p = new ChatPlatform(newStack(), "Platform", { environment: "dev", search: { queryType: "vector", vectorColumns: ["contentVector", "title_vector"] } });
    expect(p.appSettings.find((s) => s.name === "AZURE_SEARCH_FIELD_NAME_EMBEDDING")?.value).toBe("contentVector");
  });

  it("an extra setting name with a period", () => {
    const p = new ChatPlatform(newStack(), "Platform", { environment: "dev", webApp: { extraSettings: { "Logging.LogLevel": "Information" } } });
    expect(p.appSettings.find((s) => s.name === "Logging.LogLevel")?.value).toBe("Information");
  });
});

describe("limits are inclusive", () => {
  it("accepts a rolePropagationDelay of exactly 30 minutes", () => {
    expect(() => new ChatPlatform(newStack(), "Platform", { environment: "dev", rolePropagationDelay: "30m" })).not.toThrow();
    expect(() => new ChatPlatform(newStack(), "Platform", { environment: "dev", rolePropagationDelay: "1801s" })).toThrow(/rolePropagationDelay = "1801s" is longer than/);
  });
});
