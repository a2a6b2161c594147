import { Construct } from "constructs";
import { Token } from "cdktf";
import { Application } from "@cdktf/provider-azuread/lib/application";
import { ServicePrincipal } from "@cdktf/provider-azuread/lib/service-principal";
import { ApplicationFederatedIdentityCredential } from "@cdktf/provider-azuread/lib/application-federated-identity-credential";
import { AppRoleAssignment } from "@cdktf/provider-azuread/lib/app-role-assignment";
import { checkGuid, checkUnique } from "./validate";
import { clientConfigOf } from "./rbac/client-config";
import { requireProvider } from "./providers";
import type { UserAssignedIdentity } from "./user-assigned-identity";
import type { SignInAudience, SignInProps, WebApp } from "./web-app";

/**
 * The Entra permission creating a registration needs, for errors and the README.
 * https://learn.microsoft.com/graph/api/application-post-federatedidentitycredentials (least privilege: Application.ReadWrite.OwnedBy)
 */
export const CREATE_REGISTRATION_PERMISSION =
  'the "Application Developer" Entra role (or "Users can register applications" left on), or Microsoft Graph Application.ReadWrite.OwnedBy for a service principal';

/**
 * What assigning groups to the enterprise application needs (allowedGroups).
 * https://learn.microsoft.com/graph/api/serviceprincipal-post-approleassignedto
 */
export const ASSIGN_GROUPS_PERMISSION =
  'the "Cloud Application Administrator" (or "Application Administrator") Entra role, or Microsoft Graph AppRoleAssignment.ReadWrite.All with Application.Read.All for a service principal';

/** Audience of a managed identity's token exchanged for an app token (Entra ID, public cloud). */
const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
/** The default app role: "assigned to the app" without a specific role. */
const DEFAULT_ACCESS_ROLE = "00000000-0000-0000-0000-000000000000";

export interface AppRegistrationProps {
  /** The app users sign in to; its host becomes the redirect URI. */
  readonly webApp: WebApp;
  /**
   * The identity the registration trusts instead of a secret. Microsoft Learn: it
   * "should only be assigned to the App Service ... through this registration".
   */
  readonly signInIdentity: UserAssignedIdentity;
  /**
   * @default `<web app name> sign-in`
   */
  readonly displayName?: string;
  /**
   * Object ids of principals that own the registration, besides the deployer.
   * @default the principal running Terraform alone
   */
  readonly owners?: readonly string[];
  /**
   * Object ids of the groups whose members may sign in. The enterprise application
   * then requires assignment, and only these groups are assigned (which needs
   * `ASSIGN_GROUPS_PERMISSION`).
   * @default none: every user of the tenant may sign in
   */
  readonly allowedGroups?: readonly string[];
}

/**
 * An Entra app registration for App Service Authentication, without a secret: the
 * registration trusts a user-assigned identity used for nothing else (a federated
 * identity credential), and the app presents that identity's token instead of a
 * client secret. Single tenant, web redirect URI `https://<host>/.auth/login/aad/callback`,
 * ID tokens on, its service principal, owners.
 *
 * Creating it needs `CREATE_REGISTRATION_PERMISSION`; tenants that do not allow that
 * bring an existing client id instead (ChatPlatform `webApp.signIn.clientId`).
 * https://learn.microsoft.com/azure/app-service/configure-authentication-provider-aad
 */
export class AppRegistration extends Construct {
  public readonly application: Application;
  public readonly servicePrincipal: ServicePrincipal;
  /** The identity whose token replaces the client secret; attached to the web app only. */
  public readonly signInIdentity: UserAssignedIdentity;
  public readonly clientId: string;
  public readonly audience: SignInAudience;
  /** Owners besides the deployer (object ids). */
  public readonly extraOwners: readonly string[];

  constructor(scope: Construct, id: string, props: AppRegistrationProps) {
    super(scope, id);
    const { webApp } = props;
    const deployer = clientConfigOf(this);
    const owners = props.owners ?? [];
    this.extraOwners = owners;
    for (const [i, o] of owners.entries()) checkGuid(this, `owners[${i}]`, o, "owner's object id");
    checkUnique(this, "owners", owners);
    const groups = props.allowedGroups ?? [];
    for (const [i, g] of groups.entries()) checkGuid(this, `allowedGroups[${i}]`, g, "group's object id", "az ad group show --group <name> --query id -o tsv");
    checkUnique(this, "allowedGroups", groups);

    // Same credentials as azurerm: added to the stack unless it has one (constructs/providers.ts).
    requireProvider(this, "azuread");
    this.application = new Application(this, "Application", {
      displayName: props.displayName ?? `${webApp.name} sign-in`,
      signInAudience: "AzureADMyOrg",
      // azuread provider docs: always list the principal running Terraform among the owners.
      // `owners` reconciles the set; azuread_application_owner refuses an owner that already
      // exists ("requires import"), as the creating principal may be.
      owners: [deployer.objectId, ...owners],
      web: {
        // Built from the app's name, not its default_hostname attribute: the app needs this
        // registration's client id, so referencing the app here would be a cycle. (A separate
        // azuread_application_redirect_uris is incompatible with azuread_application.)
        redirectUris: [`https://${Token.isUnresolved(webApp.name) ? webApp.name : webApp.name.toLowerCase()}.azurewebsites.net/.auth/login/aad/callback`],
        // Easy Auth signs users in with the OpenID Connect hybrid flow, which returns an ID token.
        implicitGrant: { idTokenIssuanceEnabled: true },
      },
    });
    this.clientId = this.application.clientId;

    this.servicePrincipal = new ServicePrincipal(this, "ServicePrincipal", {
      clientId: this.application.clientId,
      appRoleAssignmentRequired: groups.length > 0,
      owners: [deployer.objectId, ...owners],
    });
    for (const [i, objectId] of groups.entries()) {
      new AppRoleAssignment(this, `AllowedGroup${i}`, { appRoleId: DEFAULT_ACCESS_ROLE, principalObjectId: objectId, resourceObjectId: this.servicePrincipal.objectId });
    }
    this.audience = groups.length > 0 ? { kind: "groups", groupObjectIds: groups } : { kind: "tenant" };

    this.signInIdentity = props.signInIdentity;
    // https://learn.microsoft.com/entra/workload-id/workload-identity-federation-config-app-trust-managed-identity
    new ApplicationFederatedIdentityCredential(this, "SignInIdentityCredential", {
      applicationId: this.application.id,
      displayName: "app-service-sign-in",
      description: "App Service Authentication presents this managed identity's token instead of a client secret",
      issuer: `https://login.microsoftonline.com/${deployer.tenantId}/v2.0`,
      subject: this.signInIdentity.principalId,
      audiences: [TOKEN_EXCHANGE_AUDIENCE],
    });
  }

  /** The sign-in for `webApp.requireSignIn`. */
  public get signIn(): SignInProps {
    return { clientId: this.clientId, credential: { kind: "managedIdentity", identity: this.signInIdentity }, audience: this.audience };
  }
}
