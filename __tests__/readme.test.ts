import { mkdtempSync, readFileSync, readdirSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { transformSync } from "@swc/core";

/**
 * The README's "use the constructs in your own stack" example is code users copy: it
 * must compile and synthesize, guardrails included, exactly as printed.
 */
function readmeExample(): string {
  const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Use as a library"));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error("README has no ts example under 'Use as a library'");
  return match[1];
}

describe("the README example", () => {
  it("synthesizes as printed, with the guardrails passing", () => {
    const outdir = mkdtempSync(join(tmpdir(), "readme-example-"));
    try {
      const source = readmeExample()
        // The package is this repository's index.ts; run into a temporary output directory.
        .replace('from "azure-ai-chat-platform"', `from ${JSON.stringify(join(__dirname, "..", "index"))}`)
        .replace("new App()", `new App({ outdir: ${JSON.stringify(outdir)} })`);
      const { code } = transformSync(source, { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } });
      new Function("require", "exports", code)(require, {});
      const stacks = readdirSync(join(outdir, "stacks"));
      expect(stacks).toEqual(["prod-weu"]);
      const json = JSON.parse(readFileSync(join(outdir, "stacks", "prod-weu", "cdk.tf.json"), "utf8"));
      expect(Object.keys(json.resource.azurerm_cognitive_account_customer_managed_key)).toHaveLength(1);
      expect(Object.values(json.resource.azurerm_role_assignment).filter((a: any) => a.principal_id === "11111111-1111-1111-1111-111111111111")).toHaveLength(1);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
