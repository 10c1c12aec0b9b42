/**
 * Wall-clock time in a named time zone, and back (docs/domain.md §7: quiet hours are in the
 * recipient's time zone). Pure: Intl (ICU) holds the zone rules. Converting a local time to an
 * instant is where DST bites: in a spring-forward gap the local time does not exist (the
 * answer is the instant the clocks jumped, the first instant at or after it); in a fall-back
 * overlap it exists twice (the answer is the first).
 */

import { BoundedMemo } from '../common/bounded-memo';

export interface LocalDateTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** ISO weekday: 1 Monday ... 7 Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function parts(instant: number, timeZone: string): LocalDateTime & { second: number } {
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    second: Number(out.second),
    weekday: WEEKDAYS[out.weekday],
  };
}

export function toLocal(instant: Date, timeZone: string): LocalDateTime {
  const { second: _second, ...local } = parts(instant.getTime(), timeZone);
  return local;
}

/** Local minus UTC at `instant`, in milliseconds (whole seconds). */
export function offsetAt(instant: number, timeZone: string): number {
  const p = parts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000));
}

/** A local calendar date, as days since 1970-01-01 (time-zone free arithmetic). */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / 86_400_000);
}

export function fromDayNumber(n: number): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(n * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: ((d.getUTCDay() + 6) % 7) + 1 };
}

/**
 * localToInstant's answers. It is pure (the zone rules are fixed for the life of the process)
 * and costs 4-6 ICU calls, and every decision under a time rule asks it for the same 17 days:
 * one US number of unknown zone under us-tcpa asked it ~550 times, 35-60 ms a decision.
 */
const instants = new BoundedMemo<number>(100_000);

/**
 * The first instant at which the wall clock in `timeZone` reads `minutes` after midnight of
 * local day `day` (a dayNumber) or later. `minutes` may be 1440 (the next midnight).
 */
export function localToInstant(day: number, minutes: number, timeZone: string): number {
  return instants.get(`${timeZone} ${day} ${minutes}`, () => firstInstantAt(day, minutes, timeZone));
}

function firstInstantAt(day: number, minutes: number, timeZone: string): number {
  const wall = (day * 1440 + minutes) * 60_000;
  // Two candidates, from the offsets on either side of the wall time; ±1 day covers any change.
  const candidates = [offsetAt(wall - 86_400_000, timeZone), offsetAt(wall, timeZone), offsetAt(wall + 86_400_000, timeZone)]
    .map((offset) => wall - offset)
    .filter((instant) => instant + offsetAt(instant, timeZone) === wall);
  if (candidates.length) return Math.min(...candidates);
  // A gap: the wall time was skipped. The answer is the first instant whose wall time is later.
  let lo = wall - offsetAt(wall - 86_400_000, timeZone) - 86_400_000;
  let hi = wall - offsetAt(wall + 86_400_000, timeZone) + 86_400_000;
  if (lo > hi) [lo, hi] = [hi, lo];
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2 / 1000) * 1000;
    if (mid + offsetAt(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** "21:30" → 1290 minutes after midnight; 24:00 is allowed as the end of a day. */
export function parseClock(text: string): number | undefined {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 1440 ? minutes : undefined;
}
