import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FLOWS } from "../../catalogue/flows";
import { Roles } from "../../catalogue/roles";
import { StackModel } from "../../guardrails/model";
import { privilegedRoleScope } from "../../guardrails/rules/privileged-role-scope";

const ROOT = join(__dirname, "..", "..");
const doc = readFileSync(join(ROOT, "docs", "delivery.md"), "utf8");
const workflow = (name: string) => readFileSync(join(ROOT, ".github", "workflows", name), "utf8");
/** The CI set-up script: the bash block that customizes the OIDC subject. */
const setup = [...doc.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes("actions/oidc/customization/sub")) ?? "";
/** Lines of the set-up script that call one of its functions, in order: [function, ...arguments]. */
const calls = setup
  .split("\n")
  .map((line) => line.replace(/^\s*(\w+=\$\()?/, "").replace(/\)$/, ""))
  .map((line) => line.match(/^(environment|identity|grant|grant_constrained) (.+)$/))
  .filter((m): m is RegExpMatchArray => m !== null)
  .map((m) => [m[1], ...[...m[2].matchAll(/"([^"]*)"|(\S+)/g)].map((a) => a[1] ?? a[2])]);

describe("docs/delivery.md tells the truth about CI", () => {
  it("has a set-up script", () => {
    expect(calls.length).toBeGreaterThan(10);
  });

  // Attack path 10: subjects could be obtained by naming an environment from any workflow.
  it("narrows token subjects to the workflow file and branch before federating any identity", () => {
    const customize = setup.indexOf("actions/oidc/customization/sub");
    expect(setup.slice(customize, setup.indexOf("\n\n", customize))).toMatch(
      /use_default=false -f 'include_claim_keys\[\]=repo' -f 'include_claim_keys\[\]=context' -f 'include_claim_keys\[\]=job_workflow_ref'/,
    );
    expect(customize).toBeLessThan(setup.indexOf("az identity federated-credential create"));
    expect(setup).toContain('--subject "repo:$OWNER_REPO:environment:$2:job_workflow_ref:$OWNER_REPO/.github/workflows/$3@refs/heads/main"');
  });

  it("creates and protects each environment (main only) before federating an identity to its name, and the workflow uses that environment", () => {
    const environmentsSoFar = new Set<string>();
    const uses: Record<string, string> = {
      "pr-plan": "environment: pr-plan\n",
      "$env-plan": "environment: ${{ inputs.stack }}-plan\n",
      $env: "environment: ${{ inputs.stack }}\n",
    };
    for (const [fn, first, second, third] of calls) {
      if (fn === "environment") environmentsSoFar.add(first);
      if (fn !== "identity") continue;
      expect({ identity: first, environmentCreatedBefore: environmentsSoFar.has(second) }).toEqual({ identity: first, environmentCreatedBefore: true });
      expect(workflow(third)).toContain(uses[second]);
    }
    expect(setup).toContain("-f name=main -f type=branch");
    // Every deploying environment has reviewers.
    expect(calls.filter(([fn, name]) => fn === "environment" && name === "$env")).toEqual([["environment", "$env", "$REVIEWERS_TEAM_ID"]]);
  });

  // Attack path 2: every deploy identity had Contributor and RBAC Administrator on the whole subscription.
  it("grants every identity its own environment's resource group and state container only, never the subscription", () => {
    const grants = calls.filter(([fn]) => fn === "grant" || fn === "grant_constrained");
    expect(grants.length).toBeGreaterThan(0);
    for (const [fn, , role, scope] of grants) {
      const at = fn === "grant_constrained" ? role : scope;
      expect({ grant: fn, at }).toEqual({ grant: fn, at: expect.stringMatching(/^\$(RG_ID|CONTAINER)$/) });
    }
    expect(setup).toMatch(/RG_ID=\$\(az group create -n "chat-\$env-rg"/);
    expect(setup).toContain('CONTAINER="$STATE_ID/blobServices/default/containers/tfstate-$env"');
    // RBAC Administrator only ever with its condition.
    expect(grants.filter(([, , role]) => role === "Role Based Access Control Administrator")).toEqual([]);
    expect(setup).toContain('--role "Role Based Access Control Administrator" --scope "$2" --condition "$CONDITION" --condition-version 2.0');
  });

  it("constrains RBAC Administrator to exactly the roles the platform grants (catalogue/flows.ts)", () => {
    const granted = new Set(Object.values(FLOWS).flatMap((f) => f.targets.flatMap((t) => t.roles.map((r) => r.id))));
    const listed = /PLATFORM_ROLES="([^"]+)"/.exec(setup)?.[1].split(", ") ?? [];
    expect(new Set(listed)).toEqual(granted);
    expect(setup).toContain("roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {$PLATFORM_ROLES}");
  });

  it("agrees with the audit on scope: the documented grants raise no error, and RBAC Administrator on a group is the warning the docs name", () => {
    const sub = "/subscriptions/00000000-0000-0000-0000-000000000001";
    const scopes: Record<string, string> = {
      $RG_ID: `${sub}/resourceGroups/chat-prod-rg`,
      $CONTAINER: `${sub}/resourceGroups/chat-tfstate-rg/providers/Microsoft.Storage/storageAccounts/chattfstate0prod/blobServices/default/containers/tfstate-prod`,
    };
    const resource: Record<string, object> = {};
    calls
      .filter(([fn]) => fn === "grant" || fn === "grant_constrained")
      .forEach(([fn, principal, a, b], i) => {
        const [role, scope] = fn === "grant_constrained" ? ["Role Based Access Control Administrator", a] : [a, b];
        resource[`g${i}`] = { scope: scopes[scope], role_definition_name: role, principal_id: `\${${principal}}`, principal_type: "ServicePrincipal" };
      });
    const findings = privilegedRoleScope.evaluate(StackModel.from({ resource: { azurerm_role_assignment: resource } }));
    expect(findings.map((f) => f.severity)).toEqual(["warning"]);
    expect(doc).toContain("The audit calls RBAC Administrator at subscription scope an error (AZ-RBAC-003) and at a\n  resource group a warning");
  });

  // Attack path 3: the PR identity read the container holding prod's state.
  it("gives the pull-request identity only the environments in PR_PLAN_STACKS, whose example leaves prod out", () => {
    expect(setup).toMatch(/^PR_PLAN_STACKS="staging" /m);
    const prGrants = setup.slice(setup.indexOf('if [[ " $PR_PLAN_STACKS " == *" $env "* ]]; then'), setup.indexOf("  fi\n", setup.indexOf('PR_PLAN_STACKS " ==')));
    expect(prGrants).toContain('grant "$PR" Reader "$RG_ID"');
    expect(setup.split('grant "$PR"').length - 1).toBe(2);
    expect(workflow("pr-review.yml")).toContain("PLAN_STACKS: ${{ vars.PR_PLAN_STACKS }}");
  });

  it("names the subjects the workflows really get, and the provider registrations they really skip", () => {
    expect(doc).toContain("`repo:OWNER/REPO:environment:pr-plan:job_workflow_ref:OWNER/REPO/.github/workflows/pr-review.yml@refs/heads/main`");
    expect(doc).toContain("`repo:OWNER/REPO:environment:<env>:job_workflow_ref:OWNER/REPO/.github/workflows/deploy-stack.yml@refs/heads/main`");
    for (const f of ["pr-review.yml", "deploy-stack.yml"]) expect(workflow(f)).toContain("ARM_RESOURCE_PROVIDER_REGISTRATIONS: none");
    expect(Roles.StorageBlobDataReader.name).toBe("Storage Blob Data Reader");
  });

  it("keeps the comment's App key in the protected pr-comment environment", () => {
    expect(doc).toContain("`pr-comment` environment's variable `REVIEW_APP_CLIENT_ID` and its private key in that\nenvironment's secret `REVIEW_APP_PRIVATE_KEY`");
    expect(calls).toContainEqual(["environment", "pr-comment"]);
    expect(workflow("pr-review.yml")).toContain("client-id: ${{ vars.REVIEW_APP_CLIENT_ID }}");
  });
});
