import { Construct } from "constructs";
import { AzurermBackend, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ChatPlatform, ChatPlatformProps } from "../constructs/chat-platform";
import { AppClaims } from "../constructs/app-claims";
import { ValidationError } from "../constructs/errors";
import { Observability, ObservabilityProps } from "../constructs/observability";
import { Guardrails, GuardrailsOptions } from "../guardrails/guardrails";

/**
 * Where Terraform keeps this stack's state: a blob in an Azure Storage container,
 * reached with Entra ID. Credentials are never part of the synthesized JSON: the
 * backend reads them from the environment (`az login` locally; ARM_USE_OIDC=true,
 * ARM_CLIENT_ID and ARM_TENANT_ID in GitHub Actions), so the same cdk.tf.json works on
 * every machine. https://developer.hashicorp.com/terraform/language/backend/azurerm
 */
export interface RemoteStateProps {
  readonly resourceGroupName: string;
  /** The state account; create it once (docs/delivery.md) with shared keys disabled. */
  readonly storageAccountName: string;
  /** @default "tfstate" */
  readonly containerName?: string;
  /**
   * State blob name.
   * @default "<stack name>.tfstate" (one key per stack)
   */
  readonly key?: string;
  /**
   * Subscription of the state storage account.
   * @default ARM_SUBSCRIPTION_ID (the subscription being deployed)
   */
  readonly subscriptionId?: string;
}

/** Observability options of a stack: the Observability props minus the platform. */
export type StackObservabilityProps = Omit<ObservabilityProps, "platform">;

export interface ChatStackProps {
  readonly platform: ChatPlatformProps;
  /**
   * Remote state in an Azure Storage container (see RemoteStateProps).
   * @default local state in `terraform.<stack>.tfstate` at the project root
   */
  readonly remoteState?: RemoteStateProps;
  /**
   * Logs, Application Insights and identity-failure alerts for the platform; `false`
   * for none.
   * @default {} (on, alerts visible in the portal without receivers)
   */
  readonly observability?: StackObservabilityProps | false;
  /**
   * How the rule pack runs at synth (see GuardrailsOptions), e.g. where warnings go.
   * @default the full pack; errors fail the synth, warnings print to stderr once per stack
   */
  readonly guardrails?: GuardrailsOptions;
}

/** State blobs (account/container/key), and the stack that keeps its state there. */
const STATE_BLOBS = new AppClaims();

/**
 * Two stacks with one state blob would each plan to destroy what the other deployed
 * (a key set once in the configuration's defaults does that to every environment).
 * Storage account names are global, so account/container/key names one blob.
 */
function claimStateBlob(stack: TerraformStack, blob: string, key: string): void {
  const other = STATE_BLOBS.claim(stack, blob, stack.node.id);
  if (other !== undefined) {
    throw new ValidationError(
      stack,
      "remoteState.key",
      key,
      `is the state of stack "${other}" too (${blob}): deploying either stack would plan to destroy what the other deployed`,
      'give each stack its own key, or leave key out (it defaults to "<stack>.tfstate")',
    );
  }
}

/**
 * One environment: the azurerm provider, a state backend and one ChatPlatform.
 */
export class ChatStack extends TerraformStack {
  public readonly platform: ChatPlatform;
  public readonly observability?: Observability;

  constructor(scope: Construct, id: string, props: ChatStackProps) {
    super(scope, id);
    new AzurermProvider(this, "azurerm", {
      // A private storage account refuses the provider's data-plane polling after create
      // (403 from the firewall is not tolerated); the containers go through ARM
      // (storage_account_id), so the data plane is never needed. docs/network.md section 4,
      // https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/guides/features-block
      features: [props.platform.network?.mode === "private" ? { storage: [{ dataPlaneAvailable: false }] } : {}],
      // Shared keys are off on our storage accounts, so the provider must manage
      // containers through Entra ID.
      storageUseAzuread: true,
      // No subscription_id here on purpose: azurerm 4 reads ARM_SUBSCRIPTION_ID itself at
      // plan time, which keeps the synthesized JSON free of machine-specific values.
    });

    if (props.remoteState) {
      const r = props.remoteState;
      const containerName = r.containerName ?? "tfstate";
      const key = r.key ?? `${id}.tfstate`;
      claimStateBlob(this, `${r.storageAccountName.toLowerCase()}/${containerName}/${key}`, key);
      new AzurermBackend(this, {
        resourceGroupName: r.resourceGroupName,
        storageAccountName: r.storageAccountName,
        containerName,
        key,
        subscriptionId: r.subscriptionId,
        // Data-plane auth (Storage Blob Data Contributor on the container): no account
        // keys, which the state account should not even allow. OIDC is not set here: the
        // backend reads ARM_USE_OIDC itself, keeping this JSON machine-independent.
        useAzureadAuth: true,
      });
    } else {
      // Terraform runs in cdktf.out/stacks/<stack>/, a build directory that `rm -rf cdktf.out`
      // or a renamed stack (cdktf deletes orphaned stack directories) would take the state
      // with it. Relative, so the JSON stays machine-independent (cdktf's default is absolute).
      new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    }

    this.platform = new ChatPlatform(this, "Platform", props.platform);
    const p = this.platform;
    // The azuread provider comes with the sign-in app registration (constructs/providers.ts):
    // only a stack whose platform manages one declares it.
    new TerraformOutput(this, "web_app_url", { value: p.webApp.url, description: "The chat app" });
    new TerraformOutput(this, "openai_endpoint", { value: p.openai.endpoint });
    new TerraformOutput(this, "search_endpoint", { value: p.search.endpoint });
    if (p.indexBuilderSettings.length > 0) {
      // Never a secret: builders run with their own identity (F10).
      new TerraformOutput(this, "index_builder_env", {
        value: Object.fromEntries(p.indexBuilderSettings.map((s) => [s.name, s.value])),
        description: `Environment for building the index with ${p.profile.name}'s ingestion (README "After cdktf deploy")`,
      });
    }
    if (p.keyVault) new TerraformOutput(this, "key_vault_uri", { value: p.keyVault.vaultUri });
    new TerraformOutput(this, "resource_group_name", { value: p.resourceGroupName });
    if (p.webApp.signIn) {
      new TerraformOutput(this, "sign_in_client_id", { value: p.webApp.signIn.clientId, description: "Application (client) id of the sign-in app registration" });
    }
    if (p.signIn?.signInIdentity) {
      new TerraformOutput(this, "sign_in_identity_principal_id", {
        value: p.signIn.signInIdentity.principalId,
        description: "Subject of the sign-in registration's federated credential",
      });
    }

    if (props.observability !== false) {
      this.observability = new Observability(this, "Observability", { ...props.observability, platform: p });
      new TerraformOutput(this, "log_analytics_workspace_id", { value: this.observability.workspace.id });
      new TerraformOutput(this, "application_insights_name", { value: this.observability.appInsights.name });
    }

    // Every synth of this stack runs the rule pack over its own JSON, raw resources a
    // user adds included: an error fails `cdktf synth` / `npm start`.
    // The audit judges lifecycle facts on the day the platform was judged on.
    Guardrails.apply(this, { today: p.config.today.date, ...props.guardrails });
  }

  /** Reuses the JSON the guardrails validation resolved moments before synthesis. */
  // biome-ignore lint/suspicious/noExplicitAny: the signature of cdktf's TerraformStack.toTerraform, which this overrides
  public toTerraform(): any {
    return Guardrails.of(this).takeAuditedJson() ?? super.toTerraform();
  }
}
