import type { IsoDate } from "./today";

/**
 * The lifecycle catalogue: every fact with a date that decides whether a deployment works
 * (a model version that closed to new customers or retired, the deployment types a region
 * offers, a service that was switched off), each with the sources it was read from and
 * their dates. Gathered 2026-12-06; catalogue/lifecycle.ts judges with it, against a
 * "today" that the caller fixes (catalogue/today.ts).
 *
 * Microsoft's own tables disagree across versions, and ARM, not the Learn label, decides
 * (docs/retrieval.md "2. Model lifecycle"). Each row follows the newest dated source and
 * records the others in `disagreement`; the before-apply check (scripts/ci/check-models.ts)
 * reads ARM's live answer for the region, which wins over this file.
 */

/** The standard deployment types whose regional offer the catalogue records. */
export type StandardSku = "GlobalStandard" | "DataZoneStandard" | "Standard";

/** Where a fact was read, and the date the source carries (Learn's ms.date, an issue's date). */
export interface Source {
  readonly title: string;
  /** A URL, or `repository path@commit`. */
  readonly where: string;
  readonly date: IsoDate;
}

/** One model version's lifecycle and regional offer. */
export interface ModelVersion {
  readonly model: string;
  readonly version: string;
  readonly kind: "chat" | "embedding";
  /** A reasoning model (GPT-5 family, o-series): requests send `max_completion_tokens`; `max_tokens` is rejected. */
  readonly reasoning?: boolean;
  /** Embedding vector length by default (what the index's vector field must hold). */
  readonly dimensions?: number;
  /** First day a new customer cannot create a deployment (Learn "Deprecated", ARM `Deprecating`), as published. */
  readonly closesToNewCustomers?: IsoDate;
  /**
   * Not published: launch + 12 months, the lifecycle policy's rule for GA models (LIFECYCLE_POLICY).
   * Warned about ahead of time, never refused on.
   */
  readonly expectedToCloseAround?: IsoDate;
  /** First day every request answers 410 Gone (ARM `Deprecated`). */
  readonly retires: IsoDate;
  /** What Microsoft names as the move. */
  readonly replacement?: { readonly model: string; readonly version: string };
  /**
   * The standard deployment types each covered region offers (an empty list: none). A
   * region missing here is one the catalogue cannot vouch for.
   */
  readonly regions: Readonly<Partial<Record<string, readonly StandardSku[]>>>;
  readonly sources: readonly Source[];
  /** Where sources disagree, and which one the row follows. */
  readonly disagreement?: string;
  /** Anything else a deployer must know (a registration the model needs). */
  readonly note?: string;
}

/** A retired service the product still has to recognise in configurations and Terraform. */
export interface ServiceLifecycle {
  readonly id: string;
  readonly name: string;
  readonly retires: IsoDate;
  /** What happens after retirement. */
  readonly effect: string;
  /** What to do instead. */
  readonly move: string;
  readonly sources: readonly Source[];
}

// --- sources ---------------------------------------------------------------------------

const AZURE_AI_DOCS = "MicrosoftDocs/azure-ai-docs";

