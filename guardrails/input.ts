import * as fs from "node:fs";
import * as path from "node:path";
import { hclToJson } from "./hcl";
import { armResourceLines, hclLines, jsonLines } from "./locations";
import type { SourceLocation } from "./rule";
import { type ConfigOptions, type ModuleFiles, NOT_INSTALLED } from "./configuration";
import { EXPECTED_INPUT, InputError, type InputFormat, type TfResource, block, detectFormat, isObject } from "./terraform-json";
import { configAddress, modulePathOf } from "./traversal";

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
  /** Where a resource address is defined (an ARM template's resources by their place in it). */
  readonly locate: (address: string, resource?: TfResource) => SourceLocation | undefined;
  /** For configuration: the modules it calls, `.tfvars` values and `file()` (configuration.ts). */
  readonly config?: ConfigOptions;
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
  if (stat.isDirectory()) {
    const root = await readModule(file, base, io, { total: 0 });
    const loaded: LoadedInput = { source, json: root.json, format: "hcl", locate: (a) => root.where.get(a) };
    return withModules(loaded, file, base, io, root.tfvars);
  }
  if (!stat.isFile()) throw new InputError(`${file}: not a regular file (a FIFO, socket or device is not read); give a file or a directory of .tf files`);
  if (stat.size > MAX_INPUT_BYTES) throw new InputError(`${file}: ${stat.size} bytes is over the ${MAX_INPUT_BYTES / 1024 / 1024} MiB input limit`);
  const text = read(io, file);

  if (file.endsWith(".tf")) {
    const json = await hclToJson(file, text);
    const lines = hclLines(text);
    return withModules({ source, json, format: "hcl", locate: (a) => at(source, lines, a) }, path.dirname(file), base, io);
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
  if (format === "arm") {
    const lines = armResourceLines(text);
    return { source, json, format, locate: (_a, r) => (r?.origin?.path ? at(source, lines, r.origin.path) : undefined) };
  }
  const lines = jsonLines(text);
  const loaded: LoadedInput = { source, json, format, locate: (a) => at(source, lines, a) };
  return format === "cdktf" && isObject(json) && json.module !== undefined ? withModules(loaded, path.dirname(file), base, io) : loaded;
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

/** A module directory as read: its files merged, where each block is, its .tfvars values. */
interface ModuleDirectory {
  readonly json: Record<string, unknown>;
  readonly where: ReadonlyMap<string, SourceLocation>;
  readonly tfvars: ReadonlyMap<string, unknown>;
}

/** Bytes read so far for one input: the root, its modules and files together. */
interface Budget {
  total: number;
}

/**
 * A directory is one Terraform module: its `.tf` and `.tf.json` files merged. The JSON
 * syntax allows every top-level key to hold a list of bodies, so merging is
 * concatenating them; the parser reads the lists. `terraform.tfvars` and
 * `*.auto.tfvars` (HCL or JSON) are read as Terraform reads them for a root module.
 */
async function readModule(dir: string, base: string, io: InputFs, budget: Budget): Promise<ModuleDirectory> {
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
  // Read in order (the byte budget), convert together: the converter's scheduler idles
  // between calls awaited one by one (3.4 ms a file together, 11 ms in turn, measured here).
  const read = files.map((name) => ({ name, file: path.join(dir, name), text: readBounded(io, path.join(dir, name), budget, dir) }));
  const bodies = await Promise.all(
    read.map(({ name, file, text }) => (text === undefined ? undefined : name.endsWith(".tf") ? convertHcl(file, text) : parseJsonFile(file, text))),
  );
  for (const [i, { name, file, text }] of read.entries()) {
    if (text === undefined) continue;
    const body = bodies[i];
    if (!isObject(body)) throw new InputError(`${file}: expected an object of Terraform blocks`);
    for (const [key, value] of Object.entries(body)) {
      const list = merged[key] ?? [];
      merged[key] = list;
      for (const item of Array.isArray(value) ? value : [value]) list.push(item);
    }
    const fileSource = displayPath(file, base);
    for (const [address, line] of name.endsWith(".tf") ? hclLines(text) : jsonLines(text)) if (!where.has(address)) where.set(address, { file: fileSource, line });
  }
  // terraform.tfvars first, then *.auto.tfvars in lexical order: later files win.
  const tfvars = new Map<string, unknown>();
  const varFiles = [
    ...names.filter((n) => n === "terraform.tfvars" || n === "terraform.tfvars.json"),
    ...names.filter((n) => n.endsWith(".auto.tfvars") || n.endsWith(".auto.tfvars.json")).sort(),
  ];
  for (const name of varFiles) {
    const file = path.join(dir, name);
    const text = readBounded(io, file, budget, dir);
    if (text === undefined) continue;
    const values = name.endsWith(".json") ? parseJsonFile(file, text) : await convertHcl(file, text);
    if (isObject(values)) for (const [k, v] of Object.entries(values)) tfvars.set(k, v);
  }
  return { json: merged, where, tfvars };
}

/**
 * HCL converted once per process and file content: a module many roots call (the
 * examples of a module repository all call `../..`) is converted once per CLI run.
 */
const converted = new Map<string, Promise<Record<string, unknown>>>();
const MAX_CONVERTED = 2000;

function convertHcl(file: string, text: string): Promise<Record<string, unknown>> {
  const key = `${path.resolve(file)}\u0000${text.length}\u0000${fnv1a(text)}`;
  let pending = converted.get(key);
  if (!pending) {
    if (converted.size >= MAX_CONVERTED) converted.clear();
    pending = hclToJson(file, text);
    // A failure is not kept: the next read reports it afresh.
    pending.catch(() => converted.delete(key));
    converted.set(key, pending);
  }
  return pending;
}

/** 32-bit FNV-1a of a text: one pass. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function parseJsonFile(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message.slice(0, 120)})`);
  }
}

/** A regular file's text within the input's byte budget; undefined for anything else. */
function readBounded(io: InputFs, file: string, budget: Budget, what: string): string | undefined {
  let stat: ReturnType<InputFs["stat"]>;
  try {
    stat = io.stat(file);
  } catch {
    return undefined;
  }
  if (!stat.isFile()) return undefined;
  budget.total += stat.size;
  if (budget.total > MAX_INPUT_BYTES) throw new InputError(`${what}: over the ${MAX_INPUT_BYTES / 1024 / 1024} MiB input limit (modules and files included)`);
  return read(io, file);
}

/** Module trees wider or deeper than this are not read (Terraform has no limit; real ones stay far below). */
const MAX_MODULE_DIRECTORIES = 200;
const MAX_MODULE_NESTING = 12;

/** `terraform init`'s record of the modules it installed: module path -> directory. */
function installedModules(root: string, io: InputFs): Map<string, string> {
  const out = new Map<string, string>();
  const manifest = path.join(root, ".terraform", "modules", "modules.json");
  let text: string | undefined;
  try {
    text = io.stat(manifest).isFile() ? io.readFile(manifest) : undefined;
  } catch {
    return out;
  }
  try {
    const json = JSON.parse(text ?? "");
    for (const m of Array.isArray(json?.Modules) ? json.Modules : []) {
      if (isObject(m) && typeof m.Key === "string" && m.Key !== "" && typeof m.Dir === "string") out.set(m.Key, m.Dir);
    }
  } catch {
    // An unreadable manifest is as good as none: local sources still resolve.
  }
  return out;
}

/** Whether a module source is a local path (Terraform: it starts with ./ or ../). */
function isLocalSource(source: string): boolean {
  return source.startsWith("./") || source.startsWith("../") || source === "." || source === "..";
}

/**
 * Reads every module the configuration calls, breadth first, each directory once:
 * local paths relative to the calling module, registry and remote sources where
 * `terraform init` installed them. Adds what the parser needs (configuration.ts) and
 * locations inside modules (`module.app.azurerm_x.y` -> the line in modules/app/main.tf).
 */
async function withModules(input: LoadedInput, rootDir: string, base: string, io: InputFs, tfvars?: ReadonlyMap<string, unknown>): Promise<LoadedInput> {
  const installed = installedModules(rootDir, io);
  const modules = new Map<string, ModuleFiles | string>();
  const lines = new Map<string, ReadonlyMap<string, SourceLocation>>();
  const byDir = new Map<string, Promise<ModuleDirectory | string>>();
  const budget: Budget = { total: 0 };
  const queue: { key: string; json: unknown; dir: string }[] = [{ key: "", json: input.json, dir: "." }];
  for (let q = 0; q < queue.length; q++) {
    const { key, json, dir } = queue[q];
    // Every module this one calls is read together, then taken in order.
    const calls: [string, string, Promise<ModuleDirectory | string>][] = [];
    for (const [name, source] of moduleSources(json)) {
      const childKey = key ? `${key}.${name}` : name;
      // A module that calls itself (source = "./") nests forever: stop where the parser stops.
      if (childKey.split(".").length > MAX_MODULE_NESTING) {
        modules.set(childKey, `nests deeper than ${MAX_MODULE_NESTING} modules, so its resources are not judged; audit \`terraform show -json\` of a plan`);
        continue;
      }
      const installedDir = installed.get(childKey);
      let childDir: string;
      if (installedDir !== undefined) childDir = path.normalize(installedDir);
      else if (isLocalSource(source)) childDir = path.normalize(path.join(dir, source));
      else {
        modules.set(childKey, NOT_INSTALLED);
        continue;
      }
      if (byDir.size >= MAX_MODULE_DIRECTORIES && !byDir.has(childDir)) {
        modules.set(childKey, `is one module directory too many (over ${MAX_MODULE_DIRECTORIES}), so its resources are not judged; audit \`terraform show -json\` of a plan`);
        continue;
      }
      let pending = byDir.get(childDir);
      if (!pending) {
        pending = readModule(path.join(rootDir, childDir), base, io, budget).catch((e) => {
          if (!(e instanceof InputError)) throw e;
          return `cannot be read (${e.message}), so its resources are not judged`;
        });
        byDir.set(childDir, pending);
      }
      calls.push([childKey, childDir, pending]);
    }
    for (const [childKey, childDir, pending] of calls) {
      const read = await pending;
      if (typeof read === "string") {
        modules.set(childKey, read);
        continue;
      }
      modules.set(childKey, { json: read.json, dir: childDir.split(path.sep).join("/") });
      lines.set(childKey, read.where);
      queue.push({ key: childKey, json: read.json, dir: childDir });
    }
  }
  const readFile = (p: string) => {
    if (path.isAbsolute(p)) return undefined;
    try {
      return readBounded(io, path.join(rootDir, p), budget, displayPath(rootDir, base));
    } catch (e) {
      if (e instanceof InputError) return undefined;
      throw e;
    }
  };
  return {
    ...input,
    config: { modules, variables: tfvars, readFile, root: displayPath(rootDir, base) },
    locate: (address) => {
      const inModule = modulePathOf(address);
      if (inModule === "") return input.locate(address);
      // `module.a[0].module.b.x.y` -> key "a.b", address "x.y" inside it.
      const key = configAddress(inModule)
        .split(".")
        .filter((_, i) => i % 2 === 1)
        .join(".");
      return lines.get(key)?.get(configAddress(address.slice(inModule.length))) ?? input.locate(configAddress(inModule).split(".").slice(0, 2).join("."));
    },
  };
}

/** `module "<name>" { source = "..." }` calls of a module's JSON, with literal sources. */
function moduleSources(json: unknown): [string, string][] {
  if (!isObject(json) || json.module === undefined) return [];
  const out: [string, string][] = [];
  for (const group of Array.isArray(json.module) ? json.module : [json.module]) {
    if (!isObject(group)) continue;
    for (const [name, call] of Object.entries(group)) {
      const source = block(call)?.source;
      if (typeof source === "string") out.push([name, source]);
    }
  }
  return out;
}
