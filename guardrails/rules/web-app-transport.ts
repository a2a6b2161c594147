import { appKind, apps, argument, describe, isTrue } from "../azure";
import { Finding, Rule, finding, show } from "../rule";
import { block, str } from "../terraform-json";

/**
 * Baseline transport security for App Service (web apps and Function Apps). Defaults in
 * azurerm 4.x: https_only false, site_config.minimum_tls_version "1.2",
 * site_config.ftps_state "Disabled" (the provider overrides Azure's AllAllowed).
 * https://learn.microsoft.com/azure/app-service/overview-security
 * A Container App's ingress redirects HTTP to HTTPS unless `allow_insecure_connections`.
 * https://learn.microsoft.com/azure/container-apps/ingress-overview
 */
export const webAppTransport: Rule = {
  id: "AZ-APP-004",
  name: "web-app-transport",
  severity: "error",
  title: "Web app allows plain HTTP, old TLS or FTP",
  why: "Plain HTTP and TLS < 1.2 expose the chat (and its session cookies) on the wire; FTP deployment credentials are a second, key-based way in.",
  fix: 'Set https_only = true, site_config.minimum_tls_version = "1.2" (or "1.3") and site_config.ftps_state = "Disabled".',
  helpUri: "https://learn.microsoft.com/azure/app-service/overview-security",
  evaluate(model) {
    const findings: Finding[] = [];
    for (const app of apps(model)) {
      const name = describe(app);
      if (appKind(app) === "containerApp") {
        const ingress = block(app.values.ingress);
        if (isTrue(ingress?.allow_insecure_connections)) {
          findings.push(
            finding(this, app, `${name}: ingress.allow_insecure_connections = true; the app also answers on plain HTTP.`, {
              fix: "Set ingress.allow_insecure_connections = false.",
            }),
          );
        }
        continue;
      }
      if (!isTrue(app.values.https_only)) {
        findings.push(
          finding(this, app, `${name}: ${argument(app, "https_only")} = ${show(app.values.https_only)}; the app also answers on plain HTTP.`, { fix: "Set https_only = true." }),
        );
      }
      const site = block(app.values.site_config) ?? {};
      const tls = str(site.minimum_tls_version);
      if (tls !== undefined && tls !== "" && !["1.2", "1.3"].includes(tls)) {
        findings.push(finding(this, app, `${name}: site_config.minimum_tls_version = ${show(tls)}.`, { fix: 'Set site_config.minimum_tls_version = "1.2" or "1.3".' }));
      }
      const ftps = str(site.ftps_state);
      if (ftps === "AllAllowed") {
        findings.push(finding(this, app, `${name}: site_config.ftps_state = "AllAllowed" allows unencrypted FTP.`, { fix: 'Set site_config.ftps_state = "Disabled".' }));
      } else if (ftps === "FtpsOnly") {
        findings.push(
          finding(this, app, `${name}: site_config.ftps_state = "FtpsOnly"; FTPS is still a credential-based deployment path.`, {
            severity: "warning",
            fix: 'Set site_config.ftps_state = "Disabled" unless you deploy over FTPS.',
          }),
        );
      }
    }
    return findings;
  },
};