/** The only table with a "Deprecation Date (No New Customers)" column. */
export const RETIREMENTS_TABLE: Source = {
  title: "Azure OpenAI model deprecations and retirements (table with the no-new-customers date)",
  where: `${AZURE_AI_DOCS} articles/ai-foundry/openai/includes/retirement/models.md@00b1f657`,
  date: "2025-12-16",
};
export const RETIREMENT_SCHEDULE_APRIL: Source = {
  title: "Model retirement schedule",
  where: `${AZURE_AI_DOCS} articles/foundry/openai/concepts/model-retirement-schedule.md@4345ee01`,
  date: "2026-04-21",
};
/** The newest Learn source read: its retirement dates win. */
export const RETIREMENT_SCHEDULE: Source = {
  title: "Model retirement schedule",
  where: "https://learn.microsoft.com/azure/foundry/openai/concepts/model-retirement-schedule (git_commit_id c0b1c983)",
  date: "2026-09-02",
};
export const LIFECYCLE_POLICY: Source = {
  title: "Model deprecations and retirements: stages, 'existing customer' = subscription, 410 Gone",
  where: `${AZURE_AI_DOCS} articles/foundry/openai/includes/concepts-model-retirements-content.md`,
  date: "2026-04-29",
};
export const REGION_MATRIX: Source = {
  title: "Model availability by region and deployment type",
  where: `${AZURE_AI_DOCS} articles/foundry/openai/includes/model-matrix/region-europe.md@469738e5, region-americas.md@583fba6f, region-asia-pacific.md@9b24d6c6`,
  date: "2026-04-30",
};
export const REASONING_MODELS: Source = {
  title: "Azure OpenAI reasoning models (max_completion_tokens; limited access)",
  where: `${AZURE_AI_DOCS} articles/foundry/openai/how-to/reasoning.md@0d126d3a`,
  date: "2026-02-24",
};
export const RETIRED_MODELS: Source = {
  title: "Retired models",
  where: `${AZURE_AI_DOCS} articles/foundry/openai/includes/concepts-retired-models-content.md`,
  date: "2026-04-23",
};
const EMBEDDING_SKILL: Source = {
  title: "Azure OpenAI Embedding skill: dimensions per model",
  where: `${AZURE_AI_DOCS} articles/search/cognitive-search-skill-azure-openai-embedding.md`,
  date: "2025-10-23",
};
const FIELD_DEPRECATING: Source = {
  title: "ServiceModelDeprecating at create for a subscription that never deployed the version (gpt-4.1 and gpt-4o family)",
  where: "https://github.com/Azure-Samples/azure-search-openai-demo/issues/3162",
  date: "2026-07-13",
};
const FIELD_DEPRECATED_SKU: Source = {
  title: "gpt-4o-mini 2024-07-18 Standard: ServiceModelDeprecated 'has been deprecated since 03/31/2026'",
  where: "https://github.com/microsoft/microsoft-foundry-for-vscode/issues/491",
  date: "2026-04-07",
};
const FIELD_GPT56: Source = {
  title: "gpt-5.6 family listed by `az cognitiveservices model list` and deployed from a new subscription (field reports)",
  where: "field reports of `az cognitiveservices model list` in eastus2 and swedencentral; a Learn region matrix snapshot updated 2026-09-03",
  date: "2026-09-03",
};

// --- regional offer --------------------------------------------------------------------

/** The columns of REGION_MATRIX the catalogue records, in this order. */
export const CATALOGUE_REGIONS = [
  "swedencentral",
  "eastus2",
  "westeurope",
  "francecentral",
  "germanywestcentral",
  "uksouth",
  "eastus",
  "westus3",
  "australiaeast",
  "japaneast",
] as const;

const SKU_LETTERS: Readonly<Record<string, StandardSku>> = { G: "GlobalStandard", D: "DataZoneStandard", S: "Standard" };

/**
 * One row of the region matrix, a cell per CATALOGUE_REGIONS column: "GDS" = GlobalStandard,
 * DataZoneStandard and Standard; "-" = not offered. Written like the matrix so a row can be
 * checked against it by eye.
 */
function offer(...cells: string[]): Record<string, readonly StandardSku[]> {
  if (cells.length !== CATALOGUE_REGIONS.length) throw new Error(`offer() takes ${CATALOGUE_REGIONS.length} cells, got ${cells.length}`);
  return Object.fromEntries(CATALOGUE_REGIONS.map((r, i) => [r, [...cells[i]].filter((c) => c !== "-").map((c) => SKU_LETTERS[c])]));
}

/** Only the regions a field report covers. */
function offerIn(cells: Readonly<Record<string, string>>): Record<string, readonly StandardSku[]> {
  return Object.fromEntries(Object.entries(cells).map(([r, c]) => [r, [...c].filter((x) => x !== "-").map((x) => SKU_LETTERS[x])]));
}

