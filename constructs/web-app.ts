import { Construct } from "constructs";
import { Lazy } from "cdktf";
import { ServicePlan } from "@cdktf/provider-azurerm/lib/service-plan";
import { LinuxWebApp, LinuxWebAppSiteConfigApplicationStack } from "@cdktf/provider-azurerm/lib/linux-web-app";
import { ProblemCollector, ValidationError } from "./errors";
import { checkName, claimGlobalName, namingOf } from "./naming";
import { checkGuid, checkNonEmpty, checkOneOf, checkRegion } from "./validate";
import { IRoleScope } from "./rbac/grant";
import { declareFlow } from "./rbac/intent";
import { Flow } from "../catalogue/flows";
import { IGrantable, IPrincipal, EntraPrincipal } from "./rbac/principal";
import { clientConfigOf } from "./rbac/client-config";
import { AppSettings } from "./settings/app-settings";
import type { IKeyVault } from "./key-vault";
import type { UserAssignedIdentity } from "./user-assigned-identity";

/** Linux App Service plan SKUs. Free (F1) has no always-on and no custom TLS settings worth having. */
export const PLAN_SKUS = ["F1", "B1", "B2", "B3", "S1", "S2", "S3", "P0v3", "P1v3", "P2v3", "P3v3", "P1mv3", "P2mv3", "P3mv3", "P4mv3", "P5mv3"] as const;
export type PlanSku = (typeof PLAN_SKUS)[number];

const REGISTRY_HOST = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i;
/** Path components of an image name, joined by "/" (distribution/reference's path grammar). */
const IMAGE_PATH = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
/** A tag (distribution/reference: `[\w][\w.-]{0,127}`). */
const IMAGE_TAG = /^\w[\w.-]{0,127}$/;
/** Registry host, "/" and image path together (distribution/reference's NameTotalLengthMax). */
const MAX_IMAGE_NAME = 255;

export const PYTHON_VERSIONS = ["3.10", "3.11", "3.12", "3.13"] as const;
export type PythonVersion = (typeof PYTHON_VERSIONS)[number];

/** Run your own Python build (zip deploy) with a start command. */
export interface PythonRuntime {
  readonly kind: "python";
  /** @default "3.11" */
  readonly version?: PythonVersion;
  /**
   * Start command.
   * @default App Service's default (gunicorn on `app:app` when it finds one)
   */
  readonly startCommand?: string;
}

/** Run a container image from a registry that allows anonymous pull. */
export interface ContainerRuntime {
  readonly kind: "container";
  /** Registry host, e.g. "sampleappaoaichatgpt.azurecr.io". */
  readonly registry: string;
  /** Image name without registry and tag, e.g. "sample-app-aoai-chatgpt". */
  readonly image: string;
  /** Tag. Pin one: "latest" changes under you and the review warns about it. */
  readonly tag: string;
}

export type WebAppRuntime = PythonRuntime | ContainerRuntime;

/**
 * How App Service Authentication proves to Entra ID that it is the app registration.
 *
 * - `managedIdentity` (secretless, preferred): a federated identity credential on the
 *   registration trusts a user-assigned identity attached to the app; the
 *   `OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID` app setting names that identity and is the
 *   provider's "client secret setting name". Nothing to store, rotate or leak. Preview,
 *   workforce tenants only, and the identity must serve this registration alone.
 *   https://learn.microsoft.com/azure/app-service/configure-authentication-provider-aad#use-a-managed-identity-instead-of-a-secret-preview
 * - `clientSecret`: the registration's secret lives in Key Vault only and reaches the app
 *   as a Key Vault reference resolved with the app's identity (F7).
 */
export type SignInCredential =
  | { readonly kind: "managedIdentity"; readonly identity: UserAssignedIdentity }
  | {
      readonly kind: "clientSecret";
      readonly vault: IKeyVault;
      /** Name of the Key Vault secret; store it yourself (`az keyvault secret set`), it never passes through Terraform. */
      readonly secretName: string;
      /** When the secret stops working (`YYYY-MM-DD`), shown in the review. */
      readonly expiresOn: string;
    };

