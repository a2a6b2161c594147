import { type ConfigOptions, InputFormat, ParsedTerraform, Reference, TfResource, block, configAddress, detectFormat, parseTerraformJson, referencesIn } from "./terraform-json";
import { normalize } from "./normalize";
import { replaceInterpolations, withoutInstanceKey } from "./traversal";
import { type IsoDate, resolveToday } from "../catalogue/today";

/** What the rules judge against besides the Terraform itself. */
export interface AuditContext {
  /**
   * The day lifecycle rules judge on (models closed or retired, services switched off).
   * @default resolveToday(): CHAT_PLATFORM_TODAY, else the clock
   */
  readonly today?: IsoDate;
  /**
   * How a model, region or SKU the lifecycle catalogue cannot vouch for is reported: a
   * warning where the author chose the model (synth), a note in other people's Terraform.
   * @default "note"
   */
  readonly unknownModels?: "warning" | "note";
}

/**
 * The stack as the rules see it: every resource once, indexed by address and by type,
 * plus a memo for derived facts (role assignments, implied flows) that several rules
 * share. Built once per audit; rules never walk the raw JSON.
 */
export class StackModel {
  /**
   * Builds a model from a cdk.tf.json, `stack.toTerraform()`, configuration converted from
   * HCL (with the modules, .tfvars and files the loader read), or `terraform show -json` output.
   */
  public static from(input: unknown, source?: string, format?: InputFormat, config?: ConfigOptions, context: AuditContext = {}): StackModel {
    return input instanceof StackModel ? input : new StackModel(parseTerraformJson(input, format ?? detectFormat(input), config), source, context);
  }

  public readonly format: InputFormat;
  /** Where the JSON came from (a file path), for report locations. */
  public readonly source?: string;
  public readonly resources: readonly TfResource[];
  public readonly providers: ParsedTerraform["providers"];
  public readonly problems: ParsedTerraform["problems"];
  /** The day lifecycle rules judge on. */
  public readonly today: IsoDate;
  /** How the lifecycle rules report what the catalogue cannot vouch for. */
  public readonly unknownModels: "warning" | "note";

  /** Resources whose instances or values the loader could not know (reported as not judged). */
  public readonly unexpanded: TfResource[] = [];

  private readonly byAddress = new Map<string, TfResource>();
  private readonly byType = new Map<string, TfResource[]>();
  private readonly memo = new Map<string, unknown>();

  constructor(parsed: ParsedTerraform, source?: string, context: AuditContext = {}) {
    this.today = context.today ?? resolveToday().date;
    this.unknownModels = context.unknownModels ?? "note";
    // azapi and ARM template resources are read as their azurerm counterparts (normalize.ts).
    const normalized = normalize(parsed.resources);
    this.format = parsed.format;
    this.source = source;
    this.resources = normalized.resources;
    this.providers = parsed.providers;
    this.problems = [...parsed.problems, ...normalized.problems];
    for (const r of this.resources) {
      this.byAddress.set(r.address, r);
      // References name an instance (`x.y[0]`) or the resource (`x.y`, the first instance
      // stands for it), inside a module instance or in configuration terms.
      for (const alias of [withoutInstanceKey(r.address), configAddress(r.address)]) if (!this.byAddress.has(alias)) this.byAddress.set(alias, r);
      // A resource the loader could not expand is reported as not judged, never judged too.
      if (r.notJudged !== undefined) {
        this.unexpanded.push(r);
        continue;
      }
      const key = r.mode === "data" ? `data.${r.type}` : r.type;
      const list = this.byType.get(key);
      if (list) list.push(r);
      else this.byType.set(key, [r]);
    }
    this.aliasDataSources();
  }

