import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, relative, resolve } from "node:path";

/**
 * Rewrites the frames of `stack` that point into the bundles scripts/run.cjs builds
 * (dist/run/*.js, each with a linked source map) to the TypeScript file (or package
 * file), line and column they came from.
 *
 * Done here, once, for the error being reported, instead of with
 * `process.setSourceMapsEnabled(true)`: cdktf captures a stack trace for every token it
 * creates, and with source maps on, each of those is mapped too, which made every
 * successful synth ~150 ms slower (npm run bench). `module.SourceMap` is Node's public
 * source-map reader.
 *
 * @param bundleDir the folder of the bundles (default: this bundle's own)
 */
export function mapStackToSources(stack: string, bundleDir: string = dirname(__filename)): string {
  const maps = new Map<string, SourceMap | undefined>();
  const frame = new RegExp(`(${escapeRegExp(bundleDir)}[\\\\/][^\\s():]+\\.js):(\\d+):(\\d+)`, "g");
  return stack.replace(frame, (whole, file: string, line: string, column: string) => {
    if (!maps.has(file)) maps.set(file, readMap(`${file}.map`));
    const map = maps.get(file);
    const entry = map?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !("originalSource" in entry)) return whole;
    const source = resolve(dirname(file), entry.originalSource);
    return `${relative(process.cwd(), source) || source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

function readMap(file: string): SourceMap | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return new SourceMap(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    return undefined;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
