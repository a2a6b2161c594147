/**
 * The runner's own credentials, by environment variable: GitHub's OIDC request token and
 * runtime token, and whatever the azurerm provider reads. A configuration that copied one
 * into a value (a tag, an app setting, an error message) would publish it with the plan, so
 * every tool that writes something leaving the runner scrubs them.
 * https://docs.github.com/actions/reference/security/oidc#methods-for-requesting-the-oidc-token
 *
 * Dependency-free, erasable TypeScript: the token jobs run it with Node's type stripping.
 */
export const RUNNER_CREDENTIALS: readonly string[] = [
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
  "ACTIONS_RUNTIME_TOKEN",
  "ARM_OIDC_TOKEN",
  "ARM_OIDC_REQUEST_TOKEN",
  "ARM_CLIENT_SECRET",
  "GITHUB_TOKEN",
];

/** The values of RUNNER_CREDENTIALS set in `env`. */
export function runnerCredentials(env: { readonly [name: string]: string | undefined }): string[] {
  return RUNNER_CREDENTIALS.map((name) => env[name]).filter((v): v is string => typeof v === "string" && v.length > 0);
}
