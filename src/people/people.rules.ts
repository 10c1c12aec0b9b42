/**
 * How staff look a person up, and what the console says about their consent, as rules:
 * pure functions the people service feeds with facts.
 */
import { addDuration } from '../common/duration';
import type { CampaignPolicy } from '../decisions/send-decision.policy';

export type QueryKind = 'customer' | 'email' | 'phone';

const PHONE_LIKE = /^\+?[\d\s().\-/]+$/;

/**
 * What a search may be, most specific first. A customer id may look like anything (even an
 * email), so it is always tried first; then an email when it has an @, a phone number when it
 * is written with digits and the usual separators (at least 6 digits).
 */
export function queryKinds(query: string): QueryKind[] {
  const q = query.trim();
  const kinds: QueryKind[] = ['customer'];
  if (q.includes('@')) kinds.push('email');
  else if (PHONE_LIKE.test(q) && q.replace(/\D/g, '').length >= 6) kinds.push('phone');
  return kinds;
}

export interface ConsentDates {
  /** When the campaign asks the person to confirm again. */
  reconfirmBy: string | null;
  /** When consent lapses without a confirmation (reconfirmBy + grace). */
  lapsesAt: string | null;
  /** When consent expires whatever happens (the campaign's TTL). */
  expiresAt: string | null;
}

const NONE: ConsentDates = { reconfirmBy: null, lapsesAt: null, expiresAt: null };

/** The dates a campaign's policy sets on consent given (or renewed) at `givenAt`. */
export function consentDates(policy: CampaignPolicy, givenAt: string | null, action: string | null): ConsentDates {
  if (!givenAt || (action !== 'opt_in' && action !== 'renewed')) return NONE;
  const given = new Date(givenAt);
  const due = policy.reconfirmEvery ? addDuration(given, policy.reconfirmEvery) : null;
  return {
    reconfirmBy: due?.toISOString() ?? null,
    lapsesAt: due ? (policy.reconfirmGrace ? addDuration(due, policy.reconfirmGrace) : due).toISOString() : null,
    expiresAt: policy.consentTtl ? addDuration(given, policy.consentTtl).toISOString() : null,
  };
}
