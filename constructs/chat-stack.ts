import { Construct } from "constructs";
import { AzurermBackend, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ChatPlatform, ChatPlatformProps } from "./chat-platform";

/** Where Terraform keeps this stack's state. */
export interface RemoteStateProps {
  readonly resourceGroupName: string;
  readonly storageAccountName: string;
  /** @default "tfstate" */
  readonly containerName?: string;
  /**
   * State blob name.
   * @default "<stack name>.tfstate" (one key per stack)
   */
  readonly key?: string;
}

export interface ChatStackProps {
  readonly platform: ChatPlatformProps;
  /**
   * Remote state in an Azure Storage container, reached with Entra ID (and OIDC in
   * CI when ARM_USE_OIDC is set).
   * @default local state in `terraform.<stack>.tfstate`
   */
  readonly remoteState?: RemoteStateProps;
}

/**
 * One environment: the azurerm provider, a state backend and one ChatPlatform.
 */
export class ChatStack extends TerraformStack {
  public readonly platform: ChatPlatform;

  constructor(scope: Construct, id: string, props: ChatStackProps) {
    super(scope, id);
    new AzurermProvider(this, "azurerm", {
      features: [{}],
      // Shared keys are off on our storage accounts, so the provider must manage
      // containers through Entra ID.
      storageUseAzuread: true,
      // No subscription_id here on purpose: azurerm 4 reads ARM_SUBSCRIPTION_ID itself at
      // plan time, which keeps the synthesized JSON free of machine-specific values.
    });

    if (props.remoteState) {
      const r = props.remoteState;
      new AzurermBackend(this, {
        resourceGroupName: r.resourceGroupName,
        storageAccountName: r.storageAccountName,
        containerName: r.containerName ?? "tfstate",
        key: r.key ?? `${id}.tfstate`,
        useAzureadAuth: true,
      });
    } else {
      new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    }

    this.platform = new ChatPlatform(this, "Platform", props.platform);
    const p = this.platform;
    new TerraformOutput(this, "web_app_url", { value: p.webApp.url, description: "The chat app" });
    new TerraformOutput(this, "openai_endpoint", { value: p.openai.endpoint });
    new TerraformOutput(this, "search_endpoint", { value: p.search.endpoint });
    new TerraformOutput(this, "key_vault_uri", { value: p.keyVault.vaultUri });
    new TerraformOutput(this, "resource_group_name", { value: p.resourceGroupName });
  }
}
