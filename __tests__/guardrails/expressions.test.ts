import { FAILED, UNKNOWN, conformToType, evaluateExpression, type Environment } from "../../guardrails/expressions";
import { ModuleScope, resolveBody, substitute } from "../../guardrails/static-eval";

/** The expression language a static audit evaluates (guardrails/expressions.ts). */

const vars = new Map<string, unknown>([
  ["enabled", true],
  ["kind", "OpenAI"],
  ["cmk", null],
  ["roles", { reader: { role: "Search Index Data Reader" }, writer: { role: "Search Index Data Contributor", enabled: false } }],
  ["names", ["a", "b", "a"]],
]);
const env: Environment = { variable: (n) => (vars.has(n) ? vars.get(n) : UNKNOWN), local: () => UNKNOWN };
const evaluate = (text: string) => evaluateExpression(text, env, (raw) => raw);

describe("expressions", () => {
  it.each([
    ["var.enabled ? 1 : 0", 1],
    ['var.kind != "AIServices" ? 1 : 0', 1],
    ['var.kind == "AIServices" && var.enabled ? 1 : 0', 0],
    ["var.cmk != null ? 1 : 0", 0],
    ["!var.enabled", false],
    ["length(var.names) > 2", true],
    ['toset(["Key Vault Administrator"])', ["Key Vault Administrator"]],
    ["toset(var.names)", ["a", "b"]],
    ["try(var.cmk.identity != null, false)", false],
    ["can(var.cmk.identity)", false],
    ['coalesce(var.cmk, "x")', "x"],
    ['lookup(var.roles, "missing", "none")', "none"],
    ["{ for k, v in var.roles : k => v.role if try(v.enabled, true) }", { reader: "Search Index Data Reader" }],
    ["[for n in var.names : upper(n)]", ["A", "B", "A"]],
    ["var.names[*]", ["a", "b", "a"]],
    ['jsonencode({ kind = var.kind, sku = { name = "S0" } })', '{"kind":"OpenAI","sku":{"name":"S0"}}'],
  ])("%s", (text, expected) => {
    expect(evaluate(text)).toEqual(expected);
  });

  it("keeps an unknown element of an object or tuple as its text, so its references survive", () => {
    expect(evaluate("{ scope = azurerm_search_service.s.id, role = var.kind }")).toEqual({ scope: "${azurerm_search_service.s.id}", role: "OpenAI" });
    expect(evaluate("jsonencode({ id = azurerm_x.y.id })")).toBe('{"id":"${azurerm_x.y.id}"}');
  });

  it("keeps a resource attribute as its reference, through a known condition and attribute steps", () => {
    expect(evaluate("azurerm_x.y.id")).toBe("${azurerm_x.y.id}");
    expect(evaluate('(var.kind == "AIServices" ? azapi_resource.ai[0] : azapi_resource.this[0]).id')).toBe("${azapi_resource.this[0].id}");
    const local = new Map<string, unknown>([["account", "${azapi_resource.this[0]}"]]);
    const withLocal: Environment = { ...env, local: (n) => (local.has(n) ? local.get(n) : UNKNOWN) };
    expect(evaluateExpression('local.account.output.properties["endpoint"]', withLocal, (raw) => raw)).toBe('${azapi_resource.this[0].output.properties["endpoint"]}');
  });

  it("is unknown for a variable without default, an unknown condition and an unknown function", () => {
    expect(evaluate("var.nope ? 1 : 0")).toBe(UNKNOWN);
    expect(evaluate("var.nope ? azurerm_a.b.id : azurerm_c.d.id")).toBe(UNKNOWN);
    expect(evaluate("uuid()")).toBe(UNKNOWN);
    expect(evaluate("provider::namep::namestring(var.kind)")).toBe(UNKNOWN);
  });

  it("fails where Terraform fails, so try() moves on", () => {
    expect(evaluate("var.cmk.identity")).toBe(FAILED);
    expect(evaluate('var.roles["missing"]')).toBe(FAILED);
  });

  it("gives up on syntax it does not know, and on nesting deeper than it parses", () => {
    expect(evaluate("<<EOT\nx\nEOT")).toBe(UNKNOWN);
    expect(evaluate(`${"(".repeat(500)}1${")".repeat(500)}`)).toBe(UNKNOWN);
  });

  it("fills optional object attributes with their defaults, as Terraform converts a variable", () => {
    const type = "${object({ system_assigned = optional(bool, false), user_assigned_resource_ids = optional(set(string), []), x = optional(string) })}";
    expect(conformToType({}, type)).toEqual({ system_assigned: false, user_assigned_resource_ids: [], x: null });
    expect(conformToType({ a: {} }, "${map(object({ enabled = optional(bool, true) }))}")).toEqual({ a: { enabled: true } });
  });
});

describe("static evaluation of values", () => {
  it("resolves locals lazily, in any order, and leaves a cycle unresolved", () => {
    const module = new ModuleScope(
      new Map([["prefix", "chat"]]),
      new Map<string, unknown>([
        ["name", "${local.base}-oai"],
        ["base", "${var.prefix}"],
        ["loop", "${local.loop}"],
      ]),
    );
    expect(substitute({ a: "${local.name}", b: "${local.loop}" }, { module })).toEqual({ a: "chat-oai", b: "${local.loop}" });
  });

  it("expands dynamic blocks over known collections and keeps an unresolved one present", () => {
    const module = new ModuleScope(new Map<string, unknown>([["delegate", true]]), new Map());
    const body = {
      name: "s",
      dynamic: {
        delegation: [{ for_each: "${var.delegate ? [1] : []}", content: [{ name: "d", service_delegation: [{ name: "Microsoft.Web/serverFarms" }] }] }],
        rule: [{ for_each: "${var.unknown}", iterator: "r", content: [{ name: "${r.value.name}" }] }],
      },
    };
    expect(resolveBody(body, { module })).toEqual({
      name: "s",
      delegation: [{ name: "d", service_delegation: [{ name: "Microsoft.Web/serverFarms" }] }],
      rule: [{ name: "${r.value.name}" }],
    });
  });
});
