import type { IConstruct } from "constructs";
import type { TerraformStack } from "cdktf";
import { Roles } from "../catalogue/roles";
import type { FlowId } from "../catalogue/flows";
import { ChatPlatform } from "../constructs/chat-platform";
import { KeyVault } from "../constructs/key-vault";
import { OpenAIAccount } from "../constructs/openai-account";
import { SearchService } from "../constructs/search-service";
import { StorageAccount } from "../constructs/storage-account";
import { UserAssignedIdentity } from "../constructs/user-assigned-identity";
import { WebApp } from "../constructs/web-app";
import type { AuditResult } from "./audit";
import type { FlowCheck } from "./flow-inference";
import type { Finding } from "./rule";

/**
 * Guardrail findings in the construct API's terms, for the cdktf adapter (guardrails.ts).
 * The rules speak Terraform, because they judge any Terraform; about a resource one of
 * the library's constructs created, a user needs the construct (its path and class) and
 * the prop or method that fixes it, not an `identity[0].principal_id` expression. One
 * root cause is one finding: findings with the same construct and the same fix merge,
 * and one the construct's own validation reported (`failed`: their paths) is dropped.
 * Findings about anything else (raw provider resources) pass through unchanged.
 */

/** The library's constructs a finding can be about, innermost first when nested. */
const PARTS = [
  [WebApp, "WebApp"],
  [SearchService, "SearchService"],
  [OpenAIAccount, "OpenAIAccount"],
  [StorageAccount, "StorageAccount"],
  [KeyVault, "KeyVault"],
  [UserAssignedIdentity, "UserAssignedIdentity"],
] as const;

/** A library construct, named as a fix refers to it. */
interface Part {
  readonly construct: IConstruct;
  readonly kind: string;
  /** The pattern it belongs to, when ChatPlatform built it. */
  readonly platform?: ChatPlatform;
}

/** The role-named grant method that assigns each role (the resource constructs'). */
const GRANT_METHODS: Readonly<Record<string, string>> = {
  [Roles.CognitiveServicesOpenAIUser.id]: "grantOpenAIUser",
  [Roles.CognitiveServicesOpenAIContributor.id]: "grantOpenAIContributor",
  [Roles.SearchIndexDataReader.id]: "grantIndexDataReader",
  [Roles.SearchIndexDataContributor.id]: "grantIndexDataContributor",
  [Roles.SearchServiceContributor.id]: "grantServiceContributor",
  [Roles.StorageBlobDataReader.id]: "grantBlobDataReader",
  [Roles.StorageBlobDataContributor.id]: "grantBlobDataContributor",
  [Roles.KeyVaultSecretsUser.id]: "grantSecretsUser",
  [Roles.KeyVaultSecretsOfficer.id]: "grantSecretsOfficer",
  [Roles.KeyVaultCryptoServiceEncryptionUser.id]: "grantCryptoServiceEncryptionUser",
  [Roles.KeyVaultCryptoOfficer.id]: "grantCryptoOfficer",
};

/** The ChatPlatform prop that implies each flow, for a fix inside the pattern. */
const PLATFORM_FEATURE: Partial<Record<FlowId, string>> = {
  F4: "features.ingestion",
  F5: "features.integratedVectorization (or agenticRetrieval)",
  F8: "features.appQueriesSearch",
  F11: "features.appReadsBlobs",
  F7: "webApp.vaultSecrets (a secret in the platform's vault)",
};

interface PropFix {
  /** The fix for the construct used on its own. */
  readonly own: string;
  /** The fix inside ChatPlatform. */
  readonly platform?: string;
  /** The construct's own validation refuses the same root cause (with this fix): the finding is not repeated when it does. */
  readonly validated?: boolean;
}

/**
 * Fixes of other rules on a library construct, by rule id and construct kind: the prop
 * or method to use. `platform` is used inside ChatPlatform.
 */
const PROP_FIXES: Readonly<Record<string, Partial<Record<string, PropFix>>>> = {
  "AZ-APP-007": {
    WebApp: {
      own: 'call requireSignIn({ clientId, credential }) on it, or declare it open on purpose with tags: { "app-access": "open" }',
      platform: 'leave webApp.access at "signIn" (the default), or set it to "open" on purpose',
    },
  },
  "AZ-APP-006": { WebApp: { own: "pin runtime.tag to a version or a digest", platform: "pin webApp.runtime.tag to a version or a digest" } },
  "AZ-APP-003": {
    WebApp: {
      own: 'set AZURE_CLIENT_ID with settings.set({ name: "AZURE_CLIENT_ID", value: identity.clientId, fact: "identity.clientId", ... })',
      platform: 'name the variable in the profile\'s variables["identity.clientId"]; the platform sets it',
    },
  },
  "AZ-APP-001": { WebApp: { own: "remove the key setting from settings (the service takes no key)", platform: "remove the key variable from webApp.extraSettings" } },
  "AZ-NET-001": {
    WebApp: {
      own: "call integrateWithVnet(subnetId) on it, and give each service it calls a PrivateEndpoint in that network (with its private DNS zone), or keep those services public",
      platform: 'use network: { mode: "private" } for the whole platform, which builds every path, or keep it public',
    },
  },
  "AZ-NET-002": {
    StorageAccount: {
      own: 'configure the stack\'s provider with new AzurermProvider(stack, "azurerm", { features: [{ storage: [{ dataPlaneAvailable: false }] }], storageUseAzuread: true })',
      validated: true,
    },
  },
  "AZ-SRCH-001": { SearchService: { own: 'use sku: "basic" or higher (the free tier has no identity)', platform: 'set search.sku to "basic" or higher' } },
  "AZ-MODEL-001": {
    OpenAIAccount: { own: "deploy the replacement: addDeployment({ modelName, modelVersion })", platform: "set openai.chatModel / openai.embeddingModel to the replacement" },
  },
  "AZ-MODEL-002": {
    OpenAIAccount: {
      own: "deploy the replacement, or addDeployment({ ..., existingCustomer: true }) if this subscription already deploys it",
      platform: "set openai.chatModel / openai.embeddingModel to the replacement, or existingCustomer: true",
    },
  },
  "AZ-MODEL-003": {
    OpenAIAccount: { own: "addDeployment({ skuName }) with a SKU the region offers", platform: "set openai.chatModel.skuName (or embeddingModel) to a SKU the region offers" },
  },
};

