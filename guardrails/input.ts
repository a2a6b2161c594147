import * as fs from "node:fs";
import * as path from "node:path";
import { hclToJson } from "./hcl";
import { hclLines, jsonLines } from "./locations";
import type { SourceLocation } from "./rule";
import { EXPECTED_INPUT, InputError, type InputFormat, detectFormat, isObject } from "./terraform-json";

/**
 * Reads what a user hands the audit CLI: a `cdk.tf.json`, a `*.tf.json`, plan or state
 * JSON from `terraform show -json`, a `.tf` file, or a directory of `.tf` / `.tf.json`
 * files (one Terraform module, as Terraform reads it: not its subdirectories).
 * Everything that is not one of these ends in an {@link InputError} with one line that
 * says what was expected: special files are refused before they are opened (a FIFO
 * without a writer would block forever), sizes are bounded.
 */

/** Largest file (or directory total) read. Plans of large estates reach tens of MiB. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export interface LoadedInput {
  /** The path as reports show it: relative to the base directory, forward slashes. */
  readonly source: string;
  readonly json: unknown;
  readonly format: InputFormat;
  /** Where a resource address is defined. */
  readonly locate: (address: string) => SourceLocation | undefined;
}

/** The file system calls the loader makes; tests pass an in-memory one. */
export interface InputFs {
  stat(p: string): { isFile(): boolean; isDirectory(): boolean; size: number };
  readFile(p: string): string;
  readDir(p: string): string[];
}

export const nodeInputFs: InputFs = {
  stat: (p) => fs.statSync(p),
  readFile: (p) => fs.readFileSync(p, "utf8"),
  readDir: (p) => fs.readdirSync(p),
};

/** How reports name a path: relative to `base` with forward slashes. */
export function displayPath(file: string, base: string): string {
  const rel = path.relative(base, path.resolve(base, file));
  return (rel === "" ? "." : rel).split(path.sep).join("/");
}

export async function loadInput(file: string, options: { base?: string; fs?: InputFs } = {}): Promise<LoadedInput> {
  const io = options.fs ?? nodeInputFs;
  const base = options.base ?? process.cwd();
  const source = displayPath(file, base);
  let stat: ReturnType<InputFs["stat"]>;
  try {
    stat = io.stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: ${code === "ENOENT" ? "no such file or directory" : code === "EACCES" ? "permission denied" : (e as Error).message}`);
  }
  if (stat.isDirectory()) return loadDirectory(file, source, base, io);
  if (!stat.isFile()) throw new InputError(`${file}: not a regular file (a FIFO, socket or device is not read); give a file or a directory of .tf files`);
  if (stat.size > MAX_INPUT_BYTES) throw new InputError(`${file}: ${stat.size} bytes is over the ${MAX_INPUT_BYTES / 1024 / 1024} MiB input limit`);
  const text = read(io, file);

  if (file.endsWith(".tf")) {
    const json = await hclToJson(file, text);
    const lines = hclLines(text);
    return { source, json, format: "hcl", locate: (a) => at(source, lines, a) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    if (!/^\s*[[{]/.test(text.slice(0, 64)) && text.length > 0) {
      // Not JSON at all: HCL under another name (main.hcl, stdin saved as a file)?
      const hcl = await hclToJson(file, text).catch(() => undefined);
      if (hcl && detectFormat(hcl)) return { source, json: hcl, format: "hcl", locate: (a) => at(source, hclLines(text), a) };
    }
    throw new InputError(`${file}: not valid JSON (${(e as Error).message.slice(0, 120)}); ${EXPECTED_INPUT}`);
  }
  const format = detectFormat(json);
  if (!format) throw new InputError(`${file}: not Terraform: ${EXPECTED_INPUT}, e.g. \`terraform show -json plan.tfplan > plan.json\``);
  const lines = jsonLines(text);
  return { source, json, format, locate: (a) => at(source, lines, a) };
}

function read(io: InputFs, file: string): string {
  try {
    return io.readFile(file);
  } catch (e) {
    throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function at(file: string, lines: ReadonlyMap<string, number>, address: string): SourceLocation | undefined {
  const line = lines.get(address);
  return line === undefined ? undefined : { file, line };
}

/**
 * A directory is one Terraform module: its `.tf` and `.tf.json` files merged. The JSON
 * syntax allows every top-level key to hold a list of bodies, so merging is
 * concatenating them; the parser reads the lists.
 */
async function loadDirectory(dir: string, source: string, base: string, io: InputFs): Promise<LoadedInput> {
  let names: string[];
  try {
    names = io.readDir(dir);
  } catch (e) {
    throw new InputError(`${dir}: cannot list (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const files = names.filter((n) => n.endsWith(".tf") || n.endsWith(".tf.json")).sort();
  if (files.length === 0) throw new InputError(`${dir}: no .tf or .tf.json files in this directory; ${EXPECTED_INPUT}`);
  const merged: Record<string, unknown[]> = Object.create(null);
  const where = new Map<string, SourceLocation>();
  let total = 0;
  for (const name of files) {
    const file = path.join(dir, name);
    const stat = io.stat(file);
    if (!stat.isFile()) continue;
    total += stat.size;
    if (total > MAX_INPUT_BYTES) throw new InputError(`${dir}: over the ${MAX_INPUT_BYTES / 1024 / 1024} MiB input limit`);
    const text = read(io, file);
    let body: unknown;
    if (name.endsWith(".tf")) body = await hclToJson(file, text);
    else {
      try {
        body = JSON.parse(text);
      } catch (e) {
        throw new InputError(`${file}: not valid JSON (${(e as Error).message.slice(0, 120)})`);
      }
    }
    if (!isObject(body)) throw new InputError(`${file}: expected an object of Terraform blocks`);
    for (const [key, value] of Object.entries(body)) {
      const list = merged[key] ?? [];
      merged[key] = list;
      for (const item of Array.isArray(value) ? value : [value]) list.push(item);
    }
    const fileSource = displayPath(file, base);
    for (const [address, line] of name.endsWith(".tf") ? hclLines(text) : jsonLines(text)) if (!where.has(address)) where.set(address, { file: fileSource, line });
  }
  return { source, json: merged, format: "hcl", locate: (a) => where.get(a) };
}
