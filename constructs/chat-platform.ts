import { Construct } from "constructs";
import { TerraformResource } from "cdktf";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { KeyVaultKey } from "@cdktf/provider-azurerm/lib/key-vault-key";
import { ValidationError } from "./errors";
import { Naming, provideNaming, uniqueNaming } from "./naming";
import { OpenAIAccount, OpenAIAccountProps, ModelDeploymentProps, ModelDeployment } from "./openai-account";
import { SearchService, SearchServiceProps } from "./search-service";
import { StorageAccount, StorageAccountProps } from "./storage-account";
import { KeyVault, KeyVaultProps } from "./key-vault";
import { WebApp, WebAppProps, WebAppRuntime } from "./web-app";
import { AppSignIn, PlatformSignInProps, WebAppAccess } from "./sign-in";
import { OPEN_ACCESS_TAG } from "../catalogue/access";
import { UserAssignedIdentity } from "./user-assigned-identity";
import { AccessMatrix, AccessRow, Grant, IRoleScope } from "./rbac/grant";
import { grantMethodFor } from "./platform-grants";
import { BuiltInRole } from "../catalogue/roles";
import { IGrantable, EntraPrincipal, PrincipalType } from "./rbac/principal";
import { Party } from "../catalogue/flows";
import { PlatformFlow, impliedFlows } from "./rbac/implied-flows";
import { RolePropagation } from "./rbac/propagation";
import { declareFlow } from "./rbac/intent";
import { ChatPlatformConfig, resolveChatPlatform } from "./chat-platform-config";
import { mergeTags } from "./tags";
import { AuthMode, PlatformFacts, ProfileSetting, SearchQueryType, SettingsProfile } from "./settings/profile";
import { clientConfigOf } from "./rbac/client-config";
import { BuiltInProfileName } from "./settings/profiles";
import { WebAppSetting } from "./settings/app-settings";
import { contractSettings } from "./settings/contract";
import { REDACTED, isKeyVaultReference, isSecretSetting, keyVaultReference } from "../catalogue/secrets";
import { NetworkProps, PlatformNetwork, callsMadeWithKeys } from "./platform-network";

/** Which runtime calls the platform must authorize (each feature implies access flows). */
export interface ChatPlatformFeatures {
  /**
   * Ground the chat in Search with Azure OpenAI "On Your Data". Keyless, this makes the
   * OpenAI account's own identity call Search (F2). Retired on 2026-10-14: refused from
   * that day on (catalogue/lifecycle-data.ts SERVICES.onYourData); use app-side
   * retrieval (profile "searchOpenAIDemo") instead.
   * @default the profile's `onYourData` (true for sampleApp, false otherwise)
   */
  readonly onYourData?: boolean;
  /**
   * A Search indexer reads the documents container with Search's identity (F4): the
   * app's cloud ingestion, or an indexer you create. With On Your Data, also its
   * ingestion, in which Azure OpenAI writes the chunks (F3).
   * @default onYourData
   */
  readonly ingestion?: boolean;
  /**
   * Search calls the embedding deployment with its identity (F5): an embedding skill at
   * indexing, or a vectorizer at query time. Needs an embedding model.
   * @default onYourData (when an embedding model is configured)
   */
  readonly integratedVectorization?: boolean;
  /**
   * Agentic retrieval: the app retrieves through a Search knowledge base, which calls the
   * chat deployment with Search's identity (F5) and needs the semantic ranker. GA without
   * LLM query planning (REST 2026-04-01); planning with an LLM is preview
   * (2026-08-01-preview). Only for a profile that supports it (searchOpenAIDemo).
   * @default false
   */
  readonly agenticRetrieval?: boolean;
  /**
   * Encrypt the OpenAI account with a customer-managed key in the platform's vault
   * (F6, and F9 for the deployer creating the key).
   * @default false
   */
  readonly customerManagedKey?: boolean;
  /**
   * The app queries the Search index itself (F8).
   * @default the profile's `appSideRetrieval` (true for searchOpenAIDemo)
   */
  readonly appQueriesSearch?: boolean;
  /**
   * The app reads blobs, e.g. to serve citations (F11).
   * @default the profile's `appSideRetrieval`
   */
  readonly appReadsBlobs?: boolean;
}

