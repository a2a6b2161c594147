import { NETWORK_PATHS } from "../../catalogue/network-paths";
import { FLOWS } from "../../catalogue/flows";
import { TYPES, appSettings, apps, describe, isApp, isTrue, openAiAccounts, settingTargets } from "../azure";
import { type ImpliedFlow, inferFlows } from "../flow-inference";
import type { StackModel } from "../model";
import { NETWORK_TYPES, appIntegration, endpointsTo, isRestricted, privateLinkOf, trustedPath } from "../network";
import { armTypeOf } from "../normalize";
import { type Finding, type Rule, finding } from "../rule";
import { type TfResource, str } from "../terraform-json";

/**
 * The network half of the flow audit: every flow the configuration implies (the same
 * inference as AZ-FLOW-001) must not only be authorized but reachable. For a target
 * whose public endpoint is closed, the caller needs the path catalogue/network-paths.ts
 * documents for the flow:
 * - a web app (F1, F7, F8, F11): VNet integration, a private endpoint with the target's
 *   sub-resource, its DNS zone in the endpoint's zone group and linked to the app's VNet,
 *   and for Key Vault references (F7) vnet_route_all_enabled;
 * - an Azure service calling another (F2-F6): the target's trusted-service rule.
 * Each finding names the runtime symptom (docs/network.md section 7).
 */

/** A call to check: an implied flow, or the app calling OpenAI with a key (same path as F1). */
interface Call {
  readonly flowId: keyof typeof NETWORK_PATHS;
  readonly caller: TfResource;
  readonly target: TfResource;
}

function callsOf(model: StackModel): Call[] {
  const calls: Call[] = [];
  for (const f of inferFlows(model) as readonly ImpliedFlow[]) {
    if (f.caller && f.target && f.flow.caller !== "deployer" && f.flow.caller !== "developers") calls.push({ flowId: f.flow.id, caller: f.caller, target: f.target });
  }
  // With a key, the app's call to OpenAI is no access flow (no role), but it crosses the
  // network all the same.
  for (const app of apps(model)) {
    for (const s of appSettings(model, app)) {
      for (const t of settingTargets(model, s)) {
        if (openAiAccounts(model).includes(t) && !calls.some((c) => c.caller === app && c.target === t)) calls.push({ flowId: "F1", caller: app, target: t });
      }
    }
  }
  return calls;
}

function problemsOf(model: StackModel, call: Call): string[] {
  const { caller, target } = call;
  if (!isApp(caller)) {
    const trusted = trustedPath(model, caller, target);
    return trusted.ok ? [] : [`${target.address} closes its public endpoint and does not let ${caller.address} in as a trusted service: missing ${trusted.missing}`];
  }
  return appProblems(model, call);
}

/**
 * OpenAI's outbound restriction applies whether or not the target is closed: On Your
 * Data's call to Search must be on the allowed FQDN list (docs/network.md F2).
 */
function outboundProblem(call: Call): string | undefined {
  const { caller, target } = call;
  if (caller.type !== TYPES.cognitiveAccount || target.type !== TYPES.search || !isTrue(caller.values.outbound_network_access_restricted)) return undefined;
  const name = str(target.values.name);
  const fqdns = Array.isArray(caller.values.fqdns) ? caller.values.fqdns.map(String) : [];
  if (name && fqdns.some((f) => f.toLowerCase() === `${name}.search.windows.net`.toLowerCase())) return undefined;
  if (!name && fqdns.some((f) => f.includes(target.address))) return undefined;
  return `${caller.address} has outbound_network_access_restricted = true and its fqdns ${JSON.stringify(fqdns)} lack ${name ? `${name}.search.windows.net` : `the host of ${target.address}`}`;
}

function appProblems(model: StackModel, call: Call): string[] {
  const { caller, target, flowId } = call;
  const link = privateLinkOf(target);
  if (!link) return [];
  const integration = appIntegration(model, caller);
  const problems: string[] = [];
  if (!integration.vnet) problems.push(`${caller.address} has no regional VNet integration (virtual_network_subnet_id or a swift connection), so it only reaches public endpoints`);
  if (flowId === "F7" && !integration.routeAll)
    problems.push(`${caller.address} does not set site_config.vnet_route_all_enabled = true: Linux apps resolve Key Vault references over private endpoints only with route-all`);
  const endpoints = endpointsTo(model, target).filter((e) => e.subresources.includes(link.subresource));
  const zone = link.zones[0];
  if (endpoints.length === 0) {
    problems.push(`${target.address} has no private endpoint with subresource_names = ["${link.subresource}"]`);
  } else if (!endpoints.some((e) => e.zones.includes(zone))) {
    problems.push(`no private endpoint of ${target.address} has ${zone} in its private_dns_zone_group, so its host name still resolves to the public address`);
  } else if (integration.vnet && !endpoints.some((e) => e.links.get(zone)?.includes(integration.vnet!))) {
    problems.push(`the private DNS zone ${zone} is not linked to ${integration.vnet}, the VNet ${caller.address} is integrated into`);
  }
  return problems;
}

export const networkReachability: Rule = {
  id: "AZ-NET-001",
  name: "network-reachability",
  severity: "error",
  title: "An implied flow cannot reach its target through the network",
  why: "With public network access off, each call needs its documented path (private endpoint + linked DNS zone from the caller's VNet, or the target's trusted-service rule); otherwise the first call fails with 403 although every role is in place (Microsoft Learn: Azure OpenAI On Your Data, network configuration).",
  fix: 'Give the caller the path catalogue/network-paths.ts lists for the flow (ChatPlatform\'s network.mode "private" builds them all).',
  helpUri: "https://learn.microsoft.com/azure/ai-foundry/openai/how-to/on-your-data-configuration",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const call of callsOf(model)) {
      const outbound = outboundProblem(call);
      if (outbound) {
        findings.push(
          finding(
            this,
            call.caller,
            `${call.flowId} (${FLOWS[call.flowId].title}) from ${describe(call.caller)} to ${call.target.address}: ${outbound}. Symptom at runtime: "Outbound network access is restricted. The hostname '<name>.search.windows.net' for parameter 'endpoint' is not in the allowed FQDN list for this resource."`,
            { fix: "Add the Search host (<name>.search.windows.net) to fqdns, or set outbound_network_access_restricted = false." },
          ),
        );
      }
      const problems = isRestricted(call.target) ? problemsOf(model, call) : [];
      if (problems.length === 0) continue;
      const path = NETWORK_PATHS[call.flowId];
      // A private endpoint the loader could not expand may be the missing path: say so, do not fail on a guess.
      const unexpanded = model.unexpanded
        .filter((r) => r.type === NETWORK_TYPES.privateEndpoint || /\/privateEndpoints$/i.test(armTypeOf(r.values.type) ?? ""))
        .map((r) => r.address);
      const message =
        `${call.flowId} (${FLOWS[call.flowId].title}) from ${describe(call.caller)} to ${call.target.address}: ${problems.join("; ")}. ` +
        (unexpanded.length > 0 ? `Not judged: ${unexpanded.join(", ")} could not be expanded and may be the path. ` : "") +
        `Symptom at runtime: ${path?.symptom ?? "403 from the target"}.`;
      findings.push(
        finding(this, call.caller, message, {
          fix: path ? `${this.fix} For ${call.flowId}: ${path.summary}.` : this.fix,
          ...(unexpanded.length > 0 ? { severity: "warning" } : {}),
        }),
      );
    }
    return findings;
  },
};
