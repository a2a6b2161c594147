/**
 * One vocabulary for the rules: resources written another way than azurerm's are read
 * into the azurerm resource that means the same thing, so a rule written against
 * `azurerm_cognitive_account` judges an `azapi_resource` of
 * `Microsoft.CognitiveServices/accounts` and a `Microsoft.CognitiveServices/accounts`
 * resource of an ARM template alike.
 * - `azapi_resource`: its `type`, `body`, `identity`, `parent_id`, `location`, `name`.
 * - ARM templates embedded in the configuration (`azurerm_resource_group_template_deployment`
 *   and its subscription / management group / tenant siblings, the legacy
 *   `azurerm_template_deployment`, azapi `Microsoft.Resources/deployments`), and ARM
 *   template files given to the CLI: each resource of the template (arm.ts), at
 *   `<deployment address>["<type>/<name>"]`.
 * The mapped arguments are azurerm's (azurerm 4.55 schema) from the ARM properties
 * that back them (the Azure REST API specs); the address stays the one written, and
 * `origin` says where the resource came from so messages can name the ARM property.
 */

import { type ArmAddressing, readTemplate } from "./arm";
import type { LoadProblem, ResourceOrigin, TfResource } from "./terraform-json";
import { interpolations, parseTraversal } from "./traversal";
import { type Json, isObject } from "./values";

/** Resources that deploy an ARM template, and the arguments holding it. */
const TEMPLATE_DEPLOYMENTS: Readonly<Record<string, { readonly template: string; readonly parameters: string }>> = {
  azurerm_resource_group_template_deployment: { template: "template_content", parameters: "parameters_content" },
  azurerm_subscription_template_deployment: { template: "template_content", parameters: "parameters_content" },
  azurerm_management_group_template_deployment: { template: "template_content", parameters: "parameters_content" },
  azurerm_tenant_template_deployment: { template: "template_content", parameters: "parameters_content" },
  // azurerm 2.x/3.x, removed in 4.0; older samples still use it.
  azurerm_template_deployment: { template: "template_body", parameters: "parameters_body" },
};

/** The address standalone ARM template files get (`arm_template.main["Microsoft.Web/sites/app"]`). */
export const ARM_FILE_ADDRESS = "arm_template.main";

/** An ARM resource in the shape both azapi and templates give: type, name, top-level fields, properties. */
interface ArmView {
  readonly type: string;
  readonly name?: unknown;
  readonly location?: unknown;
  readonly kind?: unknown;
  readonly sku?: Json;
  readonly properties: Json;
  readonly tags?: unknown;
  /** azurerm's `identity` block shape: `[{ type, identity_ids }]`. */
  readonly identity?: unknown;
  /** `${...}` of the parent resource's id (azapi `parent_id`, a template child's parent). */
  readonly parentId?: unknown;
  /** An extension resource's `scope` (role assignments). */
  readonly scope?: unknown;
}

interface Mapping {
  /** The azurerm type the ARM resource is read as. */
  type(arm: ArmView): string;
  values(arm: ArmView): Json;
}

/** Case-insensitive property access: ARM property names are not case-sensitive. */
function prop(o: unknown, name: string): unknown {
  if (!isObject(o)) return undefined;
  if (Object.hasOwn(o, name)) return o[name];
  const lower = name.toLowerCase();
  const hit = Object.keys(o).find((k) => k.toLowerCase() === lower);
  return hit === undefined ? undefined : o[hit];
}

function obj(o: unknown, name: string): Json {
  const v = prop(o, name);
  return isObject(v) ? v : {};
}

/** `"Enabled"` / `"Disabled"` (any case) as a boolean; anything else as written. */
function enabled(v: unknown): unknown {
  if (typeof v !== "string") return v;
  if (v.toLowerCase() === "enabled") return true;
  if (v.toLowerCase() === "disabled") return false;
  return v;
}

function not(v: unknown): unknown {
  return typeof v === "boolean" ? !v : v;
}