/** A person, group or pipeline that runs the app locally or builds the index (F10). */
export interface DeveloperPrincipal {
  /** Entra object id (GUID). */
  readonly objectId: string;
  /** "ServicePrincipal" for a pipeline that builds the index. @default "User" */
  readonly type?: PrincipalType;
  /** Shown in the access matrix. @default the object id */
  readonly name?: string;
}

export interface ChatModelProps {
  /** @default the model name */
  readonly deploymentName?: string;
  /** @default "gpt-5.4-mini" (chat), "text-embedding-3-large" (embedding) */
  readonly modelName?: string;
  /**
   * @default the default model's version ("2026-03-17" / "1"); for another model, the
   * version the lifecycle catalogue lists as deployable today, if it lists exactly one
   */
  readonly modelVersion?: string;
  /** @default "GlobalStandard" */
  readonly skuName?: ModelDeploymentProps["skuName"];
  /** Thousands of tokens per minute. @default 10 / 30 */
  readonly capacity?: number;
  /**
   * This subscription already deploys this model version, so Azure still lets it deploy
   * a version closed to new customers: a warning until retirement, refused after.
   * @default false
   */
  readonly existingCustomer?: boolean;
  /**
   * Embedding only: the vector length the app and the index use.
   * @default the catalogue's for the model (3072 for text-embedding-3-large)
   */
  readonly dimensions?: number;
}

