/**
 * May I send this message to this person, on this channel, for this campaign, now?
 *
 * The rule book, as one pure function of what the ledger says of one recipient (read by
 * DecisionFactsRepository). The rules apply in this order, and the first that holds the
 * message back answers:
 *
 *  1. Consent (send-decision.policy.ts). The events covering the message compete and the
 *     newest wins: by when it happened, then when it was recorded, then ledger order, a
 *     suppression winning a tie. An opt-out, or the address of an erased customer, denies
 *     whatever the purpose. With no such event: marketing is denied, transactional allowed,
 *     conversational allowed while the customer's service window is open. A consent given on
 *     the campaign lapses or expires by the campaign's policy.
 *  2. A channel the customer switched off denies. Consent outranks preference: an opt-out
 *     stays an opt-out, and only a message consent allows is looked at from here on.
 *     A pause the customer chose defers marketing until it ends (reason `paused`): a while
 *     without messages is not a withdrawal of consent. So does a reply the service could not
 *     read and asked back about (reason `clarification_pending`), until the customer answers,
 *     staff read it, or CLARIFY_HOLD passes: a doubtful opt-out is neither obeyed nor ignored.
 *  3. Time: the customer's quiet hours (marketing only) and the campaign's jurisdictions, in
 *     the recipient's local time, defer the message to the first instant they all allow.
 *  4. Frequency caps (the customer's own, a jurisdiction's) defer it until the oldest counted
 *     message leaves the window. Caps count the recipient's recent sends: when the facts do
 *     not hold them, the answer is to read them (`needs`) and decide again.
 */
import type { Purpose } from '../campaigns/campaign.dto';
import { Cap, capHorizon, capsFor, checkCaps, SentMessage } from './caps';
import type { StoredPreferences } from './decision-facts.repository';
import { countryOf, isChannelDisabled, PreferenceDecision, PreferenceFacts, timeRules } from './preference-policy';
import { CampaignPolicy, CoveringEvent, Decision, decideSend, PendingClarification, ServiceWindow } from './send-decision.policy';
import { sendWindow } from '../jurisdictions/send-window';
import { lawsFor, Law } from '../jurisdictions/laws';

const NO_LAWS = { laws: [] as readonly Law[], key: '' };

export interface CampaignFacts {
  id: string;
  purpose: Purpose;
  channels: readonly string[];
  /** The lifecycle policy in force at the instant asked about. */
  policy: CampaignPolicy;
  jurisdictions: readonly string[];
}

/** Everything the rules weigh for one recipient and one message. */
export interface RecipientFacts {
  campaign: CampaignFacts;
  channel: string;
  /** The instant asked about: now, or a past instant replayed. */
  at: Date;
  /** The newest covering event of each place one may sit (RecipientRecord), times with microseconds. */
  covering: readonly CoveringEvent[];
  window: ServiceWindow | null;
  /** An unclear reply of the contact point, asked back and still waiting (rule 2c). */
  clarification?: PendingClarification | null;
  preferences: StoredPreferences | null;
  timeZone: string | null;
  /** The address the message goes to (a phone number tells a country); null when asked by customer alone. */
  address: string | null;
  /** The recipient's ISO 3166-2 region, which tells the law of `us-states`: the customer's, else the number's area code (laws.ts regionOf). */
  region?: string | null;
  /** When the customer last bought (Oregon's cap exempts recent buyers). */
  lastPurchaseAt?: string | null;
  /** The recipient's messages since `needs.since`, once read (rule 4). */
  recentSends?: readonly SentMessage[];
}

/** Rule 4 cannot be applied yet: read the recipient's sends since `since` and decide again with them. */
export interface NeedsRecentSends {
  needs: 'recentSends';
  since: Date;
}

export type Verdict = PreferenceDecision | NeedsRecentSends;

export function needsRecentSends(v: Verdict): v is NeedsRecentSends {
  return 'needs' in v;
}

/**
 * Newest first: by when it happened, then when it was recorded, then ledger id (a suppression,
 * which has none, first). Times are ISO 8601 text of one fixed format, so they compare as text.
 */
export function newestFirst(a: CoveringEvent, b: CoveringEvent): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt > b.occurredAt ? -1 : 1;
  if (a.recordedAt !== b.recordedAt) return a.recordedAt > b.recordedAt ? -1 : 1;
  if (a.id === b.id) return 0;
  if (a.id === null) return -1;
  if (b.id === null) return 1;
  return a.id.length !== b.id.length ? b.id.length - a.id.length : a.id > b.id ? -1 : 1;
}

/** The event that decides consent: the newest of those covering the message (null: none). */
export function newest(covering: readonly CoveringEvent[]): CoveringEvent | null {
  let best: CoveringEvent | null = null;
  for (const event of covering) if (best === null || newestFirst(event, best) < 0) best = event;
  return best;
}

/**
 * What the rules compute from facts every recipient of one request shares (campaign, channel,
 * instant): computed once per request. Use one memo for one campaign, channel and instant.
 */
