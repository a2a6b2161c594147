import { Construct, type IConstruct } from "constructs";
import { ValidationError } from "./errors";
import { AppRegistration, CREATE_REGISTRATION_PERMISSION } from "./app-registration";
import type { IKeyVault } from "./key-vault";
import { UserAssignedIdentity } from "./user-assigned-identity";
import type { WebApp } from "./web-app";

/**
 * Who may reach the chat app. `signIn`: only users who sign in with Entra ID.
 * `open`: anyone with the URL, and every message spends the OpenAI quota through the
 * app's identity: declare it only for a throw-away environment.
 */
export const WEB_APP_ACCESS = ["signIn", "open"] as const;
export type WebAppAccess = (typeof WEB_APP_ACCESS)[number];

/** Sign-in options of the chat app (ChatPlatform `webApp.signIn`). */
export interface PlatformSignInProps {
  /**
   * Application (client) id of an existing app registration, for tenants that do not
   * let the deployer create one (creating needs `CREATE_REGISTRATION_PERMISSION`). Its
   * owner adds the redirect URI `https://<host>/.auth/login/aad/callback`, and either a
   * federated credential for the app's sign-in identity (the review prints the command)
   * or a client secret (`clientSecretName`).
   * @default the platform creates a single-tenant registration without a secret
   */
  readonly clientId?: string;
  /**
   * With `clientId`: name of the Key Vault secret holding the registration's client
   * secret (store it yourself; it never passes through Terraform).
   * @default none: secretless (a federated credential trusting the app's sign-in identity)
   */
  readonly clientSecretName?: string;
  /** With `clientSecretName`: the secret's expiry, `YYYY-MM-DD`, shown in the review. */
  readonly clientSecretExpiresOn?: string;
  /**
   * With `clientId`: the registration's tenant (a created registration lives in the
   * deployer's tenant).
   * @default the tenant of the principal running Terraform
   */
  readonly tenantId?: string;
  /**
   * Created registration only: object ids of the groups whose members may sign in.
   * @default every user of the tenant
   */
  readonly allowedGroups?: readonly string[];
  /**
   * Created registration only: object ids of extra owners.
   * @default the principal running Terraform alone
   */
  readonly owners?: readonly string[];
}

/** Sign-in with every default applied and every combination checked (resolveSignIn). */
export type ResolvedSignIn =
  /** The platform creates the registration, secretless. */
  | { readonly kind: "created"; readonly owners: readonly string[]; readonly allowedGroups: readonly string[] }
  /** An existing registration; secretless unless `clientSecret` is given. */
  | {
      readonly kind: "brought";
      readonly clientId: string;
      readonly tenantId?: string;
      readonly clientSecret?: { readonly name: string; readonly expiresOn: string };
    };

/**
 * How sign-in is set up, from ChatPlatform's `webApp.access` and `webApp.signIn`;
 * undefined for an app declared open. Pure, part of resolveChatPlatform: errors name
 * `scope` and the `webApp.*` field.
 */
