// zod/mini: the same validation as classic zod with a functional API; classic zod's
// method-chaining classes cost ~70 ms to load, a third of the whole synth (npm run bench).
import * as z from "zod/mini";
// Named from the ES module index: zod marks its locales free of side effects, so the
// bundle keeps English alone (a path to the CommonJS file brought a second copy of
// zod's core utilities with it).
import { en } from "zod/v4/locales";
import { AUTH_MODES, SEARCH_QUERY_TYPES } from "../constructs/settings/profile";
import { BUILT_IN_PROFILE_NAMES } from "../constructs/settings/profiles";
import { PRINCIPAL_TYPES } from "../constructs/rbac/principal";
import { DEPLOYMENT_SKUS } from "../constructs/openai-account";
import { SEARCH_SKUS } from "../constructs/search-service";
import { REPLICATION_TYPES } from "../constructs/storage-account";
import { PLAN_SKUS, PYTHON_VERSIONS } from "../constructs/web-app";
import { WEB_APP_ACCESS } from "../constructs/sign-in";
import { NETWORK_MODES } from "../constructs/platform-network";

/**
 * The shape of config/environments.json.
 *
 * This schema checks types and shape only: unknown keys (typos), wrong types, values
 * outside the constructs' own enumerations, counts that are not positive integers. The
 * meaning (a SKU's replica limit, a GUID, a region, features that contradict each other)
 * is judged by the constructs at synth, which name the construct path and the fix.
 * Enumerations come from the constructs, so the two can never disagree.
 */

// zod/mini ships no messages by default; English ones name what was expected.
z.config(en());

const name = z.string().check(z.minLength(1));
const count = z.int().check(z.minimum(1));
const enumOf = <T extends string>(values: readonly T[]) => z.enum(values as [T, ...T[]]);
const opt = z.optional;

const Model = z.strictObject({
  deploymentName: opt(name),
  modelName: opt(name),
  modelVersion: opt(name),
  skuName: opt(enumOf(DEPLOYMENT_SKUS)),
  /** Thousands of tokens per minute. */
  capacity: opt(count),
  /** This subscription already deploys this (closed) model version. */
  existingCustomer: opt(z.boolean()),
  /** Embedding only: the vector length. */
  dimensions: opt(count),
});

const Runtime = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("python"), version: opt(enumOf(PYTHON_VERSIONS)), startCommand: opt(name) }),
  z.strictObject({ kind: z.literal("container"), registry: name, image: name, tag: name }),
]);

export const RemoteStateSchema = z.strictObject({
  resourceGroupName: name,
  storageAccountName: name,
  containerName: opt(name),
  /** Defaults to `<stack>.tfstate`; set only to adopt an existing state blob. */
  key: opt(name),
  /** Subscription of the state storage account when it differs from ARM_SUBSCRIPTION_ID. */
  subscriptionId: opt(name),
});

export const AlertsSchema = z.strictObject({
  enabled: opt(z.boolean()),
  emailReceivers: opt(z.array(z.strictObject({ name, email: z.email() }))),
  actionGroupId: opt(name),
  severity: opt(z.int()),
  authFailureThreshold: opt(count),
  evaluationFrequency: opt(name),
  windowDuration: opt(name),
  healthCheck: opt(z.boolean()),
});

export const ObservabilitySchema = z.strictObject({
  /** On unless set to false. */
  enabled: opt(z.boolean()),
  retentionInDays: opt(count),
  dailyQuotaGb: opt(z.number().check(z.positive())),
  alerts: opt(AlertsSchema),
});