/** Retired models: no region offers them, whatever older matrices say. */
const NOWHERE: Record<string, readonly StandardSku[]> = {};

// --- models ----------------------------------------------------------------------------

const ESTIMATE = "expectedToCloseAround is launch + 12 months under the lifecycle policy, not a published date";

function chat(v: Omit<ModelVersion, "kind" | "reasoning"> & { reasoning?: boolean }): ModelVersion {
  return Object.freeze({ kind: "chat", reasoning: true, ...v });
}

function embedding(v: Omit<ModelVersion, "kind">): ModelVersion {
  return Object.freeze({ kind: "embedding", ...v });
}

const SCHEDULES = [RETIREMENT_SCHEDULE, RETIREMENTS_TABLE, REGION_MATRIX];

export const MODEL_VERSIONS: readonly ModelVersion[] = Object.freeze([
  // GPT-5.x: what a new subscription deploys today.
  chat({
    model: "gpt-5.4-mini",
    version: "2026-03-17",
    expectedToCloseAround: "2027-03-17",
    retires: "2027-09-21",
    regions: offer("G", "GD", "G", "G", "G", "G", "GD", "GD", "G", "G"),
    sources: [RETIREMENT_SCHEDULE, REGION_MATRIX, LIFECYCLE_POLICY],
    disagreement: `retirement 2027-09-21 per the 2026-09-02 schedule (the 2026-04-21 one said 2027-03-18); the reasoning page (2026-02-24) lists GlobalStandard in fewer regions than the 2026-04-30 matrix, which the row follows; ${ESTIMATE}`,
  }),
  chat({
    model: "gpt-5.4-nano",
    version: "2026-03-17",
    expectedToCloseAround: "2027-03-17",
    retires: "2027-09-21",
    regions: offer("G", "GD", "G", "G", "G", "G", "GD", "GD", "G", "G"),
    sources: [RETIREMENT_SCHEDULE, REGION_MATRIX, LIFECYCLE_POLICY],
    disagreement: `retirement per the 2026-09-02 schedule (2026-04-21: 2027-03-18); ${ESTIMATE}`,
  }),
  chat({
    model: "gpt-5.4",
    version: "2026-03-05",
    expectedToCloseAround: "2027-03-05",
    retires: "2027-09-02",
    regions: offer("GD", "GD", "GD", "GD", "GD", "G", "GD", "GD", "G", "G"),
    sources: [RETIREMENT_SCHEDULE, REGION_MATRIX, REASONING_MODELS],
    disagreement: `retirement per the 2026-09-02 schedule (2026-04-21: 2027-03-05); ${ESTIMATE}`,
    note: "the reasoning-models page (2026-02-24) lists gpt-5.4 as limited access: a subscription may need Microsoft's approval (aka.ms/oai/access) before it can deploy it",
  }),
  chat({
    model: "gpt-5.5",
    version: "2026-04-24",
    expectedToCloseAround: "2027-04-24",
    retires: "2027-10-26",
    regions: offer("GD", "GD", "-", "-", "-", "-", "-", "-", "-", "-"),
    sources: [RETIREMENT_SCHEDULE, REGION_MATRIX],
    disagreement: `retirement per the 2026-09-02 schedule (a field audit of the 2026-06-05 page: 2027-04-23); ${ESTIMATE}`,
  }),
  chat({
    model: "gpt-5.6-luna",
    version: "2026-07-09",
    expectedToCloseAround: "2027-07-09",
    retires: "2028-01-11",
    regions: offerIn({ eastus2: "GD", swedencentral: "G" }),
    sources: [RETIREMENT_SCHEDULE, FIELD_GPT56],
    disagreement: `regions from field reports only (no region matrix row read); ${ESTIMATE}`,
  }),
  chat({
    model: "gpt-5.6-sol",
    version: "2026-07-09",
    expectedToCloseAround: "2027-07-09",
    retires: "2028-01-11",
    regions: offerIn({ eastus2: "GD", swedencentral: "G" }),
    sources: [RETIREMENT_SCHEDULE, FIELD_GPT56],
    disagreement: `regions from field reports only (no region matrix row read); ${ESTIMATE}`,
  }),
  chat({
    model: "gpt-5.6-terra",
    version: "2026-07-09",
    expectedToCloseAround: "2027-07-09",
    retires: "2028-01-11",
    regions: offerIn({ eastus2: "GD", swedencentral: "G" }),
    sources: [RETIREMENT_SCHEDULE, FIELD_GPT56],
    disagreement: `regions from field reports only (no region matrix row read); ${ESTIMATE}`,
  }),
  chat({
    model: "gpt-5.2",
    version: "2025-12-11",
    closesToNewCustomers: "2026-12-12",
    retires: "2027-06-08",
    regions: offer("G", "GD", "G", "G", "G", "G", "GD", "GD", "G", "G"),
    sources: SCHEDULES,
    disagreement: 'the 2025-12-16 table says new customers are refused "no earlier than" 2026-12-12; the row takes that day',
    note: "the reasoning-models page (2026-02-24) lists gpt-5.2 as limited access",
  }),
  chat({
    model: "gpt-5.1",
    version: "2025-11-13",
    closesToNewCustomers: "2026-11-13",
    retires: "2027-05-15",
    regions: offer("GDS", "GDS", "G", "GD", "G", "G", "GDS", "GDS", "G", "G"),
    sources: SCHEDULES,
    disagreement:
      "the 2026-09-02 schedule still calls it GA (written before 2026-11-13); the 2025-12-16 table closes it to new customers on 2026-11-13, which the row follows; no field report of a refusal read yet",
  }),
  ...["gpt-5", "gpt-5-mini", "gpt-5-nano"].map((model) =>
    chat({
      model,
      version: "2025-08-07",
      closesToNewCustomers: "2026-08-07",
      retires: "2027-02-09",
      regions: offer("GD", "GD", "GD", "GD", "GD", "G", "GD", "GD", "G", "G"),
      sources: SCHEDULES,
      disagreement: "retirement per the 2026-09-02 schedule (2026-04-21: 2027-02-06); field: gpt-5-mini answers ServiceModelDeprecating",
    }),
  ),
  // GPT-4.1 and GPT-4o: closed to new customers; existing customers until retirement.
  ...[
    { model: "gpt-4.1", replacement: "gpt-5", regions: offer("GDS", "GDS", "GD", "GD", "GD", "G", "GDS", "GDS", "G", "G") },
    { model: "gpt-4.1-mini", replacement: "gpt-5-mini", regions: offer("GDS", "GDS", "GDS", "GDS", "GD", "GS", "GDS", "GDS", "GS", "GS") },
    { model: "gpt-4.1-nano", replacement: "gpt-5-nano", regions: offer("GD", "GD", "GD", "GD", "GD", "G", "GD", "GD", "G", "G") },
  ].map(({ model, replacement, regions }) =>
    chat({
      model,
      version: "2025-04-14",
      reasoning: false,
      closesToNewCustomers: "2026-04-14",
      retires: "2027-04-14",
      replacement: { model: replacement, version: "2025-08-07" },
      regions,
      sources: [...SCHEDULES, FIELD_DEPRECATING],
      disagreement:
        'retirement per the 2026-09-02 schedule (stage "Legacy"); the 2026-04-21 schedule said GA until 2027-10-14, a field audit of the 2026-06-05 page 2026-10-14; field: ServiceModelDeprecating for new subscriptions (azure-search-openai-demo #3162)',
    }),
  ),
  chat({
    model: "gpt-4o",
    version: "2024-11-20",
    reasoning: false,
    closesToNewCustomers: "2025-11-20",
    retires: "2027-04-14",
    replacement: { model: "gpt-5.1", version: "2025-11-13" },
    regions: offer("GDS", "GDS", "GD", "GDS", "GD", "GS", "GDS", "GDS", "GS", "GS"),
    sources: [...SCHEDULES, FIELD_DEPRECATING],
    disagreement:
      "retirement per the 2026-09-02 schedule (stage Legacy); earlier tables: 2026-06-05 (2025-12-16) and 2026-10-01 (2026-04-21, and the lifecycle page's example); field: ServiceModelDeprecating for new subscriptions",
  }),
  chat({
    model: "gpt-4o",
    version: "2024-08-06",
    reasoning: false,
    closesToNewCustomers: "2025-08-06",
    retires: "2027-04-14",
    replacement: { model: "gpt-5.1", version: "2025-11-13" },
    regions: offer("GD", "GD", "GD", "GD", "GD", "G", "GD", "GD", "G", "G"),
    sources: [...SCHEDULES, LIFECYCLE_POLICY],
    disagreement:
      "Standard retired 2026-03-31 (lifecycle page: auto-upgraded to gpt-5.1 Standard), though the 2026-04-30 matrix still lists it: the row leaves Standard out; retirement per the 2026-09-02 schedule (earlier: 2026-03-31, 2026-10-01, 2027-10-01)",
  }),
  chat({
    model: "gpt-4o",
    version: "2024-05-13",
    reasoning: false,
    closesToNewCustomers: "2025-05-13",
    retires: "2026-10-01",
    replacement: { model: "gpt-5.1", version: "2025-11-13" },
    regions: NOWHERE,
    sources: SCHEDULES,
    disagreement: "retired 2026-10-01 per the 2026-09-02 schedule (earlier: 2026-03-31, 2027-03-31)",
  }),
  chat({
    model: "gpt-4o-mini",
    version: "2024-07-18",
    reasoning: false,
    closesToNewCustomers: "2025-07-18",
    retires: "2027-04-14",
    replacement: { model: "gpt-4.1-mini", version: "2025-04-14" },
    regions: offer("GD", "GD", "GD", "GD", "GD", "G", "GD", "GD", "G", "G"),
    sources: [...SCHEDULES, FIELD_DEPRECATED_SKU],
    disagreement:
      "Standard answers ServiceModelDeprecated since 2026-03-31 (field), though the matrix lists it: the row leaves Standard out; the 2026-09-02 schedule names no replacement",
  }),
  // Retired: every request answers 410 Gone.
  chat({
    model: "o1",
    version: "2024-12-17",
    closesToNewCustomers: "2025-12-17",
    retires: "2026-10-21",
    replacement: { model: "gpt-5.6-sol", version: "2026-07-09" },
    regions: NOWHERE,
    sources: SCHEDULES,
  }),
  chat({
    model: "o3-mini",
    version: "2025-01-31",
    closesToNewCustomers: "2026-01-31",
    retires: "2026-10-01",
    regions: NOWHERE,
    sources: SCHEDULES,
  }),
  chat({
    model: "o4-mini",
    version: "2025-04-16",
    closesToNewCustomers: "2026-04-16",
    retires: "2026-10-16",
    regions: NOWHERE,
    sources: SCHEDULES,
    disagreement: "fine-tuned o4-mini deployments keep running until 2027-10-16",
  }),
  ...["0125", "1106"].map((version) =>
    chat({
      model: "gpt-35-turbo",
      version,
      reasoning: false,
      retires: "2025-11-14",
      replacement: { model: "gpt-4.1-mini", version: "2025-04-14" },
      regions: NOWHERE,
      sources: [RETIRED_MODELS],
      disagreement:
        'Learn (May 2025): retirement "no earlier than 2025-07-16"; field: 0125 answers ServiceModelDeprecated "since 11/14/2025", the date the row takes; absent from every 2026 table',
    }),
  ),
  chat({
    model: "gpt-4",
    version: "0613",
    reasoning: false,
    retires: "2025-06-06",
    replacement: { model: "gpt-4o", version: "2024-11-20" },
    regions: NOWHERE,
    sources: [RETIRED_MODELS],
  }),
  chat({
    model: "gpt-4",
    version: "turbo-2024-04-09",
    reasoning: false,
    retires: "2025-06-06",
    replacement: { model: "gpt-4o", version: "2024-11-20" },
    regions: NOWHERE,
    sources: [RETIRED_MODELS],
    disagreement: 'Learn (May 2025): retirement "no earlier than 2025-06-06"; absent from every 2026 table, so the row takes that day',
  }),
  // Embeddings.
  embedding({
    model: "text-embedding-3-large",
    version: "1",
    dimensions: 3072,
    retires: "2028-02-09",
    regions: offer("GDS", "GDS", "GD", "GDS", "GDS", "GS", "GDS", "GDS", "GS", "GS"),
    sources: [RETIREMENT_SCHEDULE, REGION_MATRIX, EMBEDDING_SKILL],
    disagreement: "retirement per the 2026-09-02 schedule (2026-04-21: 2027-04-15; 2025-12-16: no earlier than 2026-10-30)",
  }),
  embedding({
    model: "text-embedding-3-small",
    version: "1",
    dimensions: 1536,
    retires: "2028-02-09",
    regions: offer("GD", "GDS", "GD", "GD", "GD", "G", "GDS", "GD", "GS", "GS"),
    sources: [RETIREMENT_SCHEDULE, REGION_MATRIX, EMBEDDING_SKILL],
    disagreement: "retirement per the 2026-09-02 schedule (2026-04-21: 2027-04-15; 2025-12-16: no earlier than 2026-10-30)",
  }),
  embedding({
    model: "text-embedding-ada-002",
    version: "2",
    dimensions: 1536,
    retires: "2028-02-09",
    regions: offer("GDS", "GDS", "GDS", "GDS", "GD", "GS", "GDS", "GDS", "GS", "GS"),
    sources: [RETIREMENT_SCHEDULE, REGION_MATRIX, EMBEDDING_SKILL],
    disagreement: "retirement per the 2026-09-02 schedule (2026-04-21: 2027-04-15)",
  }),
]);

