/**
 * "Today", for every judgement that depends on a date (a model that closed to new
 * customers, a retirement, a service that was switched off). The clock by default;
 * fixed by a configuration field or by CHAT_PLATFORM_TODAY, so that tests, snapshots
 * and a re-run of an old pipeline never depend on the day they run.
 */

/** The environment variable that fixes today (`YYYY-MM-DD`). */
export const TODAY_ENV = "CHAT_PLATFORM_TODAY";

/** A calendar day, `YYYY-MM-DD`. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Whether `text` is a real calendar day written `YYYY-MM-DD` (2026-02-30 is not). */
export function isIsoDate(text: unknown): text is IsoDate {
  if (typeof text !== "string") return false;
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/** Where today came from, for messages ("2026-12-06 (CHAT_PLATFORM_TODAY)"). */
export interface Today {
  readonly date: IsoDate;
  readonly source: "clock" | "configuration" | typeof TODAY_ENV;
}

/**
 * Today: `given` (a configuration field) wins, then $CHAT_PLATFORM_TODAY, then the
 * clock's date in UTC (Azure's retirement dates are UTC days).
 * @throws Error naming the source when a fixed date is not `YYYY-MM-DD`
 */
export function resolveToday(given?: string, env: NodeJS.ProcessEnv = process.env, now: () => Date = () => new Date()): Today {
  if (given !== undefined) {
    if (!isIsoDate(given)) throw new Error(`today = ${JSON.stringify(given)} is not a date. Fix: write it as YYYY-MM-DD, e.g. "2026-12-06", or leave it out to use the clock`);
    return { date: given, source: "configuration" };
  }
  const fixed = env[TODAY_ENV];
  if (fixed !== undefined && fixed !== "") {
    if (!isIsoDate(fixed))
      throw new Error(`${TODAY_ENV} = ${JSON.stringify(fixed)} is not a date. Fix: set it as YYYY-MM-DD, e.g. ${TODAY_ENV}=2026-12-06, or unset it to use the clock`);
    return { date: fixed, source: TODAY_ENV };
  }
  return { date: now().toISOString().slice(0, 10), source: "clock" };
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}
