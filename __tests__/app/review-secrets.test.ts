import { LinuxWebApp } from "@cdktf/provider-azurerm/lib/linux-web-app";
import { renderStackReview } from "../../app/review";
import { ChatPlatform } from "../../constructs/chat-platform";
import { renderTable } from "../../guardrails/format/table";
import { Guardrails } from "../../guardrails/guardrails";
import { renderPrComment } from "../../scripts/pr-comment";
import { newStack, synthPlatform } from "../../testing/helpers";

describe("a secret in app settings", () => {
  it("fails at the construct, keyless or keys, without echoing the value (the DB_PWD leak)", () => {
    const build = (authMode: "keyless" | "keys") => () =>
      new ChatPlatform(newStack(), "Platform", { environment: "dev", authMode, webApp: { extraSettings: { DB_PWD: "hunter2hunter2" } } });
    // Keyless mode too: the fix for a database password is Key Vault, not removing it (issue 27).
    expect(build("keyless")).toThrow(/^test\/Platform: webApp\.extraSettings\.DB_PWD = "\(redacted\)" is a literal secret in app settings .* Fix: store it in Key Vault/s);
    expect(build("keys")).toThrow(/^test\/Platform: webApp\.extraSettings\.DB_PWD = "\(redacted\)" is a literal secret in app settings .* Fix: store it in Key Vault/s);
    expect(build("keys")).not.toThrow(/hunter2/);
  });

  it("fails at the construct when a custom profile sets one", () => {
    const profile = { name: "leaky", settings: () => [{ name: "SMTP_PASSWORD", value: "hunter2hunter2", description: "mail" }] };
    expect(() => new ChatPlatform(newStack(), "Platform", { environment: "dev", profile })).toThrow(
      /^test\/Platform\/WebApp: appSettings\.SMTP_PASSWORD = "\(redacted\)" is a literal secret set by profile leaky .* Fix: store it in Key Vault/s,
    );
  });

  it("is never printed by the review, the audit or the PR comment, even with its finding suppressed", () => {
    const { stack, platform } = synthPlatform();
    // A raw provider resource next to the platform: only the guardrail sees its settings.
    const legacy = new LinuxWebApp(stack, "Legacy", {
      name: "legacy-app",
      location: platform.location,
      resourceGroupName: platform.resourceGroupName,
      servicePlanId: platform.webApp.plan.id,
      siteConfig: {},
      appSettings: { DB_PWD: "hunter2hunter2", DOCS: "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=c2VjcmV0c2VjcmV0" },
    });
    Guardrails.suppress(legacy, "AZ-APP-002", "legacy database, moving to Key Vault in the next release");

    const review = renderStackReview(stack);
    const result = Guardrails.of(stack).result();
    expect(result.suppressed.map((f) => f.ruleId)).toEqual(["AZ-APP-002", "AZ-APP-002"]);
    expect(review).toContain("#### Suppressed");
    expect(review).toContain("legacy database, moving to Key Vault");
    const table = renderTable(result);
    expect(table).toContain('app_settings.DB_PWD = "(redacted)" is a literal value for a secret-named setting');
    expect(table).toContain('app_settings.DOCS = "(redacted)" embeds a credential (AccountKey=)');

    const comment = renderPrComment({ review, audit: { text: table, exitCode: 0 }, plans: [] });
    expect(comment).toContain("legacy database, moving to Key Vault");
    for (const printed of [review, table, comment]) {
      // Not even a prefix: "hunt..." or "c2Vj..." would be a start on the value.
      expect(printed).not.toMatch(/hunt|c2Vj/);
    }
  });
});
