import type { IConstruct } from "constructs";
import { Aspects, type IAspect, TerraformProvider, TerraformStack } from "cdktf";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";

/**
 * Providers the constructs need besides azurerm, which the stack's owner configures
 * (features, credentials, subscription). These two take no configuration of their own:
 * `time` has none, and `azuread` reads the same `az login` / OIDC credentials as azurerm.
 * So a construct that creates their resources adds the default one to its stack, unless
 * the stack already has one: a missing provider would otherwise fail the synth with
 * cdktf's generic "Found resources without a matching provider construct".
 */
const PROVIDERS = {
  time: (stack: TerraformStack, id: string) => new TimeProvider(stack, id, {}),
  azuread: (stack: TerraformStack, id: string) => new AzureadProvider(stack, id, {}),
} as const;

export type AddedProvider = keyof typeof PROVIDERS;

/**
 * Makes sure the stack containing `scope` has a default (unaliased) provider of `type` at
 * synth. Checked when the stack is synthesized, not now: the owner may add their own
 * provider after building the constructs, and two default providers of one type are an
 * error in Terraform.
 */
export function requireProvider(scope: IConstruct, type: AddedProvider): void {
  const stack = TerraformStack.of(scope);
  let aspect = REQUIRED.get(stack);
  if (!aspect) {
    aspect = new RequiredProviders();
    REQUIRED.set(stack, aspect);
    Aspects.of(stack).add(aspect);
  }
  aspect.types.add(type);
}

const REQUIRED = new WeakMap<TerraformStack, RequiredProviders>();

/** Runs first on the stack itself (aspects visit a construct before its children). */
class RequiredProviders implements IAspect {
  public readonly types = new Set<AddedProvider>();

  public visit(node: IConstruct): void {
    if (!(node instanceof TerraformStack)) return;
    for (const type of this.types) {
      const present = node.node.findAll().some((c) => TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === type && c.alias === undefined);
      if (present) continue;
      const id = node.node.tryFindChild(type) ? `${type}-default` : type;
      PROVIDERS[type](node, id);
    }
  }
}

/**
 * Whether the stack's default azurerm provider skips the storage data plane
 * (`features { storage { data_plane_available = false } }`): undefined when the stack has
 * no such provider (cdktf reports that) or its features are an expression.
 */
export function storageDataPlaneSkipped(scope: IConstruct): boolean | undefined {
  const stack = TerraformStack.of(scope);
  const provider = stack.node.findAll().find((c): c is AzurermProvider => c instanceof AzurermProvider && c.alias === undefined);
  if (!provider) return undefined;
  const features = provider.features;
  if (!Array.isArray(features)) return features === undefined ? false : undefined;
  const storage = features[0]?.storage;
  if (storage !== undefined && !Array.isArray(storage)) return undefined;
  const available = storage?.[0]?.dataPlaneAvailable;
  return typeof available === "boolean" ? available === false : available === undefined ? false : undefined;
}
