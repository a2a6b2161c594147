import { appKind, apps, describe } from "../azure";
import { NETWORK_TYPES, appIntegration } from "../network";
import { type Finding, type Rule, finding } from "../rule";
import { blocks } from "../terraform-json";

/** Smallest subnet App Service regional VNet integration accepts. */
const MIN_PREFIX = 28;

/**
 * A web app's VNet integration subnet must be dedicated: delegated to
 * Microsoft.Web/serverFarms, /28 or larger, and not the private endpoints' subnet
 * ("The virtual network integration feature cannot use the same subnet as private
 * endpoint"). Otherwise the integration fails to configure and every private path of
 * the app (F1, F7, F8, F11) is gone.
 * https://learn.microsoft.com/azure/app-service/overview-vnet-integration#subnet-requirements
 * https://learn.microsoft.com/azure/app-service/networking/private-endpoint
 */
export const networkIntegrationSubnet: Rule = {
  id: "AZ-NET-003",
  name: "network-integration-subnet",
  severity: "error",
  title: "A web app's VNet integration subnet is not a dedicated, delegated /28 or larger",
  why: "App Service VNet integration needs its own subnet delegated to Microsoft.Web/serverFarms, /28 or larger (/26 recommended), not shared with private endpoints; otherwise the integration fails to configure.",
  fix: 'Give the app its own subnet with delegation { service_delegation { name = "Microsoft.Web/serverFarms" } } and a /26 prefix, and put private endpoints in another subnet.',
  helpUri: "https://learn.microsoft.com/azure/app-service/overview-vnet-integration#subnet-requirements",
  evaluate(model) {
    const findings: Finding[] = [];
    // App Service's requirements; a Container Apps environment's subnet has its own.
    for (const app of apps(model).filter((a) => appKind(a) !== "containerApp")) {
      const subnet = appIntegration(model, app).subnet;
      if (!subnet) continue;
      const problems: string[] = [];
      const names = blocks(subnet.values.delegation).flatMap((d) => blocks(d.service_delegation).map((s) => s.name));
      // A delegation whose name the audit cannot resolve (a dynamic block over unknown input) may be the right one.
      const delegated = names.some((n) => n === "Microsoft.Web/serverFarms" || typeof n !== "string" || n.includes("${"));
      if (!delegated) problems.push("is not delegated to Microsoft.Web/serverFarms");
      const prefixes = Array.isArray(subnet.values.address_prefixes) ? subnet.values.address_prefixes.map(String) : [];
      const small = prefixes.filter((p) => Number(/\/(\d+)$/.exec(p)?.[1] ?? 0) > MIN_PREFIX);
      if (small.length > 0) problems.push(`has address_prefixes ${small.join(", ")}, smaller than /${MIN_PREFIX}`);
      const shared = model.ofType(NETWORK_TYPES.privateEndpoint).filter((pe) => model.referenced(pe, ["subnet_id"]).includes(subnet));
      if (shared.length > 0) problems.push(`is shared with private endpoint ${shared.map((pe) => pe.address).join(", ")}`);
      if (problems.length === 0) continue;
      findings.push(
        finding(
          this,
          subnet,
          `${describe(subnet)}, the VNet integration subnet of ${app.address}, ${problems.join("; ")}. Symptom: the integration fails to configure, and the app reaches no private endpoint.`,
        ),
      );
    }
    return findings;
  },
};
