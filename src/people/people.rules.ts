/**
 * How staff look a person up, and what the console says about their consent, as rules:
 * pure functions the people service feeds with facts.
 */
import { policyDates, type CampaignPolicy } from '../decisions/send-decision.policy';

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

/** The dates a campaign's policy sets on consent that stands (given or renewed) at `givenAt`, as the API writes them. */
export function consentDates(policy: CampaignPolicy, givenAt: string | null, action: string | null): ConsentDates {
  if (!givenAt || (action !== 'opt_in' && action !== 'renewed')) return NONE;
  const d = policyDates(policy, new Date(givenAt));
  return { reconfirmBy: d.reconfirmBy?.toISOString() ?? null, lapsesAt: d.lapsesAt?.toISOString() ?? null, expiresAt: d.expiresAt?.toISOString() ?? null };
}
