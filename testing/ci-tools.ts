import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";

const ROOT = join(__dirname, "..");
/** Bundles already built in this test file, by tool. */
const bundles = new Map<string, string>();

/**
 * A trusted checkout as the token jobs have it: TOOLS_DIR/scripts/ci/<tool>.ts runnable by
 * `$NODE`, the shell scripts beside them, and `files` (relative path -> content). Node strips
 * the types of the real tools; the Node running the tests may predate that, so each tool is
 * bundled into an ES module next to it and `$NODE` runs that instead.
 */
export function trustedCheckout(tools: readonly string[], files: Record<string, string> = {}): { dir: string; node: string } {
  const dir = mkdtempSync(join(tmpdir(), "trusted-"));
  mkdirSync(join(dir, "scripts", "ci"), { recursive: true });
  for (const tool of tools) {
    if (!bundles.has(tool)) {
      const built = buildSync({ entryPoints: [join(ROOT, "scripts", "ci", `${tool}.ts`)], bundle: true, platform: "node", format: "esm", write: false, logLevel: "silent" });
      bundles.set(tool, built.outputFiles[0].text);
    }
    writeFileSync(join(dir, "scripts", "ci", `${tool}.mjs`), bundles.get(tool)!);
  }
  for (const script of ["stack-lock.sh", "list-stacks.sh", "plan-stacks.sh"]) copyFileSync(join(ROOT, "scripts", "ci", script), join(dir, "scripts", "ci", script));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  const node = join(dir, "node-strip-types");
  writeFileSync(node, `#!/usr/bin/env bash\nscript=$1; shift\nexec "${process.execPath}" "\${script%.ts}.mjs" "$@"\n`);
  chmodSync(node, 0o755);
  return { dir, node };
}
