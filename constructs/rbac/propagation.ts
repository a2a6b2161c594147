import { Construct, IConstruct } from "constructs";
import { Lazy, TerraformResource, TerraformStack } from "cdktf";
import { Sleep } from "@cdktf/provider-time/lib/sleep";
import { Grant, addDependency } from "./grant";
import { parseDuration } from "../validate";
import { requireProvider } from "../providers";

const ID = "RolePropagation";
const DEFAULT_SECONDS = 120;

/**
 * Role assignments are eventually consistent: Azure documents up to 10 minutes before
 * a new assignment is enforced everywhere (data-plane roles are the slowest).
 * https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected
 *
 * Deploy-time actions that need a fresh grant (binding a customer-managed key,
 * creating a key or secret) wait behind ONE `time_sleep` that depends on every gating
 * assignment, so the delay is paid once per apply, not once per grant. Runtime calls
 * (the app's first chat) are not gated: the review says to allow for propagation.
 */
export class RolePropagation extends Construct {
  /** The stack's propagation gate, created on first use. */
  public static of(scope: IConstruct): RolePropagation {
    const stack = TerraformStack.of(scope);
    return (stack.node.tryFindChild(ID) as RolePropagation | undefined) ?? new RolePropagation(stack, ID);
  }

  /** How long the gate waits after the last gating assignment: the longest requested. */
  public get duration(): string {
    return this.longest.text;
  }

  private longest = { seconds: DEFAULT_SECONDS, text: `${DEFAULT_SECONDS}s` };
  private requested = false;
  private sleep?: Sleep;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /**
   * Asks the gate to wait at least `duration` ("90s", "5m", "1h"). Several platforms in
   * one stack share the gate, so the longest request wins rather than the last.
   * @returns false when `duration` is not a number followed by s, m or h
   */
  public requestDelay(duration: string): boolean {
    const seconds = parseDuration(duration);
    if (seconds === undefined) return false;
    if (!this.requested || seconds > this.longest.seconds) this.longest = { seconds, text: duration };
    this.requested = true;
    return true;
  }

  /** Makes `consumers` wait until `grant` has had time to propagate. */
  public gate(grant: Grant, ...consumers: TerraformResource[]): void {
    const sleep = this.ensureSleep();
    grant.applyBefore(sleep);
    for (const consumer of consumers) addDependency(consumer, sleep);
  }

  /** The `time_sleep` resource, once anything has been gated. */
  public get resource(): Sleep | undefined {
    return this.sleep;
  }

  private ensureSleep(): Sleep {
    if (!this.sleep) {
      requireProvider(this, "time");
      this.sleep = new Sleep(this, "Wait", { createDuration: Lazy.stringValue({ produce: () => this.duration }) });
    }
    return this.sleep;
  }
}