export interface ChatPlatformProps {
  /** Environment or stamp name, part of every name ("dev", "prod", "weu1"). */
  readonly environment: string;
  /**
   * Short prefix for every name.
   * @default "chat"
   */
  readonly prefix?: string;
  /**
   * Azure region of every resource.
   * @default "swedencentral" (offers the default chat and embedding models as GlobalStandard)
   */
  readonly location?: string;
  /**
   * The day lifecycle checks judge on (`YYYY-MM-DD`): models closed to new customers or
   * retired, services switched off. Fix it to make a synth independent of the clock.
   * @default $CHAT_PLATFORM_TODAY, else the clock (UTC)
   */
  readonly today?: string;
  /**
   * Extra input to the names' suffix (see uniqueNaming), e.g. to deploy two stamps with
   * the same prefix, environment and region into one subscription.
   * @default none (the suffix comes from the subscription, prefix, environment and region)
   */
  readonly nameSeed?: string;
  /**
   * Use an existing resource group instead of creating one.
   * @default a new group `<prefix>-<env>-rg-<suffix>`
   */
  readonly resourceGroupName?: string;
  /**
   * `keyless`: Entra ID everywhere, no key setting in the app. `keys`: API keys on
   * OpenAI and Search, stored in Key Vault and handed to the app as Key Vault
   * references. Storage stays keyless in both modes: nothing needs its keys.
   * @default "keyless"
   */
  readonly authMode?: AuthMode;
  /** @default see ChatPlatformFeatures */
  readonly features?: ChatPlatformFeatures;
  /**
   * People or pipelines who run the app locally with DefaultAzureCredential and build
   * and fill the index (F10).
   * @default none
   */
  readonly developers?: readonly DeveloperPrincipal[];
  /**
   * Run the app as a user-assigned identity (and set `AZURE_CLIENT_ID`).
   * @default false: the app's system-assigned identity
   */
  readonly userAssignedIdentity?: boolean;
  /**
   * Which app runs and which variables it reads: a built-in profile name or your own profile.
   * @default "searchOpenAIDemo" (Azure-Samples/azure-search-openai-demo, app-side retrieval)
   */
  readonly profile?: BuiltInProfileName | SettingsProfile;
  /**
   * Azure OpenAI options (see OpenAIAccountProps). `localAuthEnabled`, when given, must
   * agree with authMode.
   */
  readonly openai?: Pick<OpenAIAccountProps, "name" | "localAuthEnabled" | "publicNetworkAccessEnabled"> & {
    readonly chatModel?: ChatModelProps;
    /** `null` for no embedding deployment (then no vectorization). */
    readonly embeddingModel?: ChatModelProps | null;
  };
  /**
   * Azure AI Search options (see SearchServiceProps) and what On Your Data queries.
   * `localAuthEnabled`, when given, must agree with authMode.
   */
  readonly search?: Pick<SearchServiceProps, "name" | "sku" | "replicaCount" | "partitionCount" | "semanticSearch" | "localAuthEnabled"> & {
    /** Index the chat is grounded in. @default "documents-index" */
    readonly indexName?: string;
    /** Knowledge base of agentic retrieval. @default "<indexName>-kb" */
    readonly knowledgeBaseName?: string;
    /** @default "semantic" when the semantic ranker is on, else "simple" */
    readonly queryType?: SearchQueryType;
    /** @default 5 */
    readonly topK?: number;
    /** @default "default" for semantic query types */
    readonly semanticConfiguration?: string;
    /** Vector fields of the index (On Your Data's vector query types; the first is the app-side retrieval's embedding field). @default none */
    readonly vectorColumns?: readonly string[];
  };
  /** Storage options (see StorageAccountProps). */
  readonly storage?: Pick<StorageAccountProps, "name" | "replicationType" | "containers">;
  /**
   * Key Vault options (see KeyVaultProps). The platform creates a vault only when
   * something uses it: keys mode (the app's keys), a customer-managed key, a sign-in
   * client secret, the app's own secrets (`webApp.vaultSecrets`).
   */
  readonly keyVault?: Pick<KeyVaultProps, "name" | "skuName" | "softDeleteRetentionDays"> & {
    /**
     * `true` keeps a vault nothing in the platform uses (for your own secrets); `false`
     * is refused when something needs one.
     * @default whether something uses it
     */
    readonly enabled?: boolean;
  };
  /** Web app options (see WebAppProps). */
  readonly webApp?: Pick<WebAppProps, "name" | "planSku" | "healthCheckPath"> & {
    /**
     * @default the profile's runtime: searchOpenAIDemo Python 3.11 with
     * `python3 -m gunicorn main:app` (code deployed after the infrastructure), sampleApp
     * the sample's container image; otherwise Python 3.11 for your own build.
     */
    readonly runtime?: WebAppRuntime;
    /**
     * Who may reach the app: "signIn" puts Entra ID sign-in (App Service Authentication)
     * in front of it; "open" lets anyone with the URL chat on your OpenAI quota, for a
     * throw-away environment only (the review warns, and the web app is tagged
     * `app-access = open` so the guardrail accepts it).
     * @default "signIn"
     */
    readonly access?: WebAppAccess;
    /**
     * How sign-in is set up (see PlatformSignInProps). Only with access "signIn".
     * @default a registration the platform creates, without a client secret
     */
    readonly signIn?: PlatformSignInProps;
    /**
     * Extra app settings. A literal secret, the app's key variable in keyless mode, or a
     * value for a variable the platform derives is an error (one rule for every setting:
     * catalogue/secrets.ts). A Key Vault reference to a secret the platform does not
     * manage (a database password in a vault of your own) is fine in both modes: the app
     * resolves it with its identity (F7), which needs Key Vault Secrets User on that vault;
     * the platform grants it only on its own vault (see `vaultSecrets`).
     * @default none
     */
    readonly extraSettings?: Record<string, string>;
    /**
     * Secrets of the app's own kept in the platform's Key Vault, by setting name:
     * `{ DB_PASSWORD: "db-password" }`. The platform keeps a vault, sets each setting to a
     * Key Vault reference to the secret and grants the app Key Vault Secrets User on the
     * vault (F7), in keyless mode too. You store the secrets yourself
     * (`az keyvault secret set`, with Key Vault Secrets Officer): they never pass
     * through Terraform.
     * @default none
     */
    readonly vaultSecrets?: Record<string, string>;
  };
  /**
   * `prevent_destroy` on the stateful resources (OpenAI account and deployments,
   * Search, Storage, Key Vault).
   * @default false (set true for production)
   */
  readonly protectStatefulResources?: boolean;
  /**
   * How long deploy-time actions wait for new role assignments (time_sleep).
   * @default "120s"
   */
  readonly rolePropagationDelay?: string;
  /**
   * Tags on every resource, besides `environment` and `managed-by`; checked against
   * Azure's tag limits at synth (constructs/tags.ts).
   * @default none
   */
  readonly tags?: Record<string, string>;
  /**
   * Public endpoints, or a private platform in a VNet (see NetworkProps).
   * @default { mode: "public" }
   */
  readonly network?: NetworkProps;
}

