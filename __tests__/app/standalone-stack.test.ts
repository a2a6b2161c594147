import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, relative } from "path";
import { App, Lazy, TerraformStack, Token } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { ChatStack, type ChatStackProps } from "../../app/chat-stack";
import { StandaloneChatStack, isTokenFree } from "../../app/standalone-stack";
import { loadEnvironments } from "../../config/environments";
import { synthesize } from "../../main";

const tempDirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "standalone-"));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Every file under `dir`, relative path -> contents. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const pending = [dir];
  while (pending.length > 0) {
    const d = pending.pop()!;
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) pending.push(p);
      else out[relative(dir, p)] = readFileSync(p, "utf8");
    }
  }
  return out;
}

const quiet = { warn: () => {} };

/** Synthesizes one app of `Stack`s, one per environment, and returns its output files. */
function synthWith(Stack: typeof ChatStack, environments: Record<string, ChatStackProps>): Record<string, string> {
  const outdir = tempDir();
  const app = new App({ outdir, skipValidation: false });
  for (const [name, props] of Object.entries(environments)) new Stack(app, name, { ...props, guardrails: quiet });
  app.synth();
  return tree(outdir);
}

const shipped = JSON.parse(readFileSync(join(__dirname, "../../config/environments.json"), "utf8"));
/** The shipped configuration plus environments that switch on what dev and prod leave off. */
const varied = {
  ...shipped,
  environments: {
    ...shipped.environments,
    staging: { location: "northeurope", authMode: "keys", webApp: { planSku: "S1", access: "open" } },
    edge: { location: "westeurope", network: { mode: "private" } },
    lab: { observability: { enabled: false }, developers: [{ objectId: "11111111-2222-4333-8444-555555555555", type: "User" }] },
  },
};

describe("StandaloneChatStack", () => {
  it.each([
    ["the shipped configuration", shipped],
    ["a configuration with more environments and features", varied],
  ])("synthesizes %s byte for byte as cdktf's full pipeline does", (_, config) => {
    const environments = loadEnvironments(config);
    const full = synthWith(ChatStack, environments);
    expect(Object.keys(full).filter((f) => f.endsWith("cdk.tf.json"))).toHaveLength(Object.keys(environments).length);
    expect(synthWith(StandaloneChatStack, environments)).toEqual(full);
  });

  // Why only token-free configuration gets it: a value from another stack needs the pass.
  it("would miss a cross-stack reference, which the preparing pass exists to find", () => {
    const run = (Stack: typeof ChatStack) => {
      const outdir = tempDir();
      const app = new App({ outdir, skipValidation: false });
      const shared = new TerraformStack(app, "shared");
      new AzurermProvider(shared, "azurerm", { features: [{}] });
      const group = new ResourceGroup(shared, "group", { name: "shared-rg", location: "swedencentral" });
      const props = loadEnvironments({ environments: { dev: { webApp: { extraSettings: { SHARED_GROUP: group.name } } } } }).dev;
      expect(isTokenFree(props)).toBe(false);
      new Stack(app, "dev", { ...props, guardrails: quiet });
      app.synth();
      return readFileSync(join(outdir, "stacks", "dev", "cdk.tf.json"), "utf8");
    };
    expect(run(ChatStack)).toContain("terraform_remote_state");
    expect(run(StandaloneChatStack)).not.toContain("terraform_remote_state");
  });
});

describe("synthesize", () => {
  const synthesizeTo = (config: unknown) => {
    const dir = tempDir();
    const file = join(dir, "environments.json");
    writeFileSync(file, JSON.stringify(config));
    const before = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = join(dir, "out");
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      return synthesize(["--config", file]);
    } finally {
      stderr.mockRestore();
      if (before === undefined) delete process.env.CDKTF_OUTDIR;
      else process.env.CDKTF_OUTDIR = before;
    }
  };

  it("builds standalone stacks from configuration data", () => {
    const { stacks } = synthesizeTo(shipped);
    expect(stacks.map((s) => [s.node.id, s instanceof StandaloneChatStack])).toEqual([
      ["dev", true],
      ["prod", true],
    ]);
  });

  it("keeps cdktf's full pipeline when the configuration spells a token marker", () => {
    const marker = Token.asString(Lazy.stringValue({ produce: () => "x" }));
    const config = { ...shipped, environments: { dev: { ...shipped.environments.dev, webApp: { ...shipped.environments.dev.webApp, extraSettings: { NOTE: marker } } } } };
    const { stacks } = synthesizeTo(config);
    expect(stacks.map((s) => [s instanceof ChatStack, s instanceof StandaloneChatStack])).toEqual([[true, false]]);
  });
});

describe("isTokenFree", () => {
  it("accepts plain data at any depth", () => {
    expect(isTokenFree({ a: ["x", 1, true, null, undefined, { b: [{ c: "${var.not_a_token}" }] }] })).toBe(true);
  });

  it.each([
    ["a string token", Token.asString(Lazy.stringValue({ produce: () => "x" }))],
    ["a token inside text", `name-${Token.asString(Lazy.stringValue({ produce: () => "x" }))}`],
    ["a number token", Token.asNumber(Lazy.numberValue({ produce: () => 1 }))],
    ["a list token", Token.asList(Lazy.listValue({ produce: () => ["x"] }))],
    ["a resolvable object", Lazy.anyValue({ produce: () => ({}) })],
  ])("refuses %s, however deep", (_, token) => {
    expect(isTokenFree(token)).toBe(false);
    expect(isTokenFree({ a: [{ b: { c: [token] } }] })).toBe(false);
  });

  it("ends on a cyclic value", () => {
    const cyclic: Record<string, unknown> = { name: "x" };
    cyclic.self = { back: cyclic };
    expect(isTokenFree(cyclic)).toBe(true);
    (cyclic.self as Record<string, unknown>).token = Token.asString(Lazy.stringValue({ produce: () => "x" }));
    expect(isTokenFree(cyclic)).toBe(false);
  });

  it("refuses a token marker that arrives as JSON text", () => {
    const marker = Token.asString(Lazy.stringValue({ produce: () => "x" }));
    expect(isTokenFree(JSON.parse(JSON.stringify({ value: marker })))).toBe(false);
  });
});
