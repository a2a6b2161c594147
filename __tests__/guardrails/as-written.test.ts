import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type CliIo, main } from "../../bin/audit";
import { type AuditResult, audit } from "../../guardrails/audit";
import { cognitiveDeployments } from "../../guardrails/azure";
import { loadInput } from "../../guardrails/input";
import { StackModel } from "../../guardrails/model";
import { AZURE_AI_CHAT_PACK } from "../../guardrails/pack";
import type { Finding } from "../../guardrails/rule";

/**
 * The Terraform people actually write (issue 26): modules, azapi, Container and Function
 * Apps, embedded ARM templates, and the false alarms and misses found on 93 public
 * directories. Each fixture under fixtures/as-written is a minimal configuration written
 * for this test that reproduces one pattern, read the way the CLI reads it.
 */

const FIXTURES = path.join(__dirname, "fixtures", "as-written");

/** @param today the day lifecycles are judged on (setup fixes 2026-12-06, after On Your Data's retirement) */
async function auditDir(name: string, today?: string): Promise<AuditResult> {
  const input = await loadInput(path.join(FIXTURES, name), { base: FIXTURES });
  return audit(input.json, { source: input.source, format: input.format, locate: input.locate, config: input.config, today });
}

/** Before On Your Data's retirement, when its flows were still judged (its mechanics are what these fixtures show). */
const BEFORE_OYD_RETIREMENT = "2026-09-01";

async function modelOf(name: string): Promise<StackModel> {
  const input = await loadInput(path.join(FIXTURES, name), { base: FIXTURES });
  return StackModel.from(input.json, input.source, input.format, input.config);
}

const ids = (r: AuditResult) => r.findings.map((f) => [f.ruleId, f.severity, f.address]);
const only = (r: AuditResult, ruleId: string): Finding[] => r.findings.filter((f) => f.ruleId === ruleId);

