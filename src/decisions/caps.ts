/**
 * Frequency caps (issue 6): how many messages a recipient may get in a rolling window — the
 * customer's own (`maxMessages` per campaign purpose) and those that come with a law (Florida,
 * Oklahoma, Maryland: 3 per 24 hours on the same campaign; Oregon: 3 per 24 hours in all, unless
 * the customer bought within 18 months). Pure: counts sends given to it.
 */
import { addDuration, Duration, parseDuration } from '../common/duration';
import { inForce, LAWS, Law } from '../jurisdictions/laws';
import type { SentMessage } from '../preferences/sends.repository';

export type { SentMessage };

export interface Cap {
  name: string;
  count: number;
  per: Duration;
  /** `purpose`: sends of campaigns with this purpose; `campaign`: sends of this campaign. */
  scope: 'purpose' | 'campaign';
}

const NO_TIME = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };

/** Whether the law's cap holds at `at` for this customer: in force that (UTC) day, and no exempting purchase. */
function lawCapHolds(law: Law, at: Date, lastPurchaseAt: string | null): boolean {
  const cap = LAWS[law].cap;
  if (!cap || !inForce(law, { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate() })) return false;
  if (!cap.unlessPurchasedWithinMonths || !lastPurchaseAt) return true;
  const purchased = Date.parse(lastPurchaseAt);
  return addDuration(new Date(purchased), { ...NO_TIME, months: cap.unlessPurchasedWithinMonths }).getTime() <= at.getTime() || purchased > at.getTime();
}

export function capsFor(
  purpose: string,
  laws: readonly Law[],
  maxMessages: Record<string, { count: number; per: string }> | null | undefined,
  recipient: { at: Date; lastPurchaseAt: string | null } = { at: new Date(), lastPurchaseAt: null },
): Cap[] {
  const caps: Cap[] = [];
  const own = maxMessages?.[purpose];
  if (own) caps.push({ name: 'max_messages', count: own.count, per: parseDuration(own.per)!, scope: 'purpose' });
  for (const law of laws) {
    const c = LAWS[law].cap;
    if (c && lawCapHolds(law, recipient.at, recipient.lastPurchaseAt))
      caps.push({ name: law, count: c.count, per: { ...NO_TIME, hours: c.perHours }, scope: c.scope });
  }
  return caps;
}

/** How far back sends matter for these caps, from `at`. */
export function capHorizon(caps: readonly Cap[], at: Date): Date {
  return new Date(Math.min(...caps.map((c) => subtract(at, c.per).getTime())));
}

function subtract(at: Date, d: Duration): Date {
  // at - d: the instant from which at is d later (months and years walk back on the calendar).
  const back = addDuration(at, {
    ...d,
    years: -d.years,
    months: -d.months,
    weeks: -d.weeks,
    days: -d.days,
    hours: -d.hours,
    minutes: -d.minutes,
    seconds: -d.seconds,
  });
  return back;
}

/**
 * Whether one more message is allowed at `at`; if not, when the oldest message that fills the
 * cap leaves its window (the next instant one more is allowed), and which cap holds it back.
 */
export function checkCaps(
  caps: readonly Cap[],
  sent: readonly SentMessage[],
  at: Date,
  campaign: { id: string; purpose: string },
): { allowed: true } | { allowed: false; nextAllowedAt: Date; blockedBy: string[] } {
  let next = 0;
  const blockedBy: string[] = [];
  for (const cap of caps) {
    const from = subtract(at, cap.per).getTime();
    const counted = sent
      .filter((s) => s.sentAt.getTime() > from && s.sentAt.getTime() <= at.getTime())
      .filter((s) => (cap.scope === 'campaign' ? s.campaignId === campaign.id : s.purpose === campaign.purpose))
      .map((s) => s.sentAt.getTime())
      .sort((a, b) => a - b);
    if (counted.length < cap.count) continue;
    blockedBy.push(cap.name);
    // One more is allowed once all but count - 1 of them have left the window.
    const leaving = counted[counted.length - cap.count];
    next = Math.max(next, addDuration(new Date(leaving), cap.per).getTime());
  }
  return blockedBy.length ? { allowed: false, nextAllowedAt: new Date(next), blockedBy } : { allowed: true };
}