const PLATFORM_BUG = "Fix: none on your side; this is a ChatPlatform bug: report it with the props that produced it";

/**
 * The whole platform from one props object: OpenAI (chat + embedding deployments),
 * Search, Storage, a Linux web app and, when something uses one, Key Vault, each with
 * its identity; the access flows the configuration implies, granted exactly; and the
 * app's settings derived from the same facts, so identity, roles and settings cannot
 * disagree.
 */
export class ChatPlatform extends Construct {
  public readonly naming: Naming;
  public readonly location: string;
  public readonly authMode: AuthMode;
  public readonly features: Required<ChatPlatformFeatures>;
  public readonly resourceGroupName: string;
  public readonly resourceGroup?: ResourceGroup;
  public readonly openai: OpenAIAccount;
  public readonly chatDeployment: ModelDeployment;
  public readonly embeddingDeployment?: ModelDeployment;
  public readonly search: SearchService;
  public readonly storage: StorageAccount;
  /** The vault, when something uses one (`config.keyVault.reasons` says what). */
  public readonly keyVault?: KeyVault;
  public readonly webApp: WebApp;
  public readonly identity?: UserAssignedIdentity;
  /** The sign-in in front of the app; undefined when access is "open". */
  public readonly signIn?: AppSignIn;
  /** The customer-managed key, when the feature is on. */
  public readonly customerManagedKey?: KeyVaultKey;
  public readonly profile: SettingsProfile;
  /** The props resolved: every default applied, every combination checked. */
  public readonly config: ChatPlatformConfig;
  /** The flows this configuration implies, each granted. */
  public readonly flows: readonly PlatformFlow[];
  /** The grants made for `flows` (grants you add yourself are not among them). */
  public readonly grants: Grant[] = [];
  /** The network mode and the path each call takes. */
  public readonly network: PlatformNetwork;
  /** What the people or pipeline building the index run with (the stack's `index_builder_env`); empty when the profile names none. */
  public readonly indexBuilderSettings: readonly ProfileSetting[];