/** Who can get past sign-in, as the review describes it. */
export type SignInAudience =
  | { readonly kind: "tenant" }
  | { readonly kind: "groups"; readonly groupObjectIds: readonly string[] }
  /** A registration the platform does not manage: its own settings decide. */
  | { readonly kind: "registration" };

/** App Service Authentication (Easy Auth) with Microsoft Entra ID. */
export interface SignInProps {
  /** Application (client) id of the Entra app registration. */
  readonly clientId: string;
  readonly credential: SignInCredential;
  /**
   * @default the tenant of the principal running Terraform
   */
  readonly tenantId?: string;
  /** @default { kind: "registration" } */
  readonly audience?: SignInAudience;
}

/** The sign-in in force on a web app, resolved. */
export interface WebAppSignIn {
  readonly clientId: string;
  readonly tenantId: string;
  readonly credential: SignInCredential;
  readonly audience: SignInAudience;
}

/** Where a web app's settings contract is written in cdk.tf.json (read by guardrails/app-contract.ts). */
export const CONTRACT_OVERRIDE = "//.guardrails.settings";

/** The app setting naming the identity whose token replaces the client secret (Microsoft Learn, see SignInCredential). */
export const MI_FIC_SETTING = "OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID";
/** The setting App Service itself uses for the client secret when it creates a registration. */
export const CLIENT_SECRET_SETTING = "MICROSOFT_PROVIDER_AUTHENTICATION_SECRET";
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export interface WebAppProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /**
   * Web app name (globally unique, the `<name>.azurewebsites.net` host).
   * @default derived: `<prefix>-<env>-app-<hash>`
   */
  readonly name?: string;
  /**
   * @default derived: `<prefix>-<env>-asp-<hash>`
   */
  readonly planName?: string;
  /**
   * Plan SKU. Always-on is enabled on every SKU but F1, which does not support it.
   * @default "B1"
   */
  readonly planSku?: PlanSku;
  /** @default { kind: "python", version: "3.11" } */
  readonly runtime?: WebAppRuntime;
  /**
   * Path App Service probes; unhealthy instances are replaced after 10 minutes.
   * @default "/"
   */
  readonly healthCheckPath?: string;
  /**
   * Run as this user-assigned identity instead of a system-assigned one. Grants to
   * the app then go to it, Key Vault references resolve with it, and `AZURE_CLIENT_ID`
   * must reach the code (ChatPlatform sets it).
   * @default a system-assigned identity
   */
  readonly userAssignedIdentity?: UserAssignedIdentity;
  readonly tags?: Record<string, string>;
}

/** The calls a web app makes with its identity (see WebApp.intends). */
export interface WebAppCalls {
  /** Chat and embeddings without a key (F1): grant with `openai.grantOpenAIUser(app)`. */
  readonly openai?: IRoleScope;
  /** Queries the index itself (F8): `search.grantIndexDataReader(app)`. */
  readonly search?: IRoleScope;
  /** Reads blobs, e.g. to serve citations (F11): `storage.grantBlobDataReader(app)`. */
  readonly storage?: IRoleScope;
  /** Resolves Key Vault references (F7): `keyVault.grantSecretsUser(app)`. */
  readonly keyVault?: IRoleScope;
}

/**
 * A Linux web app on its own plan: HTTPS only, TLS 1.2, FTPS disabled, FTP and Web
 * Deploy basic auth off, a managed identity, and app settings collected with their
 * origin (see `settings`).
 */