export class RuleMemo {
  /** Rule 1 for a recipient with nothing on record. */
  uncovered?: Decision;
  /** Rule 3, by time zone(s), quiet hours and consent reason. */
  readonly times = new Map<string, PreferenceDecision>();
  /** Rule 4's caps when the customer sets none of their own, by the laws that apply and the last purchase. */
  readonly campaignCaps = new Map<string, Cap[]>();
  private readonly lawsByRegion = new Map<string, { laws: readonly Law[]; key: string }>();

  /** The laws the campaign's jurisdictions come to in a region (`us-states` resolved), and their key in the maps above. */
  laws(jurisdictions: readonly string[], region: string | null | undefined): { laws: readonly Law[]; key: string } {
    if (!jurisdictions.length) return NO_LAWS;
    let entry = this.lawsByRegion.get(region ?? '');
    if (!entry) {
      const laws = lawsFor(jurisdictions, region ?? null);
      this.lawsByRegion.set(region ?? '', (entry = { laws, key: laws.join(',') }));
    }
    return entry;
  }
}

/**
 * Rule 1 for one recipient. The facts object is built whole, once: copies and spreads here were
 * a measurable share of a 10,000-recipient batch (bench/README.md).
 */
function consentOf(f: RecipientFacts, latest: CoveringEvent | null, window: ServiceWindow | null): Decision {
  const { campaign } = f;
  return decideSend({ purpose: campaign.purpose, campaignChannels: campaign.channels, channel: f.channel, policy: campaign.policy, at: f.at, latest, window });
}

export function decide(f: RecipientFacts, memo: RuleMemo = new RuleMemo()): Verdict {
  const { campaign } = f;
  // Rule 1: consent.
  const latest = newest(f.covering);
  const consent = latest || f.window ? consentOf(f, latest, f.window) : (memo.uncovered ??= consentOf(f, null, null));
  if (!consent.allowed) return consent;

  // Rule 2: a channel switched off.
  const preferences = f.preferences;
  if (isChannelDisabled(preferences, f.channel)) return { allowed: false, outcome: 'deny', reason: 'channel_disabled', basis: consent.basis };
  const pausedUntil = preferences?.pausedUntil;
  if (pausedUntil && campaign.purpose === 'marketing' && Date.parse(pausedUntil) > f.at.getTime()) {
    return { allowed: false, outcome: 'defer', reason: 'paused', basis: consent.basis, nextAllowedAt: pausedUntil, blockedBy: ['paused'] };
  }
  const held = f.clarification;
  if (held && campaign.purpose === 'marketing' && Date.parse(held.until) > f.at.getTime()) {
    return {
      allowed: false,
      outcome: 'defer',
      reason: 'clarification_pending',
      basis: consent.basis,
      nextAllowedAt: held.until,
      blockedBy: ['clarification_pending'],
    };
  }

  // Rule 3: quiet hours and jurisdictions, in the recipient's local time.
  const { laws, key: lawsKey } = memo.laws(campaign.jurisdictions, f.region);
  if (preferences || laws.length) {
    const pf: Omit<PreferenceFacts, 'at' | 'channel'> = {
      purpose: campaign.purpose,
      laws,
      preferences,
      timeZone: f.timeZone,
      address: f.address,
    };
    // The answer depends on the zone(s), the quiet hours and the consent reason only.
    const zoneKey = f.timeZone ?? countryOf(f.address) ?? '';
    const key = `${zoneKey}|${lawsKey}|${campaign.purpose === 'marketing' ? JSON.stringify(preferences?.quietHours ?? null) : ''}|${consent.reason}`;
    let timed = memo.times.get(key);
    if (!timed) {
      const window = sendWindow(timeRules(pf), f.at);
      timed = window.allowed
        ? consent
        : {
            allowed: false,
            outcome: 'defer',
            reason: 'quiet_hours',
            basis: consent.basis,
            nextAllowedAt: window.nextAllowedAt?.toISOString() ?? null,
            blockedBy: window.blockedBy,
          };
      memo.times.set(key, timed);
    }
    if (timed.outcome === 'defer') return { ...timed, basis: consent.basis };
  }

  // Rule 4: frequency caps.
  const own = preferences?.maxMessages;
  if (!own && !laws.length) return consent;
  const recipient = { at: f.at, lastPurchaseAt: f.lastPurchaseAt ?? null };
  let caps: Cap[];
  if (own) caps = capsFor(campaign.purpose, laws, own, recipient);
  else {
    const key = `${lawsKey}|${f.lastPurchaseAt ?? ''}`;
    caps = memo.campaignCaps.get(key) ?? memo.campaignCaps.set(key, capsFor(campaign.purpose, laws, null, recipient)).get(key)!;
  }
  if (!caps.length) return consent;
  if (!f.recentSends) return { needs: 'recentSends', since: capHorizon(caps, f.at) };
  const check = checkCaps(caps, f.recentSends, f.at, campaign);
  if (check.allowed) return consent;
  return {
    allowed: false,
    outcome: 'defer',
    reason: 'frequency_cap',
    basis: consent.basis,
    nextAllowedAt: check.nextAllowedAt.toISOString(),
    blockedBy: check.blockedBy,
  };
}
