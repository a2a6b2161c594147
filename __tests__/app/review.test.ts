import { renderStackReview } from "../../app/review";
import { Guardrails } from "../../guardrails/guardrails";
import { synthPlatform } from "../../testing/helpers";

/** The sample app where it still works: ungrounded chat on a model a subscription already deploys. */
const SAMPLE_APP_UNGROUNDED = {
  profile: "sampleApp",
  features: { onYourData: false },
  openai: { chatModel: { modelName: "gpt-4.1", modelVersion: "2025-04-14", existingCustomer: true } },
} as const;

describe("the human review", () => {
  it("renders the default stack's review (snapshot)", () => {
    const { stack } = synthPlatform();
    expect(renderStackReview(stack)).toMatchSnapshot();
  });

  it("lists every access-matrix row with flow, principal, role, scope and reason", () => {
    const { stack, platform } = synthPlatform({ features: { customerManagedKey: true } });
    const review = renderStackReview(stack);
    for (const r of platform.accessMatrix) expect(review).toContain(`| ${r.flow} `);
    expect(review).toContain("| F6 Azure OpenAI unwraps its customer-managed key | Azure OpenAI chat-dev-oai-");
    expect(review).toContain("Key Vault Crypto Service Encryption User");
  });

  it("warns that an app declared open has no sign-in, and (once, through the audit) that the image tag is latest", () => {
    const review = renderStackReview(synthPlatform({ ...SAMPLE_APP_UNGROUNDED, webApp: { access: "open" } }).stack);
    expect(review).toContain('⚠️ No sign-in (webApp.access "open"): the app is open to anyone with its URL');
    expect(review).toContain("**Anyone with the URL**");
    expect(review.split('runs container image "sample-app-aoai-chatgpt:latest" by the tag "latest"')).toHaveLength(2);
    expect(review).toContain("| warning | `AZ-APP-006` |");
  });

  it("says plainly what the sample app can no longer do", () => {
    const review = renderStackReview(synthPlatform(SAMPLE_APP_UNGROUNDED).stack);
    expect(review).toContain(
      "⚠️ Profile sampleApp grounds chats only with Azure OpenAI On Your Data, retired on 2026-10-14: it can no longer answer from your documents, and it sends max_tokens, which GPT-5-family models reject.",
    );
  });

  it("shows each model deployment with its SKU, region, retirement and days left", () => {
    const review = renderStackReview(synthPlatform(SAMPLE_APP_UNGROUNDED).stack);
    expect(review).toContain("Judged on 2026-12-06 (fixed by CHAT_PLATFORM_TODAY) against the lifecycle catalogue");
    expect(review).toContain(
      "| `gpt-4.1` | gpt-4.1 | 2025-04-14 | GlobalStandard | swedencentral | 2027-04-14 | 129 | ⚠️ gpt-4.1 2025-04-14 closed to new customers on 2026-04-14; deployable only because this subscription already deploys it",
    );
    expect(review).toContain("| `text-embedding-3-large` | text-embedding-3-large | 1 | GlobalStandard | swedencentral | 2028-02-09 | 430 | ✅ deployable by a new subscription |");
  });

  it("says why a Key Vault is there, or that there is none", () => {
    expect(renderStackReview(synthPlatform().stack)).toContain("ℹ️ No Key Vault: nothing in this configuration uses one");
    expect(renderStackReview(synthPlatform({ features: { customerManagedKey: true } }).stack)).toMatch(
      /ℹ️ Key Vault `chat-dev-kv-\{suffix\}`: holds the customer-managed key of the OpenAI account \(F6\)\./,
    );
  });

  it("shows keys as Key Vault references, never as values", () => {
    const review = renderStackReview(synthPlatform({ authMode: "keys" }).stack);
    expect(review).toMatch(
      /\| `AZURE_OPENAI_API_KEY_OVERRIDE` \| 🔑 @Microsoft\.KeyVault\(SecretUri=\$\{azurerm_key_vault_secret\.[\w]+\.versionless_id\}\) \| profile searchOpenAIDemo \|/,
    );
    expect(review).not.toMatch(/primary_access_key|primary_key/);
  });

  it("lists suppressions with their reasons", () => {
    const { stack, platform } = synthPlatform();
    Guardrails.suppress(platform.storage.resource, "AZ-ST-002", "documents are a public product catalogue");
    platform.storage.resource.addOverride("allow_nested_items_to_be_public", true);
    const review = renderStackReview(stack);
    expect(review).toContain("#### Suppressed");
    expect(review).toContain("documents are a public product catalogue");
  });

  it("shows each row's network path, and in private mode the VNet and the closed services in the diagram", () => {
    const publicReview = renderStackReview(synthPlatform().stack);
    expect(publicReview).toMatch(/\| F1 web app calls Azure OpenAI \| .* \| public endpoint \| /);
    expect(publicReview).not.toContain("subgraph");
    const review = renderStackReview(synthPlatform({ network: { mode: "private" } }).stack);
    expect(review).toContain("network **private**");
    expect(review).toMatch(/\| F1 web app calls Azure OpenAI \| .* \| VNet integration -> private endpoint `account` \(privatelink\.openai\.azure\.com\) \| /);
    expect(review).toMatch(/\| F8 web app queries Search directly \| .* \| VNet integration -> private endpoint `searchService` \(privatelink\.search\.windows\.net\) \| /);
    const mermaid = review.slice(review.indexOf("```mermaid"));
    expect(mermaid).toMatch(/subgraph vnet\["VNet chat-dev-vnet-\{suffix\} 10\.20\.0\.0\/24"\]\n {4}n\d+\["web app chat-dev-app-\{suffix\}"\]\n {2}end/);
    expect(mermaid).toMatch(/subgraph closed\["public network access off"\]\n( {4}n\d+\["(Azure OpenAI|Search|Storage) [\w{}-]+"\]\n){3} {2}end/);
    expect(mermaid).toContain("F1 Cognitive Services OpenAI User (private endpoint)");
    expect(mermaid).toContain("F11 Storage Blob Data Reader (private endpoint)");
  });

  it("draws one box per resource, joining it with its system identity", () => {
    const review = renderStackReview(synthPlatform({ developers: [{ objectId: "11111111-2222-3333-8444-555555555555" }] }).stack);
    const mermaid = review.slice(review.indexOf("```mermaid"));
    expect(mermaid).not.toContain('(system-assigned)"]\n  n');
    expect(mermaid).toContain(`["Azure OpenAI chat-dev-oai-{suffix}"]`);
    expect(mermaid).toMatch(/-->\|"F10 Search Index Data Contributor<br>F10 Search Service Contributor"\|/);
  });
});