  constructor(scope: Construct, id: string, props: ChatPlatformProps) {
    super(scope, id);
    // Every default and every refusal lives in resolveChatPlatform; from here on, build.
    const config = resolveChatPlatform(this, props);
    this.config = config;
    const prefix = config.prefix;
    this.location = config.location;
    this.authMode = config.authMode;
    this.profile = config.profile;
    this.features = config.features;
    this.naming = uniqueNaming(this, { prefix, environment: props.environment, location: this.location, seed: props.nameSeed });
    provideNaming(this, this.naming);
    RolePropagation.of(this).requestDelay(config.rolePropagationDelay);

    const appKeys = config.appKeys;
    const developers = config.developers.map((d) => EntraPrincipal.fromObjectId(this, d.objectId, d.type, d.label));
    const tags = config.tags;
    const common = () => ({ location: this.location, resourceGroupName: this.resourceGroupName, tags });

    if (config.resourceGroupName !== undefined) {
      this.resourceGroupName = config.resourceGroupName;
    } else {
      this.resourceGroup = new ResourceGroup(this, "ResourceGroup", { name: this.naming.name("resourceGroup"), location: this.location, tags });
      this.resourceGroupName = this.resourceGroup.name;
    }

    // --- the parts ------------------------------------------------------------------
    this.openai = new OpenAIAccount(this, "OpenAI", {
      ...common(),
      name: config.openai.name,
      localAuthEnabled: this.authMode === "keys",
      publicNetworkAccessEnabled: config.openai.publicNetworkAccessEnabled,
    });
    this.chatDeployment = this.openai.addDeployment(config.openai.chatModel);
    if (config.openai.embeddingModel) this.embeddingDeployment = this.openai.addDeployment(config.openai.embeddingModel);

    this.search = new SearchService(this, "Search", {
      ...common(),
      name: config.search.name,
      sku: config.search.sku,
      replicaCount: config.search.replicaCount,
      partitionCount: config.search.partitionCount,
      semanticSearch: config.search.semanticSearch,
      localAuthEnabled: this.authMode === "keys",
      systemIdentity: config.search.systemIdentity,
    });
    this.storage = new StorageAccount(this, "Storage", { ...common(), ...config.storage });
    const { reasons: vaultReasons, ...vaultProps } = config.keyVault;
    if (vaultReasons.length > 0) this.keyVault = new KeyVault(this, "KeyVault", { ...common(), ...vaultProps });
    if (config.userAssignedIdentity) {
      this.identity = new UserAssignedIdentity(this, "AppIdentity", common());
    }
    this.webApp = new WebApp(this, "WebApp", {
      ...common(),
      name: config.webApp.name,
      planSku: config.webApp.planSku,
      runtime: config.webApp.runtime,
      healthCheckPath: config.webApp.healthCheckPath,
      userAssignedIdentity: this.identity,
      tags: config.webApp.access === "open" ? mergeTags(tags, { [OPEN_ACCESS_TAG.name]: OPEN_ACCESS_TAG.value }) : tags,
    });
    if (config.webApp.signIn) this.signIn = new AppSignIn(this, "SignIn", { signIn: config.webApp.signIn, webApp: this.webApp, keyVault: this.keyVault });

    // --- deploy-time actions that need grants first -----------------------------------
    if (this.features.customerManagedKey) this.customerManagedKey = this.openai.encryptWith(this.vault("customer-managed key")).key;
    const openaiKey = appKeys.includes("openai")
      ? this.vault("OpenAI key").addSecret("OpenAIKeySecret", { name: "openai-api-key", value: this.openai.resource.primaryAccessKey, contentType: "Azure OpenAI API key" })
      : undefined;
    const searchKey =
      appKeys.includes("search") && (this.features.onYourData || this.features.appQueriesSearch)
        ? this.vault("Search key").addSecret("SearchKeySecret", { name: "search-api-key", value: this.search.resource.primaryKey, contentType: "Azure AI Search admin key" })
        : undefined;

    // --- the access flows, granted from the table ---------------------------------------
    this.flows = impliedFlows({
      ...this.features,
      appKeys: searchKey ? appKeys : appKeys.filter((k) => k !== "search"),
      developers: developers.length > 0,
      signIn: this.webApp.signIn?.credential.kind === "clientSecret",
      appSecrets: Object.keys(config.webApp.vaultSecrets).length > 0,
    });
    for (const f of this.flows) {
      for (const caller of this.callers(f.caller, developers)) {
        this.grants.push(Grant.combine(...f.roles.map((role) => this.grantMethod(f.target, role)(caller, { flow: f.flow, reason: f.reason }))));
      }
    }

    // The calls the app and Search make, declared as a hand-composed stack would declare
    // them: the guardrails (and the audit CLI on cdk.tf.json) require the same matrix.
    const targets: Partial<Record<Party, IRoleScope>> = { openai: this.openai, search: this.search, storage: this.storage, keyVault: this.keyVault };
    const callers: Partial<Record<Party, WebApp | SearchService | OpenAIAccount>> = { webApp: this.webApp, search: this.search, openai: this.openai };
    for (const f of this.flows) {
      const [from, to] = [callers[f.caller], targets[f.target]];
      if (from && to) declareFlow(from, from.resource, f.flow, to);
    }

    // --- the network paths, derived from the same calls ---------------------------------
    this.network = new PlatformNetwork(this, "Network", {
      ...common(),
      network: props.network,
      parts: this,
      flows: this.flows,
      keyCalls: callsMadeWithKeys({
        onYourData: this.features.onYourData,
        appQueriesSearch: this.features.appQueriesSearch,
        openaiKeyed: openaiKey !== undefined,
        searchKeyed: searchKey !== undefined,
      }),
      publicAccessRequests: { "openai.publicNetworkAccessEnabled": props.openai?.publicNetworkAccessEnabled },
    });

    // --- app settings, derived from the same facts ------------------------------------
    // The profile's contract names every variable, the platform's own for the calls the
    // app makes included; one secrets rule judges each (constructs/settings/contract.ts).
    this.webApp.settings.usePolicy(config.settingsPolicy);
    const facts = this.facts(config, openaiKey?.versionlessId, searchKey?.versionlessId);
    const calls = { search: this.features.appQueriesSearch, blobs: this.features.appReadsBlobs };
    for (const s of contractSettings(this, this.profile, facts, calls)) {
      this.webApp.settings.set({
        name: s.name,
        value: s.value,
        description: s.description,
        origin: s.origin,
        keyVaultReference: s.keyVaultReference ?? false,
        ...(s.fact !== undefined ? { fact: s.fact } : {}),
      });
    }
    if (this.webApp.runtime.kind === "python") {
      this.webApp.settings.set({
        name: "SCM_DO_BUILD_DURING_DEPLOYMENT",
        value: "true",
        origin: "platform",
        description: "install requirements.txt on zip deploy",
        keyVaultReference: false,
      });
    }
    this.addExtraSettings(config.webApp.extraSettings);
    for (const [name, secretName] of Object.entries(config.webApp.vaultSecrets)) {
      this.webApp.settings.set({
        name,
        value: `@Microsoft.KeyVault(VaultName=${this.vault("app's own secrets").name};SecretName=${secretName})`,
        origin: "user",
        description: `secret "${secretName}" of the platform's Key Vault (you store it; F7)`,
        keyVaultReference: true,
      });
    }
    this.indexBuilderSettings = this.profile.indexBuilderSettings?.({ ...facts, subscriptionId: clientConfigOf(this).subscriptionId }) ?? [];

    if (config.protectStatefulResources) {
      for (const r of this.statefulResources) r.lifecycle = { ...r.lifecycle, preventDestroy: true };
    }
    this.node.addValidation({ validate: () => this.checkFlowsGranted() });
  }

