/** Pure date helpers shared by the dashboard and the CLI (no server code: this file runs in the browser too). */
/** The periods the usage page offers, in days ending today (UTC). */
export const USAGE_PERIODS = [7, 30, 90] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];
export const DEFAULT_USAGE_PERIOD: UsagePeriod = 30;

/** `?days=` as the page takes it: one of the offered periods, else the default. */
export function parseUsagePeriod(value: string | null | undefined): UsagePeriod {
  return USAGE_PERIODS.find((p) => String(p) === value) ?? DEFAULT_USAGE_PERIOD;
}

/** "YYYY-MM-DD" of a date, in UTC (the API's days are UTC days). */
export const utcDay = (date: Date) => date.toISOString().slice(0, 10);

/** The last `days` UTC days, today included: `from` and `to` as the API takes them, and every day between. */
export function lastDays(days: number, now = new Date()): { from: string; to: string; days: string[] } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const all = Array.from({ length: days }, (_, i) => utcDay(new Date(today - (days - 1 - i) * 86_400_000)));
  return { from: all[0], to: all[all.length - 1], days: all };
}
