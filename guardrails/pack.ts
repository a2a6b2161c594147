import { flowAudit } from "./rules/flow-audit";
import { Rule } from "./rule";
import { appSettingsLiteralSecret } from "./rules/app-settings-literal-secret";
import { broadRoleScope } from "./rules/broad-role-scope";
import { cmkKeyAccess } from "./rules/cmk-key-access";
import { cmkVaultPurgeProtection } from "./rules/cmk-vault-purge-protection";
import { cmkWaitsForGrant } from "./rules/cmk-waits-for-grant";
import { cognitiveContributorInference } from "./rules/cognitive-contributor-inference";
import { keyVaultPurgeProtection } from "./rules/key-vault-purge-protection";
import { keyVaultRbac } from "./rules/key-vault-rbac";
import { keyVaultReferenceIdentity } from "./rules/key-vault-reference-identity";
import { keylessAppKeySettings } from "./rules/keyless-app-key-settings";
import { mutableImageTag } from "./rules/mutable-image-tag";
import { openAiCustomSubdomain } from "./rules/openai-custom-subdomain";
import { openAiManagedIdentity } from "./rules/openai-managed-identity";
import { privilegedRoleScope } from "./rules/privileged-role-scope";
import { searchFreeTierIdentity } from "./rules/search-free-tier-identity";
import { searchRbacDisabled } from "./rules/search-rbac-disabled";
import { storagePublicAccess } from "./rules/storage-public-access";
import { storageSharedKey } from "./rules/storage-shared-key";
import { uamiClientId } from "./rules/uami-client-id";
import { webAppSignIn } from "./rules/web-app-sign-in";
import { webAppTransport } from "./rules/web-app-transport";
import { networkReachability } from "./rules/network-reachability";
import { networkDeployerDataPlane } from "./rules/network-deployer-data-plane";
import { networkIntegrationSubnet } from "./rules/network-integration-subnet";
import { searchSharedPrivateLinkApproval } from "./rules/search-shared-private-link-approval";
import { modelRetired } from "./rules/model-retired";
import { modelClosedToNewCustomers } from "./rules/model-closed-to-new-customers";
import { modelSkuNotInRegion } from "./rules/model-sku-not-in-region";
import { modelRetiringSoon } from "./rules/model-retiring-soon";
import { modelUnknownToCatalogue } from "./rules/model-unknown-to-catalogue";
import { onYourDataRetiredRule } from "./rules/on-your-data-retired";
import { templateInFreeText } from "./rules/template-in-free-text";

/**
 * The Azure AI chat platform pack. Order is report order within a severity; ids are
 * stable (suppressions and SARIF baselines refer to them): never renumber, retire.
 */
export const AZURE_AI_CHAT_PACK: readonly Rule[] = Object.freeze([
  flowAudit,
  onYourDataRetiredRule,
  openAiManagedIdentity,
  openAiCustomSubdomain,
  searchFreeTierIdentity,
  searchRbacDisabled,
  cmkVaultPurgeProtection,
  cmkKeyAccess,
  cmkWaitsForGrant,
  keylessAppKeySettings,
  appSettingsLiteralSecret,
  uamiClientId,
  webAppTransport,
  mutableImageTag,
  webAppSignIn,
  keyVaultReferenceIdentity,
  privilegedRoleScope,
  broadRoleScope,
  cognitiveContributorInference,
  storageSharedKey,
  storagePublicAccess,
  keyVaultRbac,
  keyVaultPurgeProtection,
  networkReachability,
  networkDeployerDataPlane,
  networkIntegrationSubnet,
  searchSharedPrivateLinkApproval,
  modelRetired,
  modelClosedToNewCustomers,
  modelSkuNotInRegion,
  modelRetiringSoon,
  modelUnknownToCatalogue,
  templateInFreeText,
]);
