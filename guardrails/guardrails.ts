import { TerraformResource, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { AuditOptions, AuditResult, audit } from "./audit";
import { recordSuppression } from "../constructs/suppressions";
import { Finding } from "./rule";
import { presentFindings } from "./construct-fixes";
import { SynthFailure, type SynthProblem, findingProblem, validationProblem } from "./synth-failure";

export interface GuardrailsOptions extends Pick<AuditOptions, "rules" | "today"> {
  /**
   * Where warnings go (once per stack). Errors fail the synth instead.
   * @default writes to process.stderr
   */
  readonly warn?: (line: string) => void;
}

const BY_STACK = new WeakMap<TerraformStack, Guardrails>();

/**
 * Synth-time wiring of the rule pack: `Guardrails.apply(stack)` adds a validation that
 * audits the stack's own Terraform JSON (so raw provider resources count too) and fails
 * `app.synth()` / `Testing.synth(stack, true)` on any error finding.
 */
export class Guardrails {
  /** The guardrails of the stack containing `scope` (created, but not applied, if needed). */
  public static of(scope: IConstruct): Guardrails {
    const stack = TerraformStack.of(scope);
    let g = BY_STACK.get(stack);
    if (!g) {
      g = new Guardrails(stack);
      BY_STACK.set(stack, g);
    }
    return g;
  }

  /** Adds the validation to the stack containing `scope`; calling it again only updates options. */
  public static apply(scope: IConstruct, options: GuardrailsOptions = {}): Guardrails {
    const g = Guardrails.of(scope);
    g.options = options;
    if (!g.applied) {
      g.applied = true;
      g.stack.node.addValidation({ validate: () => g.validate() });
    }
    return g;
  }

  /**
   * Switches `ruleId` off for one resource, with the reason reviewers will read. Written
   * into the resource's `"//".guardrails.suppressions` in cdk.tf.json, so the CLI sees it too.
   */
  public static suppress(resource: TerraformResource, ruleId: string, reason: string): void {
    recordSuppression(resource, ruleId, reason);
  }

  private applied = false;
  private options: GuardrailsOptions = {};
  private cached?: AuditResult;
  private warned = false;
  /** The JSON the last validation audited, until synthesis takes it (see takeAuditedJson). */
  private auditedJson?: unknown;

  private constructor(private readonly stack: TerraformStack) {}

  /**
   * The audit of the stack as synthesized. Computed by the validation at synth (or on
   * first call) and cached, so the review reuses it; `refresh` re-audits.
   */
  public result(refresh = false): AuditResult {
    return !this.cached || refresh ? this.auditJson(this.stack.toTerraform()) : this.cached;
  }

  /**
   * The stack JSON the validation just audited, handed over once. cdktf validates a
   * stack and then synthesizes it, resolving every token twice; a stack that returns
   * this from `toTerraform()` resolves once (ChatStack does). Cleared on read, so a
   * later synth after further changes resolves afresh.
   */
  public takeAuditedJson(): unknown {
    const json = this.auditedJson;
    this.auditedJson = undefined;
    return json;
  }

  private auditJson(json: unknown): AuditResult {
    // Unknown models are warnings here: whoever synthesizes chose the model and can check it now.
    this.cached = audit(json, { rules: this.options.rules, today: this.options.today, unknownModels: "warning", source: `${this.stack.node.path}/cdk.tf.json` });
    return this.cached;
  }

  /**
   * Fails the synth with every problem of the stack at once (SynthFailure): the rule
   * pack's errors, in the construct API's terms where a library construct created the
   * resource (construct-fixes.ts), and every other validation of the stack's construct
   * tree, run here first (cdktf runs them once more after a pass; they are cheap).
   * Thrown rather than returned, so cdktf's own report, which suggests
   * `skipValidation: true` and with it no guardrails at all, is never printed.
   */
  private validate(): string[] {
    // Re-entered while the stack's own validations run below.
    if (this.collecting) return [];
    // Kept for the synthesis that follows this validation (see takeAuditedJson).
    this.auditedJson = this.stack.toTerraform();
    const result = this.auditJson(this.auditedJson);
    const others = this.otherValidations();
    const findings = presentFindings(this.stack, result, result.findings, new Set(others.map((p) => p.where)));
    const warnings = findings.filter((f) => f.severity === "warning");
    if (!this.warned && warnings.length > 0) {
      this.warned = true;
      const warn = this.options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
      for (const w of warnings) warn(`[guardrails] warning ${formatFinding(w)}`);
    }
    const problems = [...others, ...findings.filter((f) => f.severity === "error").map(findingProblem)];
    if (problems.length > 0) throw new SynthFailure(this.stack.node.path, problems);
    return [];
  }

  private collecting = false;

  /** The problems every other validation in the stack's construct tree reports. */
  private otherValidations(): SynthProblem[] {
    this.collecting = true;
    try {
      return this.stack.node.findAll().flatMap((c) => c.node.validate().map((message) => validationProblem(c.node.path, message)));
    } finally {
      this.collecting = false;
    }
  }
}

/** `[AZ-OAI-001] azurerm_x.y (dev/path): message Fix: ...`; messages already name their resource. */
export function formatFinding(f: Finding): string {
  const where = f.constructPath ? `${f.address} (${f.constructPath})` : f.address;
  const message = f.message.startsWith(f.address) ? f.message : `${where}: ${f.message}`;
  return `[${f.ruleId}] ${message} Fix: ${f.fix}`;
}
