import { createHash } from "crypto";
import { Construct, IConstruct } from "constructs";
import { Fn, TerraformResource, TerraformStack, dependable } from "cdktf";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { FlowId } from "../../catalogue/flows";
import { BuiltInRole, roleDefinitionId } from "../../catalogue/roles";
import { IGrantable, IPrincipal, PrincipalType } from "./principal";
import { clientConfigOf } from "./client-config";
import { compareText } from "../../catalogue/order";

/** A resource that role assignments can be scoped to. */
export interface IRoleScope extends IConstruct {
  /** ARM id of the resource (a reference resolved at apply time). */
  readonly resourceId: string;
  /** Human label for the access matrix ("Search chat-dev-srch-1a2b3c"). */
  readonly scopeLabel: string;
}

/**
 * Why a grant exists, for the access matrix. Resource constructs know nothing about
 * flows: the caller that knows why (ChatPlatform, from the flow table) says so.
 */
export interface GrantOptions {
  /**
   * The access flow (F1-F11, see catalogue/flows.ts) this grant authorizes.
   * @default none: the matrix shows the row without a flow
   */
  readonly flow?: FlowId;
  /**
   * One sentence saying why the grantee needs this.
   * @default what the role allows, as the grant method says it
   */
  readonly reason?: string;
}

/** One row of the access matrix: who holds which role where, and why. */
export interface AccessRow {
  readonly flow?: FlowId;
  readonly principal: string;
  readonly principalKind: IPrincipal["kind"];
  readonly principalType: PrincipalType | "looked up";
  readonly role: string;
  readonly roleId: string;
  readonly scope: string;
  readonly reason: string;
  /** Terraform address of the role assignment. */
  readonly address: string;
}

/**
 * The result of a grant: the role assignments it holds and the matrix rows it
 * recorded. Ordering is data: `grant.applyBefore(consumer)` makes the consumer wait
 * for the assignments instead of hand-written depends_on arrays.
 */
export class Grant {
  /**
   * Assigns `roles` to `grantee` on `target` and records the access-matrix rows. The
   * resource constructs' role-named grant methods (`grantOpenAIUser`, ...) call this.
   */
  public static onScope(target: IRoleScope, grantee: IGrantable, roles: readonly BuiltInRole[], options: GrantOptions & { readonly reason: string }): Grant {
    const { assignments, rows } = AccessMatrix.of(target).record(target, grantee, roles, options.flow, options.reason);
    return new Grant(assignments, rows);
  }

  /** Combines grants, e.g. to gate one action on several of them. */
  public static combine(...grants: Grant[]): Grant {
    const assignments = [...new Set(grants.flatMap((g) => g.assignments))];
    return new Grant(
      assignments,
      grants.flatMap((g) => g.rows),
    );
  }

  // Not instantiable by consumers on purpose: a Grant always holds assignments the
  // matrix recorded (made by the factories above), as aws-cdk's Grant does.
  private constructor(
    public readonly assignments: readonly RoleAssignment[],
    public readonly rows: readonly AccessRow[],
  ) {}

  /** Makes each consumer depend on every role assignment of this grant. */
  public applyBefore(...consumers: TerraformResource[]): this {
    for (const consumer of consumers) {
      addDependency(consumer, ...this.assignments);
    }
    return this;
  }
}

/**
 * Adds depends_on entries (as cdktf renders them: bare addresses) without duplicates.
 * Setting `dependsOn` after construction needs the `dependable()` wrapper, or the
 * address would render as an interpolation, which Terraform rejects in depends_on.
 */
export function addDependency(consumer: TerraformResource, ...dependencies: TerraformResource[]): void {
  const existing = consumer.dependsOn ?? [];
  const added = dependencies.map((d) => dependable(d)).filter((d) => !existing.includes(d));
  consumer.dependsOn = [...existing, ...added];
}

