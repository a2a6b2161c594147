import { IConstruct } from "constructs";
import { Token } from "cdktf";
import { ValidationError } from "../errors";
import { checkGuid } from "../validate";
import { clientConfigOf } from "./client-config";

/**
 * `principal_type` on a role assignment. Setting it explicitly lets Azure skip the
 * directory lookup that fails for identities created seconds earlier
 * ("PrincipalNotFound" while Entra ID replicates).
 */
export type PrincipalType = "ServicePrincipal" | "User" | "Group";

export const PRINCIPAL_TYPES: readonly PrincipalType[] = ["ServicePrincipal", "User", "Group"];

/** What kind of identity a principal is; the flow audit needs it (On Your Data takes system-assigned only). */
export type IdentityKind = "system-assigned" | "user-assigned" | "user" | "group" | "service-principal" | "deployer";

export interface IPrincipal {
  /** Object id of the principal: a GUID, or a reference resolved at apply time. */
  readonly principalId: string;
  /**
   * Directory object type. Undefined only for the deployer, whose type is unknown at
   * synth (a person with `az login`, a service principal in CI) and who already exists.
   */
  readonly principalType?: PrincipalType;
  readonly kind: IdentityKind;
  /** Human label for the access matrix ("web app (system-assigned)"). */
  readonly label: string;
  /**
   * Stable identity of the principal: the object id, or the construct path of the
   * identity's owner. De-duplication, assignment addresses and names derive from it, never
   * from `label`, so renaming a label changes no Terraform address and no assignment name.
   */
  readonly key: string;
  /** Short address-safe hint used in construct ids ("webapp"), derived from the identity, not the label. */
  readonly slug: string;
}

/** Anything that can be granted a role: our constructs, a user-assigned identity, a raw principal. */
export interface IGrantable {
  readonly grantPrincipal: IPrincipal;
}

function slugOf(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 24) || "principal"
  );
}

/** A principal that is not one of our constructs. */
export class EntraPrincipal implements IGrantable, IPrincipal {
  /**
   * A person, group or service principal known by object id, e.g. a developer.
   * @param scope where validation errors point
   */
  public static fromObjectId(scope: IConstruct, objectId: string, type: PrincipalType, label?: string): EntraPrincipal {
    checkGuid(scope, "objectId", objectId, "principal's object id");
    if (!PRINCIPAL_TYPES.includes(type)) {
      throw new ValidationError(scope, "principalType", type, "is not a principal type", `use one of ${PRINCIPAL_TYPES.join(", ")}`);
    }
    const kind: IdentityKind = type === "User" ? "user" : type === "Group" ? "group" : "service-principal";
    // The slug comes from the object id: a label is for people and may change freely.
    const id = objectId.toLowerCase();
    return new EntraPrincipal(objectId, type, kind, label ?? `${type} ${objectId}`, `object:${id}`, `${kind}-${Token.isUnresolved(objectId) ? "ref" : id.slice(0, 8)}`);
  }

  /** The principal running `terraform apply` (from the provider's client config). */
  public static deployer(scope: IConstruct): EntraPrincipal {
    return new EntraPrincipal(clientConfigOf(scope).objectId, undefined, "deployer", "deployer (principal running terraform)", "deployer", "deployer");
  }

  /** The system-assigned identity of one of our constructs. */
  public static systemAssigned(owner: IConstruct, principalId: string, label: string): EntraPrincipal {
    return new EntraPrincipal(principalId, "ServicePrincipal", "system-assigned", `${label} (system-assigned)`, `system:${owner.node.path}`, slugOf(owner.node.id));
  }

  /** A user-assigned managed identity. */
  public static userAssigned(owner: IConstruct, principalId: string, label: string): EntraPrincipal {
    return new EntraPrincipal(principalId, "ServicePrincipal", "user-assigned", `${label} (user-assigned)`, `user-assigned:${owner.node.path}`, slugOf(owner.node.id));
  }

  /** Undefined only for the deployer (see IPrincipal). */
  public readonly principalType?: PrincipalType;

  private constructor(
    public readonly principalId: string,
    principalType: PrincipalType | undefined,
    public readonly kind: IdentityKind,
    public readonly label: string,
    public readonly key: string,
    public readonly slug: string,
  ) {
    // Absent rather than undefined, as IPrincipal declares it (exactOptionalPropertyTypes).
    if (principalType !== undefined) this.principalType = principalType;
  }

  public get grantPrincipal(): IPrincipal {
    return this;
  }
}
