/**
 * The library's public API: what `import { ... } from "azure-ai-chat-platform"` gives a
 * cdktf app of your own (README "Use as a library"; examples/consumer is one).
 *
 * Everything a consumer needs is exported here and nowhere else: package.json's
 * `exports` allows no deep imports, so a module missing from this file is private.
 * cdktf, constructs and the @cdktf providers are peer dependencies: the consumer's
 * app owns one copy of each, and the constructs here join its construct tree.
 */

// The pattern and the ready stack (provider, state backend, outputs, guardrails).
export * from "./constructs/chat-platform";
// Resolve, then build: the pure step that validates props and states every default.
export { resolveChatPlatform } from "./constructs/chat-platform-config";
export type { ChatPlatformConfig, ResolvedDeveloper, ResolvedModel, ResolvedSearchQuery } from "./constructs/chat-platform-config";
export * from "./app/chat-stack";

// One construct per Azure part, each with its props, grants and defaults.
export * from "./constructs/openai-account";
export * from "./constructs/search-service";
export * from "./constructs/storage-account";
export * from "./constructs/key-vault";
export * from "./constructs/web-app";
export * from "./constructs/user-assigned-identity";
export * from "./constructs/observability";
// Sign-in: App Service Authentication and the Entra app registration behind it.
export * from "./constructs/sign-in";
export * from "./constructs/app-registration";
// Private networking: the network mode, the VNet and the private endpoints it builds.
export * from "./constructs/platform-network";
export * from "./constructs/network";
export * from "./constructs/private-endpoint";
export { ValidationError, ValidationErrors } from "./constructs/errors";
// Names unique per subscription, for constructs used without the pattern (README "Use as a library").
export { NAME_RULES, Naming, checkName, namingOf, provideNaming, uniqueNaming } from "./constructs/naming";
export type { NameRule, NamedKind, NamingProps } from "./constructs/naming";

// Access: grants, the access matrix, principals and the role-propagation gate.
export { AccessMatrix, Grant } from "./constructs/rbac/grant";
export type { AccessRow, GrantOptions, IRoleScope } from "./constructs/rbac/grant";
export * from "./constructs/rbac/principal";
export * from "./constructs/rbac/implied-flows";
export { RolePropagation } from "./constructs/rbac/propagation";

// App settings: profiles name the variables one particular app reads.
export * from "./constructs/settings/profile";
export * from "./constructs/settings/profiles";
export * from "./constructs/settings/app-settings";
export { DEFAULT_VARIABLES } from "./constructs/settings/contract";

// The catalogue both halves read: built-in roles, the access flows F1-F11, what a secret is,
// the model and service lifecycles and the "today" they are judged on.
export * from "./catalogue/roles";
export * from "./catalogue/lifecycle";
export { TODAY_ENV, daysBetween, isIsoDate, resolveToday } from "./catalogue/today";
export type { IsoDate, Today } from "./catalogue/today";
export * from "./catalogue/flows";
export * from "./catalogue/network-paths";
export {
  REDACTED,
  isKeyVaultReference,
  isSecretSetting,
  isSecretSettingName,
  judgeAppSetting,
  keyVaultReference,
  keyVaultReferenceVault,
  looksLikeSecretLiteral,
} from "./catalogue/secrets";
export type { AppSettingPolicy, AppSettingVerdict } from "./catalogue/secrets";

// Guardrails: the rule pack over Terraform JSON, wired into synth or run on any plan.
// Named one by one: the engine's internals stay private. Its ImpliedFlow (a flow the
// audit infers between two Terraform resources) is not the platform's PlatformFlow above.
export { Guardrails, formatFinding } from "./guardrails/guardrails";
export type { GuardrailsOptions } from "./guardrails/guardrails";
export { audit, MIN_SUPPRESSION_REASON } from "./guardrails/audit";
export type { AuditOptions, AuditResult, ExtraSuppression, SuppressedFinding } from "./guardrails/audit";
export type { FlowCheck, ImpliedFlow } from "./guardrails/flow-inference";
export { AZURE_AI_CHAT_PACK } from "./guardrails/pack";
export { finding } from "./guardrails/rule";
export type { Finding, FindingOptions, Rule, Severity, SourceLocation } from "./guardrails/rule";
export { StackModel } from "./guardrails/model";
export type { AuditContext } from "./guardrails/model";
export type { InputFormat, LoadProblem, ParsedTerraform, Suppression, TfResource } from "./guardrails/terraform-json";
export type { Reference } from "./guardrails/traversal";

// The testing kit (aws-cdk-lib's assertions as the model): the access matrix, the guardrails'
// verdict and the app settings of a synthesized stack; Jest matchers: "azure-ai-chat-platform/jest".
export { PlatformTemplate } from "./assertions/platform-template";
export type { GrantPrincipal, GrantScope, TemplateGrant } from "./assertions/platform-template";
export { chatPlatformMatchers } from "./assertions/matchers";
export type { MatcherResult, Synthesizable } from "./assertions/matchers";

// The human review (access matrix, settings, flows, diagram) of synthesized stacks.
export { renderReview, renderStackReview } from "./app/review";