/** Drops undefined entries, so an unset ARM property stays unset (azurerm's default applies). */
function compact(o: Json): Json {
  const out: Json = Object.create(null);
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** `[{ value: "1.2.3.4" }]` (ARM ip rules) -> `["1.2.3.4"]`. */
function values(v: unknown, field = "value"): unknown[] | undefined {
  return Array.isArray(v) ? v.map((x) => (isObject(x) ? prop(x, field) : x)) : undefined;
}

/** `"AzureServices, Logging"` -> `["AzureServices", "Logging"]`. */
function commaList(v: unknown): unknown {
  return typeof v === "string" && !v.includes("${") ? v.split(",").map((x) => x.trim()) : v;
}

/** ARM `identity` (`{ type, userAssignedIdentities: { <id>: {} } }`) in azurerm's shape. */
function armIdentity(identity: unknown): unknown {
  if (!isObject(identity)) return undefined;
  const type = prop(identity, "type");
  if (typeof type === "string" && type.toLowerCase() === "none") return undefined;
  const ids = prop(identity, "userAssignedIdentities");
  return [compact({ type, identity_ids: isObject(ids) ? Object.keys(ids) : undefined })];
}

const SITE_BASE = (arm: ArmView): Json => {
  const p = arm.properties;
  const config = obj(p, "siteConfig");
  const settings = prop(config, "appSettings");
  const connections = prop(config, "connectionStrings");
  return compact({
    name: arm.name,
    location: arm.location,
    https_only: prop(p, "httpsOnly"),
    public_network_access_enabled: enabled(prop(p, "publicNetworkAccess")),
    virtual_network_subnet_id: prop(p, "virtualNetworkSubnetId"),
    key_vault_reference_identity_id: prop(p, "keyVaultReferenceIdentity"),
    identity: arm.identity,
    tags: arm.tags,
    app_settings: Array.isArray(settings) ? Object.fromEntries(settings.filter(isObject).map((s) => [String(prop(s, "name")), prop(s, "value")])) : undefined,
    connection_string: Array.isArray(connections)
      ? connections.filter(isObject).map((c) => compact({ name: prop(c, "name"), value: prop(c, "connectionString"), type: prop(c, "type") }))
      : undefined,
    site_config: [siteConfig(config, p)],
  });
};

function siteConfig(config: Json, p: Json): Json {
  return compact({
    minimum_tls_version: prop(config, "minTlsVersion"),
    ftps_state: prop(config, "ftpsState"),
    vnet_route_all_enabled: prop(config, "vnetRouteAllEnabled") ?? prop(p, "vnetRouteAllEnabled"),
    linux_fx_version: prop(config, "linuxFxVersion"),
    windows_fx_version: prop(config, "windowsFxVersion"),
  });
}

/** Microsoft.Web/sites by kind: `app,linux`, `functionapp,linux`, `app` (Windows)... */
function siteType(arm: ArmView, slot: boolean): string {
  const kind = typeof arm.kind === "string" ? arm.kind.toLowerCase() : "app";
  const os = kind.includes("linux") ? "linux" : "windows";
  const what = kind.includes("functionapp") ? "function_app" : "web_app";
  return `azurerm_${os}_${what}${slot ? "_slot" : ""}`;
}

/**
 * ARM type (lower case) -> azurerm resource. Sources: the azurerm 4.55 resource docs for
 * the argument names, the Azure REST API specs for the properties behind them.
 */
const MAPPINGS: Readonly<Record<string, Mapping>> = {
  "microsoft.cognitiveservices/accounts": {
    type: () => "azurerm_cognitive_account",
    values: (arm) => {
      const p = arm.properties;
      const acls = prop(p, "networkAcls");
      const fqdns = prop(p, "allowedFqdnList");
      return compact({
        name: arm.name,
        location: arm.location,
        kind: arm.kind,
        sku_name: prop(arm.sku, "name"),
        custom_subdomain_name: prop(p, "customSubDomainName"),
        // disableLocalAuth defaults to false, local_auth_enabled to true: the same account.
        local_auth_enabled: not(prop(p, "disableLocalAuth")),
        public_network_access_enabled: enabled(prop(p, "publicNetworkAccess")),
        outbound_network_access_restricted: prop(p, "restrictOutboundNetworkAccess"),
        fqdns,
        network_acls: isObject(acls)
          ? [
              compact({
                default_action: prop(acls, "defaultAction"),
                bypass: prop(acls, "bypass"),
                ip_rules: values(prop(acls, "ipRules")),
                virtual_network_rules: list(prop(acls, "virtualNetworkRules")).map((r) => ({ subnet_id: prop(r, "id") })),
              }),
            ]
          : undefined,
        identity: arm.identity,
        tags: arm.tags,
      });
    },
  },
  "microsoft.cognitiveservices/accounts/deployments": {
    type: () => "azurerm_cognitive_deployment",
    values: (arm) => {
      const p = arm.properties;
      const model = obj(p, "model");
      return compact({
        name: arm.name,
        cognitive_account_id: arm.parentId,
        model: [compact({ format: prop(model, "format"), name: prop(model, "name"), version: prop(model, "version") })],
        sku: arm.sku ? [compact({ name: prop(arm.sku, "name"), capacity: prop(arm.sku, "capacity") })] : undefined,
        rai_policy_name: prop(p, "raiPolicyName"),
        version_upgrade_option: prop(p, "versionUpgradeOption"),
      });
    },
  },
  "microsoft.search/searchservices": {
    type: () => "azurerm_search_service",
    values: (arm) => {
      const p = arm.properties;
      const rules = obj(p, "networkRuleSet");
      const aad = obj(obj(p, "authOptions"), "aadOrApiKey");
      return compact({
        name: arm.name,
        location: arm.location,
        sku: typeof prop(arm.sku, "name") === "string" ? (prop(arm.sku, "name") as string).toLowerCase() : prop(arm.sku, "name"),
        local_authentication_enabled: not(prop(p, "disableLocalAuth")),
        authentication_failure_mode: prop(aad, "aadAuthFailureMode"),
        public_network_access_enabled: enabled(prop(p, "publicNetworkAccess")),
        network_rule_bypass_option: prop(rules, "bypass"),
        allowed_ips: values(prop(rules, "ipRules")),
        identity: arm.identity,
        tags: arm.tags,
      });
    },
  },
  "microsoft.search/searchservices/sharedprivatelinkresources": {
    type: () => "azurerm_search_shared_private_link_service",
    values: (arm) =>
      compact({
        name: arm.name,
        search_service_id: arm.parentId,
        subresource_name: prop(arm.properties, "groupId"),
        target_resource_id: prop(arm.properties, "privateLinkResourceId"),
        request_message: prop(arm.properties, "requestMessage"),
      }),
  },
  "microsoft.storage/storageaccounts": {
    type: () => "azurerm_storage_account",
    values: (arm) => {
      const p = arm.properties;
      const acls = prop(p, "networkAcls");
      return compact({
        name: arm.name,
        location: arm.location,
        shared_access_key_enabled: prop(p, "allowSharedKeyAccess"),
        allow_nested_items_to_be_public: prop(p, "allowBlobPublicAccess"),
        public_network_access_enabled: enabled(prop(p, "publicNetworkAccess")),
        network_rules: isObject(acls)
          ? [
              compact({
                default_action: prop(acls, "defaultAction"),
                bypass: commaList(prop(acls, "bypass")),
                ip_rules: values(prop(acls, "ipRules")),
                private_link_access: list(prop(acls, "resourceAccessRules")).map((r) =>
                  compact({ endpoint_resource_id: prop(r, "resourceId"), endpoint_tenant_id: prop(r, "tenantId") }),
                ),
              }),
            ]
          : undefined,
        identity: arm.identity,
        tags: arm.tags,
      });
    },
  },
  "microsoft.keyvault/vaults": {
    type: () => "azurerm_key_vault",
    values: (arm) => {
      const p = arm.properties;
      const acls = prop(p, "networkAcls");
      return compact({
        name: arm.name,
        location: arm.location,
        rbac_authorization_enabled: prop(p, "enableRbacAuthorization"),
        purge_protection_enabled: prop(p, "enablePurgeProtection"),
        public_network_access_enabled: enabled(prop(p, "publicNetworkAccess")),
        network_acls: isObject(acls)
          ? [compact({ default_action: prop(acls, "defaultAction"), bypass: prop(acls, "bypass"), ip_rules: values(prop(acls, "ipRules")) })]
          : undefined,
        access_policy: Array.isArray(prop(p, "accessPolicies"))
          ? list(prop(p, "accessPolicies")).map((a) =>
              compact({
                tenant_id: prop(a, "tenantId"),
                object_id: prop(a, "objectId"),
                secret_permissions: prop(obj(a, "permissions"), "secrets"),
                key_permissions: prop(obj(a, "permissions"), "keys"),
              }),
            )
          : undefined,
        tags: arm.tags,
      });
    },
  },
  "microsoft.keyvault/vaults/secrets": {
    type: () => "azurerm_key_vault_secret",
    values: (arm) => compact({ name: arm.name, key_vault_id: arm.parentId, value: prop(arm.properties, "value") }),
  },
  "microsoft.authorization/roleassignments": {
    type: () => "azurerm_role_assignment",
    values: (arm) =>
      compact({
        name: arm.name,
        scope: arm.scope ?? arm.parentId,
        role_definition_id: prop(arm.properties, "roleDefinitionId"),
        principal_id: prop(arm.properties, "principalId"),
        principal_type: prop(arm.properties, "principalType"),
      }),
  },
  "microsoft.managedidentity/userassignedidentities": {
    type: () => "azurerm_user_assigned_identity",
    values: (arm) => compact({ name: arm.name, location: arm.location, tags: arm.tags }),
  },
  "microsoft.web/sites": { type: (arm) => siteType(arm, false), values: SITE_BASE },
  "microsoft.web/sites/slots": { type: (arm) => siteType(arm, true), values: (arm) => ({ ...SITE_BASE(arm), app_service_id: arm.parentId }) },
  "microsoft.app/containerapps": {
    type: () => "azurerm_container_app",
    values: (arm) => {
      const p = arm.properties;
      const configuration = obj(p, "configuration");
      const ingress = prop(configuration, "ingress");
      const containers = list(prop(obj(p, "template"), "containers"));
      return compact({
        name: arm.name,
        container_app_environment_id: prop(p, "managedEnvironmentId") ?? prop(p, "environmentId"),
        identity: arm.identity,
        tags: arm.tags,
        secret: list(prop(configuration, "secrets")).map((s) =>
          compact({ name: prop(s, "name"), value: prop(s, "value"), key_vault_secret_id: prop(s, "keyVaultUrl"), identity: prop(s, "identity") }),
        ),
        ingress: isObject(ingress)
          ? [compact({ external_enabled: prop(ingress, "external"), allow_insecure_connections: prop(ingress, "allowInsecure"), target_port: prop(ingress, "targetPort") })]
          : undefined,
        template: [
          {
            container: containers.map((c) =>
              compact({
                name: prop(c, "name"),
                image: prop(c, "image"),
                env: list(prop(c, "env")).map((e) => compact({ name: prop(e, "name"), value: prop(e, "value"), secret_name: prop(e, "secretRef") })),
              }),
            ),
          },
        ],
      });
    },
  },
  "microsoft.machinelearningservices/workspaces": {
    type: () => "azurerm_machine_learning_workspace",
    values: (arm) =>
      compact({
        name: arm.name,
        kind: arm.kind,
        storage_account_id: prop(arm.properties, "storageAccount"),
        key_vault_id: prop(arm.properties, "keyVault"),
        identity: arm.identity,
      }),
  },
  "microsoft.resources/deploymentscripts": {
    type: (arm) =>
      typeof arm.kind === "string" && arm.kind.toLowerCase() === "azurepowershell"
        ? "azurerm_resource_deployment_script_azure_power_shell"
        : "azurerm_resource_deployment_script_azure_cli",
    values: (arm) => {
      const settings = obj(arm.properties, "storageAccountSettings");
      return compact({
        name: arm.name,
        identity: arm.identity,
        storage_account: Object.keys(settings).length > 0 ? [compact({ name: prop(settings, "storageAccountName"), key: prop(settings, "storageAccountKey") })] : undefined,
      });
    },
  },
  "microsoft.network/privateendpoints": {
    type: () => "azurerm_private_endpoint",
    values: (arm) => {
      const p = arm.properties;
      const connection = (c: unknown, manual: boolean) => {
        const cp = obj(c, "properties");
        return compact({
          name: prop(c, "name"),
          is_manual_connection: manual,
          private_connection_resource_id: prop(cp, "privateLinkServiceId"),
          subresource_names: prop(cp, "groupIds"),
        });
      };
      return compact({
        name: arm.name,
        location: arm.location,
        subnet_id: prop(obj(p, "subnet"), "id"),
        private_service_connection: [
          ...list(prop(p, "privateLinkServiceConnections")).map((c) => connection(c, false)),
          ...list(prop(p, "manualPrivateLinkServiceConnections")).map((c) => connection(c, true)),
        ],
      });
    },
  },
};

/**
 * Child resources that configure their parent rather than standing alone: merged into
 * the parent's azurerm arguments. Keyed by ARM type (lower case) and child name.
 */
const CONFIGURES_PARENT: Readonly<Record<string, (arm: ArmView, child: string) => Json | undefined>> = {
  // App Service `config` children: appsettings, authsettingsV2, web (site config).
  "microsoft.web/sites/config": (arm, child) => siteConfigChild(arm, child),
  "microsoft.web/sites/slots/config": (arm, child) => siteConfigChild(arm, child),
  // Container Apps sign-in: azurerm has no argument for it (terraform-provider-azurerm
  // issue 22213), so it is written as `Microsoft.App/containerApps/authConfigs`.
  "microsoft.app/containerapps/authconfigs": (arm) => ({ auth_settings_v2: [easyAuth(arm.properties, false)] }),
  "microsoft.network/privateendpoints/privatednszonegroups": (arm) => ({
    private_dns_zone_group: [
      { name: arm.name, private_dns_zone_ids: list(prop(arm.properties, "privateDnsZoneConfigs")).map((c) => prop(obj(c, "properties"), "privateDnsZoneId")) },
    ],
  }),
};

function siteConfigChild(arm: ArmView, child: string): Json | undefined {
  const p = arm.properties;
  switch (child.toLowerCase()) {
    case "appsettings":
      return { app_settings: { ...p } };
    case "authsettingsv2":
      return { auth_settings_v2: [easyAuth(p, true)] };
    case "web":
      return { site_config: [siteConfig(p, {})] };
    default:
      return undefined;
  }
}

/**
 * Easy Auth v2 (App Service `authsettingsV2`, Container Apps `authConfigs`) in the shape of
 * azurerm's `auth_settings_v2`. Container Apps have no `requireAuthentication`: an
 * unauthenticated action other than AllowAnonymous turns anonymous callers away.
 */
function easyAuth(p: Json, appService: boolean): Json {
  const global = obj(p, "globalValidation");
  const action = prop(global, "unauthenticatedClientAction");
  const aad = obj(obj(p, "identityProviders"), "azureActiveDirectory");
  const registration = obj(aad, "registration");
  return compact({
    auth_enabled: prop(obj(p, "platform"), "enabled"),
    require_authentication: appService ? prop(global, "requireAuthentication") : action === undefined || action !== "AllowAnonymous",
    unauthenticated_action: action,
    active_directory_v2:
      Object.keys(registration).length > 0
        ? [compact({ client_id: prop(registration, "clientId"), client_secret_setting_name: prop(registration, "clientSecretSettingName") })]
        : undefined,
  });
}

/** Resource types the normalizer reads into azurerm, for the "is this judged" question. */
export function isDomainArmType(armType: string): boolean {
  const t = armType.toLowerCase();
  return t in MAPPINGS || t in CONFIGURES_PARENT || t === "microsoft.resources/deployments";
}

/** `Microsoft.CognitiveServices/accounts@2024-10-01` -> `Microsoft.CognitiveServices/accounts`. */
export function armTypeOf(azapiType: unknown): string | undefined {
  return typeof azapiType === "string" && !azapiType.includes("${") ? azapiType.split("@")[0] : undefined;
}

function parseJson(v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/** azapi's `identity` block, or one written in the body. */
function azapiView(r: TfResource, armType: string): ArmView {
  const body = parseJson(r.values.body);
  const b = isObject(body) ? body : {};
  return {
    type: armType,
    name: r.values.name,
    location: r.values.location ?? prop(b, "location"),
    kind: prop(b, "kind"),
    sku: isObject(prop(b, "sku")) ? (prop(b, "sku") as Json) : undefined,
    properties: obj(b, "properties"),
    tags: r.values.tags ?? prop(b, "tags"),
    identity: r.values.identity ?? armIdentity(prop(b, "identity")),
    parentId: r.values.parent_id,
  };
}

/** The resources of `parsed`, with azapi and ARM template resources read as azurerm ones. */
export function normalize(resources: readonly TfResource[]): { resources: TfResource[]; problems: LoadProblem[] } {
  const out: TfResource[] = [];
  const problems: LoadProblem[] = [];
  /** Children that configure a parent, applied once every resource is known. */
  const pending: { parent: string; values: Json }[] = [];

  for (const r of resources) {
    if (r.type === "azapi_resource") {
      const armType = armTypeOf(r.values.type);
      if (armType?.toLowerCase() === "microsoft.resources/deployments") {
        out.push(r);
        const p = obj(parseJson(r.values.body), "properties");
        const template = parseJson(prop(p, "template"));
        deployTemplate(r, template, parameterValues(prop(p, "parameters")), "body.properties.template", out, problems);
        continue;
      }
      const view = armType ? azapiView(r, armType) : undefined;
      const mapping = armType ? MAPPINGS[armType.toLowerCase()] : undefined;
      const configures = armType ? CONFIGURES_PARENT[armType.toLowerCase()] : undefined;
      if (view && mapping) {
        out.push({ ...r, type: mapping.type(view), values: mapping.values(view), origin: { via: "azapi", armType: armType! } });
        continue;
      }
      if (view && configures) {
        const parent = referencedAddress(r.values.parent_id);
        const values = configures(view, typeof r.values.name === "string" ? r.values.name : "");
        if (parent && values) pending.push({ parent, values });
      }
      out.push(r);
      continue;
    }
    const deployment = TEMPLATE_DEPLOYMENTS[r.type];
    if (deployment) {
      out.push(r);
      const raw = r.values[deployment.template];
      const template = parseJson(raw);
      const params =
        r.type === "azurerm_template_deployment" && isObject(r.values.parameters)
          ? Object.fromEntries(Object.entries(r.values.parameters))
          : parameterValues(parseJson(r.values[deployment.parameters]));
      deployTemplate(r, template, params, deployment.template, out, problems, raw);
      continue;
    }
    out.push(r);
  }

  // Children that configure their parent: merged into the parent's arguments.
  for (const { parent, values } of pending) {
    const i = out.findIndex((x) => x.address === parent || x.address === `${parent}[0]`);
    if (i >= 0) out[i] = { ...out[i], values: { ...out[i].values, ...values } };
  }
  return { resources: out, problems };
}

/** `{ p: { value: x } }` (deployment parameters) -> `{ p: x }`; a full parameters file is accepted too. */
function parameterValues(v: unknown): Record<string, unknown> {
  const params = isObject(v) && isObject(v.parameters) && typeof v.$schema === "string" ? v.parameters : v;
  const out: Record<string, unknown> = Object.create(null);
  if (!isObject(params)) return out;
  for (const [k, p] of Object.entries(params)) if (isObject(p) && Object.hasOwn(p, "value")) out[k] = p.value;
  return out;
}

/** Reads the template a deployment resource holds and adds its resources after it. */
function deployTemplate(
  deployment: TfResource,
  template: unknown,
  parameters: Record<string, unknown>,
  argument: string,
  out: TfResource[],
  problems: LoadProblem[],
  raw?: unknown,
): void {
  if (!isObject(template) || !(Array.isArray(template.resources) || isObject(template.resources))) {
    const why =
      typeof raw === "string" && raw.includes("${")
        ? `${argument} is computed (${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 57)}...` : raw)}), not written in the configuration`
        : `${argument} is not an ARM template the audit can read`;
    problems.push({
      address: deployment.address,
      constructPath: deployment.constructPath,
      message: `${deployment.address}: ${why}, so the resources it deploys are not judged; audit the template JSON itself (the CLI reads ARM templates)`,
      kind: "notJudged",
    });
    return;
  }
  const read = templateResources(template, parameters, deployment.address, deployment);
  for (const r of read.resources) out.push(r);
  for (const p of read.problems) {
    problems.push({ address: deployment.address, constructPath: deployment.constructPath, message: `${deployment.address}: ${p}, so it is not judged`, kind: "notJudged" });
  }
}

function addressing(base: string): ArmAddressing {
  return { templateResource: (type, name) => `${base}[${JSON.stringify(`${type}/${name}`)}]` };
}

/**
 * The resources an ARM template deploys, read as azurerm resources at
 * `<base>["<type>/<name>"]`. `deployment` is the Terraform resource that deploys it, if any.
 */
export function templateResources(
  template: Json,
  parameters: Record<string, unknown>,
  base: string,
  deployment?: TfResource,
): { resources: TfResource[]; problems: readonly string[] } {
  const { resources, problems } = readTemplate(template, parameters, addressing(base));
  const out: TfResource[] = [];
  const children: { parent: string; values: Json }[] = [];
  for (const arm of resources) {
    if (arm.name === undefined) continue;
    const lower = arm.type.toLowerCase();
    const b = arm.body;
    const nameParts = arm.name.split("/");
    const typeParts = arm.type.split("/");
    // `Microsoft.Web/sites/config` named `app/authsettingsV2`: its parent is `Microsoft.Web/sites` `app`.
    const parentType = typeParts.length > 2 ? typeParts.slice(0, -1).join("/") : undefined;
    const parentName = nameParts.length > 1 ? nameParts.slice(0, -1).join("/") : undefined;
    const parentAddress = parentType && parentName !== undefined ? addressing(base).templateResource(parentType, parentName) : undefined;
    const tfParent = parentName !== undefined ? /^\$\{([^{}]+)\.name\}$/.exec(parentName)?.[1] : undefined;
    const view: ArmView = {
      type: arm.type,
      name: nameParts[nameParts.length - 1],
      location: prop(b, "location"),
      kind: prop(b, "kind"),
      sku: isObject(prop(b, "sku")) ? (prop(b, "sku") as Json) : undefined,
      properties: obj(b, "properties"),
      tags: prop(b, "tags"),
      identity: armIdentity(prop(b, "identity")),
      parentId: tfParent ? `\${${tfParent}.id}` : parentAddress ? `\${${parentAddress}.id}` : undefined,
      scope: prop(b, "scope") ?? (lower === "microsoft.authorization/roleassignments" ? resourceGroupScope(deployment) : undefined),
    };
    const configures = CONFIGURES_PARENT[lower];
    if (configures) {
      const values = configures(view, nameParts[nameParts.length - 1]);
      const parent = tfParent ?? parentAddress;
      if (values && parent) children.push({ parent, values });
      continue;
    }
    const mapping = MAPPINGS[lower];
    const address = addressing(base).templateResource(arm.type, arm.name);
    const origin: ResourceOrigin = { via: "arm", armType: arm.type, deployment: deployment?.address, path: arm.path };
    const values = mapping ? mapping.values(view) : { name: arm.name, ...b };
    out.push({
      mode: "managed",
      type: mapping ? mapping.type(view) : arm.type,
      name: arm.name,
      address,
      constructPath: deployment?.constructPath,
      values,
      dependsOn: [],
      suppressions: deployment?.suppressions ?? [],
      configReferences: {},
      unknown: new Set(),
      origin,
    });
  }
  for (const { parent, values } of children) {
    const i = out.findIndex((x) => x.address === parent);
    if (i >= 0) out[i] = { ...out[i], values: { ...out[i].values, ...values } };
  }
  return { resources: out, problems };
}

/** A role assignment in a resource-group deployment without `scope` is scoped to that group. */
function resourceGroupScope(deployment: TfResource | undefined): string | undefined {
  if (deployment?.type !== "azurerm_resource_group_template_deployment") return undefined;
  const rg = deployment.values.resource_group_name;
  return typeof rg === "string" ? `/subscriptions/(subscription)/resourceGroups/${rg}` : undefined;
}

/** The address a `${...}` value references (`${azapi_resource.app.id}` -> `azapi_resource.app`). */
function referencedAddress(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  for (const body of interpolations(v)) for (const ref of parseTraversal(body)) return ref.address;
  return undefined;
}