export class WebApp extends Construct implements IRoleScope, IGrantable {
  public readonly plan: ServicePlan;
  public readonly resource: LinuxWebApp;
  public readonly name: string;
  public readonly resourceId: string;
  public readonly scopeLabel: string;
  /** `https://<name>.azurewebsites.net` */
  public readonly url: string;
  public readonly runtime: WebAppRuntime;
  public readonly planSku: PlanSku;
  public readonly grantPrincipal: IPrincipal;
  public readonly userAssignedIdentity?: UserAssignedIdentity;
  /** The app settings; add to them until synth. */
  public readonly settings: AppSettings;
  public readonly resourceGroupName: string;
  public readonly location: string;
  public readonly tags?: Record<string, string>;
  private resolvedSignIn?: WebAppSignIn;

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    // Every problem of the props in one run.
    const problems = new ProblemCollector();
    problems.attempt(() => checkRegion(this, "location", props.location));
    const naming = namingOf(this);
    const name = problems.attempt(() => claimGlobalName(this, "name", "webApp", checkName(this, "name", "webApp", props.name ?? naming.name("webApp"))));
    const planName = problems.attempt(() => checkName(this, "planName", "servicePlan", props.planName ?? naming.name("servicePlan")));
    const planSku = problems.attempt(() => checkOneOf(this, "planSku", props.planSku ?? "B1", PLAN_SKUS));
    this.runtime = props.runtime ?? { kind: "python", version: "3.11" };
    const applicationStack = problems.attempt(() => this.applicationStack());
    const healthCheckPath = props.healthCheckPath ?? "/";
    if (!healthCheckPath.startsWith("/")) {
      problems.add(new ValidationError(this, "healthCheckPath", healthCheckPath, "is not a path", 'start it with "/", e.g. "/health"'));
    }
    problems.throwIfAny();
    this.name = name!;
    this.planSku = planSku!;
    this.settings = new AppSettings(this);
    this.userAssignedIdentity = props.userAssignedIdentity;
    this.resourceGroupName = props.resourceGroupName;
    this.location = props.location;
    this.tags = props.tags;

    this.plan = new ServicePlan(this, "Plan", {
      name: planName!,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      osType: "Linux",
      skuName: planSku!,
      tags: props.tags,
    });