/** Role-assignment names must be GUIDs; deriving them keeps plans stable and re-creates idempotent. */
export function deterministicGuid(...parts: string[]): string {
  const h = createHash("sha1").update(parts.join("|")).digest("hex");
  // RFC 4122 layout, version 5 (name-based, SHA-1) and variant bits set.
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The synth-time half of a role assignment's name: the principal's identity (its key: an
 * object id, or the construct path of the identity's owner, known before the principal
 * exists) and the role. The scope's ARM id is the plan-time half.
 */
export function roleAssignmentSeed(principal: Pick<IPrincipal, "key">, role: Pick<BuiltInRole, "id">): string {
  return deterministicGuid(principal.key, role.id);
}

/** A principal's key in words, for the assignment's description (`system:dev/App` -> `system-assigned identity of dev/App`). */
function identityText(key: string): string {
  const at = key.indexOf(":");
  const [kind, rest] = at < 0 ? [key, ""] : [key.slice(0, at), key.slice(at + 1)];
  if (kind === "system") return `the system-assigned identity of ${rest}`;
  if (kind === "user-assigned") return `the user-assigned identity ${rest}`;
  if (kind === "object") return `object ${rest}`;
  return key === "deployer" ? "the principal running terraform" : key;
}

const MATRIX_ID = "AccessMatrix";

/**
 * Every grant made in one stack, de-duplicated: granting the same role to the same
 * principal on the same scope twice yields one assignment (and one row per flow).
 */
export class AccessMatrix extends Construct {
  /** The matrix of the stack that contains `scope`. */
  public static of(scope: IConstruct): AccessMatrix {
    const stack = TerraformStack.of(scope);
    return (stack.node.tryFindChild(MATRIX_ID) as AccessMatrix | undefined) ?? new AccessMatrix(stack, MATRIX_ID);
  }

  private readonly assignments = new Map<string, RoleAssignment>();
  private readonly rowList: AccessRow[] = [];

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /**
   * Assigns `roles` to `grantee` on `target` (idempotent) and records the rows. Grant
   * through the resource constructs' grant methods (or `Grant.onScope`), which call this.
   */
  public record(
    target: IRoleScope,
    grantee: IGrantable,
    roles: readonly BuiltInRole[],
    flow: FlowId | undefined,
    reason: string,
  ): { assignments: RoleAssignment[]; rows: AccessRow[] } {
    const principal = grantee.grantPrincipal;
    const assignments = roles.map((role) => this.assign(target, principal, role));
    const rows = roles.map((role, i) => {
      const row: AccessRow = {
        flow,
        principal: principal.label,
        principalKind: principal.kind,
        principalType: principal.principalType ?? "looked up",
        role: role.name,
        roleId: role.id,
        scope: target.scopeLabel,
        reason,
        address: `${assignments[i].terraformResourceType}.${assignments[i].friendlyUniqueId}`,
      };
      const duplicate = this.rowList.find((r) => r.address === row.address && r.flow === row.flow);
      if (!duplicate) this.rowList.push(row);
      return duplicate ?? row;
    });
    return { assignments, rows };
  }

  /**
   * The rows in a stable order: by flow, then principal, role and scope. A row without a
   * flow is left out when a flow explains the same assignment (a construct granted it
   * for its own needs, e.g. the deployer writing a secret, and the platform's flow table
   * grants it too).
   */
  public get rows(): readonly AccessRow[] {
    const order = (f?: FlowId) => (f ? Number(f.slice(1)) : 99);
    const explained = new Set(this.rowList.filter((r) => r.flow).map((r) => r.address));
    return this.rowList
      .filter((r) => r.flow || !explained.has(r.address))
      .sort((a, b) => order(a.flow) - order(b.flow) || compareText(a.principal, b.principal) || compareText(a.role, b.role) || compareText(a.scope, b.scope));
  }

  private assign(target: IRoleScope, principal: IPrincipal, role: BuiltInRole): RoleAssignment {
    const key = `${target.node.path}|${principal.key}|${role.id}`;
    const existing = this.assignments.get(key);
    if (existing) return existing;

    // Address, name and description depend only on the principal's identity (its key), the
    // role and the scope's construct path, never on a label: renaming a developer or a
    // principal is cosmetic and must not destroy and re-create its grants (every argument of
    // azurerm_role_assignment forces replacement).
    let id = `Grant-${principal.slug}-${role.slug}`;
    if (target.node.tryFindChild(id)) id = `${id}-${deterministicGuid(principal.key).slice(0, 8)}`;
    const assignment = new RoleAssignment(target, id, {
      // Bicep's guid(scope, principalId, roleId): a GUID derived at plan time from the
      // scope's ARM id (subscription, group and resource name) and a synth-time seed of the
      // principal's identity and the role. Stable across plans; two stamps or subscriptions
      // never reuse a name (a reused name fails with RoleAssignmentUpdateNotPermitted; names
      // must be unique in the tenant:
      // https://learn.microsoft.com/azure/role-based-access-control/role-assignments-template).
      name: Fn.uuidv5(roleAssignmentSeed(principal, role), target.resourceId),
      scope: target.resourceId,
      roleDefinitionId: roleDefinitionId(clientConfigOf(target).subscriptionId, role),
      principalId: principal.principalId,
      principalType: principal.principalType,
      description: `${role.name} for ${identityText(principal.key)}`,
    });
    this.assignments.set(key, assignment);
    return assignment;
  }
}
