import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Purpose } from '../campaigns/campaign.dto';
import { AddressNormaliser } from '../common/address-normaliser';
import { Channel, channelGroup, channelReaches } from '../common/channels';
import { withDeadline } from '../common/deadline';
import { Problem } from '../common/problem';
import { parseInstant } from '../common/validators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ConsentEventsRepository, CoveringEventsRow } from '../consents/consent-events.repository';
import { BatchDecisionDto, BatchDecisionRequestDto, DecisionDto, DecisionRequestDto } from './decision.dto';
import { parseRecipients, Recipient } from './recipients';
import { CampaignPolicy, CoveringEvent, Decision, decideSend, NO_POLICY, ServiceWindow } from './send-decision.policy';
import { applyPreferences, countryOf, isChannelDisabled, PreferenceDecision, timeRules } from '../preferences/preference-policy';
import { Cap, capHorizon, capsFor, checkCaps } from '../preferences/caps';
import { SendsRepository } from '../preferences/sends.repository';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { Db } from '../database/db';
import { Duration, parseDuration } from '../common/duration';
import { Pseudonyms } from '../audit/pseudonyms';
import { Metrics } from '../metrics/metrics';

function toCovering(row: CoveringEventsRow): CoveringEvent | null {
  if (row.action === null) return null;
  return { id: row.id, action: row.action!, campaignId: row.campaign_id, occurredAt: row.occurred_at!, recordedAt: row.recorded_at! };
}

function toWindow(row: CoveringEventsRow): ServiceWindow | null {
  if (row.window_id === null) return null;
  return { id: row.window_id, occurredAt: row.window_occurred_at!, recordedAt: row.window_recorded_at!, expiresAt: row.window_expires_at! };
}

const parsedDurations = new Map<string, Duration>();
function duration(text: string | null): Duration | null {
  if (text === null) return null;
  let parsed = parsedDurations.get(text);
  if (!parsed) {
    parsed = parseDuration(text)!;
    if (parsedDurations.size > 1000) parsedDurations.clear();
    parsedDurations.set(text, parsed);
  }
  return parsed;
}

export function campaignPolicy(row: { reconfirm_every: string | null; reconfirm_grace: string | null; consent_ttl: string | null }): CampaignPolicy {
  if (row.reconfirm_every === null && row.consent_ttl === null) return NO_POLICY;
  return { reconfirmEvery: duration(row.reconfirm_every), reconfirmGrace: duration(row.reconfirm_grace), consentTtl: duration(row.consent_ttl) };
}

