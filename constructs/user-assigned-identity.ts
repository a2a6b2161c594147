import { Construct } from "constructs";
import { UserAssignedIdentity as UserAssignedIdentityResource } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { checkName, namingOf } from "./naming";
import { checkRegion } from "./validate";
import { IGrantable, IPrincipal, EntraPrincipal } from "./rbac/principal";

export interface UserAssignedIdentityProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /**
   * @default derived: `<prefix>-<env>-id-<hash>`
   */
  readonly name?: string;
  readonly tags?: Record<string, string>;
}

/**
 * A user-assigned managed identity. Code using it must say which identity it wants:
 * DefaultAzureCredential reads `AZURE_CLIENT_ID`, so `clientId` has to reach the app.
 */
export class UserAssignedIdentity extends Construct implements IGrantable {
  public readonly resource: UserAssignedIdentityResource;
  public readonly name: string;
  public readonly resourceId: string;
  public readonly clientId: string;
  public readonly principalId: string;
  public readonly grantPrincipal: IPrincipal;

  constructor(scope: Construct, id: string, props: UserAssignedIdentityProps) {
    super(scope, id);
    checkRegion(this, "location", props.location);
    this.name = checkName(this, "name", "userIdentity", props.name ?? namingOf(this).name("userIdentity"));
    this.resource = new UserAssignedIdentityResource(this, "Identity", {
      name: this.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      tags: props.tags,
    });
    this.resourceId = this.resource.id;
    this.clientId = this.resource.clientId;
    this.principalId = this.resource.principalId;
    this.grantPrincipal = EntraPrincipal.userAssigned(this, this.principalId, `identity ${this.name}`);
  }
}