/**
 * The findings of `result` as the user of the constructs reads them: rewritten where a
 * library construct created the resource, merged per construct and fix.
 */
export function presentFindings(stack: TerraformStack, result: Pick<AuditResult, "flows">, findings: readonly Finding[], failed: ReadonlySet<string> = new Set()): Finding[] {
  const byPath = new Map<string, IConstruct>();
  for (const c of stack.node.findAll()) byPath.set(c.node.path, c);
  const partOf = (path: string | undefined): Part | undefined => {
    const found = path === undefined ? undefined : byPath.get(path);
    if (!found) return undefined;
    const scopes = found.node.scopes;
    const platform = scopes.find((c): c is ChatPlatform => c instanceof ChatPlatform);
    for (let i = scopes.length - 1; i >= 0; i--) {
      const kind = PARTS.find(([cls]) => scopes[i] instanceof cls)?.[1];
      if (kind) return { construct: scopes[i], kind, ...(platform ? { platform } : {}) };
    }
    return platform ? { construct: platform, kind: "ChatPlatform", platform } : undefined;
  };

  const out: Finding[] = [];
  for (const f of findings) {
    const part = partOf(f.constructPath);
    // Reported already, in the construct's own terms, by its validation.
    if (part && PROP_FIXES[f.ruleId]?.[part.kind]?.validated && failed.has(part.construct.node.path)) continue;
    const presented = part ? present(f, part, result.flows, partOf) : undefined;
    const next = presented ?? f;
    // One root cause, one finding: same rule, construct and fix.
    const same = presented ? out.find((o) => o.ruleId === next.ruleId && o.constructPath === next.constructPath && o.fix === next.fix) : undefined;
    if (same) out[out.indexOf(same)] = { ...same, message: `${same.message} Also: ${firstSentence(next.message)}` };
    else out.push(next);
  }
  return out;
}

function present(f: Finding, part: Part, flows: readonly FlowCheck[], partOf: (path: string | undefined) => Part | undefined): Finding | undefined {
  const name = `the ${part.kind} at ${part.construct.node.path}`;
  if (f.ruleId === "AZ-FLOW-001") {
    const check = flows.find((c) => f.message.startsWith(`${c.implied.flow.id} (`) && (c.implied.caller?.address ?? c.implied.target?.address) === f.address);
    return check ? presentFlow(f, part, check, partOf) : undefined;
  }
  const fix = PROP_FIXES[f.ruleId]?.[part.kind];
  if (fix) {
    const how = part.platform && fix.platform ? `ChatPlatform at ${part.platform.node.path}: ${fix.platform}` : `${name}: ${fix.own}`;
    return { ...f, constructPath: part.construct.node.path, fix: how };
  }
  // The construct sets this itself: only an escape hatch (addOverride, or a property set
  // on its .resource) can have changed it.
  return {
    ...f,
    constructPath: part.construct.node.path,
    fix: `${name} sets this itself, so an override changed it (addOverride, or a property set on its .resource): remove the override. In Terraform terms: ${f.fix}`,
  };
}

function presentFlow(f: Finding, part: Part, check: FlowCheck, partOf: (path: string | undefined) => Part | undefined): Finding {
  const flow = check.implied.flow;
  const caller = partOf(check.implied.caller?.constructPath) ?? part;
  const target = partOf(check.implied.target?.constructPath);
  const callerName = `the ${caller.kind} at ${caller.construct.node.path}`;
  const targetName = target ? `the ${target.kind} at ${target.construct.node.path}` : (check.implied.target?.address ?? "its target");
  const problems: string[] = [];
  const fixes: string[] = [];
  if (check.identityProblem) {
    problems.push(check.implied.systemOnly ? "has no system-assigned identity" : "has no managed identity");
    fixes.push(caller.kind === "SearchService" ? 'give it its identity: systemIdentity: true, sku "basic" or higher' : "give it a managed identity");
  }
  if (check.missingRoles.length > 0) {
    problems.push(`holds no ${check.missingRoles.map((r) => r.name).join(" and no ")} on ${targetName}`);
    for (const role of check.missingRoles) {
      const method = GRANT_METHODS[role.id];
      fixes.push(method && target ? `call ${method}(<${callerName}>) on ${targetName}` : `assign ${role.name} to its identity on ${targetName}`);
    }
  }
  const feature = caller.platform ? PLATFORM_FEATURE[flow.id] : undefined;
  const fix =
    feature && caller.platform ? `the ChatPlatform at ${caller.platform.node.path} grants what its props imply: set ${feature}, or ${fixes.join("; ")}` : fixes.join("; ");
  return {
    ...f,
    constructPath: caller.construct.node.path,
    message: `${callerName} makes ${flow.id} (${flow.title}) but ${problems.join(" and ")}: ${flow.symptom}. Implied because ${check.implied.because[0]}.`,
    fix,
  };
}

/** The first sentence of a message, for a merged finding that lists the others briefly. */
function firstSentence(message: string): string {
  const end = message.search(/[.:] /);
  const text = end > 0 ? message.slice(0, end + 1) : message;
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