/**
 * What a new subscription should deploy when nothing else is named: what
 * azure-search-openai-demo ships (its PR #3038) and the platform's defaults.
 */
export const CURRENT_DEFAULTS = Object.freeze({
  chat: { model: "gpt-5.4-mini", version: "2026-03-17", sku: "GlobalStandard" },
  /** EU data-zone processing (DataZoneStandard keeps prompts and completions in the EU data zone). */
  chatEuDataZone: { model: "gpt-5.4", version: "2026-03-05", sku: "DataZoneStandard" },
  embedding: { model: "text-embedding-3-large", version: "1", sku: "GlobalStandard" },
} as const);

// --- services --------------------------------------------------------------------------

export const SERVICES: Readonly<Record<"onYourData", ServiceLifecycle>> = Object.freeze({
  onYourData: {
    id: "onYourData",
    name: "Azure OpenAI On Your Data",
    retires: "2026-10-14",
    effect:
      "all On Your Data API endpoints and data source connectors stop functioning: a chat request with data_sources (DATASOURCE_TYPE=AzureCognitiveSearch in the sample app) fails, so every grounded chat fails",
    move: 'app-side retrieval: the app queries Search itself and sends the results to the chat model (profile "searchOpenAIDemo", Azure-Samples/azure-search-openai-demo)',
    sources: [
      {
        title: 'Azure OpenAI On Your Data configuration: "The service will be retired on October 14, 2026."',
        where: "https://learn.microsoft.com/azure/ai-foundry/openai/how-to/on-your-data-configuration (foundry-classic)",
        date: "2026-02-06",
      },
      {
        title: "field: 400 Unrecognized request argument supplied: data_sources (gpt-4.1)",
        where: "https://github.com/microsoft/sample-app-aoai-chatGPT/issues/1476",
        date: "2026-02-01",
      },
    ],
  },
});