describe("modules", () => {
  it("judges a flow across local modules at the addresses Terraform writes", async () => {
    const result = await auditDir("modules-local");
    expect(ids(result)).toEqual([["AZ-FLOW-001", "error", 'module.app["swedencentral"].azurerm_linux_web_app.this']]);
    expect(result.findings[0].message).toContain("point at module.openai.azurerm_cognitive_account.this");
    expect(result.findings[0].location).toEqual({ file: "modules-local/modules/app/main.tf", line: 4 });
  });

  it("takes a grant written at the root from module outputs", async () => {
    expect((await auditDir("modules-granted")).findings).toEqual([]);
  });

  it("reports remote modules that are not installed in one finding that names each call and says how to get them judged", async () => {
    const result = await auditDir("modules-remote");
    expect(ids(result)).toEqual([["GR-001", "warning", "module.naming"]]);
    expect(result.findings[0].message).toBe(
      '2 remote modules (module.naming (source "example/naming/azurerm"), module.openai (source "example/openai/azurerm")) are not installed here: `terraform init` has not run ' +
        "(no .terraform/modules/modules.json entry), so their resources are not judged; run `terraform init` in modules-remote and audit again, or audit `terraform show -json` of a plan. " +
        "Their outputs also decide the instances of azurerm_role_assignment.openai, not judged either",
    );
  });

  it("follows a registry module that terraform init installed (.terraform/modules/modules.json)", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "audit-installed-"));
    try {
      const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
      };
      write("main.tf", 'module "docs" {\n  source  = "example/docs/azurerm"\n  version = "1.0.0"\n  name    = "stchatdocs"\n}\n');
      write(
        ".terraform/modules/modules.json",
        JSON.stringify({
          Modules: [
            { Key: "", Source: "", Dir: "." },
            { Key: "docs", Source: "registry.terraform.io/example/docs/azurerm", Version: "1.0.0", Dir: ".terraform/modules/docs" },
          ],
        }),
      );
      write(
        ".terraform/modules/docs/main.tf",
        'variable "name" { type = string }\nresource "azurerm_storage_account" "this" {\n  name = var.name\n  shared_access_key_enabled = false\n}\n',
      );
      const input = await loadInput(root, { base: root });
      const result = audit(input.json, { source: input.source, format: input.format, locate: input.locate, config: input.config });
      expect(ids(result)).toEqual([["AZ-ST-002", "error", "module.docs.azurerm_storage_account.this"]]);
      expect(result.findings[0].location).toEqual({ file: ".terraform/modules/docs/main.tf", line: 2 });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("azapi", () => {
  it("judges an azapi Cognitive Services account like azurerm's: On Your Data without its identity", async () => {
    const result = await auditDir("azapi-account", BEFORE_OYD_RETIREMENT);
    expect(ids(result)).toEqual([
      ["AZ-FLOW-001", "error", "azapi_resource.openai"],
      ["AZ-OAI-001", "error", "azapi_resource.openai"],
      ["AZ-OYD-001", "warning", "azurerm_linux_web_app.app"],
    ]);
    expect(only(result, "AZ-OAI-001")[0].message).toContain("ManagedIdentityIsNotEnabled");
    // After the retirement the same configuration is one finding: On Your Data itself.
    expect(ids(await auditDir("azapi-account"))).toEqual([["AZ-OYD-001", "error", "azurerm_linux_web_app.app"]]);
  });

  it("judges an azapi model deployment's lifecycle like azurerm's, in the account's region written as a display name", async () => {
    const result = await auditDir("azapi-closed-model");
    expect(ids(result)).toEqual([["AZ-MODEL-002", "error", "azapi_resource.chat"]]);
    expect(result.findings[0].message).toMatch(/gpt-4o 2024-11-20 closed to new customers on 2025-11-20 .*ServiceModelDeprecating/);
  });

  it("takes azapi role assignments as grants", async () => {
    expect((await auditDir("azapi-granted")).findings).toEqual([]);
  });

  it("reads an azapi model deployment as azurerm_cognitive_deployment with its account and region", async () => {
    const model = await modelOf("azapi-account");
    expect(
      cognitiveDeployments(model).map((d) => ({
        address: d.resource.address,
        account: d.account?.address,
        location: d.location,
        model: d.model,
        sku: d.sku,
      })),
    ).toEqual([
      {
        address: "azapi_resource.chat",
        account: "azapi_resource.openai",
        location: "swedencentral",
        model: { format: "OpenAI", name: "gpt-5.4-mini", version: "2026-03-17" },
        sku: { name: "GlobalStandard", capacity: 50 },
      },
    ]);
  });
});

describe("more callers", () => {
  it("judges a Container App's env as settings and its open ingress for sign-in", async () => {
    const result = await auditDir("container-app");
    expect(ids(result)).toEqual([
      ["AZ-APP-007", "error", "azurerm_container_app.chat"],
      ["AZ-FLOW-001", "error", "azurerm_container_app.chat"],
    ]);
    expect(only(result, "AZ-APP-007")[0].message).toContain("no Microsoft.App/containerApps/authConfigs");
  });

  it("counts a Container App's authConfigs as its sign-in", async () => {
    const model = await modelOf("container-app");
    const json = (await loadInput(path.join(FIXTURES, "container-app"))).json as Record<string, unknown[]>;
    json.resource.push({
      azapi_resource: {
        auth: [
          {
            type: "Microsoft.App/containerApps/authConfigs@2024-03-01",
            name: "current",
            parent_id: "${azurerm_container_app.chat.id}",
            body: { properties: { platform: { enabled: true }, globalValidation: { unauthenticatedClientAction: "RedirectToLoginPage" } } },
          },
        ],
      },
    });
    expect(model.ofType("azurerm_container_app")).toHaveLength(1);
    expect(only(audit(json, { format: "hcl" }), "AZ-APP-007")).toEqual([]);
  });

  it("judges a Function App calling a keyless account with no role", async () => {
    expect(ids(await auditDir("function-app"))).toEqual([["AZ-FLOW-001", "error", "azurerm_linux_function_app.ingest"]]);
  });
});

describe("embedded ARM templates", () => {
  it("judges the sites a template deployment deploys: keys handed to it land in plain app settings", async () => {
    const result = await auditDir("arm-embedded");
    const site = 'azurerm_resource_group_template_deployment.app["Microsoft.Web/sites/app-chat"]';
    expect(ids(result)).toEqual([
      ["AZ-APP-002", "error", site],
      ["AZ-APP-002", "error", site],
      ["AZ-APP-002", "error", site],
    ]);
    expect(result.findings.map((f) => f.message.split(": ")[1])).toEqual([
      "app_settings.AZURE_OPENAI_KEY = ${azurerm_cognitive_account.openai.primary_access_key}",
      "app_settings.AZURE_SEARCH_KEY = ${azurerm_search_service.search.primary_key}",
      "app_settings.BLOB_SAS_TOKEN = ${azurerm_storage_account.docs.sas}",
    ]);
    expect(result.findings[0].location).toEqual({ file: "arm-embedded/main.tf", line: 28 });
  });

  it("says once why a template it cannot read is not judged", async () => {
    const result = await auditDir("arm-not-readable");
    expect(ids(result)).toEqual([["GR-001", "warning", "azurerm_resource_group_template_deployment.app"]]);
    expect(result.findings[0].message).toContain("template_content is computed");
  });

  it("reads an ARM template file itself, at the line of each resource", async () => {
    const out: string[] = [];
    const io: CliIo = { stdout: (t) => out.push(t), stderr: () => undefined, writeFile: () => undefined, cwd: FIXTURES };
    expect(await main([path.join(FIXTURES, "arm-file", "azuredeploy.json"), "--format", "json"], io)).toBe(1);
    const [f] = JSON.parse(out.join("")).inputs[0].findings;
    expect(f).toMatchObject({
      ruleId: "AZ-OAI-002",
      address: 'arm_template.main["Microsoft.CognitiveServices/accounts/oai-chat"]',
      location: { file: "arm-file/azuredeploy.json", line: 8 },
    });
    expect(f.message).toContain("properties.customSubDomainName = (not set)");
  });
});

describe("false alarms that are gone", () => {
  it("access-policy vaults are judged by their access policies", async () => {
    expect(ids(await auditDir("access-policy-vault"))).toEqual([["AZ-KV-001", "warning", "azurerm_key_vault.kv"]]);
  });

  it("a shared private link the configuration approves (azapi_update_resource) is not called unapproved", async () => {
    expect(only(await auditDir("spl-approved"), "AZ-NET-004")).toEqual([]);
  });

  it("storage keys are in use when an ML workspace or a deployment script uses the account", async () => {
    expect(only(await auditDir("storage-key-users"), "AZ-ST-001")).toEqual([]);
  });

  it("a key setting is recognised by its value (the account's key, a Key Vault reference to it), not its name", async () => {
    const result = await auditDir("key-by-evidence");
    // Neither app calls with its identity: no F1, so no missing OpenAI role.
    expect(result.flows.filter((c) => c.implied.flow.id === "F1")).toEqual([]);
    expect(only(result, "AZ-APP-002").map((f) => f.message)).toEqual([
      "azurerm_linux_web_app.direct: app_settings.AZURE_API_KEY = ${azurerm_cognitive_account.openai.primary_access_key}: a credential copied into a plain setting.",
    ]);
  });

  it("a data source that reads a vault the configuration manages is that vault (found in PubSec-Info-Assistant)", async () => {
    const result = await auditDir("data-source-alias");
    expect(result.flows.find((c) => c.implied.flow.id === "F7")?.missingPermissions).toEqual([]);
    // BING_SEARCH_KEY is Bing's; a domain or a date under a CREDENTIAL or KEY name is no secret.
    expect(ids(result)).toEqual([["AZ-KV-001", "warning", "azurerm_key_vault.kv"]]);
  });

  it("a subnet delegated through a dynamic block is delegated", async () => {
    expect(only(await auditDir("dynamic-delegation"), "AZ-NET-003")).toEqual([]);
  });

  it("a conditional identity is judged by what its default picks", async () => {
    // Its grants are On Your Data's: judged (F2 needs the system identity) before the retirement.
    expect((await auditDir("conditional-identity", BEFORE_OYD_RETIREMENT)).findings).toEqual([]);
  });

  it("a duration or length under a TOKEN or SECRET name is no literal secret", async () => {
    expect(only(await auditDir("duration-setting"), "AZ-APP-002")).toEqual([]);
  });

  it("for_each = toset([literal]) is expanded", async () => {
    expect((await auditDir("toset-literal")).findings).toEqual([]);
  });
});

describe("noise", () => {
  it("evaluates conditionals over defaults, never reports what no rule reads, and does not judge what it reports not judged", async () => {
    const result = await auditDir("noise-conditionals");
    expect(ids(result)).toEqual([
      ["AZ-ST-002", "error", "azurerm_storage_account.docs[0]"],
      ["GR-001", "warning", "azurerm_key_vault.kv"],
    ]);
    expect(result.findings[1].message).toContain("var.create_vault has no default or .tfvars value");
  });

  it("reports one root cause once, listing its instances", async () => {
    const result = await auditDir("noise-instances");
    const [storage] = only(result, "AZ-ST-002");
    expect(storage.address).toBe("azurerm_storage_account.docs");
    expect(storage.message).toContain('(3 instances: azurerm_storage_account.docs["a"], azurerm_storage_account.docs["b"], azurerm_storage_account.docs["c"])');
    expect(only(result, "AZ-NET-002").map((f) => f.address)).toEqual(["azurerm_key_vault.kv"]);
    expect(only(result, "AZ-NET-002")[0].message).toContain("Terraform writes 3 items into it");
  });

  it("says in one line that a directory holds nothing the rules read", async () => {
    const result = await auditDir("unsupported-only");
    expect(ids(result)).toEqual([["GR-001", "warning", "(input)"]]);
    expect(result.findings[0].message).toBe(
      "Nothing here is judged: the input declares no resource the rules read (Azure OpenAI, Search, Storage, Key Vault, apps, role assignments, networking), only azurerm_kubernetes_cluster, azurerm_network_security_group.",
    );
  });

  it("ships no placeholder text in any rule", () => {
    for (const rule of AZURE_AI_CHAT_PACK) expect(`${rule.title} ${rule.why} ${rule.fix}`).not.toMatch(/UNCONFIRMED|TODO|TBD|placeholder/i);
  });
});

describe("literal secrets wherever they reach an app", () => {
  it("finds them in a variable default, a local, a connection string and a Container App env, without printing them", async () => {
    const result = await auditDir("literal-secrets");
    expect(only(result, "AZ-APP-002").map((f) => f.message)).toEqual([
      'azurerm_container_app.worker: env SEARCH_ADMIN = "(redacted)" looks like a literal key.',
      'azurerm_linux_web_app.app: app_settings.SIGN_IN_CREDENTIAL = "(redacted)" looks like an Entra ID client secret.',
      'azurerm_linux_web_app.app: connection_string "Docs" = "(redacted)" embeds a credential (AccountKey=).',
    ]);
    expect(JSON.stringify(result)).not.toContain("abc8Q~");
  });
});
