import { readFileSync } from "fs";
import { join } from "path";
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, TerraformPlanJson, readInputs, renderPrComment, summarizePlan } from "../../scripts/pr-comment";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");
const planJson = JSON.parse(fixture("prod.plan.json")) as TerraformPlanJson;
const planText = fixture("prod.plan.txt");
const review = fixture("review.md");
const audit = { text: "guardrails: cdktf.out/stacks/prod/cdk.tf.json\n0 errors, 0 warnings, 0 suppressed\n", exitCode: 0 };

describe("summarizePlan", () => {
  it("counts adds, changes, destroys and replaces from resource_changes[].change.actions", () => {
    expect(summarizePlan(planJson)).toEqual({
      add: 2,
      change: 1,
      destroy: 1,
      replace: 1,
      destructive: ["azurerm_search_service.Platform_Search_Service_5F4B2A1C", "azurerm_role_assignment.Platform_Grants_legacy_reader"],
    });
  });

  it("counts create-before-destroy as a replace too", () => {
    expect(summarizePlan({ resource_changes: [{ address: "a.b", change: { actions: ["create", "delete"] } }] }).replace).toBe(1);
  });
});

describe("renderPrComment", () => {
  const comment = renderPrComment({
    review,
    audit,
    plans: [
      { stack: "dev", skipped: "local state: add remoteState for dev in config/environments.json to plan it here" },
      { stack: "prod", planJson, planText },
    ],
    commit: "0123456789abcdef0123",
    runUrl: "https://github.com/contoso/chat/actions/runs/42",
  });

  it("starts with the marker the workflow finds the comment by", () => {
    expect(comment.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
  });

  it("summarizes each stack's plan in a table and says why a stack was not planned", () => {
    expect(comment).toContain("| prod | 2 | 1 | 1 | 1 | ⚠️ destructive |");
    expect(comment).toContain("| dev | | | | | ⏭️ local state: add remoteState for dev in config/environments.json to plan it here |");
  });

  it("warns about destroyed and replaced resources by address", () => {
    expect(comment).toMatch(/> \*\*prod\*\* destroys or replaces 2 resource\(s\): `azurerm_search_service\.Platform_Search_Service_5F4B2A1C`, `azurerm_role_assignment\.Platform_Grants_legacy_reader`/);
  });

  it("folds the plan text and the audit into <details> blocks, and includes the review", () => {
    expect(comment).toContain("<details><summary>Plan output: prod</summary>");
    expect(comment).toContain("-/+ resource \"azurerm_search_service\"");
    expect(comment).toContain("<details><summary>Audit findings</summary>");
    expect(comment).toContain("**Guardrails:** ✅ no errors");
    expect(comment).toContain("| F2 | Azure OpenAI chat-prod-oai-ghefyw (system) | Search Index Data Reader |");
    expect(comment).toContain("commit `0123456789ab` · [workflow run](https://github.com/contoso/chat/actions/runs/42)");
  });

  it("reports failed plans and audit errors in the headline", () => {
    const failed = renderPrComment({ audit: { text: "1 error", exitCode: 1 }, plans: [{ stack: "prod", failed: true, planText: "Error: building account: could not acquire access token" }] });
    expect(failed).toContain("**Guardrails:** ❌ error findings (the check fails) · **Plans:** ❌ 1 failed");
    expect(failed).toContain("| prod | | | | | ❌ plan failed |");
    expect(failed).toContain("<details><summary>Plan output: prod (failed)</summary>");
  });

  it("stays under GitHub's comment limit with a huge plan, and says it truncated", () => {
    const huge = `${"  + resource \"azurerm_role_assignment\" \"x\" {}\n".repeat(5000)}Plan: 5000 to add, 0 to change, 0 to destroy.\n`;
    const big = renderPrComment({ review, audit, plans: [{ stack: "prod", planJson, planText: huge }, { stack: "prod2", planJson, planText: huge }] });
    expect(huge.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT * 3);
    expect(big.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(big).toMatch(/\.\.\. plan truncated: \d+ of \d+ characters shown/);
    expect(big).toContain("<details><summary>Plan output: prod2</summary>");
  });

  it("cannot be broken out of its code fence by backticks in the plan", () => {
    const out = renderPrComment({ plans: [{ stack: "x", planJson: {}, planText: "```\n# injected heading\n```" }] });
    expect(out).toContain("````diff\n```\n# injected heading\n```\n````");
  });
});

describe("the CLI", () => {
  it("reads the review, the audit and the plans directory, and the commit from the Actions environment", () => {
    const dir = join(__dirname, "fixtures");
    const { input, out } = readInputs(["--review", join(dir, "review.md"), "--audit-exit-code", "0", "--plans-dir", dir, "--out", "comment.md"], {
      GITHUB_SHA: "abc",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: "contoso/chat",
      GITHUB_RUN_ID: "7",
    });
    expect(out).toBe("comment.md");
    expect(input.review).toBe(review);
    expect(input.plans.map((p) => [p.stack, p.planJson !== undefined, p.planText !== undefined])).toEqual([["prod", true, true]]);
    expect(input).toMatchObject({ commit: "abc", runUrl: "https://github.com/contoso/chat/actions/runs/7", audit: { exitCode: 0 } });
  });

  it("rejects unknown arguments with the usage", () => {
    expect(() => readInputs(["--plan", "x"])).toThrow(/unknown argument --plan\n\nUsage: pr-comment/);
  });
});
