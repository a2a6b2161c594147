/**
 * The human-readable plan, rendered from the *redacted* plan JSON (scripts/ci/redact-plan.ts)
 * in the shape of `terraform show`. Terraform's own text is never published: a provider can
 * print anything there (a PEM key over several lines, an escaped copy of a secret), and text
 * can only be scrubbed of what one knows to look for. Rendering from the redacted JSON shows
 * exactly what was redacted and nothing else.
 *
 * Dependency-free, erasable TypeScript: the token jobs run it with Node's type stripping.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The parts of a redacted resource change this renders. */
export interface ChangeForText {
  readonly address: string;
  readonly action_reason?: string;
  readonly change: { readonly actions: readonly string[]; readonly before: Json; readonly after: Json; readonly after_unknown?: Json };
}

export interface PlanForText {
  readonly resource_changes: readonly ChangeForText[];
  readonly output_changes?: { readonly [name: string]: Json };
}

/** What a change does, in words and as `terraform show`'s symbol. */
export function describeActions(actions: readonly string[]): { verb: string; symbol: string } {
  const key = actions.join(",");
  if (key === "create") return { verb: "will be created", symbol: "+" };
  if (key === "delete") return { verb: "will be destroyed", symbol: "-" };
  if (key === "update") return { verb: "will be updated in-place", symbol: "~" };
  if (key === "delete,create") return { verb: "must be replaced (destroyed, then created)", symbol: "-/+" };
  if (key === "create,delete") return { verb: "must be replaced (created, then destroyed)", symbol: "+/-" };
  if (actions.includes("forget")) return { verb: "will be removed from the state (not destroyed)", symbol: "." };
  if (key === "read") return { verb: "will be read during apply", symbol: "<=" };
  if (key === "no-op") return { verb: "is unchanged", symbol: " " };
  return { verb: `has actions Terraform calls ${JSON.stringify(actions)}`, symbol: "?" };
}

/** The plan as text: one block per change that does something, then the counts. */
export function renderPlanText(plan: PlanForText): string {
  const lines: string[] = [];
  let add = 0;
  let change = 0;
  let destroy = 0;
  for (const rc of plan.resource_changes) {
    const actions = rc.change?.actions ?? [];
    const key = actions.join(",");
    if (key === "no-op" || key === "read") continue;
    if (actions.includes("create")) add++;
    if (actions.includes("delete")) destroy++;
    if (key === "update") change++;
    const { verb, symbol } = describeActions(actions);
    lines.push(`# ${rc.address} ${verb}${rc.action_reason ? ` (${rc.action_reason})` : ""}`);
    lines.push(...attributeLines(rc.change.before, rc.change.after, rc.change.after_unknown, symbol).map((l) => `    ${l}`), "");
  }
  const outputs = Object.entries(plan.output_changes ?? {}).filter(([, oc]) => isObject(oc) && Array.isArray(oc.actions) && oc.actions.join(",") !== "no-op");
  if (outputs.length > 0) {
    lines.push("Changes to outputs:");
    for (const [name, oc] of outputs) {
      const o = oc as { [key: string]: Json };
      lines.push(`  ${describeActions(o.actions as string[]).symbol} ${name} = ${valueChange(o.before ?? null, o.after ?? null, o.after_unknown ?? false)}`);
    }
    lines.push("");
  }
  lines.push(add + change + destroy === 0 ? "No changes." : `Plan: ${add} to add, ${change} to change, ${destroy} to destroy.`);
  return `${lines.join("\n")}\n`;
}

/** One line per attribute that is set (create, delete) or differs (update, replace). */
function attributeLines(before: Json, after: Json, unknown: Json | undefined, symbol: string): string[] {
  // A change redacted whole (no sensitivity markers) is one value, not attributes.
  if ((before !== null && !isObject(before)) || (after !== null && !isObject(after))) {
    return [`${symbol === "-" ? "-" : symbol === "+" ? "+" : "~"} (every attribute) = ${valueChange(isObject(before) ? "{…}" : before, isObject(after) ? "{…}" : after, false)}`];
  }
  const b = isObject(before) ? before : {};
  const a = isObject(after) ? after : {};
  const u = isObject(unknown) ? unknown : {};
  const out: string[] = [];
  for (const name of [...new Set([...Object.keys(b), ...Object.keys(a), ...Object.keys(u)])].sort()) {
    const was = b[name] ?? null;
    const now = a[name] ?? null;
    const later = u[name] ?? false;
    if (symbol === "+") {
      if (now !== null || later !== false) out.push(`+ ${name} = ${later === true ? "(known after apply)" : render(now)}`);
    } else if (symbol === "-") {
      if (was !== null) out.push(`- ${name} = ${render(was)}`);
    } else if (render(was) !== render(now) || later !== false) {
      out.push(`~ ${name} = ${valueChange(was, now, later)}`);
    }
  }
  return out;
}

function valueChange(before: Json, after: Json, unknown: Json): string {
  const later = unknown === true ? "(known after apply)" : render(after);
  return before === null ? later : `${render(before)} -> ${later}`;
}

/** A value as compact JSON: strings quoted, so nothing in them reads as another line of the plan. */
function render(value: Json): string {
  return JSON.stringify(value) ?? "null";
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
