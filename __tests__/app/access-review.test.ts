import { renderStackReview } from "../../app/review";
import { synthPlatform } from "../../testing/helpers";

const CLIENT_ID = "22222222-3333-5444-8555-666666666666";
const GROUP = "aaaaaaaa-bbbb-cccc-9ddd-eeeeeeeeeeee";

/** The review's "who can reach the app" section, one mode at a time. */
describe("who can reach the app, in the review", () => {
  it("a registration the stack creates: the tenant's users, no secret", () => {
    const review = renderStackReview(synthPlatform().stack);
    expect(review).toContain("### Who can reach `chat-dev-app-");
    expect(review).toContain("**Users of the deployer's tenant** who sign in with Entra ID (single-tenant registration).");
    expect(review).toContain("| App registration | created by this stack, single tenant, owners: the deployer |");
    expect(review).toContain('Creating the registration needs the "Application Developer" Entra role');
    expect(review).toMatch(/\| Credential \| no secret: a federated credential trusts the identity `chat-dev-app-[\w{}]+-signin`/);
  });

  it("allowed groups: only their members, assignment required", () => {
    const review = renderStackReview(synthPlatform({ webApp: { signIn: { allowedGroups: [GROUP] } } }).stack);
    expect(review).toContain(`**Members of \`${GROUP}\`** only: the enterprise application requires assignment`);
    expect(review).toContain('Assigning the groups needs the "Cloud Application Administrator"');
  });

  it("a brought client id without a secret: the owner's one-time federated credential command", () => {
    const review = renderStackReview(synthPlatform({ webApp: { signIn: { clientId: CLIENT_ID } } }).stack);
    expect(review).toContain(`**Whoever registration \`${CLIENT_ID}\` admits**`);
    expect(review).toContain(`| App registration | brought: \`${CLIENT_ID}\` |`);
    expect(review).toMatch(/add the web redirect URI `https:\/\/chat-dev-app-[\w{}]+\.azurewebsites\.net\/\.auth\/login\/aad\/callback`/);
    expect(review).toMatch(
      /az ad app federated-credential create --id 22222222-3333-5444-8555-666666666666 .*"subject":"<principal id of chat-dev-app-[\w{}]+-signin>","audiences":\["api:\/\/AzureADTokenExchange"\]/,
    );
  });

  it("a brought client id with a secret: named by its Key Vault secret and expiry, never its value", () => {
    const review = renderStackReview(
      synthPlatform({ webApp: { signIn: { clientId: CLIENT_ID, clientSecretName: "auth-client-secret", clientSecretExpiresOn: "2027-06-30" } } }).stack,
    );
    expect(review).toMatch(/\| Credential \| client secret `auth-client-secret` in Key Vault `chat-dev-kv-[\w{}]+`, a Key Vault reference; \*\*expires 2027-06-30\*\*/);
    expect(review).toMatch(/\| `MICROSOFT_PROVIDER_AUTHENTICATION_SECRET` \| 🔑 @Microsoft\.KeyVault\(VaultName=chat-dev-kv-[\w{}]+;SecretName=auth-client-secret\) \|/);
  });
});