@Injectable()
export class DecisionsService {
  constructor(
    private readonly events: ConsentEventsRepository,
    private readonly addresses: AddressNormaliser,
    private readonly sends: SendsRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly db: Db,
    private readonly pseudonyms: Pseudonyms,
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Channel groups known to have suppressions (erased customers' contact points). Until one
   * does, its decisions skip hashing addresses (a tenth of a batch's cost); each decision's
   * statement says whether it has, so the first decision after the first erasure re-runs with
   * hashes and none is ever answered without the check. Suppressions are never removed.
   */
  private readonly suppressedGroups = new Set<string>();

  private addressHashes(group: string, recipients: Recipient[]): (string | null)[] | null {
    if (!this.suppressedGroups.has(group)) return null;
    const out = new Array<string | null>(recipients.length);
    for (let i = 0; i < recipients.length; i++) out[i] = recipients[i].address === null ? null : this.pseudonyms.addressHash(group, recipients[i].address!);
    return out;
  }

  async decideOne(dto: DecisionRequestDto, actor = 'api'): Promise<DecisionDto> {
    if (dto.customerId === undefined && dto.address === undefined) {
      throw Problem.field('customerId', 'or address is required');
    }
    if (dto.channel === undefined) return this.chooseChannel(dto, actor);
    return this.decideOn(dto as DecisionRequestDto & { channel: Channel }, actor);
  }

  /**
   * No channel asked: every channel the campaign uses, the customer's preferred ones first
   * (an address alone: the channels that can reach it), decided one by one; the first allowed
   * wins, else the one that frees up first. The others come back as alternatives.
   */
  private async chooseChannel(dto: DecisionRequestDto, actor: string): Promise<DecisionDto> {
    const at = this.replayInstant(dto.at);
    const campaign = await this.campaigns.findById(dto.campaignId);
    if (!campaign) throw Problem.notFound('CAMPAIGN.NOT_FOUND', `No campaign has campaignId "${dto.campaignId}".`);
    const preferred = dto.customerId ? ((await this.events.preferencesAt(dto.customerId, at))?.preferredChannels ?? []) : [];
    const candidates = ([...preferred.filter((c) => campaign.channels.includes(c)), ...campaign.channels.filter((c) => !preferred.includes(c))] as Channel[])
      .filter((c) => dto.address === undefined || channelReaches(c, dto.address));
    const decided: DecisionDto[] = [];
    for (const channel of candidates) decided.push(await this.decideOn({ ...dto, channel, reserve: false }, actor));
    const alternatives = decided.map((d, i) => ({ channel: candidates[i], allowed: d.allowed, outcome: d.outcome, reason: d.reason, ...(d.outcome === 'defer' ? { nextAllowedAt: d.nextAllowedAt } : {}) }));
    let best = decided.findIndex((d) => d.allowed);
    if (best < 0) {
      const deferred = decided.map((d, i) => ({ d, i })).filter(({ d }) => d.outcome === 'defer' && d.nextAllowedAt);
      best = deferred.sort((a, b) => Date.parse(a.d.nextAllowedAt!) - Date.parse(b.d.nextAllowedAt!))[0]?.i ?? -1;
    }
    if (best < 0) {
      const first = decided[0];
      return {
        decisionId: randomUUID(), allowed: false, outcome: 'deny', reason: first?.reason ?? 'channel_not_in_campaign', basis: first?.basis ?? null,
        channel: null, alternatives, decidedAt: new Date().toISOString(), at: at ? at.toISOString() : null,
      };
    }
    const chosen = dto.reserve && decided[best].allowed ? await this.decideOn({ ...dto, channel: candidates[best] }, actor) : decided[best];
    return { ...chosen, channel: candidates[best], alternatives };
  }

  private async decideOn(dto: DecisionRequestDto & { channel: Channel }, actor: string): Promise<DecisionDto> {
    const at = this.replayInstant(dto.at);
    if (dto.reserve && at) throw Problem.field('reserve', 'cannot be combined with at: a replay reserves nothing');
    const recipient: Recipient = {
      customerId: dto.customerId ?? null,
      address: dto.address === undefined ? null : this.addresses.normalise(dto.channel, dto.address, 'address', true),
    };
    const decisionId = randomUUID();
    const decide = () => this.decide(dto.channel, dto.campaignId, at, [recipient]);
    const decision = dto.reserve
      ? await this.db.transaction(async () => {
          // One reservation at a time per recipient: the count below sees every one made before.
          await this.sends.lockRecipient(recipient, channelGroup(dto.channel));
          const { decisions: [d], purpose } = await decide();
          if (d.allowed) {
            await this.sends.reserve({
              decisionId, customerId: recipient.customerId, channel: dto.channel, channelGroup: channelGroup(dto.channel), address: recipient.address,
              campaignId: dto.campaignId, purpose, at: new Date(), recordedBy: actor,
            });
          }
          return d;
        })
      : (await decide()).decisions[0];
    this.metrics.countDecisions([decision]);
    return { decisionId, ...decision, decidedAt: new Date().toISOString(), at: at ? at.toISOString() : null };
  }

  async decideBatch(dto: BatchDecisionRequestDto): Promise<BatchDecisionDto> {
    const at = this.replayInstant(dto.at);
    const recipients = parseRecipients(dto.recipients, (address, field) => this.addresses.normalise(dto.channel, address, field, true));
    const { decisions } = await this.decide(dto.channel, dto.campaignId, at, recipients);
    this.metrics.countDecisions(decisions);
    return {
      decidedAt: new Date().toISOString(),
      at: at ? at.toISOString() : null,
      // Built field by field: spreads here are a measurable share of a 10,000-recipient batch.
      results: decisions.map((d, i) => {
        const result: BatchDecisionDto['results'][number] = {
          customerId: recipients[i].customerId,
          address: recipients[i].address,
          allowed: d.allowed,
          outcome: d.outcome,
          reason: d.reason,
          basis: d.basis,
        };
        if (d.outcome === 'defer') Object.assign(result, { nextAllowedAt: d.nextAllowedAt, blockedBy: d.blockedBy });
        return result;
      }),
    };
  }

  /** The decision now for one recipient (what `confirm` builds on). */
  async current(channel: Channel, campaignId: string, recipient: Recipient): Promise<PreferenceDecision> {
    return (await this.decide(channel, campaignId, null, [recipient])).decisions[0];
  }

  private replayInstant(raw: string | undefined): Date | null {
    if (raw === undefined) return null;
    const at = parseInstant(raw)!;
    if (at.getTime() > Date.now() + 1000) throw Problem.field('at', 'must not be in the future: decisions replay the past');
    return at;
  }

  /** Fails closed: no answer within REQUEST_TIMEOUT_MS is a 503, never an "allowed". */
  private async decide(channel: Channel, campaignId: string, at: Date | null, recipients: Recipient[]): Promise<{ decisions: PreferenceDecision[]; purpose: Purpose }> {
    const ms = this.config.requestTimeoutMs;
    const unavailable = () => Problem.unavailable(`No decision could be made within ${ms} ms; nothing is allowed. Retry later.`);
    const query = { campaignId, channelGroup: channelGroup(channel), channel, at };
    let campaign: CoveringEventsRow | undefined;
    // Per recipient: the row with its covering event and open window; undefined when it has neither.
    let found: (CoveringEventsRow | undefined)[];
    for (;;) {
      const hashes = this.addressHashes(query.channelGroup, recipients);
      found = new Array(recipients.length);
      if (recipients.length === 1) {
        [campaign] = await withDeadline(this.events.findLatestCoveringEvent({ ...query, recipient: recipients[0], suppressed: hashes !== null, addressHash: hashes?.[0] ?? null }), ms, unavailable);
        found[0] = campaign;
      } else {
        const rows = await withDeadline(this.events.findLatestCoveringEvents({ ...query, recipients, addressHashes: hashes }), ms, unavailable);
        campaign = rows[0]?.ord === 0 ? rows[0] : undefined;
        for (let i = 1; i < rows.length; i++) found[rows[i].ord! - 1] = rows[i];
      }
      if (hashes || !campaign?.has_suppressions) break;
      this.suppressedGroups.add(query.channelGroup); // the first decision after the first erasure: again, with hashes
    }
    if (!campaign) throw Problem.notFound('CAMPAIGN.NOT_FOUND', `No campaign has campaignId "${campaignId}".`);
    const facts = { purpose: campaign.purpose as Purpose, campaignChannels: campaign.channels!, channel, policy: campaignPolicy(campaign), at: at ?? new Date() };
    // Recipients with nothing on record all get the same (immutable) answer: decide it once.
    let uncovered: Decision | undefined;
    const jurisdictions = campaign.jurisdictions ?? [];
    // Time rules depend on the zone(s), quiet hours and jurisdictions only: evaluate each set once per call.
    const windows = new Map<string, PreferenceDecision>();
    const decisions: PreferenceDecision[] = new Array(recipients.length);
    for (let i = 0; i < recipients.length; i++) {
      const row = found[i];
      const latest = row ? toCovering(row) : null;
      const window = row ? toWindow(row) : null;
      const consent = latest || window ? decideSend({ ...facts, latest, window }) : (uncovered ??= decideSend({ ...facts, latest: null }));
      const preferences = row?.preferences ?? null;
      if (!consent.allowed || (!preferences && !jurisdictions.length)) {
        decisions[i] = consent;
        continue;
      }
      const pf = { purpose: facts.purpose, channel, jurisdictions, preferences, timeZone: row?.timezone ?? null, address: recipients[i].address, at: facts.at };
      // A switched-off channel depends on the customer alone: answer it before the shared time rules.
      if (isChannelDisabled(preferences, channel)) {
        decisions[i] = applyPreferences(consent, pf, []);
        continue;
      }
      const zoneKey = pf.timeZone ?? countryOf(pf.address) ?? '';
      const key = `${zoneKey}|${facts.purpose === 'marketing' ? JSON.stringify(preferences?.quietHours ?? null) : ''}|${consent.reason}`;
      let answer = windows.get(key);
      if (!answer) {
        answer = applyPreferences(consent, pf, timeRules(pf));
        windows.set(key, answer);
      }
      decisions[i] = answer.outcome === 'defer' ? { ...answer, basis: consent.basis } : consent;
    }
    await this.applyCaps(decisions, found, recipients, { id: campaignId, purpose: facts.purpose, jurisdictions, channel, at: facts.at }, ms, unavailable);
    return { decisions, purpose: facts.purpose };
  }

  /**
   * Frequency caps, for the recipients still allowed that have one: their recent sends in one
   * more statement whatever their number, then a defer until the cap frees up.
   */
  private async applyCaps(
    decisions: PreferenceDecision[], found: (CoveringEventsRow | undefined)[], recipients: Recipient[],
    campaign: { id: string; purpose: string; jurisdictions: string[]; channel: Channel; at: Date }, ms: number, unavailable: () => Problem,
  ): Promise<void> {
    // The campaign's own caps are the same for everyone; a customer's add to them.
    const campaignCaps = capsFor(campaign.purpose, campaign.jurisdictions, null);
    const capped: { i: number; caps: Cap[] }[] = [];
    for (let i = 0; i < decisions.length; i++) {
      if (!decisions[i].allowed) continue;
      const own = found[i]?.preferences?.maxMessages;
      const caps = own ? capsFor(campaign.purpose, campaign.jurisdictions, own) : campaignCaps;
      if (caps.length) capped.push({ i, caps });
    }
    if (!capped.length) return;
    const horizon = new Date(Math.min(...capped.map((c) => capHorizon(c.caps, campaign.at).getTime())));
    const keys = capped.map(({ i }) => (recipients[i].customerId ? { customerId: recipients[i].customerId, address: null } : { customerId: null, address: recipients[i].address }));
    const sent = await withDeadline(this.sends.recent(keys, channelGroup(campaign.channel), horizon, campaign.at), ms, unavailable);
    capped.forEach(({ i, caps }, k) => {
      const check = checkCaps(caps, sent.get(k) ?? [], campaign.at, campaign);
      if (!check.allowed) {
        decisions[i] = {
          allowed: false, outcome: 'defer', reason: 'frequency_cap', basis: decisions[i].basis,
          nextAllowedAt: check.nextAllowedAt.toISOString(), blockedBy: check.blockedBy,
        };
      }
    });
  }
}
