import { DefaultTokenResolver, StringConcat, TerraformStack, Tokenization } from "cdktf";
import { ChatPlatform } from "../constructs/chat-platform";
import { AccessMatrix, AccessRow } from "../constructs/rbac/grant";
import { FLOWS } from "../catalogue/flows";
import { NetworkPathKind } from "../catalogue/network-paths";
import { WebAppSetting } from "../constructs/settings/app-settings";
import { REDACTED, isKeyVaultReference, isSecretSetting } from "../catalogue/secrets";
import { Guardrails } from "../guardrails/guardrails";
import { renderAuditMarkdown } from "../guardrails/format/markdown";
import { SUFFIX_PLACEHOLDER, planTimeSuffix, withSuffixPlaceholder } from "../constructs/naming";
import { renderAppAccess } from "./access-review";
import { renderModelDeployments } from "./model-review";
import { SERVICES } from "../catalogue/lifecycle";

/**
 * The human review of one synthesized stack, as markdown that renders in a terminal
 * and in a pull-request comment: the access matrix, the app settings with their
 * origin (secrets redacted), the guardrails result and a diagram of who may call what.
 */
export function renderStackReview(stack: TerraformStack): string {
  const platforms = stack.node.findAll().filter((c): c is ChatPlatform => c instanceof ChatPlatform);
  const rows = AccessMatrix.of(stack).rows;
  const out: string[] = [`## Stack \`${stack.node.id}\``, ""];

  for (const p of platforms) {
    out.push(
      `Platform \`${p.node.path}\`: auth mode **${p.authMode}**, network **${p.network.mode}**, profile **${p.profile.name}**, region \`${p.location}\`, ` +
        `features: ${
          Object.entries(p.features)
            .filter(([, on]) => on)
            .map(([k]) => k)
            .join(", ") || "none"
        }.`,
      "",
    );
    const notes = reviewNotes(p);
    if (notes.length) out.push(...notes.map((n) => `> ${n}`), "");
  }

  out.push("### Access matrix", "");
  if (rows.length === 0) out.push("No role assignments.", "");
  else {
    out.push("| Flow | Principal | Role | Scope | Path | Reason |", "|---|---|---|---|---|---|");
    for (const r of rows)
      out.push(
        `| ${r.flow ? `${r.flow} ${FLOWS[r.flow].title}` : "-"} | ${cell(r.principal)} | ${r.role} | ${cell(r.scope)} | ${cell(networkPath(platforms, r))} | ${cell(r.reason)} |`,
      );
    out.push(
      "",
      "Role assignments on data planes can take up to 10 minutes to take effect after the first apply: a 401/403 in the first minutes is propagation, not configuration.",
      "",
    );
  }

  for (const p of platforms) out.push(...renderModelDeployments(p));
  for (const p of platforms) out.push(...renderAppAccess(p));

  for (const p of platforms) {
    out.push(`### App settings of \`${p.webApp.name}\``, "", "| Setting | Value | Origin | Meaning |", "|---|---|---|---|");
    for (const s of p.appSettings) out.push(`| \`${s.name}\` | ${cell(displayValue(stack, s))} | ${s.origin} | ${cell(s.description)} |`);
    out.push("");
  }

  out.push(renderAuditMarkdown(Guardrails.of(stack).result(), { heading: "### Guardrails" }));
  out.push(
    "### Identities and grants",
    "",
    "```mermaid",
    mermaid(
      rows,
      platforms.find((p) => p.network.mode === "private"),
    ),
    "```",
    "",
  );
  // Names carry a suffix Terraform computes at plan time (see uniqueNaming): shown as {suffix}.
  return withSuffixPlaceholder(out.join("\n"));
}

/** The review of every stack, under one heading. */
export function renderReview(stacks: readonly TerraformStack[]): string {
  return [`# Platform review`, "", ...stacks.map(renderStackReview)].join("\n");
}

/** Things a reviewer should know that are not errors. */
export function reviewNotes(p: ChatPlatform): string[] {
  const notes: string[] = [];
  const suffix = planTimeSuffix(p.naming);
  if (suffix) {
    notes.push(
      `ℹ️ Names end in ${SUFFIX_PLACEHOLDER}: 6 hex characters Terraform computes at plan time from the subscription, prefix, environment and region (\`${suffix.slice(2, -1)}\`), so they are unique per subscription and stable across plans.`,
    );
  }
  // A mutable image tag is reported once, by the audit (AZ-APP-006), in the Guardrails section.
  if (!p.webApp.signInEnabled) {
    notes.push('⚠️ No sign-in (webApp.access "open"): the app is open to anyone with its URL. Remove webApp.access to require Entra ID sign-in.');
  }
  if (p.identity) notes.push(`ℹ️ The app runs as the user-assigned identity \`${p.identity.name}\`; AZURE_CLIENT_ID tells DefaultAzureCredential to use it.`);
  if (p.profile.onYourData) {
    const oyd = SERVICES.onYourData;
    notes.push(
      `⚠️ Profile ${p.profile.name} grounds chats only with ${oyd.name}, retired on ${oyd.retires}: it can no longer answer from your documents, and it sends max_tokens, which GPT-5-family models reject. It is left for ungrounded chat on a model it can call; for grounded chat use profile searchOpenAIDemo.`,
    );
  }
  if (p.features.appQueriesSearch && p.config.developers.length === 0) {
    notes.push(
      "⚠️ No developers: nobody is granted what building the index takes (F10), so the app answers from an empty index until someone is. Add the people or the pipeline principal who run the ingestion to `developers`.",
    );
  }
  if (p.features.agenticRetrieval) {
    notes.push(
      "ℹ️ Agentic retrieval: the knowledge base is GA without LLM query planning (REST 2026-04-01); planning with an LLM is preview (2026-08-01-preview). The app creates the knowledge base after deploy.",
    );
  }
  notes.push(
    p.keyVault
      ? `ℹ️ Key Vault \`${p.keyVault.name}\`: ${p.config.keyVault.reasons.join("; ")}.`
      : "ℹ️ No Key Vault: nothing in this configuration uses one (keyless, no customer-managed key, no sign-in secret).",
  );
  return notes;
}

