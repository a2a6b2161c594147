/**
 * The one stack-name grammar. An environment's name is its stack's name, its state key, a
 * GitHub environment's name (`<stack>` and `<stack>-plan`) and part of every resource name,
 * so the configuration loader, the CI scripts and the workflows all judge it here.
 *
 * 1-12 lower-case letters and digits, starting with a letter: no "-", so the suffix of the
 * plan environments (`<stack>-plan`, .github/workflows/deploy-stack.yml) is reserved and no
 * stack can be called `prod-plan` and deploy in the unreviewed plan environment of `prod`;
 * no "." or "/", so a name never walks out of a directory.
 *
 * Dependency-free and erasable TypeScript: the CI tools import it from a trusted checkout
 * with no npm install (Node strips the types).
 */
export const STACK_NAME = /^[a-z][a-z0-9]{0,11}$/;

/** What a bad stack name should be instead, for error messages. */
export const STACK_NAME_FIX = 'use 1-12 lower-case letters and digits, starting with a letter, e.g. "staging"';

export function isStackName(name: unknown): name is string {
  return typeof name === "string" && STACK_NAME.test(name);
}