    const uami = props.userAssignedIdentity;
    this.resource = new LinuxWebApp(this, "Site", {
      name: this.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      servicePlanId: this.plan.id,
      httpsOnly: true,
      ftpPublishBasicAuthenticationEnabled: false,
      webdeployPublishBasicAuthenticationEnabled: false,
      identity: uami ? { type: "UserAssigned", identityIds: [uami.resourceId] } : { type: "SystemAssigned" },
      // Key Vault references resolve with the system identity unless told otherwise.
      keyVaultReferenceIdentityId: uami?.resourceId,
      siteConfig: {
        alwaysOn: planSku !== "F1",
        minimumTlsVersion: "1.2",
        scmMinimumTlsVersion: "1.2",
        ftpsState: "Disabled",
        http2Enabled: true,
        healthCheckPath,
        healthCheckEvictionTimeInMin: 10,
        appCommandLine: this.runtime.kind === "python" ? this.runtime.startCommand : undefined,
        applicationStack,
      },
      appSettings: Lazy.anyValue({ produce: () => this.settings.toRecord() }) as unknown as Record<string, string>,
      tags: props.tags,
    });
    // The settings contract (which setting carries which platform fact) travels with the
    // resource in cdk.tf.json, where the guardrails judge the app by it rather than by the
    // settings' names (guardrails/app-contract.ts). Written even when empty: an app built
    // here declares every key it holds.
    this.resource.addOverride(CONTRACT_OVERRIDE, Lazy.anyValue({ produce: () => this.settings.contract }));
    this.resourceId = this.resource.id;
    this.url = `https://${this.resource.defaultHostname}`;
    this.scopeLabel = `web app ${this.name}`;
    this.grantPrincipal = uami ? uami.grantPrincipal : EntraPrincipal.systemAssigned(this, this.resource.identity.principalId, `web app ${this.name}`);
  }

  /**
   * Declares the calls the app makes with its identity, so the guardrails hold the stack
   * to them (constructs/rbac/intent.ts): a forgotten grant then fails the synth with the
   * grant to add, instead of passing because no setting happens to point at the service.
   * App-side retrieval is `intends({ openai, search, storage })`.
   */
  public intends(calls: WebAppCalls): this {
    if (calls.openai) declareFlow(this, this.resource, Flow.WebAppToOpenAI, calls.openai);
    if (calls.search) declareFlow(this, this.resource, Flow.WebAppToSearch, calls.search);
    if (calls.storage) declareFlow(this, this.resource, Flow.WebAppToStorage, calls.storage);
    if (calls.keyVault) declareFlow(this, this.resource, Flow.WebAppToKeyVault, calls.keyVault);
    return this;
  }

  /**
   * Regional VNet integration into `subnetId` (delegated to Microsoft.Web/serverFarms)
   * with all outbound traffic routed through the VNet: Linux apps resolve Key Vault
   * references over private endpoints only with route-all (F7), and the platform's
   * other calls then never take a public route by accident.
   * https://learn.microsoft.com/azure/app-service/overview-vnet-integration
   */
  public integrateWithVnet(subnetId: string): void {
    if (this.planSku === "F1") {
      throw new ValidationError(this, "planSku", "F1", "does not support VNet integration", 'use "B1" or higher');
    }
    this.resource.virtualNetworkSubnetId = subnetId;
    this.resource.siteConfig.vnetRouteAllEnabled = true;
  }

  /** Whether the app sits behind App Service Authentication. */
  public get signInEnabled(): boolean {
    return this.resolvedSignIn !== undefined;
  }

  /** The sign-in in force, if any. */
  public get signIn(): WebAppSignIn | undefined {
    return this.resolvedSignIn;
  }

  /**
   * Requires Entra ID sign-in in front of the app (App Service Authentication v2):
   * unauthenticated requests are redirected to the login page, tokens are kept in the
   * token store (the sample app reads the `X-Ms-Client-Principal*` and
   * `X-Ms-Token-Aad-Id-Token` headers Easy Auth adds).
   * https://learn.microsoft.com/azure/app-service/configure-authentication-provider-aad
   */
  public requireSignIn(signIn: SignInProps): void {
    if (this.resolvedSignIn) throw new ValidationError(this, "signIn", signIn.clientId, "is a second sign-in configuration", "call requireSignIn once");
    checkGuid(this, "signIn.clientId", signIn.clientId, "application (client) id of the Entra app registration", "az ad app list --display-name <name> --query [].appId -o tsv");
    if (signIn.tenantId !== undefined) checkGuid(this, "signIn.tenantId", signIn.tenantId, "tenant id", "az account show --query tenantId -o tsv");
    const tenantId = signIn.tenantId ?? clientConfigOf(this).tenantId;
    const credential = signIn.credential;
    let secretSetting: string;
    if (credential.kind === "managedIdentity") {
      secretSetting = MI_FIC_SETTING;
      this.attachIdentity(credential.identity);
      this.settings.set({
        name: MI_FIC_SETTING,
        value: credential.identity.clientId,
        origin: "platform",
        description: "identity whose federated credential replaces the sign-in client secret",
        keyVaultReference: false,
      });
    } else {
      checkName(this, "signIn.clientSecretName", "keyVaultObject", credential.secretName);
      if (!ISO_DATE.test(credential.expiresOn ?? "")) {
        throw new ValidationError(
          this,
          "signIn.clientSecretExpiresOn",
          credential.expiresOn,
          "is not a date",
          'give the secret\'s expiry as YYYY-MM-DD (az ad app credential list --id <clientId> --query "[].endDateTime")',
        );
      }
      secretSetting = CLIENT_SECRET_SETTING;
      this.settings.set({
        name: CLIENT_SECRET_SETTING,
        value: `@Microsoft.KeyVault(VaultName=${credential.vault.name};SecretName=${credential.secretName})`,
        origin: "platform",
        description: `Entra ID client secret for App Service Authentication (expires ${credential.expiresOn})`,
        keyVaultReference: true,
      });
      credential.vault.grantSecretsUser(this, { reason: "resolves the sign-in client secret reference" });
    }
    this.resolvedSignIn = { clientId: signIn.clientId, tenantId, credential, audience: signIn.audience ?? { kind: "registration" } };
    this.resource.putAuthSettingsV2({
      authEnabled: true,
      requireAuthentication: true,
      unauthenticatedAction: "RedirectToLoginPage",
      defaultProvider: "azureactivedirectory",
      requireHttps: true,
      activeDirectoryV2: {
        clientId: signIn.clientId,
        clientSecretSettingName: secretSetting,
        tenantAuthEndpoint: `https://login.microsoftonline.com/${tenantId}/v2.0`,
      },
      login: { tokenStoreEnabled: true },
    });
    // Slot swaps must not carry one slot's credential to another (Microsoft Learn: "mark this application setting as slot-sticky").
    this.resource.putStickySettings({ appSettingNames: [secretSetting] });
  }

  /** Adds a user-assigned identity next to the one the app runs as (which stays the default for DefaultAzureCredential and Key Vault references). */
  private attachIdentity(identity: UserAssignedIdentity): void {
    const uami = this.userAssignedIdentity;
    this.resource.putIdentity(
      uami ? { type: "UserAssigned", identityIds: [uami.resourceId, identity.resourceId] } : { type: "SystemAssigned, UserAssigned", identityIds: [identity.resourceId] },
    );
  }

  private applicationStack(): LinuxWebAppSiteConfigApplicationStack {
    const rt = this.runtime;
    if (rt.kind === "python") {
      return { pythonVersion: checkOneOf(this, "runtime.version", rt.version ?? "3.11", PYTHON_VERSIONS) };
    }
    if (!REGISTRY_HOST.test(rt.registry ?? "")) {
      throw new ValidationError(
        this,
        "runtime.registry",
        rt.registry,
        "is not a registry host",
        'give the host only, without scheme or path, e.g. "sampleappaoaichatgpt.azurecr.io"',
      );
    }
    checkNonEmpty(this, "runtime.image", rt.image, 'give the image name, e.g. "sample-app-aoai-chatgpt"');
    checkNonEmpty(this, "runtime.tag", rt.tag, 'give a tag, preferably a pinned version or digest rather than "latest"');
    if (/[:@]/.test(rt.image)) {
      throw new ValidationError(this, "runtime.image", rt.image, "contains a tag", "put the tag in runtime.tag and the bare image name in runtime.image");
    }
    // A reference the registry cannot resolve is accepted by Azure and fails only when
    // the app first pulls it. Grammar: https://github.com/distribution/reference (reference.go).
    if (!IMAGE_PATH.test(rt.image) || rt.registry.length + 1 + rt.image.length > MAX_IMAGE_NAME) {
      throw new ValidationError(
        this,
        "runtime.image",
        rt.image,
        "is not an image name a registry accepts",
        `use lower-case letters and digits, separated by '.', '_', '__' or '-' and grouped by '/', at most ${MAX_IMAGE_NAME} characters with the registry, e.g. "sample-app-aoai-chatgpt"`,
      );
    }
    if (!IMAGE_TAG.test(rt.tag)) {
      throw new ValidationError(
        this,
        "runtime.tag",
        rt.tag,
        /^sha256:/i.test(rt.tag) ? "is a digest, which App Service would join to the image as a tag (image:sha256:...)" : "is not an image tag",
        'use 1-128 letters, digits, "_", "." and "-", starting with a letter, digit or "_", e.g. "1.4.2"',
      );
    }
    return { dockerImageName: `${rt.image}:${rt.tag}`, dockerRegistryUrl: `https://${rt.registry}` };
  }
}