/** Key Vault references and references to other resources are shown; anything secret-shaped is not. */
function displayValue(stack: TerraformStack, s: WebAppSetting): string {
  // References print as Terraform expressions (`${azurerm_x.y.attr}`), as in cdk.tf.json.
  const value = String(Tokenization.resolve(s.value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) }));
  if (isKeyVaultReference(value)) return `🔑 ${value}`;
  // Whatever the secrets module flags is never printed, even if a guardrail finding on it is suppressed.
  if (isSecretSetting(s.name, value)) return REDACTED;
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}

/** How a row's flow crosses the network: its private path, or the public endpoint. */
function networkPath(platforms: readonly ChatPlatform[], r: AccessRow): string {
  if (!r.flow) return "-";
  const p = platforms.find((x) => x.network.pathOf(r.flow!));
  if (p) return p.network.pathOf(r.flow)!.summary;
  return platforms.some((x) => x.network.mode === "private") ? "-" : "public endpoint";
}

/**
 * Who may call whom; with a private platform, the network boundary too: the web app
 * inside the VNet, the services behind closed public endpoints, and each edge labelled
 * with the path its flow takes (private endpoint or trusted service).
 */
function mermaid(rows: readonly AccessRow[], privatePlatform?: ChatPlatform): string {
  const ids = new Map<string, string>();
  const node = (label: string) => {
    if (!ids.has(label)) ids.set(label, `n${ids.size}`);
    return ids.get(label)!;
  };
  const edges = new Map<string, string[]>();
  for (const r of rows) {
    // A resource and its system-assigned identity are one box: "OpenAI calls Search".
    const caller = r.principalKind === "system-assigned" ? r.principal.replace(/ \(system-assigned\)$/, "") : r.principal;
    const key = `${node(caller)}-->${node(r.scope)}`;
    const path = r.flow ? privatePlatform?.network.pathOf(r.flow) : undefined;
    const label = `${r.flow ?? ""} ${r.role}${path ? ` (${PATH_LABELS[path.kind]})` : ""}`.trim();
    edges.set(key, [...(edges.get(key) ?? []), label]);
  }
  const lines = ["flowchart LR"];
  const box = (label: string, id: string) => `${id}["${label.replace(/"/g, "'")}"]`;
  const net = privatePlatform?.network;
  if (net?.privateNetwork) {
    // Callers from the VNet (the web app, by flow) and the closed services (every scope).
    const inVnet = new Set(
      rows
        .filter((r) => r.flow && FLOWS[r.flow].caller === "webApp")
        .map((r) => node(r.principalKind === "system-assigned" ? r.principal.replace(/ \(system-assigned\)$/, "") : r.principal)),
    );
    const closed = new Set(rows.map((r) => node(r.scope)));
    lines.push(`  subgraph vnet["VNet ${net.privateNetwork.name} ${net.privateNetwork.addressSpace}"]`);
    for (const [label, id] of ids) if (inVnet.has(id)) lines.push(`    ${box(label, id)}`);
    lines.push("  end", '  subgraph closed["public network access off"]');
    for (const [label, id] of ids) if (closed.has(id) && !inVnet.has(id)) lines.push(`    ${box(label, id)}`);
    lines.push("  end");
    for (const [label, id] of ids) if (!inVnet.has(id) && !closed.has(id)) lines.push(`  ${box(label, id)}`);
  } else {
    for (const [label, id] of ids) lines.push(`  ${box(label, id)}`);
  }
  for (const [key, labels] of edges) {
    const [from, to] = key.split("-->");
    lines.push(`  ${from} -->|"${labels.join("<br>")}"| ${to}`);
  }
  return lines.join("\n");
}

const PATH_LABELS: Record<NetworkPathKind, string> = {
  privateEndpoint: "private endpoint",
  trustedService: "trusted service",
  deployerNetwork: "deployer network",
  outOfBand: "VPN",
};

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}
