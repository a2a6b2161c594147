import { existsSync, readFileSync } from "fs";
import { SourceMap } from "module";
import { dirname, relative, resolve } from "path";

/**
 * Rewrites the frames of `stack` that point into the running bundle (scripts/run.mjs
 * builds dist/run/<name>.js with a linked source map) to the TypeScript file, line and
 * column they came from.
 *
 * Done here, once, for the error being reported, instead of with
 * `process.setSourceMapsEnabled(true)`: cdktf captures a stack trace for every token it
 * creates, and with source maps on, each of those is mapped too, which made every
 * successful synth ~150 ms slower (npm run bench). `module.SourceMap` is Node's public
 * source-map reader.
 *
 * @param bundle the bundle's path (its map is `<bundle>.map`)
 */
export function mapStackToSources(stack: string, bundle: string = __filename): string {
  const mapFile = `${bundle}.map`;
  if (!existsSync(mapFile)) return stack;
  let map: SourceMap;
  try {
    map = new SourceMap(JSON.parse(readFileSync(mapFile, "utf8")));
  } catch {
    return stack;
  }
  const frame = new RegExp(`${escapeRegExp(bundle)}:(\\d+):(\\d+)`, "g");
  return stack.replace(frame, (whole, line: string, column: string) => {
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
    if (!("originalSource" in entry)) return whole;
    const source = resolve(dirname(mapFile), entry.originalSource);
    return `${relative(process.cwd(), source) || source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
