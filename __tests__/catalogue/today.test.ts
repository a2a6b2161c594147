import { TODAY_ENV, daysBetween, isIsoDate, resolveToday } from "../../catalogue/today";
import { audit } from "../../guardrails/audit";
import { StackModel } from "../../guardrails/model";
import { emptyStack } from "../../testing/guardrail-fixtures";

describe("isIsoDate", () => {
  it.each(["2026-12-06", "2024-02-29", "2026-10-14", "1999-12-31"])("accepts the calendar day %s", (text) => expect(isIsoDate(text)).toBe(true));

  it.each([
    ["a day February does not have", "2026-02-30"],
    ["February 29 of a common year", "2026-02-29"],
    ["month 13", "2026-13-01"],
    ["day 00", "2026-12-00"],
    ["no zero padding", "2026-12-6"],
    ["a date-time", "2026-12-06T00:00:00Z"],
    ["blanks around it", " 2026-12-06"],
    ["another order", "06.12.2026"],
    ["a number", 20261206],
    ["nothing", undefined],
  ])("refuses %s (%j)", (_name, text) => expect(isIsoDate(text)).toBe(false));
});

describe("resolveToday", () => {
  const clock = () => new Date("2026-12-06T23:30:00-05:00");

  it("takes the configured day first, then CHAT_PLATFORM_TODAY, then the clock's UTC day", () => {
    expect(resolveToday("2026-09-01", { [TODAY_ENV]: "2026-12-06" }, clock)).toEqual({ date: "2026-09-01", source: "configuration" });
    expect(resolveToday(undefined, { [TODAY_ENV]: "2026-12-06" }, clock)).toEqual({ date: "2026-12-06", source: "CHAT_PLATFORM_TODAY" });
    // 23:30 in New York is the next day in UTC, the calendar Azure's retirement dates use.
    expect(resolveToday(undefined, {}, clock)).toEqual({ date: "2026-12-07", source: "clock" });
    expect(resolveToday(undefined, { [TODAY_ENV]: "" }, clock)).toEqual({ date: "2026-12-07", source: "clock" });
  });

  it("is fixed for every test by __tests__/setup.ts", () => {
    expect(TODAY_ENV).toBe("CHAT_PLATFORM_TODAY");
    expect(resolveToday()).toEqual({ date: "2026-12-06", source: "CHAT_PLATFORM_TODAY" });
  });

  it("refuses a fixed day that is not a date, naming where it came from and the format", () => {
    expect(() => resolveToday("2026-02-30", {}, clock)).toThrow(
      'today = "2026-02-30" is not a date. Fix: write it as YYYY-MM-DD, e.g. "2026-12-06", or leave it out to use the clock',
    );
    expect(() => resolveToday(undefined, { [TODAY_ENV]: "tomorrow" }, clock)).toThrow(
      'CHAT_PLATFORM_TODAY = "tomorrow" is not a date. Fix: set it as YYYY-MM-DD, e.g. CHAT_PLATFORM_TODAY=2026-12-06, or unset it to use the clock',
    );
    // A bad environment does not matter when the day is configured.
    expect(resolveToday("2026-09-01", { [TODAY_ENV]: "tomorrow" }, clock).date).toBe("2026-09-01");
  });
});

describe("daysBetween", () => {
  it.each([
    ["2026-09-01", "2026-10-14", 43],
    ["2026-10-14", "2026-09-01", -43],
    ["2026-12-06", "2026-12-06", 0],
    ["2028-02-28", "2028-03-01", 2],
    ["2026-03-28", "2026-03-30", 2],
    ["2026-12-06", "2027-04-14", 129],
  ])("from %s to %s is %i days", (from, to, days) => expect(daysBetween(from, to)).toBe(days));
});

describe("the audit's today", () => {
  it("comes from the option, else the environment, and reaches the model the rules read", () => {
    expect(StackModel.from(emptyStack()).today).toBe("2026-12-06");
    expect(StackModel.from(emptyStack(), undefined, undefined, undefined, { today: "2026-09-01" }).today).toBe("2026-09-01");
    expect(() => audit(emptyStack(), { today: "2026-02-30" })).toThrow('today = "2026-02-30" is not a date');
  });
});
