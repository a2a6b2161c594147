/**
 * The tag that declares a web app open on purpose: anyone with its URL may use it.
 * The sign-in guardrail (AZ-APP-007, web-app-sign-in) refuses an app that calls Azure
 * OpenAI without sign-in unless it carries this tag. ChatPlatform sets it for
 * `webApp.access: "open"`; in raw Terraform, write `tags = { "app-access" = "open" }`.
 */
export const OPEN_ACCESS_TAG = Object.freeze({ name: "app-access", value: "open" });
