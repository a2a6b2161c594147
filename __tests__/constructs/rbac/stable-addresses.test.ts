import { Testing } from "cdktf";
import { ChatPlatform } from "../../../constructs/chat-platform";
import { EntraPrincipal } from "../../../constructs/rbac/principal";
import { newStack } from "../../../testing/helpers";
import { DEV_A, DEV_B } from "../chat-platform/support";

const PIPELINE = "0f1e2d3c-4b5a-4968-8776-655443322110";

/** Every role assignment of a stack whose labels are all `label(...)`: address -> name and description. */
function assignmentsWith(label: (what: string) => string): Record<string, { name: unknown; description: unknown }> {
  const stack = newStack("prod");
  const platform = new ChatPlatform(stack, "Platform", {
    environment: "prod",
    authMode: "keys",
    userAssignedIdentity: true,
    features: { customerManagedKey: true },
    developers: [
      { objectId: DEV_A, name: label("ada") },
      { objectId: DEV_B, type: "Group", name: label("ml-team") },
    ],
  });
  const pipeline = EntraPrincipal.fromObjectId(stack, PIPELINE, "ServicePrincipal", label("nightly indexer"));
  platform.search.grantIndexDataContributor(pipeline, { reason: label("reloads the index") });
  platform.storage.grantBlobDataReader(pipeline, { reason: label("reads the documents") });
  const json = JSON.parse(Testing.synth(stack));
  const out: Record<string, { name: unknown; description: unknown }> = {};
  for (const [name, body] of Object.entries<Record<string, unknown>>(json.resource.azurerm_role_assignment)) {
    out[`azurerm_role_assignment.${name}`] = { name: body.name, description: body.description };
  }
  return out;
}

describe("role assignment addresses and names", () => {
  it("depend only on principal identity, role and scope: renaming every label leaves an empty diff", () => {
    const before = assignmentsWith((what) => what);
    const after = assignmentsWith((what) => `renamed ${what.toUpperCase()}`);
    expect(Object.keys(before).length).toBeGreaterThan(10);
    expect(after).toEqual(before);
  });

  it("differ per principal, role and scope", () => {
    const names = Object.values(assignmentsWith((what) => what)).map((a) => String(a.name));
    expect(new Set(names).size).toBe(names.length);
  });
});
