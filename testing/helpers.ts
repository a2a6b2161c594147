import { App, Testing, TerraformStack } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { ChatPlatform, ChatPlatformProps } from "../constructs/chat-platform";

export type TfJson = { resource: Record<string, Record<string, Record<string, any>>>; data?: Record<string, any>; output?: Record<string, any> };

/**
 * A stack with the azurerm and azuread (sign-in registration) providers, ready for
 * constructs under test; azurerm as ChatStack configures it in private mode (a closed
 * storage account requires the data plane skipped: StorageAccount checks it at synth).
 */
export function newStack(id = "test"): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, id);
  new AzurermProvider(stack, "azurerm", { features: [{ storage: [{ dataPlaneAvailable: false }] }], storageUseAzuread: true });
  new AzureadProvider(stack, "azuread", {});
  return stack;
}

/** Synthesizes `stack` (running validations) and parses the JSON. */
export function synthJson(stack: TerraformStack): TfJson {
  return JSON.parse(Testing.synth(stack, true));
}

/** A ChatPlatform with `props` in a fresh stack, synthesized. */
export function synthPlatform(props: Partial<ChatPlatformProps> = {}): { platform: ChatPlatform; json: TfJson; stack: TerraformStack } {
  const stack = newStack();
  const platform = new ChatPlatform(stack, "Platform", { environment: "dev", ...props });
  return { platform, stack, json: synthJson(stack) };
}

export function resources(json: TfJson, type: string): Record<string, any>[] {
  return Object.values(json.resource[type] ?? {});
}

export function onlyResource(json: TfJson, type: string): Record<string, any> {
  const all = resources(json, type);
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

/** The address `${type}.${name}` of the single resource of a type. */
export function addressOf(json: TfJson, type: string): string {
  const names = Object.keys(json.resource[type] ?? {});
  if (names.length !== 1) throw new Error(`expected one ${type}, found ${names.length}`);
  return `${type}.${names[0]}`;
}

/** The address of the resource of `type` whose name (derived from its construct path) contains `part`. */
export function addressNamed(json: TfJson, type: string, part: string): string {
  const names = Object.keys(json.resource[type] ?? {}).filter((n) => n.includes(part));
  if (names.length !== 1) throw new Error(`expected one ${type} named *${part}*, found ${names.length}`);
  return `${type}.${names[0]}`;
}

export interface AssignmentTuple {
  principal: string;
  role: string;
  scope: string;
  principalType?: string;
}

/** Role assignments as readable tuples: principal/scope addresses and the role GUID. */
export function assignments(json: TfJson): AssignmentTuple[] {
  return resources(json, "azurerm_role_assignment").map((r) => ({
    principal: String(r.principal_id).replace(/^\$\{|\}$/g, ""),
    role: String(r.role_definition_id).split("/").pop()!,
    scope: String(r.scope).replace(/^\$\{|\}$/g, ""),
    principalType: r.principal_type,
  }));
}

export { App };
