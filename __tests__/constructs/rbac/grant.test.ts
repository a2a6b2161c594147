import { Testing } from "cdktf";
import { ChatPlatform } from "../../../constructs/chat-platform";
import { DEV_A, DEV_B } from "../chat-platform/support";
import { Roles } from "../../../catalogue/roles";
import { KeyVault } from "../../../constructs/key-vault";
import { OpenAIAccount } from "../../../constructs/openai-account";
import { AccessMatrix, Grant } from "../../../constructs/rbac/grant";
import { EntraPrincipal } from "../../../constructs/rbac/principal";
import { SearchService } from "../../../constructs/search-service";
import { StorageAccount } from "../../../constructs/storage-account";
import { assignments, newStack, onlyResource, synthJson } from "../../../testing/helpers";

const base = { resourceGroupName: "rg", location: "swedencentral" };
const VAULT_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shared/providers/Microsoft.KeyVault/vaults/kv-shared";
const DEV = "4f1c2a9e-7b3d-4e8a-9c61-2d5b8e0f7a13";

describe("role-named grants on the resource constructs", () => {
  it("each assigns exactly its role, and records a row without a flow unless the caller names one", () => {
    const stack = newStack();
    const dev = EntraPrincipal.fromObjectId(stack, DEV, "User", "dev");
    const openai = new OpenAIAccount(stack, "OpenAI", { ...base, name: "oai-test" });
    const search = new SearchService(stack, "Search", { ...base, name: "srch-test" });
    const storage = new StorageAccount(stack, "Storage", { ...base, name: "sttest" });
    const vault = new KeyVault(stack, "Vault", { ...base, name: "kv-test" });
    const grants = [
      openai.grantOpenAIUser(dev),
      openai.grantOpenAIContributor(dev),
      search.grantIndexDataReader(dev),
      search.grantIndexDataContributor(dev),
      search.grantServiceContributor(dev),
      storage.grantBlobDataReader(dev),
      storage.grantBlobDataContributor(dev),
      vault.grantSecretsUser(dev),
      vault.grantSecretsOfficer(dev),
      vault.grantCryptoServiceEncryptionUser(dev),
      vault.grantCryptoOfficer(dev, { flow: "F10", reason: "rotates keys by hand" }),
    ];
    expect(grants.map((g) => g.rows[0].role)).toEqual(
      [
        Roles.CognitiveServicesOpenAIUser,
        Roles.CognitiveServicesOpenAIContributor,
        Roles.SearchIndexDataReader,
        Roles.SearchIndexDataContributor,
        Roles.SearchServiceContributor,
        Roles.StorageBlobDataReader,
        Roles.StorageBlobDataContributor,
        Roles.KeyVaultSecretsUser,
        Roles.KeyVaultSecretsOfficer,
        Roles.KeyVaultCryptoServiceEncryptionUser,
        Roles.KeyVaultCryptoOfficer,
      ].map((r) => r.name),
    );
    expect(assignments(synthJson(stack)).filter((a) => a.principal === DEV)).toHaveLength(11);
    expect(
      AccessMatrix.of(stack)
        .rows.filter((r) => r.flow)
        .map((r) => [r.flow, r.reason]),
    ).toEqual([["F10", "rotates keys by hand"]]);
  });

  it("are made only by factories: Grant's constructor is private (tsc checks the line below)", () => {
    // @ts-expect-error Grant's constructor is private: grants come from grant methods, Grant.onScope or Grant.combine.
    const construct = () => new Grant([], []);
    expect(typeof construct).toBe("function");
    expect([typeof Grant.onScope, typeof Grant.combine]).toEqual(["function", "function"]);
  });
});

describe("references to existing resources", () => {
  it("encrypts an account with a key in an existing vault, granting and waiting as for a new one", () => {
    const stack = newStack();
    const vault = KeyVault.fromKeyVaultAttributes(stack, "SharedVault", { resourceId: VAULT_ID, name: "kv-shared" });
    const openai = new OpenAIAccount(stack, "OpenAI", { ...base, name: "oai-test" });
    openai.encryptWith(vault);
    const json = synthJson(stack);
    expect(json.resource.azurerm_key_vault).toBeUndefined();
    expect(onlyResource(json, "azurerm_key_vault_key").key_vault_id).toBe(VAULT_ID);
    expect(assignments(json).map((a) => [a.role, a.scope])).toEqual(
      expect.arrayContaining([
        [Roles.KeyVaultCryptoOfficer.id, VAULT_ID],
        [Roles.KeyVaultCryptoServiceEncryptionUser.id, VAULT_ID],
      ]),
    );
    expect(AccessMatrix.of(stack).rows.map((r) => r.scope)).toEqual(["Key Vault kv-shared", "Key Vault kv-shared"]);
  });

  it("grants on an existing Search service, and grants its identity when the principal id is given", () => {
    const stack = newStack();
    const search = SearchService.fromSearchServiceAttributes(stack, "Existing", { resourceId: "${var.search_id}", name: "srch-shared", principalId: "${var.search_principal}" });
    const storage = StorageAccount.fromStorageAccountAttributes(stack, "Docs", { resourceId: "${var.storage_id}", name: "stshared" });
    storage.grantBlobDataReader(search);
    search.grantIndexDataReader(EntraPrincipal.fromObjectId(stack, DEV, "User"));
    expect(assignments(synthJson(stack))).toEqual([
      expect.objectContaining({ principal: "var.search_principal", role: Roles.StorageBlobDataReader.id, scope: "var.storage_id" }),
      expect.objectContaining({ principal: DEV, role: Roles.SearchIndexDataReader.id, scope: "var.search_id" }),
    ]);
  });

  it("fails to grant a reference roles elsewhere when its principal id is not given", () => {
    const stack = newStack();
    const openai = OpenAIAccount.fromOpenAIAccountAttributes(stack, "Existing", { resourceId: "${var.openai_id}", name: "oai-shared" });
    const storage = new StorageAccount(stack, "Storage", { ...base, name: "sttest" });
    expect(() => storage.grantBlobDataContributor(openai)).toThrow(
      /test\/Existing: principalId = \(not set\) is not given, so this reference cannot be granted roles\. Fix: pass the object id/,
    );
  });
});

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
