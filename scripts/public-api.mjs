/**
 * Every type a consumer can reach from the library's public API must be importable from
 * it: a type that appears in an exported signature (a prop, a parameter, a return type, a
 * base class) but is not exported itself cannot be named in the consumer's code (no deep
 * imports: package.json `exports`), which api-extractor calls a "forgotten export".
 *
 * Reads the shipped declarations (`dist/lib/index.d.ts` and what it imports), walks every
 * type position reachable from the index's exports, transitively, and lists the types
 * declared in the package that the index does not export.
 *
 *   node scripts/public-api.mjs [dist/lib/index.d.ts]    # exit 1 and a list when some are missing
 */
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ts = createRequire(import.meta.url)(resolve(root, "node_modules", "typescript"));

/** `[{ name, file, usedBy }]` for each type reachable from `indexDts`'s exports but not exported by it. */
export function unexportedTypes(indexDts) {
  const packageDir = dirname(resolve(indexDts));
  const program = ts.createProgram([indexDts], { strict: true, noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(indexDts);
  if (!index) throw new Error(`cannot read ${indexDts}`);
  const ours = (decl) => {
    const file = decl.getSourceFile().fileName;
    return file.startsWith(packageDir) && !file.includes("/node_modules/");
  };
  const real = (sym) => (sym && sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym);
  const exported = new Set(checker.getExportsOfModule(checker.getSymbolAtLocation(index)).map(real));

  const missing = new Map();
  const seen = new Set();
  const queue = [...exported];
  const reach = (sym, from) => {
    sym = real(sym);
    if (!sym?.declarations?.length || sym.flags & ts.SymbolFlags.TypeParameter) return;
    if (!sym.declarations.some(ours)) return;
    // A member (an enum member, a property reached through a qualified name) belongs to its parent.
    const decl = sym.declarations[0];
    if (!exported.has(sym) && !missing.has(sym) && isTopLevel(decl)) {
      missing.set(sym, { name: sym.getName(), file: relative(packageDir, decl.getSourceFile().fileName), usedBy: from });
    }
    if (!seen.has(sym)) {
      seen.add(sym);
      queue.push(sym);
    }
  };
  const visit = (node, from) => {
    // Private and protected members are not part of what a consumer can use.
    if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) return;
    if (ts.isTypeReferenceNode(node)) reach(checker.getSymbolAtLocation(node.typeName), from);
    else if (ts.isExpressionWithTypeArguments(node)) reach(checker.getSymbolAtLocation(node.expression), from);
    else if (ts.isTypeQueryNode(node)) reach(checker.getSymbolAtLocation(node.exprName), from);
    else if (ts.isImportTypeNode(node)) {
      const type = checker.getTypeFromTypeNode(node);
      reach(type.aliasSymbol ?? type.getSymbol(), from);
    }
    ts.forEachChild(node, (child) => visit(child, from));
  };
  while (queue.length > 0) {
    const sym = queue.shift();
    for (const decl of sym.declarations ?? []) if (ours(decl)) visit(decl, sym.getName());
  }
  return [...missing.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function isTopLevel(decl) {
  return ts.isSourceFile(decl.parent) || (ts.isVariableDeclarationList(decl.parent) && ts.isSourceFile(decl.parent.parent.parent)) || ts.isModuleBlock(decl.parent);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const indexDts = resolve(process.argv[2] ?? resolve(root, "dist", "lib", "index.d.ts"));
  const missing = unexportedTypes(indexDts);
  for (const m of missing) console.error(`not exported: ${m.name} (${m.file}), used by ${m.usedBy}`);
  if (missing.length > 0) {
    console.error(`public API: ${missing.length} type(s) reachable from ${relative(process.cwd(), indexDts)} are not exported by it: export them from index.ts`);
    process.exit(1);
  }
  console.log("public API: every type reachable from the index is exported");
}
