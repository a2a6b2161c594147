import { Construct } from "constructs";
import { SearchService as SearchServiceResource } from "@cdktf/provider-azurerm/lib/search-service";
import { ProblemCollector, ValidationError } from "./errors";
import { checkName, claimGlobalName, namingOf } from "./naming";
import { checkIntRange, checkOneOf, checkRegion } from "./validate";
import { Grant, GrantOptions, IRoleScope } from "./rbac/grant";
import { IGrantable, IPrincipal, EntraPrincipal } from "./rbac/principal";
import { Roles } from "../catalogue/roles";
import { Flow } from "../catalogue/flows";
import { declareFlow } from "./rbac/intent";

export const SEARCH_SKUS = ["free", "basic", "standard", "standard2", "standard3", "storage_optimized_l1", "storage_optimized_l2"] as const;
export type SearchSku = (typeof SEARCH_SKUS)[number];
export type SemanticSearch = "disabled" | "free" | "standard";

/** Partition counts Azure accepts; replicas and partitions per SKU as the provider enforces them. */
const PARTITION_COUNTS = [1, 2, 3, 4, 6, 12];
/** Replicas × partitions (https://learn.microsoft.com/azure/search/search-capacity-planning). */
const MAX_SEARCH_UNITS = 36;
const LIMITS: Record<SearchSku, { replicas: number; partitions: number }> = {
  free: { replicas: 1, partitions: 1 },
  basic: { replicas: 3, partitions: 3 },
  standard: { replicas: 12, partitions: 12 },
  standard2: { replicas: 12, partitions: 12 },
  standard3: { replicas: 12, partitions: 12 },
  storage_optimized_l1: { replicas: 12, partitions: 12 },
  storage_optimized_l2: { replicas: 12, partitions: 12 },
};

export interface SearchServiceProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /**
   * Service name (globally unique).
   * @default derived: `<prefix>-<env>-srch-<hash>`
   */
  readonly name?: string;
  /**
   * Pricing tier. The free tier has no managed identity, so it cannot read Storage or
   * call OpenAI keylessly; it is refused while `systemIdentity` is on.
   * @default "basic"
   */
  readonly sku?: SearchSku;
  /** @default 1 */
  readonly replicaCount?: number;
  /** @default 1 */
  readonly partitionCount?: number;
  /**
   * Semantic ranker plan. Not available on the free tier.
   * @default "free" (1,000 semantic queries a month at no cost)
   */
  readonly semanticSearch?: SemanticSearch;
  /**
   * Accept API keys as well as Entra ID ("Both" mode, failing with 401 + bearer
   * challenge). Off means RBAC only.
   * @default false
   */
  readonly localAuthEnabled?: boolean;
  /**
   * Give the service a system-assigned identity (indexers reading Storage, vectorizers
   * calling OpenAI).
   * @default true
   */
  readonly systemIdentity?: boolean;
  /** @default true */
  readonly publicNetworkAccessEnabled?: boolean;
  readonly tags?: Record<string, string>;
}

/** An Azure AI Search service, created here or referenced (SearchService.fromSearchServiceAttributes): what grants need. */
export interface ISearchService extends IRoleScope {
  readonly name: string;
  /** Search Index Data Reader: query indexes. */
  grantIndexDataReader(grantee: IGrantable, options?: GrantOptions): Grant;
  /** Search Index Data Contributor: load and query indexes. */
  grantIndexDataContributor(grantee: IGrantable, options?: GrantOptions): Grant;
  /** Search Service Contributor: manage indexes, indexers, data sources and skillsets (On Your Data needs it even at inference time, to read the index schema). */
  grantServiceContributor(grantee: IGrantable, options?: GrantOptions): Grant;
}

/** An existing Azure AI Search service, by id and name. */
export interface SearchServiceAttributes {
  /** ARM id (`/subscriptions/.../providers/Microsoft.Search/searchServices/<name>`), or a reference to it. */
  readonly resourceId: string;
  readonly name: string;
  /**
   * Object id of its system-assigned identity, to grant it roles elsewhere.
   * @default none: the reference cannot be granted roles
   */
  readonly principalId?: string;
}

/** Grants, the same for an Azure AI Search service created here and one referenced. */
export abstract class SearchServiceBase extends Construct implements ISearchService {
  public abstract readonly name: string;
  public abstract readonly resourceId: string;
  public abstract readonly scopeLabel: string;