  /**
   * A data source that reads a resource this configuration manages (`data
   * "azurerm_key_vault" "existing" { name = module.kv.name }`, common across modules) is
   * that resource: references through it resolve to the managed one.
   */
  private aliasDataSources(): void {
    const byName = new Map<string, TfResource>();
    for (const r of this.resources) {
      const name = r.values.name;
      if (r.mode === "managed" && typeof name === "string" && !name.includes("${")) byName.set(`${r.type}|${name.toLowerCase()}`, r);
    }
    for (const d of this.resources) {
      if (d.mode !== "data" || !this.byType.has(d.type)) continue;
      const name = d.values.name;
      if (typeof name !== "string") continue;
      let managed = name.includes("${") ? undefined : byName.get(`${d.type}|${name.toLowerCase()}`);
      if (!managed) {
        const ref = referencesIn(name)[0];
        const target = ref && ref.attribute === "name" && replaceInterpolations(name, "").trim() === "" ? this.get(ref.address) : undefined;
        if (target?.mode === "managed" && target.type === d.type) managed = target;
      }
      if (!managed) continue;
      for (const alias of [d.address, withoutInstanceKey(d.address), configAddress(d.address)]) this.byAddress.set(alias, managed);
    }
  }

  /** Judged resources of the given types (prefix `data.` for data sources). */
  public ofType(...types: string[]): readonly TfResource[] {
    if (types.length === 1) return this.byType.get(types[0]) ?? [];
    return types.flatMap((t) => this.byType.get(t) ?? []);
  }

  public get(address: string): TfResource | undefined {
    return this.byAddress.get(address) ?? this.byAddress.get(withoutInstanceKey(address)) ?? this.byAddress.get(configAddress(address));
  }

  /** Whether a reference names `resource` (or, for a resource with instances, its first instance). */
  public is(ref: Reference, resource: TfResource): boolean {
    return ref.address === resource.address || this.get(ref.address) === resource;
  }

  /**
   * References made by the value at `path` of a resource (`["app_settings", "X"]`, or
   * `["scope"]`). In plans, where values are resolved or unknown, the configuration's
   * references for the top-level argument are added: Terraform records those per
   * argument, so for a map they cover all of its keys.
   */
  public refs(resource: TfResource, ...path: string[]): Reference[] {
    let value: unknown = resource.values;
    for (const key of path) value = block(value)?.[key];
    const found = referencesIn(value);
    const fromConfig = path.length > 0 ? resource.configReferences[path[0]] : undefined;
    if (!fromConfig) return found;
    // For a single map entry, only borrow the argument-level references when the entry is unknown.
    if (path.length > 1 && !resource.unknown.has(`${path[0]}.${path[1]}`) && !resource.unknown.has(path[0])) return found;
    return found.concat(fromConfig);
  }

  /** The resources `resource` references at `path`, optionally only those of some types. */
  public referenced(resource: TfResource, path: string[], types?: readonly string[]): TfResource[] {
    const out: TfResource[] = [];
    for (const ref of this.refs(resource, ...path)) {
      const target = this.get(ref.address);
      if (target && (!types || types.includes(target.type)) && !out.includes(target)) out.push(target);
    }
    return out;
  }

  /**
   * Every reference made *to* `address` anywhere in the stack (values and plan
   * configuration), with the resource that makes it. Indexed on first use, in one pass.
   */
  public incoming(address: string): readonly { readonly from: TfResource; readonly ref: Reference }[] {
    const index = this.derive("incoming", (m) => {
      const map = new Map<string, { from: TfResource; ref: Reference }[]>();
      for (const from of m.resources) {
        const refs = referencesIn(from.values).concat(...Object.values(from.configReferences));
        for (const ref of refs) {
          const target = m.get(ref.address)?.address ?? ref.address;
          const list = map.get(target);
          if (list) list.push({ from, ref });
          else map.set(target, [{ from, ref }]);
        }
      }
      return map;
    });
    return index.get(address) ?? [];
  }

  /** Computes a derived fact once per model (role assignments, implied flows...). */
  public derive<T>(key: string, compute: (model: StackModel) => T): T {
    if (!this.memo.has(key)) this.memo.set(key, compute(this));
    return this.memo.get(key) as T;
  }
}
