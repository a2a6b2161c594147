import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  COMMENT_MARKER,
  GITHUB_COMMENT_LIMIT,
  type TerraformPlanJson,
  codeSpan,
  failures,
  main,
  readInputs,
  renderJobSummary,
  renderPrComment,
  safeForLog,
  sanitizeMarkdown,
  summarizePlan,
} from "../../scripts/pr-comment";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");
const planJson = JSON.parse(fixture("prod.plan.json")) as TerraformPlanJson;
const planText = fixture("prod.plan.txt");
const review = fixture("review.md");
const audit = { text: "guardrails: cdktf.out/stacks/prod/cdk.tf.json\n0 errors, 0 warnings, 0 suppressed\n", exitCode: 0 };
const change = (address: string, ...actions: string[]) => ({ address, change: { actions } });

describe("summarizePlan", () => {
  it("counts adds, changes, destroys and replaces from resource_changes[].change.actions", () => {
    expect(summarizePlan(planJson)).toEqual({
      add: 2,
      change: 1,
      destroy: 1,
      replace: 1,
      forget: 0,
      destructive: ["azurerm_search_service.Platform_Search_Service_5F4B2A1C", "azurerm_role_assignment.Platform_Grants_legacy_reader"],
      unknown: [],
    });
  });

  it("counts create-before-destroy as a replace, `forget` apart from destroy, and shows actions it does not know", () => {
    const s = summarizePlan({ resource_changes: [change("a.b", "create", "delete"), change("c.d", "forget"), change("e.f", "teleport")] });
    expect(s).toMatchObject({ replace: 1, forget: 1, destroy: 0, unknown: ["e.f (teleport)"] });
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
    expect(comment).toContain("| `prod` | 2 | 1 | 1 | 1 | 0 | ⚠️ destructive |");
    expect(comment).toContain("| `dev` | | | | | | ⏭️ local state\\: add remoteState for dev in config/environments.json to plan it here |");
  });

  it("warns about destroyed and replaced resources by address", () => {
    expect(comment).toContain(
      "> `prod` destroys or replaces 2 resource(s): `azurerm_search_service.Platform_Search_Service_5F4B2A1C`, `azurerm_role_assignment.Platform_Grants_legacy_reader`",
    );
  });

  it("folds the plan text and the audit into <details> blocks, and includes the review", () => {
    expect(comment).toContain("<details><summary>Plan output: <code>prod</code></summary>");
    expect(comment).toContain('-/+ resource "azurerm_search_service"');
    expect(comment).toContain("<details><summary>Audit findings</summary>");
    expect(comment).toContain("**Guardrails:** ✅ no errors · **Plans:** 1 of 2 stacks planned");
    expect(comment).toContain("| F2 | Azure OpenAI chat-prod-oai-ghefyw (system) | Search Index Data Reader |");
    expect(comment).toContain("commit `0123456789ab` · [workflow run](https://github.com/contoso/chat/actions/runs/42)");
    expect(failures({ review, audit, plans: [{ stack: "prod", planJson }] })).toEqual([]);
  });

  it.each([
    ["a failed plan", { failed: "plan: terraform plan exited non-zero", planText: "Error: could not acquire access token" }, "prod: plan: terraform plan exited non-zero"],
    ["a failed show", { failed: "show: terraform show -json exited non-zero" }, "prod: show: terraform show -json exited non-zero"],
    ["truncated JSON", { planJsonError: "truncated or invalid JSON at character 300 of 300" }, "prod: plan JSON unreadable: truncated or invalid JSON at character 300 of 300"],
    ["null JSON", { planJson: null }, "prod: plan JSON is null"],
    ["an errored plan", { planJson: { errored: true } }, "prod: terraform reported the plan as errored"],
    ["no result at all", {}, "prod: no plan result (the plan job did not finish this stack)"],
  ])("shows %s as ❌ and reports it as a failure", (_what, plan, problem) => {
    const input = { review, audit, plans: [{ stack: "prod", ...plan }] };
    expect(failures(input)).toEqual([problem]);
    const out = renderPrComment(input);
    expect(out).toContain("**❌ 1 problem(s); the check fails:**");
    expect(out).toMatch(/\| `prod` \| \| \| \| \| \| ❌ /);
    expect(out).toContain("**Plans:** ❌ 1 failed, 0 of 1 stacks planned");
  });

  it("shows audit errors, a crashed audit and a missing review as failures", () => {
    expect(failures({ audit: { text: "1 error", exitCode: 1 }, plans: [] })).toEqual(["no review: `npm start` did not write cdktf.out/review.md", "the audit found errors"]);
    expect(failures({ review, audit: { text: "", exitCode: 2 }, plans: [] })).toEqual(["the audit crashed (exit code 2)"]);
    expect(failures({ review, plans: [] })).toEqual(["the audit did not run"]);
    expect(renderPrComment({ review, audit: { text: "", exitCode: 2 }, plans: [] })).toContain("**Guardrails:** ❌ crashed (exit code 2)");
  });

  it("stays under GitHub's comment limit with huge plans and 5,000 destroyed resources, and points at the job summary", () => {
    const huge = `${'  - resource "azurerm_role_assignment" "x" {}\n'.repeat(5000)}Plan: 0 to add, 0 to change, 5000 to destroy.\n`;
    const destroyAll = { resource_changes: Array.from({ length: 5000 }, (_, i) => change(`azurerm_role_assignment.r["${i}"]`, "delete")) };
    const big = renderPrComment({
      review,
      audit,
      plans: [
        { stack: "prod", planJson: destroyAll, planText: huge },
        { stack: "prod2", planJson, planText: huge },
      ],
    });
    expect(huge.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT * 3);
    expect(big.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(big).toMatch(/… plan truncated: \d+ of \d+ characters shown; the full text is in the job summary of the workflow run\./);
    expect(big).toContain("and 4975 more (see the job summary of the workflow run)");
    expect(big).toContain("<details><summary>Plan output: <code>prod2</code></summary>");
    expect(big).toContain("### Review");
    // The job summary has the room the comment does not.
    expect(renderJobSummary({ review, audit, plans: [{ stack: "prod", planJson: destroyAll, planText: huge }] })).toContain("Plan: 0 to add, 0 to change, 5000 to destroy.");
  });
});

describe("hostile input", () => {
  const render = (plan: object, extra: object = {}) => renderPrComment({ review, audit, plans: [{ stack: "prod", ...plan }], ...extra });

  it("keeps a backtick in a resource address inside its code span: no mention, link or image renders", () => {
    const address = 'azurerm_role_assignment.r["x` @octocat [click](https://evil.example) ![i](https://evil.example/p.png) `"]';
    const out = render({ planJson: { resource_changes: [change(address, "delete")] } });
    // Inside a code span nothing renders: no mention, link or image.
    expect(out).toContain(`\`\`${address}\`\``);
    expect(codeSpan("`x`")).toBe("`` `x` ``");
    expect(codeSpan("a|b", true)).toBe("`a\\|b`");
  });

  it("escapes stack names: a pipe cannot break the table, HTML cannot open, mentions do not notify", () => {
    const out = render({ planJson: {}, planText: "x" }, { plans: [{ stack: "a|b <!-- @team", planJson: {}, planText: "x" }] });
    expect(out).toContain("| `a\\|b <!-- @team` | 0 | 0 | 0 | 0 | 0 | ✅ no changes |");
    expect(out).toContain("<summary>Plan output: <code>a|b &lt;!-- @\u200bteam</code></summary>");
    expect(out.split("<!--").length).toBe(4); // the two marker lines, and the name inside its code span
    expect(out.split("\n").filter((l) => l.startsWith("<!--"))).toEqual([COMMENT_MARKER, "<!-- commit: unknown -->"]);
  });

  it("escapes skip reasons and failure messages as plain text", () => {
    const out = render({ skipped: "**bold** <img src=x> @admins [x](y)" });
    expect(out).toContain("⏭️ \\*\\*bold\\*\\* &lt;img src\\=x&gt; \\@\u200badmins \\[x\\]\\(y\\) |");
  });

  it("takes HTML, mentions, images and links out of the review, keeps its fences and closes one left open", () => {
    const hostile = `# Review\n${COMMENT_MARKER}\n<!-- hides the rest\n@everyone look ![x](https://t.example/p.png)\n\`\`\`mermaid\nflowchart LR\n  a -->|"<br>"| b\n\`\`\`\n\`\`\`\nunclosed`;
    const clean = sanitizeMarkdown(hostile);
    expect(clean).toBe(
      `# Review\n&lt;!-- chat-platform-review -->\n&lt;!-- hides the rest\n@\u200beveryone look !&#91;x]\\(https:\u200b//t.example/p.png)\n\`\`\`mermaid\nflowchart LR\n  a -->|"<br>"| b\n\`\`\`\n\`\`\`\nunclosed\n\`\`\``,
    );
    const out = renderPrComment({ review: hostile, audit, plans: [] });
    expect(out.indexOf(COMMENT_MARKER, 1)).toBe(-1);
    expect(out.trimEnd().endsWith("</sub>")).toBe(true);
  });

  it("keeps plan and audit text inside fences longer than any backtick run in them", () => {
    const out = render({ planJson: {}, planText: "```\n# injected heading\n```" }, { audit: { text: "````` @x", exitCode: 0 } });
    expect(out).toContain("````diff\n```\n# injected heading\n```\n````");
    expect(out).toContain("``````text\n````` @x\n``````");
  });

  it("strips control characters and bidirectional overrides, and neutralises workflow commands in the log", () => {
    expect(safeForLog("ok\u001b[31mred\u001b[0m\n::error::boom\n  ::add-mask::x\n##[set-output name=a]b\u202e\u0007\n")).toBe(
      "okred\n:\u200b:error::boom\n  :\u200b:add-mask::x\n#\u200b#[set-output name=a]b\n",
    );
    expect(render({ planJson: {}, planText: "a\u001b[1mb\u0000c\u2066" })).toContain("```diff\nabc\n```");
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

  it("marks a listed stack without results, and a truncated or null plan JSON, as failed", () => {
    const dir = mkdtempSync(join(tmpdir(), "plans-"));
    writeFileSync(join(dir, "cut.plan.json"), '{"format_version":"1.2","resource_changes":[{"addr');
    writeFileSync(join(dir, "nul.plan.json"), "null");
    writeFileSync(join(dir, "stacks.txt"), "cut\nnul\nlost\n../../etc/x\n");
    const { input } = readInputs(["--plans-dir", dir, "--stacks", join(dir, "stacks.txt")]);
    expect(failures({ ...input, review, audit }).sort()).toEqual([
      "../../etc/x: not a stack name (config/stack-name.ts); not read",
      "cut: plan JSON unreadable: truncated or invalid JSON at character 50 of 50",
      "lost: no plan result (the plan job did not finish this stack)",
      "nul: plan JSON is null",
    ]);
  });

  it("rejects unknown arguments with the usage", () => {
    expect(() => readInputs(["--plan", "x"])).toThrow(/unknown argument "--plan"\n\nUsage: pr-comment/);
  });
});

describe("the comment trusts only what the base branch decides (attack path 9)", () => {
  it("fails when the base branch's list of stacks is empty or missing, instead of ✅ 0 of 0 planned", () => {
    expect(failures({ review, audit, plans: [], expectedStacks: [] })).toEqual(["the base branch's configuration lists no stack to plan"]);
    const dir = mkdtempSync(join(tmpdir(), "plans-"));
    const { input } = readInputs(["--plans-dir", dir, "--stacks", join(dir, "absent.txt")]);
    expect(failures({ ...input, review, audit })).toEqual(["the base branch's list of stacks to plan is missing", "the base branch's configuration lists no stack to plan"]);
    expect(renderPrComment({ ...input, review, audit })).toContain("**Plans:** ⚠️ 0 of 0 stacks planned");
  });

  it("requires a result for every stack the base branch lists, whatever the pull request's build produced", () => {
    const dir = mkdtempSync(join(tmpdir(), "plans-"));
    writeFileSync(join(dir, "trusted-stacks.txt"), "dev local\nprod remote\n");
    writeFileSync(join(dir, "dev.skipped"), "local state\n");
    const { input } = readInputs(["--plans-dir", dir, "--stacks", join(dir, "trusted-stacks.txt")]);
    expect(failures({ ...input, review, audit })).toEqual(["prod: no plan result (the plan job did not finish this stack)"]);
  });

  it("shows the result of every job it depends on, and fails on anything but success", () => {
    const { input } = readInputs(["--job", "build=success", "--job", "plan=skipped", "--job", "synth=failure"]);
    expect(failures({ ...input, review, audit, plans: [] })).toEqual(["job plan: skipped", "job synth: failure"]);
    expect(renderPrComment({ ...input, review, audit, plans: [] })).toContain("**Jobs:** build ✅ success · plan ❌ skipped · synth ❌ failure");
  });
});

describe("links survive nothing (attack path 11)", () => {
  it("disarms reference-style links and their definitions, bare URLs, www. links and cross-references in the review", () => {
    const clean = sanitizeMarkdown(
      "see [the docs][1] and [x]\n[1]: https://evil.example/a\nvisit https://evil.example or www.evil.example, fixes #12 and octo/repo#7 and GH-3; &#64; stays",
    );
    expect(clean).toBe(
      "see &#91;the docs]&#91;1] and &#91;x]\n&#91;1]: https:\u200b//evil.example/a\nvisit https:\u200b//evil.example or www\u200b.evil.example, fixes #\u200b12 and octo/repo#\u200b7 and GH\u200b-3; &#64; stays",
    );
  });

  it("disarms them in free text too (skip reasons, failures)", () => {
    const out = renderPrComment({ review, audit, plans: [{ stack: "prod", skipped: "see https://evil.example and #5" }] });
    expect(out).toContain("see https\\:\u200b//evil.example and \\#\u200b5");
  });
});

describe("a failing or outdated run never leaves a stale verdict (attack path 12)", () => {
  it("writes a ❌ comment when an input is a directory, not the previous comment's verdict", () => {
    const dir = mkdtempSync(join(tmpdir(), "render-"));
    const out = join(dir, "comment.md");
    const code = main(["--review", dir, "--audit-exit-code", "0", "--stacks", join(dir, "none.txt"), "--out", out], { PR_HEAD_SHA: "0123456789abcdef" });
    expect(code).toBe(1);
    const body = readFileSync(out, "utf8");
    expect(body.startsWith(`${COMMENT_MARKER}\n<!-- commit: 0123456789abcdef -->\n`)).toBe(true);
    expect(body).toContain("❌ 4 problem(s); the check fails:");
    expect(body).toContain("could not be read \\(a directory, not a file\\)");
  });

  it("writes a ❌ comment when the renderer itself fails", () => {
    const dir = mkdtempSync(join(tmpdir(), "render-"));
    writeFileSync(join(dir, "review.md"), review);
    const out = join(dir, "comment.md");
    const spy = jest.spyOn(Array.prototype, "flatMap").mockImplementation(() => {
      throw new RangeError("Maximum call stack size exceeded");
    });
    let code: number;
    try {
      code = main(["--review", join(dir, "review.md"), "--out", out], { PR_HEAD_SHA: "0123456789abcdef" });
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(1);
    expect(readFileSync(out, "utf8")).toContain("**❌ The review could not be rendered:** RangeError\\: Maximum call stack size exceeded.");
  });

  it("says a run for an outdated head is outdated instead of posting its verdict", () => {
    const dir = mkdtempSync(join(tmpdir(), "render-"));
    const out = join(dir, "comment.md");
    expect(main(["--current-head", "fedcba9876543210", "--out", out], { PR_HEAD_SHA: "0123456789abcdef" })).toBe(0);
    const body = readFileSync(out, "utf8");
    expect(body).toContain("**⏳ Outdated:** this run reviewed commit `0123456789ab`, but the pull request is now at `fedcba987654`");
    expect(body).not.toMatch(/✅|❌|Guardrails/);
  });

  it("renders hostile input of any size without overflowing the stack: 500,000 backticks in an address, the plan and the review", () => {
    const ticks = "`".repeat(500_000);
    const started = Date.now();
    const out = renderPrComment({
      review: `${ticks}\n${"` ".repeat(200_000)}`,
      audit,
      plans: [{ stack: "prod", planJson: { resource_changes: [change(`a.b${"` ".repeat(200_000)}`, "delete")] }, planText: `${"` ".repeat(300_000)}${ticks}` }],
    });
    expect(out.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