  public grantIndexDataReader(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return Grant.onScope(this, grantee, [Roles.SearchIndexDataReader], { ...options, reason: options.reason ?? "queries the index" });
  }

  public grantIndexDataContributor(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return Grant.onScope(this, grantee, [Roles.SearchIndexDataContributor], { ...options, reason: options.reason ?? "loads documents into indexes" });
  }

  public grantServiceContributor(grantee: IGrantable, options: GrantOptions = {}): Grant {
    return Grant.onScope(this, grantee, [Roles.SearchServiceContributor], { ...options, reason: options.reason ?? "reads index definitions and creates ingestion indexes" });
  }
}

/**
 * An Azure AI Search service, RBAC-only by default, with a system-assigned identity.
 */
/** The calls a Search service makes with its identity (see SearchService.intends). */
export interface SearchCalls {
  /** An indexer reads the documents (F4). */
  readonly storage?: IRoleScope;
  /** A vectorizer, an embedding skill or a knowledge base calls deployments (F5). */
  readonly openai?: IRoleScope;
}

export class SearchService extends SearchServiceBase implements IGrantable {
  /** An Azure AI Search service that exists outside this stack, to grant roles on (and, with `principalId`, to grant it roles). */
  public static fromSearchServiceAttributes(scope: Construct, id: string, attributes: SearchServiceAttributes): ISearchService & IGrantable {
    return new ImportedSearchService(scope, id, attributes);
  }

  public readonly resource: SearchServiceResource;
  public readonly name: string;
  public readonly sku: SearchSku;
  /** `https://<name>.search.windows.net` */
  public readonly endpoint: string;
  public readonly resourceId: string;
  public readonly scopeLabel: string;
  public readonly localAuthEnabled: boolean;
  public readonly semanticSearch: SemanticSearch;
  public readonly hasSystemIdentity: boolean;
  private readonly principal?: IPrincipal;

  constructor(scope: Construct, id: string, props: SearchServiceProps) {
    super(scope, id);
    // Every problem of the props in one run (the tier's limits only once the tier is known).
    const problems = new ProblemCollector();
    problems.attempt(() => checkRegion(this, "location", props.location));
    const name = problems.attempt(() => claimGlobalName(this, "name", "search", checkName(this, "name", "search", props.name ?? namingOf(this).name("search"))));
    const sku = problems.attempt(() => checkOneOf(this, "sku", props.sku ?? "basic", SEARCH_SKUS));
    const limits = LIMITS[sku ?? "standard"];
    const replicaCount = problems.attempt(() => checkIntRange(this, "replicaCount", props.replicaCount ?? 1, 1, limits.replicas, `the ${sku} tier's limit`));
    const partitionCount = problems.attempt(() => checkIntRange(this, "partitionCount", props.partitionCount ?? 1, 1, limits.partitions, `the ${sku} tier's limit`));
    if (partitionCount !== undefined && !PARTITION_COUNTS.includes(partitionCount)) {
      problems.add(new ValidationError(this, "partitionCount", partitionCount, "is not a partition count Azure offers", `use one of ${PARTITION_COUNTS.join(", ")}`));
    }
    if (replicaCount !== undefined && partitionCount !== undefined && replicaCount * partitionCount > MAX_SEARCH_UNITS) {
      problems.add(
        new ValidationError(
          this,
          "replicaCount",
          replicaCount,
          `with partitionCount ${partitionCount} makes ${replicaCount * partitionCount} search units, over the ${MAX_SEARCH_UNITS} a service can have`,
          `keep replicaCount × partitionCount at ${MAX_SEARCH_UNITS} or less, e.g. 12 × 3, 6 × 6 or 3 × 12`,
        ),
      );
    }
    this.hasSystemIdentity = props.systemIdentity ?? true;
    if (sku === "free" && this.hasSystemIdentity) {
      problems.add(
        new ValidationError(
          this,
          "sku",
          "free",
          "has no managed identity, but systemIdentity is on (indexers and vectorizers need it)",
          'use "basic" or higher, or set systemIdentity: false if nothing calls out from Search',
        ),
      );
    }
    const semanticSearch = problems.attempt(() =>
      checkOneOf(this, "semanticSearch", props.semanticSearch ?? (sku === "free" ? "disabled" : "free"), ["disabled", "free", "standard"] as const),
    );
    if (sku === "free" && semanticSearch !== undefined && semanticSearch !== "disabled") {
      problems.add(new ValidationError(this, "semanticSearch", semanticSearch, "is not available on the free tier", 'use sku "basic" or higher, or semanticSearch: "disabled"'));
    }
    problems.throwIfAny();
    this.name = name!;
    this.sku = sku!;
    this.semanticSearch = semanticSearch!;
    this.localAuthEnabled = props.localAuthEnabled ?? false;

    this.resource = new SearchServiceResource(this, "Service", {
      name: this.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      sku: this.sku,
      replicaCount: replicaCount!,
      partitionCount: partitionCount!,
      semanticSearchSku: this.semanticSearch === "disabled" ? undefined : this.semanticSearch,
      localAuthenticationEnabled: this.localAuthEnabled,
      // Only meaningful with keys on: keys *and* Entra ID tokens are accepted ("Both").
      // https://learn.microsoft.com/azure/search/search-security-enable-roles
      authenticationFailureMode: this.localAuthEnabled ? "http401WithBearerChallenge" : undefined,
      publicNetworkAccessEnabled: props.publicNetworkAccessEnabled ?? true,
      identity: this.hasSystemIdentity ? { type: "SystemAssigned" } : undefined,
      tags: props.tags,
    });
    this.resourceId = this.resource.id;
    this.endpoint = `https://${this.name}.search.windows.net`;
    this.scopeLabel = `Search ${this.name}`;
    if (this.hasSystemIdentity) {
      this.principal = EntraPrincipal.systemAssigned(this, this.resource.identity.principalId, `Search ${this.name}`);
    }
  }

