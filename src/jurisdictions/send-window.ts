/**
 * When a message may be sent (docs/domain.md §7): quiet hours and jurisdiction windows, each
 * evaluated in local time, combined, and the next instant at which all of them allow. Pure.
 */
import { countryZones } from './calendars';
import { dayNumber, fromDayNumber, localToInstant, toLocal } from './local-time';

/** A local calendar day, as the rules see it. */
export interface LocalDay {
  dayNumber: number;
  year: number;
  month: number;
  day: number;
  /** ISO: 1 Monday ... 7 Sunday */
  weekday: number;
}

/** Minutes after local midnight [start, end) during which sending is not allowed; end may be 1440. */
export type Interval = readonly [number, number];

/** A rule: the forbidden intervals of each local day, in one time zone. */
export interface TimeRule {
  /** What a deferral names: `quiet_hours`, `us-tcpa`, `fr-demarchage`... */
  name: string;
  timeZone: string;
  forbidden(day: LocalDay): readonly Interval[];
}

const DAY_MS = 86_400_000;
/** Nothing allowed this far ahead: the answer is a deny, not a defer. */
export const HORIZON_DAYS = 15;

function localDay(n: number): LocalDay {
  return { dayNumber: n, ...fromDayNumber(n) };
}

/** If `t` is inside a forbidden interval of the rule (merged with those it touches), where that ends. */
function forbiddenUntil(rule: TimeRule, t: number): number | null {
  const today = toLocal(new Date(t), rule.timeZone);
  const d = dayNumber(today.year, today.month, today.day);
  const spans: [number, number][] = [];
  for (let n = d - 1; n <= d + HORIZON_DAYS; n++) {
    for (const [s, e] of rule.forbidden(localDay(n))) {
      const start = localToInstant(n, s, rule.timeZone);
      const end = localToInstant(n, e, rule.timeZone);
      if (end > start) spans.push([start, end]);
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  let until: number | null = null;
  for (const [start, end] of spans) {
    if (until === null) {
      if (start <= t && t < end) until = end;
    } else if (start <= until) {
      until = Math.max(until, end);
    } else break;
  }
  return until;
}

export interface SendWindowAnswer {
  /** Now is allowed by every rule. */
  allowed: boolean;
  /** The first instant at or after the one asked about when every rule allows; null: not within HORIZON_DAYS. */
  nextAllowedAt: Date | null;
  /** The rules that forbid the instant asked about. */
  blockedBy: string[];
}

/** Whether `at` is allowed by every rule, and if not, when it next is. */
export function sendWindow(rules: readonly TimeRule[], at: Date): SendWindowAnswer {
  const blockedBy = rules.filter((r) => forbiddenUntil(r, at.getTime()) !== null).map((r) => r.name);
  if (!blockedBy.length) return { allowed: true, nextAllowedAt: at, blockedBy };
  let t = at.getTime();
  const limit = t + HORIZON_DAYS * DAY_MS;
  // Each rule pushes t to the end of what it forbids, until none does: the earliest instant all allow.
  for (let moved = true; moved && t <= limit;) {
    moved = false;
    for (const rule of rules) {
      const until = forbiddenUntil(rule, t);
      if (until !== null) {
        t = until;
        moved = true;
      }
    }
  }
  return { allowed: false, nextAllowedAt: t <= limit ? new Date(t) : null, blockedBy: [...new Set(blockedBy)] };
}

// --- Quiet hours (preferences) ---

export interface QuietHours {
  /** "21:00" */
  start: number;
  /** "08:00"; before start: the quiet hours run across midnight. */
  end: number;
  /** ISO weekdays on which the quiet hours start; absent: every day. */
  days?: readonly number[];
}

export function quietHoursRule(quiet: QuietHours, timeZone: string): TimeRule {
  const on = (weekday: number) => !quiet.days || quiet.days.includes(weekday);
  return {
    name: 'quiet_hours',
    timeZone,
    forbidden(day) {
      const out: Interval[] = [];
      if (quiet.start < quiet.end) {
        if (on(day.weekday)) out.push([quiet.start, quiet.end]);
        return out;
      }
      // Across midnight: the evening of this day, and the morning after the evening before.
      const yesterday = ((day.weekday + 5) % 7) + 1;
      if (on(yesterday) && quiet.end > 0) out.push([0, quiet.end]);
      if (on(day.weekday)) out.push([quiet.start, 1440]);
      return out;
    },
  };
}

// --- Where a recipient is ---

/**
 * The zones to evaluate a recipient in: its own when known; else its phone number's country's
 * zone when there is one; else every zone of that country (allowed only when allowed in all);
 * else none (the caller decides: UTC is not a guess worth making for a legal window).
 */
export function recipientZones(timeZone: string | null, country: string | undefined): string[] {
  if (timeZone) return [timeZone];
  return country ? distinctZones(country) : [];
}

const distinctCache = new Map<string, string[]>();
/** A country's zones, those that keep the same time all year once (the US has 29, on 8 distinct clocks). */
function distinctZones(country: string): string[] {
  let out = distinctCache.get(country);
  if (out) return out;
  const zones = countryZones(country);
  const seen = new Map<string, string>();
  const year = new Date().getUTCFullYear();
  const probes = Array.from({ length: 24 }, (_, i) => Date.UTC(year, Math.floor(i / 2), i % 2 ? 20 : 5));
  for (const zone of zones) {
    const signature = probes
      .map((p) => {
        const local = toLocal(new Date(p), zone);
        return local.hour * 60 + local.minute;
      })
      .join(',');
    if (!seen.has(signature)) seen.set(signature, zone);
  }
  out = [...seen.values()];
  distinctCache.set(country, out);
  return out;
}
