/**
 * Rule 1 of "may I send?" (decision.rules.ts): consent, from the newest event covering the
 * message, the campaign's purpose and policy, and an open service window. Pure.
 */
import type { Purpose } from '../campaigns/campaign.dto';
import { addDuration, Duration, parseDuration } from '../common/duration';

export type Outcome = 'allow' | 'deny' | 'defer';
export type Reason =
  | 'opted_in'
  | 'opted_out'
  | 'no_consent'
  | 'no_objection'
  | 'channel_not_in_campaign'
  | 'service_window'
  | 'confirmation_pending'
  | 'confirmation_expired'
  | 'consent_lapsed'
  | 'consent_expired'
  | 'channel_disabled'
  | 'quiet_hours'
  | 'paused'
  | 'clarification_pending'
  | 'frequency_cap'
  | 'suppressed';

/** Double opt-in: a confirmation not given within this expires (issue 4). */
export const PENDING_CONFIRMATION_TTL: Duration = parseDuration('P30D')!;

/** A campaign's lifecycle policy (issue 4, docs/domain.md §6); applies to consents scoped to that campaign. */
export interface CampaignPolicy {
  reconfirmEvery: Duration | null;
  reconfirmGrace: Duration | null;
  consentTtl: Duration | null;
}

export const NO_POLICY: CampaignPolicy = { reconfirmEvery: null, reconfirmGrace: null, consentTtl: null };

export interface CoveringEvent {
  /** Null for a suppression (an erased customer's contact point): no event stands behind it. */
  id: string | null;
  /** A ledger action, or `suppressed`. */
  action: string;
  campaignId: string | null;
  /** ISO 8601 instants (the ledger's have microseconds; the answer gives milliseconds). */
  occurredAt: string;
  recordedAt: string;
}

/** An open service window (docs/domain.md §5): the customer wrote first, on this channel. */
export interface ServiceWindow {
  id: string;
  occurredAt: string;
  recordedAt: string;
  expiresAt: string;
}

/** An unclear reply of the contact point, asked back and still waiting (no answer, no staff reading). */
export interface PendingClarification {
  /** The clarification_requested event: the review's id. */
  id: string;
  /** When the hold ends (CLARIFY_HOLD after the reply). */
  until: string;
}

export interface DecisionBasis {
  eventId: string;
  action: string;
  /** `channel`: the event covers the whole channel; `campaign`: this campaign only. */
  scope: 'channel' | 'campaign';
  occurredAt: string;
  recordedAt: string;
  /** Service windows only. */
  expiresAt?: string;
}

export interface Decision {
  allowed: boolean;
  outcome: Outcome;
  reason: Reason;
  basis: DecisionBasis | null;
}

export interface DecisionFacts {
  purpose: Purpose;
  campaignChannels: readonly string[];
  channel: string;
  /**
   * The newest event covering the message (on the contact point or its customer, channel-wide
   * or on this campaign; decision.rules.ts `newest` picks it); null if none.
   */
  latest: CoveringEvent | null;
  /** The service window open at the instant asked about, on this channel; looked up for conversational campaigns only. */
  window?: ServiceWindow | null;
  /** The campaign's policy in force at the instant asked about. */
  policy?: CampaignPolicy;
  /** The instant asked about (now, or `at`): lapses and expiries are facts of time. */
  at?: Date;
}

/** The dates a campaign's policy puts on consent given (or renewed) at `givenAt`. */
export interface PolicyDates {
  /** When re-confirmation is due: given + every. */
  reconfirmBy: Date | null;
  /** When consent lapses without it: due + grace. */
  lapsesAt: Date | null;
  /** When consent expires whatever happens: given + ttl. */
  expiresAt: Date | null;
}

export function policyDates(policy: CampaignPolicy, givenAt: Date): PolicyDates {
  const due = policy.reconfirmEvery ? addDuration(givenAt, policy.reconfirmEvery) : null;
  return {
    reconfirmBy: due,
    lapsesAt: due && policy.reconfirmGrace ? addDuration(due, policy.reconfirmGrace) : due,
    expiresAt: policy.consentTtl ? addDuration(givenAt, policy.consentTtl) : null,
  };
}

