/**
 * Code-unit string order. Unlike `localeCompare` it does not depend on the machine's
 * locale (synthesized output and the review must be byte-identical everywhere) and
 * does not load ICU collation data on first use.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