  /**
   * Declares the calls Search makes with its own identity, so the guardrails require
   * their roles (constructs/rbac/intent.ts): an indexer reading `storage` (F4), a
   * vectorizer or knowledge base calling `openai` (F5). Grant them with
   * `storage.grantBlobDataReader(search)` and `openai.grantOpenAIUser(search)`.
   */
  public intends(calls: SearchCalls): this {
    if (calls.storage) declareFlow(this, this.resource, Flow.SearchToStorage, calls.storage);
    if (calls.openai) declareFlow(this, this.resource, Flow.SearchToOpenAI, calls.openai);
    return this;
  }

  /**
   * Closes the public endpoint. With `trustedServices`, Azure OpenAI (on Search's
   * trusted list as Microsoft.CognitiveServices) still gets in with its system-assigned
   * identity and an RBAC role: On Your Data's documented path (F2). Search's networking
   * needs basic or higher. https://learn.microsoft.com/azure/search/service-configure-firewall
   */
  public restrictNetwork(options: { readonly trustedServices: boolean }): void {
    if (this.sku === "free") {
      throw new ValidationError(this, "sku", "free", "has no network rules, so public access cannot be closed", 'use "basic" or higher');
    }
    this.resource.publicNetworkAccessEnabled = false;
    // Disabled + bypass is the documented configuration; sample-app-aoai-chatGPT#1464
    // reports it failing where "selected IPs + trusted services" worked (UNCONFIRMED,
    // docs/network.md section 8.2). We follow the documentation; the network audit accepts both.
    if (options.trustedServices) this.resource.networkRuleBypassOption = "AzureServices";
  }

  /** The system-assigned identity; an error when the service has none. */
  public get grantPrincipal(): IPrincipal {
    if (!this.principal) {
      throw new ValidationError(this, "systemIdentity", false, "is off, so this service cannot be granted roles", "set systemIdentity: true (and a tier other than free)");
    }
    return this.principal;
  }
}

class ImportedSearchService extends SearchServiceBase implements IGrantable {
  public readonly name: string;
  public readonly resourceId: string;
  public readonly scopeLabel: string;
  private readonly principal?: IPrincipal;

  constructor(scope: Construct, id: string, attributes: SearchServiceAttributes) {
    super(scope, id);
    this.name = attributes.name;
    this.resourceId = attributes.resourceId;
    this.scopeLabel = `Search ${this.name}`;
    if (attributes.principalId !== undefined) this.principal = EntraPrincipal.systemAssigned(this, attributes.principalId, this.scopeLabel);
  }

  public get grantPrincipal(): IPrincipal {
    if (!this.principal) {
      throw new ValidationError(this, "principalId", undefined, "is not given, so this reference cannot be granted roles", "pass the object id of its system-assigned identity");
    }
    return this.principal;
  }
}