/** One environment (stamp). Every field is optional: the constructs have defaults. */
export const EnvironmentSchema = z.strictObject({
  prefix: opt(name),
  location: opt(name),
  /** The day lifecycle checks judge on, YYYY-MM-DD (default: $CHAT_PLATFORM_TODAY, else the clock). */
  today: opt(name),
  nameSeed: opt(name),
  resourceGroupName: opt(name),
  authMode: opt(enumOf(AUTH_MODES)),
  profile: opt(enumOf(BUILT_IN_PROFILE_NAMES)),
  features: opt(
    z.strictObject({
      onYourData: opt(z.boolean()),
      ingestion: opt(z.boolean()),
      integratedVectorization: opt(z.boolean()),
      agenticRetrieval: opt(z.boolean()),
      customerManagedKey: opt(z.boolean()),
      appQueriesSearch: opt(z.boolean()),
      appReadsBlobs: opt(z.boolean()),
    }),
  ),
  developers: opt(z.array(z.strictObject({ objectId: name, type: opt(enumOf(PRINCIPAL_TYPES)), name: opt(name) }))),
  userAssignedIdentity: opt(z.boolean()),
  openai: opt(
    z.strictObject({
      name: opt(name),
      chatModel: opt(Model),
      /** `null`: no embedding deployment. */
      embeddingModel: opt(z.nullable(Model)),
      publicNetworkAccessEnabled: opt(z.boolean()),
    }),
  ),
  search: opt(
    z.strictObject({
      name: opt(name),
      sku: opt(enumOf(SEARCH_SKUS)),
      replicaCount: opt(count),
      partitionCount: opt(count),
      semanticSearch: opt(z.enum(["disabled", "free", "standard"])),
      indexName: opt(name),
      knowledgeBaseName: opt(name),
      queryType: opt(enumOf(SEARCH_QUERY_TYPES)),
      topK: opt(count),
      semanticConfiguration: opt(name),
      vectorColumns: opt(z.array(name)),
    }),
  ),
  storage: opt(
    z.strictObject({
      name: opt(name),
      replicationType: opt(enumOf(REPLICATION_TYPES)),
      containers: opt(z.array(name)),
    }),
  ),
  keyVault: opt(
    z.strictObject({
      enabled: opt(z.boolean()),
      name: opt(name),
      skuName: opt(z.enum(["standard", "premium"])),
      softDeleteRetentionDays: opt(count),
    }),
  ),
  webApp: opt(
    z.strictObject({
      name: opt(name),
      planSku: opt(enumOf(PLAN_SKUS)),
      runtime: opt(Runtime),
      healthCheckPath: opt(name),
      access: opt(enumOf(WEB_APP_ACCESS)),
      signIn: opt(
        z.strictObject({
          clientId: opt(name),
          clientSecretName: opt(name),
          clientSecretExpiresOn: opt(name),
          tenantId: opt(name),
          allowedGroups: opt(z.array(name)),
          owners: opt(z.array(name)),
        }),
      ),
      extraSettings: opt(z.record(z.string(), z.string())),
    }),
  ),
  /** Public endpoints or a private platform (NetworkProps in constructs/platform-network.ts). */
  network: opt(
    z.strictObject({
      mode: opt(enumOf(NETWORK_MODES)),
      addressSpace: opt(name),
      appSubnet: opt(name),
      privateEndpointSubnet: opt(name),
      deployer: opt(z.strictObject({ ipRanges: opt(z.array(name)), virtualNetworkIds: opt(z.array(name)) })),
    }),
  ),
  protectStatefulResources: opt(z.boolean()),
  rolePropagationDelay: opt(name),
  tags: opt(z.record(z.string(), z.string())),
  /** Absent: local state in `terraform.<stack>.tfstate`. */
  remoteState: opt(RemoteStateSchema),
  observability: opt(ObservabilitySchema),
});

export const EnvironmentsFileSchema = z.strictObject({
  /** For editors: points at environments.schema.json. */
  $schema: opt(z.string()),
  /** Merged under every environment (objects deeply, arrays replaced). */
  defaults: opt(EnvironmentSchema),
  /** Stack name -> environment. The key is the stack name and the platform's `environment`. */
  environments: z.record(z.string(), EnvironmentSchema).check(z.refine((envs) => Object.keys(envs).length > 0, "define at least one environment")),
});

export type EnvironmentConfig = z.infer<typeof EnvironmentSchema>;
export type EnvironmentsFile = z.infer<typeof EnvironmentsFileSchema>;
export type RemoteStateConfig = z.infer<typeof RemoteStateSchema>;
export type ObservabilityConfig = z.infer<typeof ObservabilitySchema>;