  /** The access-matrix rows of this platform's stack. */
  public get accessMatrix(): readonly AccessRow[] {
    return AccessMatrix.of(this).rows;
  }

  /** The app settings with their origin (Key Vault references, never secret values). */
  public get appSettings(): readonly WebAppSetting[] {
    return this.webApp.settings.all;
  }

  /** Resources whose loss loses data or configuration that is slow to rebuild. */
  public get statefulResources(): TerraformResource[] {
    return [
      ...(this.resourceGroup ? [this.resourceGroup] : []),
      this.openai.resource,
      ...this.openai.deployments.map((d) => d.resource),
      this.search.resource,
      this.storage.resource,
      ...this.storage.containers.values(),
      ...(this.keyVault ? [this.keyVault.resource] : []),
      // Destroying the customer-managed key makes the account's data unreadable.
      ...(this.customerManagedKey ? [this.customerManagedKey] : []),
    ];
  }

  private grantMethod(target: Party, role: BuiltInRole): NonNullable<ReturnType<typeof grantMethodFor>> {
    const method = grantMethodFor(this, target, role);
    if (!method) throw new Error(`${this.node.path}: no grant method assigns ${role.name} on ${target}. ${PLATFORM_BUG}`);
    return method;
  }

  private callers(party: Party, developers: readonly EntraPrincipal[]): IGrantable[] {
    switch (party) {
      case "webApp":
        return [this.webApp];
      case "openai":
        return [this.openai];
      case "search":
        return [this.search];
      case "storage":
        return [this.storage];
      case "deployer":
        return [EntraPrincipal.deployer(this)];
      case "developers":
        return [...developers];
      default:
        throw new Error(`${party} cannot call`);
    }
  }

