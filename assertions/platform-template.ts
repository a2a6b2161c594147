import { DefaultTokenResolver, StringConcat, TerraformStack, Testing, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";
import { type BuiltInRole, roleFromDefinitionId, roleFromName } from "../catalogue/roles";
import type { AuditResult } from "../guardrails/audit";
import { Guardrails, formatFinding } from "../guardrails/guardrails";
import type { IRoleScope } from "../constructs/rbac/grant";
import type { IGrantable } from "../constructs/rbac/principal";

/**
 * The testing kit: assertions on a synthesized stack in the platform's terms, after
 * aws-cdk-lib's `assertions.Template` (`Template.fromStack(stack).hasResourceProperties(...)`).
 * Who may call what (the access matrix as Terraform will create it), the guardrails'
 * verdict, and the app settings, each asked with the constructs themselves rather than
 * with Terraform addresses; and a stable JSON for snapshot tests. Jest matchers on top:
 * `import "azure-ai-chat-platform/jest"` (assertions/jest.ts).
 *
 *   const template = PlatformTemplate.fromStack(stack);
 *   template.hasGrant(platform.webApp, Roles.SearchIndexDataReader, platform.search);
 *   template.passesGuardrails();
 *   expect(template.appSettings(platform.webApp)).toMatchObject({ LLM_URL: expect.any(String) });
 *   expect(template.toJSON()).toMatchSnapshot();
 */

/** One role assignment as Terraform will create it, in readable terms. */
export interface TemplateGrant {
  /** Terraform address of the `azurerm_role_assignment`. */
  readonly address: string;
  /** `principal_id` as synthesized: a reference (`${azurerm_linux_web_app.x.identity[0].principal_id}`) or an object id. */
  readonly principalId: string;
  /** The built-in role, when the catalogue knows it. */
  readonly role?: BuiltInRole;
  /** The role definition's GUID. */
  readonly roleId: string;
  /** `scope` as synthesized: a reference (`${azurerm_search_service.x.id}`) or an ARM id. */
  readonly scope: string;
}

/** Who a grant is to: a construct that can be granted roles, or a principal id as synthesized. */
export type GrantPrincipal = IGrantable | string;
/** Where a grant is scoped: one of the resource constructs, or a scope as synthesized. */
export type GrantScope = IRoleScope | string;

const GUID_AT_END = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PlatformTemplate {
  /**
   * Synthesizes `stack` as `cdktf synth` does: aspects, then every validation (the
   * guardrails included, when applied), then the JSON. A failing synth throws its
   * SynthFailure, with every problem.
   */
  public static fromStack(stack: TerraformStack): PlatformTemplate {
    return new PlatformTemplate(stack, JSON.parse(Testing.synth(stack, true)));
  }

  private audited?: AuditResult;

  private constructor(
    private readonly stack: TerraformStack,
    private readonly json: { resource?: Record<string, Record<string, Record<string, unknown>>> },
  ) {}

  /** Every role assignment of the stack. */
  public grants(): readonly TemplateGrant[] {
    return Object.entries(this.json.resource?.azurerm_role_assignment ?? {}).map(([name, body]) => {
      const roleId =
        String(body.role_definition_id ?? "")
          .match(GUID_AT_END)?.[0]
          ?.toLowerCase() ?? "";
      const role = roleId ? roleFromDefinitionId(roleId) : typeof body.role_definition_name === "string" ? roleFromName(body.role_definition_name) : undefined;
      return {
        address: `azurerm_role_assignment.${name}`,
        principalId: String(body.principal_id),
        roleId: role?.id ?? roleId,
        scope: String(body.scope),
        ...(role ? { role } : {}),
      };
    });
  }

  /** The grants `principal` holds (on `scope`, when given). */
  public grantsOf(principal: GrantPrincipal, scope?: GrantScope): readonly TemplateGrant[] {
    const id = this.principalIdOf(principal);
    const where = scope === undefined ? undefined : this.scopeOf(scope);
    return this.grants().filter((g) => g.principalId === id && (where === undefined || g.scope === where));
  }

  /** Throws unless `principal` holds `role` on `scope`, listing what it does hold. */
  public hasGrant(principal: GrantPrincipal, role: BuiltInRole | string, scope: GrantScope): void {
    const problem = this.grantProblem(principal, role, scope);
    if (problem) throw new Error(problem);
  }

  /** Why `principal` does not hold `role` on `scope`, or undefined when it does. */
  public grantProblem(principal: GrantPrincipal, role: BuiltInRole | string, scope: GrantScope): string | undefined {
    const roleId = typeof role === "string" ? (roleFromName(role)?.id ?? role.toLowerCase()) : role.id;
    const held = this.grantsOf(principal);
    const where = this.scopeOf(scope);
    if (held.some((g) => g.roleId === roleId && g.scope === where)) return undefined;
    const name = typeof role === "string" ? role : role.name;
    const list = held.map((g) => `${g.role?.name ?? g.roleId} on ${g.scope}`).join("; ") || "nothing";
    return `${describe(principal)} holds no ${name} on ${describe(scope)} (${where}); it holds: ${list}`;
  }

  /** The app settings of a web app (a WebApp construct, or the only web app of the stack). */
  public appSettings(webApp?: IConstruct & { readonly resource: { readonly friendlyUniqueId: string } }): Readonly<Record<string, string>> {
    const apps = this.json.resource?.azurerm_linux_web_app ?? {};
    const names = Object.keys(apps);
    const name = webApp ? webApp.resource.friendlyUniqueId : names.length === 1 ? names[0] : undefined;
    if (name === undefined || !apps[name]) {
      throw new Error(webApp ? `${webApp.node.path} is not a web app of this stack` : `the stack has ${names.length} web apps: name the one to read (appSettings(webApp))`);
    }
    return (apps[name].app_settings ?? {}) as Record<string, string>;
  }

  /** The guardrails' verdict on the synthesized stack (the same pack ChatStack applies). */
  public guardrails(): AuditResult {
    this.audited ??= Guardrails.of(this.stack).result(true);
    return this.audited;
  }

  /** Throws, listing them, unless the guardrails find no error (warnings count when `failOn` is "warning"). */
  public passesGuardrails(failOn: "error" | "warning" = "error"): void {
    const failing = this.guardrails().findings.filter((f) => failOn === "warning" || f.severity === "error");
    if (failing.length > 0) throw new Error(`the guardrails find ${failing.length} problem(s):\n${failing.map((f) => `  ${formatFinding(f)}`).join("\n")}`);
  }

  /**
   * The synthesized JSON without cdktf's metadata, stable across machines, clones and
   * runs (names are plan-time expressions, never literals of the machine): what a
   * snapshot test stores.
   */
  public toJSON(): unknown {
    return this.json;
  }

  private principalIdOf(principal: GrantPrincipal): string {
    return typeof principal === "string" ? principal : this.resolve(principal.grantPrincipal.principalId);
  }

  private scopeOf(scope: GrantScope): string {
    return typeof scope === "string" ? scope : this.resolve(scope.resourceId);
  }

  /** A token as the synthesized JSON spells it (`${azurerm_search_service.x.id}`). */
  private resolve(value: string): string {
    return String(Tokenization.resolve(value, { scope: this.stack, resolver: new DefaultTokenResolver(new StringConcat()) }));
  }
}

function describe(x: GrantPrincipal | GrantScope): string {
  if (typeof x === "string") return x;
  if ("scopeLabel" in x && "node" in x) return `${x.node.path} (${x.scopeLabel})`;
  return (x as IGrantable).grantPrincipal.label;
}
