import { existsSync, readFileSync, readdirSync } from "fs";
import { dirname, join, relative } from "path";

/**
 * Comments that point readers at a document point at one that exists: `README.md`,
 * `docs/design.md`, `LICENSE`-style upper-case names, and, when a section is named
 * (`README "Use as a library"`, `docs/design.md "Engineering rules"`), a heading with
 * that title. Output files a comment mentions (`--out comment.md`) are not citations.
 */
const root = join(__dirname, "..");
const SKIPPED_DIRS = new Set(["node_modules", "dist", "cdktf.out", ".git", "fixtures", "__snapshots__"]);

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const file = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(file);
    else if (/\.(ts|mjs|cjs|js|sh)$/.test(entry.name)) yield file;
  }
}

/** The comment text of a source file: `//` and block comments, or `#` comments in shell scripts. */
function comments(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const pattern = file.endsWith(".sh") ? /(?:^|\s)#(.*)$/gm : /\/\*[\s\S]*?\*\/|\/\/.*$/gm;
  return [...text.matchAll(pattern)].map((m) => m[0].replace(/\n\s*\*\s?/g, " "));
}

/** `README` or `docs/design.md`, optionally followed by a quoted section title. */
const CITATION = /(?<![\w/.-])(README(?:\.md)?|[A-Z][A-Z0-9_-]*\.md|docs\/[\w./-]+\.md)(?: "([^"]+)")?/g;

function headings(file: string): Set<string> {
  return new Set([...readFileSync(file, "utf8").matchAll(/^#+\s+(.+?)\s*$/gm)].map((m) => m[1]));
}

describe("comments cite documents that exist", () => {
  const citations: { from: string; document: string; section?: string }[] = [];
  for (const file of sources(root)) {
    for (const comment of comments(file)) {
      for (const m of comment.matchAll(CITATION)) citations.push({ from: relative(root, file), document: m[1] === "README" ? "README.md" : m[1], section: m[2] });
    }
  }

  it("finds the citations (README, docs/)", () => {
    expect(citations.length).toBeGreaterThan(2);
  });

  it("every cited document exists, and every cited section is one of its headings", () => {
    const broken: string[] = [];
    for (const c of citations) {
      const file = [join(root, c.document), join(root, dirname(c.from), c.document)].find((f) => existsSync(f));
      if (!file) broken.push(`${c.from}: cites ${c.document}, which is not in the repository`);
      else if (c.section && !headings(file).has(c.section)) broken.push(`${c.from}: cites ${c.document} "${c.section}", which is not one of its headings`);
    }
    expect(broken).toEqual([]);
  });
});
