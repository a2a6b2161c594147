import { Token } from "cdktf";
import type { ChatPlatform } from "../constructs/chat-platform";
import { ASSIGN_GROUPS_PERMISSION, CREATE_REGISTRATION_PERMISSION } from "../constructs/app-registration";

/**
 * "Who can reach the app" of one platform, for the review: the audience (anyone,
 * the tenant's users, assigned groups) and how sign-in proves itself to Entra ID.
 * Never a secret value: a client secret is named by its Key Vault secret and expiry.
 */
export function renderAppAccess(p: ChatPlatform): string[] {
  const out = [`### Who can reach \`${p.webApp.name}\``, ""];
  const signIn = p.webApp.signIn;
  if (!signIn) {
    out.push(
      '**Anyone with the URL** (`webApp.access: "open"`): no sign-in, and every message spends the OpenAI quota through the app\'s identity. ' +
        "Declared open in the configuration; remove `webApp.access` to require Entra ID sign-in.",
      "",
    );
    return out;
  }
  const tenant = Token.isUnresolved(signIn.tenantId) ? "the deployer's tenant" : `tenant \`${signIn.tenantId}\``;
  const clientId = Token.isUnresolved(signIn.clientId) ? "created by this stack" : `\`${signIn.clientId}\``;
  const audience = signIn.audience;
  const who =
    audience.kind === "tenant"
      ? `**Users of ${tenant}** who sign in with Entra ID (single-tenant registration).`
      : audience.kind === "groups"
        ? `**Members of ${audience.groupObjectIds.map((g) => `\`${g}\``).join(", ")}** only: the enterprise application requires assignment and only these groups are assigned.`
        : `**Whoever registration ${clientId} admits** in ${tenant}: its "Assignment required" setting and assignments in Entra ID decide.`;
  out.push(who, "", "| Sign-in | |", "|---|---|");
  out.push(`| App Service Authentication | v2, sign-in required, unauthenticated requests redirected to the Entra login page, token store on |`);
  const registration = p.signIn?.registration;
  const owners = registration ? `the deployer${registration.extraOwners.length ? ` and ${registration.extraOwners.map((o) => `\`${o}\``).join(", ")}` : ""}` : "";
  out.push(`| App registration | ${registration ? `created by this stack, single tenant, owners: ${owners}` : `brought: ${clientId}`} |`);
  const credential = signIn.credential;
  if (credential.kind === "managedIdentity") {
    out.push(
      `| Credential | no secret: a federated credential trusts the identity \`${credential.identity.name}\`, named by \`OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID\` (App Service preview) |`,
    );
  } else {
    out.push(
      `| Credential | client secret \`${credential.secretName}\` in Key Vault \`${credential.vault.name}\`, a Key Vault reference; **expires ${credential.expiresOn}**: rotate it before then |`,
    );
  }
  out.push("");
  if (registration) {
    const groups = registration.audience.kind === "groups" ? ` Assigning the groups needs ${ASSIGN_GROUPS_PERMISSION}.` : "";
    out.push(
      `> ℹ️ Creating the registration needs ${CREATE_REGISTRATION_PERMISSION}.${groups} If the apply fails with "Authorization_RequestDenied: Insufficient privileges", have an administrator create it and bring its client id (\`webApp.signIn.clientId\`).`,
      "",
    );
  }
  if (!registration) {
    const redirect = `the web redirect URI \`https://${p.webApp.name}.azurewebsites.net/.auth/login/aad/callback\``;
    if (credential.kind === "managedIdentity") {
      out.push(
        `> ⚠️ One-time step for the registration's owner after the first apply: add ${redirect} and a federated credential for \`${credential.identity.name}\`:`,
        `> \`az ad app federated-credential create --id ${clientId.replace(/`/g, "")} --parameters '{"name":"app-service-sign-in","issuer":"https://login.microsoftonline.com/<tenant id>/v2.0","subject":"<principal id of ${credential.identity.name}>","audiences":["api://AzureADTokenExchange"]}'\``,
        "",
      );
    } else {
      out.push(`> ⚠️ The registration's owner must have added ${redirect}.`, "");
    }
  }
  return out;
}
