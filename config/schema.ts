import { z } from "zod";
import { AUTH_MODES, SEARCH_QUERY_TYPES } from "../constructs/settings/profile";
import { BUILT_IN_PROFILE_NAMES } from "../constructs/settings/profiles";
import { PRINCIPAL_TYPES } from "../constructs/rbac/principal";
import { DEPLOYMENT_SKUS } from "../constructs/openai-account";
import { SEARCH_SKUS } from "../constructs/search-service";
import { REPLICATION_TYPES } from "../constructs/storage-account";
import { PLAN_SKUS, PYTHON_VERSIONS } from "../constructs/web-app";

/**
 * The shape of config/environments.json.
 *
 * This schema checks types and shape only: unknown keys (typos), wrong types, values
 * outside the constructs' own enumerations, counts that are not positive integers. The
 * meaning (a SKU's replica limit, a GUID, a region, features that contradict each other)
 * is judged by the constructs at synth, which name the construct path and the fix.
 * Enumerations come from the constructs, so the two can never disagree.
 */

const name = z.string().min(1);
const count = z.number().int().min(1);
const enumOf = <T extends string>(values: readonly T[]) => z.enum(values as [T, ...T[]]);

const Model = z.strictObject({
  deploymentName: name.optional(),
  modelName: name.optional(),
  modelVersion: name.optional(),
  skuName: enumOf(DEPLOYMENT_SKUS).optional(),
  /** Thousands of tokens per minute. */
  capacity: count.optional(),
});

const Runtime = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("python"), version: enumOf(PYTHON_VERSIONS).optional(), startCommand: name.optional() }),
  z.strictObject({ kind: z.literal("container"), registry: name, image: name, tag: name }),
]);

export const RemoteStateSchema = z.strictObject({
  resourceGroupName: name,
  storageAccountName: name,
  containerName: name.optional(),
  /** Defaults to `<stack>.tfstate`; set only to adopt an existing state blob. */
  key: name.optional(),
  /** Subscription of the state storage account when it differs from ARM_SUBSCRIPTION_ID. */
  subscriptionId: name.optional(),
});

export const AlertsSchema = z.strictObject({
  enabled: z.boolean().optional(),
  emailReceivers: z.array(z.strictObject({ name, email: z.email() })).optional(),
  actionGroupId: name.optional(),
  severity: z.number().int().optional(),
  authFailureThreshold: count.optional(),
  evaluationFrequency: name.optional(),
  windowDuration: name.optional(),
  healthCheck: z.boolean().optional(),
});

export const ObservabilitySchema = z.strictObject({
  /** On unless set to false. */
  enabled: z.boolean().optional(),
  retentionInDays: count.optional(),
  dailyQuotaGb: z.number().positive().optional(),
  alerts: AlertsSchema.optional(),
});

/** One environment (stamp). Every field is optional: the constructs have defaults. */
export const EnvironmentSchema = z.strictObject({
  prefix: name.optional(),
  location: name.optional(),
  nameSeed: name.optional(),
  resourceGroupName: name.optional(),
  authMode: enumOf(AUTH_MODES).optional(),
  profile: enumOf(BUILT_IN_PROFILE_NAMES).optional(),
  features: z
    .strictObject({
      onYourData: z.boolean().optional(),
      ingestion: z.boolean().optional(),
      integratedVectorization: z.boolean().optional(),
      customerManagedKey: z.boolean().optional(),
      appQueriesSearch: z.boolean().optional(),
      appReadsBlobs: z.boolean().optional(),
    })
    .optional(),
  developers: z.array(z.strictObject({ objectId: name, type: enumOf(PRINCIPAL_TYPES).optional(), name: name.optional() })).optional(),
  userAssignedIdentity: z.boolean().optional(),
  openai: z
    .strictObject({
      name: name.optional(),
      chatModel: Model.optional(),
      /** `null`: no embedding deployment. */
      embeddingModel: Model.nullable().optional(),
      publicNetworkAccessEnabled: z.boolean().optional(),
    })
    .optional(),
  search: z
    .strictObject({
      name: name.optional(),
      sku: enumOf(SEARCH_SKUS).optional(),
      replicaCount: count.optional(),
      partitionCount: count.optional(),
      semanticSearch: z.enum(["disabled", "free", "standard"]).optional(),
      indexName: name.optional(),
      queryType: enumOf(SEARCH_QUERY_TYPES).optional(),
      topK: count.optional(),
      semanticConfiguration: name.optional(),
      vectorColumns: z.array(name).optional(),
    })
    .optional(),
  storage: z
    .strictObject({
      name: name.optional(),
      replicationType: enumOf(REPLICATION_TYPES).optional(),
      containers: z.array(name).optional(),
    })
    .optional(),
  keyVault: z
    .strictObject({
      name: name.optional(),
      skuName: z.enum(["standard", "premium"]).optional(),
      softDeleteRetentionDays: count.optional(),
    })
    .optional(),
  webApp: z
    .strictObject({
      name: name.optional(),
      planSku: enumOf(PLAN_SKUS).optional(),
      runtime: Runtime.optional(),
      healthCheckPath: name.optional(),
      signIn: z.strictObject({ clientId: name, clientSecretName: name, tenantId: name.optional() }).optional(),
      extraSettings: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  protectStatefulResources: z.boolean().optional(),
  rolePropagationDelay: name.optional(),
  tags: z.record(z.string(), z.string()).optional(),
  /** Absent: local state in `terraform.<stack>.tfstate`. */
  remoteState: RemoteStateSchema.optional(),
  observability: ObservabilitySchema.optional(),
});

export const EnvironmentsFileSchema = z.strictObject({
  /** For editors: points at environments.schema.json. */
  $schema: z.string().optional(),
  /** Merged under every environment (objects deeply, arrays replaced). */
  defaults: EnvironmentSchema.optional(),
  /** Stack name -> environment. The key is the stack name and the platform's `environment`. */
  environments: z.record(z.string(), EnvironmentSchema).refine((envs) => Object.keys(envs).length > 0, "define at least one environment"),
});

export type EnvironmentConfig = z.infer<typeof EnvironmentSchema>;
export type EnvironmentsFile = z.infer<typeof EnvironmentsFileSchema>;
export type RemoteStateConfig = z.infer<typeof RemoteStateSchema>;
export type ObservabilityConfig = z.infer<typeof ObservabilitySchema>;