/** When the consent given (or renewed) at `givenAt` stops allowing, and why; null: it does not. */
export function consentEnd(policy: CampaignPolicy, givenAt: Date): { at: Date; reason: 'consent_lapsed' | 'consent_expired' } | null {
  const { lapsesAt, expiresAt } = policyDates(policy, givenAt);
  const ends: { at: Date; reason: 'consent_lapsed' | 'consent_expired' }[] = [];
  if (lapsesAt) ends.push({ at: lapsesAt, reason: 'consent_lapsed' });
  if (expiresAt) ends.push({ at: expiresAt, reason: 'consent_expired' });
  return ends.sort((a, b) => a.at.getTime() - b.at.getTime())[0] ?? null;
}

/** Events recorded when consent ended: the decision names why. */
const ENDED: Record<string, Reason> = { lapsed: 'consent_lapsed', expired: 'consent_expired', confirmation_expired: 'confirmation_expired' };

/** `2026-01-01T00:00:00.123456Z` (the ledger's microseconds) as the API writes instants (milliseconds). */
function toMilliseconds(iso: string): string {
  return iso.length > 24 ? `${iso.slice(0, 23)}Z` : iso;
}

function basisOf(event: CoveringEvent): DecisionBasis {
  return {
    eventId: event.id as string, // only suppressions have none, and they have no basis
    action: event.action,
    scope: event.campaignId === null ? 'channel' : 'campaign',
    occurredAt: toMilliseconds(event.occurredAt),
    recordedAt: toMilliseconds(event.recordedAt),
  };
}

const DEFAULT_BY_PURPOSE: Record<Purpose, Pick<Decision, 'allowed' | 'outcome' | 'reason'>> = {
  marketing: { allowed: false, outcome: 'deny', reason: 'no_consent' },
  transactional: { allowed: true, outcome: 'allow', reason: 'no_objection' },
  // Allowed inside a service window only (see decideSend).
  conversational: { allowed: false, outcome: 'deny', reason: 'no_consent' },
};

export function decideSend(facts: DecisionFacts): Decision {
  const { latest } = facts;
  // An opt-out always wins, whatever else is true.
  if (latest?.action === 'opt_out') return { allowed: false, outcome: 'deny', reason: 'opted_out', basis: basisOf(latest) };
  // An erased customer's contact point (issue 5): denied like an opt-out until a newer opt-in.
  if (latest?.action === 'suppressed') return { allowed: false, outcome: 'deny', reason: 'suppressed', basis: null };
  if (!facts.campaignChannels.includes(facts.channel)) {
    return { allowed: false, outcome: 'deny', reason: 'channel_not_in_campaign', basis: null };
  }
  if (latest && ENDED[latest.action]) return { allowed: false, outcome: 'deny', reason: ENDED[latest.action], basis: basisOf(latest) };
  const at = facts.at ?? new Date();
  if (latest?.action === 'pending_confirmation') {
    const expired = at.getTime() >= addDuration(new Date(latest.occurredAt), PENDING_CONFIRMATION_TTL).getTime();
    return { allowed: false, outcome: 'deny', reason: expired ? 'confirmation_expired' : 'confirmation_pending', basis: basisOf(latest) };
  }
  if (latest?.action === 'opt_in' || latest?.action === 'renewed') {
    // The campaign's policy governs consents given on that campaign; channel-wide ones do not lapse.
    const end = latest.campaignId !== null && facts.policy ? consentEnd(facts.policy, new Date(latest.occurredAt)) : null;
    if (end && at.getTime() >= end.at.getTime()) return { allowed: false, outcome: 'deny', reason: end.reason, basis: basisOf(latest) };
    return { allowed: true, outcome: 'allow', reason: 'opted_in', basis: basisOf(latest) };
  }
  // A customer who wrote first may get conversational replies without an opt-in, until the window closes.
  if (facts.purpose === 'conversational' && facts.window) {
    const w = facts.window;
    return {
      allowed: true,
      outcome: 'allow',
      reason: 'service_window',
      basis: { eventId: w.id, action: 'service_window', scope: 'channel', occurredAt: w.occurredAt, recordedAt: w.recordedAt, expiresAt: w.expiresAt },
    };
  }
  return { ...DEFAULT_BY_PURPOSE[facts.purpose], basis: null };
}
