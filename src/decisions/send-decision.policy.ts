/**
 * The rules of "may I send?" (issue 2, DOMAIN.md section 3), as one pure function.
 * Inputs are facts read from the ledger; the output is the answer and the event it rests on.
 */
import type { Purpose } from '../campaigns/campaign.dto';

export type Outcome = 'allow' | 'deny' | 'defer';
export type Reason = 'opted_in' | 'opted_out' | 'no_consent' | 'no_objection' | 'channel_not_in_campaign' | 'service_window';

export interface CoveringEvent {
  id: string;
  action: string;
  campaignId: string | null;
  /** ISO 8601 instants. */
  occurredAt: string;
  recordedAt: string;
}

/** An open service window (DOMAIN.md section 5): the customer wrote first, on this channel. */
export interface ServiceWindow {
  id: string;
  occurredAt: string;
  recordedAt: string;
  expiresAt: string;
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
   * The newest event covering the message (rules 1 and 2: on the contact point or its
   * customer, channel-wide or on this campaign; newest by occurredAt, ties to the later
   * recorded), as ConsentEventsRepository.findLatestCoveringEvents selects it; null if none.
   */
  latest: CoveringEvent | null;
  /** The service window open at the instant asked about, on this channel; looked up for conversational campaigns only. */
  window?: ServiceWindow | null;
}

function basisOf(event: CoveringEvent): DecisionBasis {
  return {
    eventId: event.id,
    action: event.action,
    scope: event.campaignId === null ? 'channel' : 'campaign',
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
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
  if (!facts.campaignChannels.includes(facts.channel)) {
    return { allowed: false, outcome: 'deny', reason: 'channel_not_in_campaign', basis: null };
  }
  if (latest?.action === 'opt_in') return { allowed: true, outcome: 'allow', reason: 'opted_in', basis: basisOf(latest) };
  // A customer who wrote first may get conversational replies without an opt-in, until the window closes.
  if (facts.purpose === 'conversational' && facts.window) {
    const w = facts.window;
    return {
      allowed: true, outcome: 'allow', reason: 'service_window',
      basis: { eventId: w.id, action: 'service_window', scope: 'channel', occurredAt: w.occurredAt, recordedAt: w.recordedAt, expiresAt: w.expiresAt },
    };
  }
  return { ...DEFAULT_BY_PURPOSE[facts.purpose], basis: null };
}