  /** The container the documents live in: the first one the storage account has. */
  public get documentsContainer(): string {
    return [...this.storage.containers.keys()][0];
  }

  /** The vault, for `what`; only asked for when resolveChatPlatform found a reason for one. */
  private vault(what: string): KeyVault {
    if (!this.keyVault) throw new Error(`${this.node.path}: the ${what} needs a Key Vault, but the configuration gave no reason for one. ${PLATFORM_BUG}`);
    return this.keyVault;
  }

  private facts(config: ChatPlatformConfig, openaiKeyUri?: string, searchKeyUri?: string): PlatformFacts {
    const q = config.search.query;
    const queried = this.features.onYourData || this.features.appQueriesSearch;
    return {
      authMode: this.authMode,
      openai: {
        resourceName: this.openai.customSubdomainName,
        endpoint: this.openai.endpoint,
        chatDeployment: this.chatDeployment,
        embeddingDeployment: this.embeddingDeployment,
        embeddingDimensions: config.openai.embeddingDimensions,
        keyReference: openaiKeyUri ? keyVaultReference(openaiKeyUri) : undefined,
      },
      search: queried
        ? {
            serviceName: this.search.name,
            endpoint: this.search.endpoint,
            indexName: q.indexName,
            queryType: q.queryType,
            topK: q.topK,
            semanticConfiguration: q.semanticConfiguration,
            vectorColumns: q.vectorColumns,
            semanticRanker: config.search.semanticSearch,
            keyReference: searchKeyUri ? keyVaultReference(searchKeyUri) : undefined,
          }
        : undefined,
      storage: this.features.appReadsBlobs
        ? { accountName: this.storage.name, blobEndpoint: this.storage.blobEndpoint, container: this.documentsContainer, resourceGroupName: this.resourceGroupName }
        : undefined,
      onYourData: this.features.onYourData,
      agenticRetrieval: q.knowledgeBaseName !== undefined ? { knowledgeBaseName: q.knowledgeBaseName, deployment: this.chatDeployment } : undefined,
      signInEnabled: this.webApp.signInEnabled,
      identity: this.identity ? { clientId: this.identity.clientId } : undefined,
    };
  }

  /** Extra settings, checked by resolveChatPlatform; here only a clash with a derived setting remains to be found. */
  private addExtraSettings(extra: Readonly<Record<string, string>>): void {
    for (const [name, value] of Object.entries(extra)) {
      const derived = this.webApp.settings.get(name);
      if (derived) {
        const shown = value !== "" && isSecretSetting(name, value) ? REDACTED : value;
        throw new ValidationError(
          this,
          `webApp.extraSettings.${name}`,
          shown,
          `overrides ${derived.name}, which the platform derives (${derived.description})${derived.name === name ? "" : "; setting names are case-insensitive"}`,
          "change the platform's configuration instead (e.g. openai.chatModel, search.indexName)",
        );
      }
      this.webApp.settings.set({ name, value, origin: "user", description: "extra setting", keyVaultReference: isKeyVaultReference(value) });
    }
  }

  /**
   * Self-check, run at synth: every implied flow has each of its roles, and the
   * platform granted nothing outside the implied flows. A failure is a platform bug.
   */
  private checkFlowsGranted(): string[] {
    const rows = this.grants.flatMap((g) => g.rows);
    const implied = new Set(this.flows.map((f) => f.flow));
    const errors: string[] = [];
    for (const f of this.flows) {
      for (const role of f.roles) {
        if (!rows.some((r) => r.flow === f.flow && r.roleId === role.id))
          errors.push(`${this.node.path}: flow ${f.flow} (${f.reason}) has no ${role.name} assignment. ${PLATFORM_BUG}`);
      }
    }
    for (const r of rows) {
      if (!r.flow || !implied.has(r.flow))
        errors.push(`${this.node.path}: ${r.role} for ${r.principal} on ${r.scope} is flow ${r.flow}, which this configuration does not imply. ${PLATFORM_BUG}`);
    }
    return errors;
  }
}
