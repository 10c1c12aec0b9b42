/**
 * The rules of "may I send?" (issue 2, DOMAIN.md section 3), as one pure function.
 * Inputs are facts read from the ledger; the output is the answer and the event it rests on.
 */
import type { Purpose } from '../campaigns/campaign.dto';

export type Outcome = 'allow' | 'deny' | 'defer';
export type Reason = 'opted_in' | 'opted_out' | 'no_consent' | 'no_objection' | 'channel_not_in_campaign';

export interface CoveringEvent {
  id: string;
  action: string;
  campaignId: string | null;
  occurredAt: Date;
  recordedAt: Date;
}

export interface DecisionBasis {
  eventId: string;
  action: string;
  /** `channel`: the event covers the whole channel; `campaign`: this campaign only. */
  scope: 'channel' | 'campaign';
  occurredAt: string;
  recordedAt: string;
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
  /** Candidates (on the contact point, on the customer); null where none exists. */
  candidates: readonly (CoveringEvent | null)[];
}

/** Rule 2: the newest by occurredAt; ties go to the later recorded (recordedAt, then ledger id). */
export function newestEvent(candidates: readonly (CoveringEvent | null)[]): CoveringEvent | null {
  let best: CoveringEvent | null = null;
  for (const c of candidates) {
    if (!c) continue;
    if (!best || compareEvents(c, best) > 0) best = c;
  }
  return best;
}

function compareEvents(a: CoveringEvent, b: CoveringEvent): number {
  const byOccurred = a.occurredAt.getTime() - b.occurredAt.getTime();
  if (byOccurred) return byOccurred;
  const byRecorded = a.recordedAt.getTime() - b.recordedAt.getTime();
  if (byRecorded) return byRecorded;
  const ia = BigInt(a.id);
  const ib = BigInt(b.id);
  return ia === ib ? 0 : ia > ib ? 1 : -1;
}

function basisOf(event: CoveringEvent): DecisionBasis {
  return {
    eventId: event.id,
    action: event.action,
    scope: event.campaignId === null ? 'channel' : 'campaign',
    occurredAt: event.occurredAt.toISOString(),
    recordedAt: event.recordedAt.toISOString(),
  };
}

const DEFAULT_BY_PURPOSE: Record<Purpose, Pick<Decision, 'allowed' | 'outcome' | 'reason'>> = {
  marketing: { allowed: false, outcome: 'deny', reason: 'no_consent' },
  transactional: { allowed: true, outcome: 'allow', reason: 'no_objection' },
  // Service windows (inbound issue) will open this; until then nothing allows it.
  conversational: { allowed: false, outcome: 'deny', reason: 'no_consent' },
};

export function decideSend(facts: DecisionFacts): Decision {
  const latest = newestEvent(facts.candidates);
  // An opt-out always wins, whatever else is true.
  if (latest?.action === 'opt_out') return { allowed: false, outcome: 'deny', reason: 'opted_out', basis: basisOf(latest) };
  if (!facts.campaignChannels.includes(facts.channel)) {
    return { allowed: false, outcome: 'deny', reason: 'channel_not_in_campaign', basis: null };
  }
  if (latest?.action === 'opt_in') return { allowed: true, outcome: 'allow', reason: 'opted_in', basis: basisOf(latest) };
  return { ...DEFAULT_BY_PURPOSE[facts.purpose], basis: null };
}
