import type { TerraformResource } from "cdktf";
import { FLOWS, type FlowId } from "../../catalogue/flows";
import { ValidationError } from "../errors";
import type { IRoleScope } from "./grant";

/**
 * Intent: the calls a resource makes with its identity, declared where it is built. The
 * guardrails infer flows from evidence (settings that point at a service, role
 * assignments); an app that finds its Search service some other way leaves no evidence,
 * and a forgotten grant would pass silently. A declared flow is required like an
 * inferred one: the flow audit (AZ-FLOW-001) fails the synth until its roles are
 * granted, so a hand-composed stack is held to the same matrix as ChatPlatform, which
 * declares its own flows the same way.
 *
 * The declaration travels in cdk.tf.json (`"//".guardrails.flows`, read by
 * guardrails/declarations.ts), so the audit CLI sees it too.
 */

/** Where declared flows are written on the caller's resource. */
export const FLOWS_OVERRIDE = "//.guardrails.flows";

const DECLARED = new WeakMap<TerraformResource, { flow: FlowId; target: IRoleScope }[]>();

/**
 * Declares that the resource `caller` (a web app, a Search service, an OpenAI account)
 * makes `flow`'s call to `target` with its identity. Idempotent.
 * @param owner the construct the caller belongs to, where errors point
 */
export function declareFlow(owner: { readonly node: { readonly path: string } }, caller: TerraformResource, flow: FlowId, target: IRoleScope): void {
  if (!FLOWS[flow]) {
    throw new ValidationError(owner.node.path, "flow", flow, "is not an access flow", `use one of ${Object.keys(FLOWS).join(", ")} (catalogue/flows.ts)`);
  }
  const list = DECLARED.get(caller) ?? [];
  if (list.some((d) => d.flow === flow && d.target === target)) return;
  list.push({ flow, target });
  DECLARED.set(caller, list);
  // Overrides replace arrays wholesale, so the full list is written every time.
  caller.addOverride(
    FLOWS_OVERRIDE,
    list.map((d) => ({ flow: d.flow, target: d.target.resourceId })),
  );
}

/** The flows declared on `caller`, for the review and tests. */
export function declaredFlows(caller: TerraformResource): readonly { readonly flow: FlowId; readonly target: IRoleScope }[] {
  return DECLARED.get(caller) ?? [];
}
