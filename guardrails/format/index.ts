export { renderTable, summary } from "./table";
export { renderJson, toJsonReport } from "./json";
export type { JsonReport } from "./json";
export { renderSarif, toSarif, SARIF_SCHEMA } from "./sarif";
export { renderAuditMarkdown } from "./markdown";
