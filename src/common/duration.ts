/**
 * ISO 8601 durations (`P180D`, `PT24H`, `P1Y2M`, `P2W`), as campaign policies and configuration
 * write them. Arithmetic is in UTC: a day is 24 hours, months and years follow the calendar and
 * clamp to the month's last day (31 January + P1M = 28 or 29 February).
 */
export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const PATTERN = /^P(?!$)(?:(\d{1,4})Y)?(?:(\d{1,5})M)?(?:(\d{1,5})W)?(?:(\d{1,6})D)?(?:T(?=\d)(?:(\d{1,7})H)?(?:(\d{1,9})M)?(?:(\d{1,10}(?:\.\d{1,3})?)S)?)?$/;

/** Undefined when `text` is not an ISO 8601 duration with at least one non-zero part. */
export function parseDuration(text: string): Duration | undefined {
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const [years, months, weeks, days, hours, minutes, seconds] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
  const d = { years, months, weeks, days, hours, minutes, seconds };
  return Object.values(d).some((v) => v > 0) ? d : undefined;
}

export function addDuration(from: Date, d: Duration, times = 1): Date {
  const out = new Date(from.getTime());
  const months = (d.years * 12 + d.months) * times;
  if (months) {
    const day = out.getUTCDate();
    out.setUTCDate(1);
    out.setUTCMonth(out.getUTCMonth() + months);
    const last = new Date(Date.UTC(out.getUTCFullYear(), out.getUTCMonth() + 1, 0)).getUTCDate();
    out.setUTCDate(Math.min(day, last));
  }
  const ms = ((((d.weeks * 7 + d.days) * 24 + d.hours) * 60 + d.minutes) * 60 + d.seconds) * 1000 * times;
  return new Date(out.getTime() + ms);
}