export function resolveSignIn(scope: IConstruct, access: WebAppAccess, props: PlatformSignInProps | undefined): ResolvedSignIn | undefined {
  if (access === "open") {
    // The value is an object of ids and names: the error says it is set, not what it holds.
    if (props !== undefined)
      throw new ValidationError(
        scope,
        "webApp.signIn",
        "(set)",
        'configures sign-in, but webApp.access is "open"',
        "remove webApp.signIn, or remove webApp.access (sign-in is the default)",
      );
    return undefined;
  }
  const p = props ?? {};
  if (p.clientId === undefined) {
    for (const field of ["clientSecretName", "clientSecretExpiresOn", "tenantId"] as const) {
      if (p[field] !== undefined) {
        throw new ValidationError(
          scope,
          `webApp.signIn.${field}`,
          p[field],
          "only applies to a brought registration (webApp.signIn.clientId), but the platform creates one",
          `remove webApp.signIn.${field}, or give webApp.signIn.clientId`,
        );
      }
    }
    return { kind: "created", owners: p.owners ?? [], allowedGroups: p.allowedGroups ?? [] };
  }
  for (const field of ["allowedGroups", "owners"] as const) {
    if (p[field] !== undefined) {
      throw new ValidationError(
        scope,
        `webApp.signIn.${field}`,
        p[field],
        "only applies to a registration the platform creates, but webApp.signIn.clientId brings one",
        `manage ${field === "owners" ? "owners" : "assignments"} of the registration in Entra ID, or remove webApp.signIn.clientId (creating one needs ${CREATE_REGISTRATION_PERMISSION})`,
      );
    }
  }
  if (p.clientSecretName === undefined) {
    if (p.clientSecretExpiresOn !== undefined) {
      throw new ValidationError(
        scope,
        "webApp.signIn.clientSecretExpiresOn",
        p.clientSecretExpiresOn,
        "is the expiry of a client secret, but no clientSecretName is given",
        "give webApp.signIn.clientSecretName, or remove clientSecretExpiresOn (secretless)",
      );
    }
    return { kind: "brought", clientId: p.clientId, tenantId: p.tenantId };
  }
  if (p.clientSecretExpiresOn === undefined) {
    throw new ValidationError(
      scope,
      "webApp.signIn.clientSecretExpiresOn",
      undefined,
      "is required with a client secret (the review shows when sign-in stops working)",
      'give the secret\'s expiry as YYYY-MM-DD (az ad app credential list --id <clientId> --query "[].endDateTime"), or remove clientSecretName to go secretless',
    );
  }
  return { kind: "brought", clientId: p.clientId, tenantId: p.tenantId, clientSecret: { name: p.clientSecretName, expiresOn: p.clientSecretExpiresOn } };
}

export interface AppSignInProps {
  readonly webApp: WebApp;
  /** Holds a brought registration's client secret; required with one. */
  readonly keyVault?: IKeyVault;
  readonly signIn: ResolvedSignIn;
}

/**
 * Puts Entra ID sign-in in front of the web app in one of three ways: a registration
 * the platform creates (secretless), a brought client id with a secretless federated
 * credential its owner adds, or a brought client id with a client secret in Key Vault.
 */
export class AppSignIn extends Construct {
  /** The registration, when the platform creates it. */
  public readonly registration?: AppRegistration;
  /** The identity whose token replaces the client secret (secretless modes). */
  public readonly signInIdentity?: UserAssignedIdentity;

  constructor(scope: Construct, id: string, props: AppSignInProps) {
    super(scope, id);
    const { webApp, signIn } = props;
    if (signIn.kind === "brought" && signIn.clientSecret) {
      const secret = signIn.clientSecret;
      if (!props.keyVault) {
        throw new ValidationError(this, "keyVault", undefined, `is required: the client secret "${secret.name}" is read from a Key Vault`, "pass the vault that holds the secret");
      }
      webApp.requireSignIn({
        clientId: signIn.clientId,
        tenantId: signIn.tenantId,
        credential: { kind: "clientSecret", vault: props.keyVault, secretName: secret.name, expiresOn: secret.expiresOn },
      });
      return;
    }
    // Secretless: an identity attached to the app for sign-in alone (Microsoft Learn: it
    // "should only be assigned to the App Service ... through this registration").
    this.signInIdentity = new UserAssignedIdentity(this, "SignInIdentity", {
      name: `${webApp.name}-signin`,
      location: webApp.location,
      resourceGroupName: webApp.resourceGroupName,
      tags: webApp.tags,
    });
    if (signIn.kind === "created") {
      this.registration = new AppRegistration(this, "Registration", { webApp, signInIdentity: this.signInIdentity, owners: signIn.owners, allowedGroups: signIn.allowedGroups });
      webApp.requireSignIn(this.registration.signIn);
    } else {
      webApp.requireSignIn({ clientId: signIn.clientId, tenantId: signIn.tenantId, credential: { kind: "managedIdentity", identity: this.signInIdentity } });
    }
  }
}
