import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Purpose } from '../campaigns/campaign.dto';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { Channel, channelGroup, channelReaches } from '../common/channels';
import { BoundedMemo } from '../common/bounded-memo';
import { withDeadline } from '../common/deadline';
import { Duration, parseDuration } from '../common/duration';
import { Problem } from '../common/problem';
import { parseInstant } from '../common/validators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AddressNormaliser } from '../customers/address-normaliser';
import { Transactions } from '../database/transactions';
import { Pseudonyms } from '../ledger/pseudonyms';
import { Metrics } from '../metrics/metrics';
import { SendsRepository } from '../preferences/sends.repository';
import { LinksService } from '../links/links.service';
import { DecisionFactsRepository, RecipientRecord } from './decision-facts.repository';
import { BatchDecisionDto, BatchDecisionRequestDto, DecisionDto, DecisionRequestDto } from './decision.dto';
import { CampaignFacts, decide, needsRecentSends, NeedsRecentSends, RecipientFacts, RuleMemo } from './decision.rules';
import type { PreferenceDecision } from './preference-policy';
import { parseRecipients, Recipient } from './recipients';
import { regionOf } from '../jurisdictions/laws';
import { CampaignPolicy, NO_POLICY } from './send-decision.policy';

const parsedDurations = new BoundedMemo<Duration>(1000);
function duration(text: string | null): Duration | null {
  return text === null ? null : parsedDurations.get(text, () => parseDuration(text)!);
}

export function campaignPolicy(row: { reconfirmEvery: string | null; reconfirmGrace: string | null; consentTtl: string | null }): CampaignPolicy {
  if (row.reconfirmEvery === null && row.consentTtl === null) return NO_POLICY;
  return { reconfirmEvery: duration(row.reconfirmEvery), reconfirmGrace: duration(row.reconfirmGrace), consentTtl: duration(row.consentTtl) };
}

/**
 * "May I send?": fetches the facts of each recipient (DecisionFactsRepository, one statement),
 * asks the rule book (decision.rules.ts) and, for the recipients whose frequency caps apply,
 * reads their recent sends in one more statement and asks again. Fails closed: no answer
 * within REQUEST_TIMEOUT_MS is a 503, never an "allowed".
 */
@Injectable()
export class DecisionsService {
  constructor(
    private readonly facts: DecisionFactsRepository,
    private readonly addresses: AddressNormaliser,
    private readonly sends: SendsRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly transactions: Transactions,
    private readonly pseudonyms: Pseudonyms,
    private readonly metrics: Metrics,
    private readonly links: LinksService,
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
    const unsubscribe = this.unsubscribeWanted(dto.unsubscribe, dto.channel);
    const decision =
      dto.channel === undefined ? await this.chooseChannel(dto, actor) : await this.decideOn(dto as DecisionRequestDto & { channel: Channel }, actor);
    const channel = dto.channel ?? decision.channel;
    if (unsubscribe && decision.allowed && channel === 'email') {
      const address = dto.address === undefined ? null : this.addresses.normalise('email', dto.address, 'address', true);
      decision.unsubscribe = this.links.unsubscribeFor({ customerId: dto.customerId ?? null, address }, channel, dto.campaignId);
    }
    return decision;
  }

  /** `unsubscribe: true` where the answer may be an email: links must be configured before deciding. */
  private unsubscribeWanted(asked: boolean | undefined, channel: Channel | undefined): boolean {
    if (!asked || (channel !== undefined && channel !== 'email')) return false;
    this.links.requireConfigured();
    return true;
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
    const preferred = dto.customerId ? ((await this.facts.preferencesAt(dto.customerId, at))?.preferredChannels ?? []) : [];
    const candidates = (
      [...preferred.filter((c) => campaign.channels.includes(c)), ...campaign.channels.filter((c) => !preferred.includes(c))] as Channel[]
    ).filter((c) => dto.address === undefined || channelReaches(c, dto.address));
    const decided: DecisionDto[] = [];
    for (const channel of candidates) decided.push(await this.decideOn({ ...dto, channel, reserve: false }, actor));
    const alternatives = decided.map((d, i) => ({
      channel: candidates[i],
      allowed: d.allowed,
      outcome: d.outcome,
      reason: d.reason,
      ...(d.outcome === 'defer' ? { nextAllowedAt: d.nextAllowedAt } : {}),
    }));
    let best = decided.findIndex((d) => d.allowed);
    if (best < 0) {
      const deferred = decided.map((d, i) => ({ d, i })).filter(({ d }) => d.outcome === 'defer' && d.nextAllowedAt);
      best = deferred.sort((a, b) => Date.parse(a.d.nextAllowedAt!) - Date.parse(b.d.nextAllowedAt!))[0]?.i ?? -1;
    }
    if (best < 0) {
      const first = decided[0];
      return {
        decisionId: randomUUID(),
        allowed: false,
        outcome: 'deny',
        reason: first?.reason ?? 'channel_not_in_campaign',
        basis: first?.basis ?? null,
        channel: null,
        alternatives,
        decidedAt: new Date().toISOString(),
        at: at ? at.toISOString() : null,
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
      ? await this.transactions.run(async () => {
          // One reservation at a time per recipient: the count below sees every one made before.
          await this.sends.lockRecipient(recipient, channelGroup(dto.channel));
          const {
            decisions: [d],
            purpose,
          } = await decide();
          if (d.allowed) {
            await this.sends.reserve({
              decisionId,
              customerId: recipient.customerId,
              channel: dto.channel,
              channelGroup: channelGroup(dto.channel),
              address: recipient.address,
              campaignId: dto.campaignId,
              purpose,
              at: new Date(),
              recordedBy: actor,
            });
          }
          return d;
        })
      : (await decide()).decisions[0];
    this.metrics.countDecisions([decision]);
    return { decisionId, ...decision, decidedAt: new Date().toISOString(), at: at ? at.toISOString() : null };
  }

  async decideBatch(dto: BatchDecisionRequestDto): Promise<BatchDecisionDto> {
    const unsubscribe = this.unsubscribeWanted(dto.unsubscribe, dto.channel);
    const at = this.replayInstant(dto.at);
    const recipients = parseRecipients(dto.recipients, (address) => this.addresses.normalise(dto.channel, address, 'address', true));
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
        if (unsubscribe && d.allowed) result.unsubscribe = this.links.unsubscribeFor(recipients[i], dto.channel, dto.campaignId);
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

  /** The decisions for the recipients (see the class comment). */
  private async decide(
    channel: Channel,
    campaignId: string,
    at: Date | null,
    recipients: Recipient[],
  ): Promise<{ decisions: PreferenceDecision[]; purpose: Purpose }> {
    const ms = this.config.requestTimeoutMs;
    const unavailable = () => Problem.unavailable(`No decision could be made within ${ms} ms; nothing is allowed. Retry later.`);
    const group = channelGroup(channel);
    let read;
    for (;;) {
      const hashes = this.addressHashes(group, recipients);
      const query = { campaignId, channelGroup: group, channel, at, recipients, addressHashes: hashes, revokeAllFrom: this.config.revokeAllFrom };
      read = await withDeadline(this.facts.read(query), ms, unavailable);
      if (hashes || !read.hasSuppressions) break;
      this.suppressedGroups.add(group); // the first decision after the first erasure: again, with hashes
    }
    const row = read.campaign;
    if (!row) throw Problem.notFound('CAMPAIGN.NOT_FOUND', `No campaign has campaignId "${campaignId}".`);
    const campaign: CampaignFacts = {
      id: campaignId,
      purpose: row.purpose as Purpose,
      channels: row.channels,
      policy: campaignPolicy(row),
      jurisdictions: row.jurisdictions,
    };
    const when = at ?? new Date();
    // Only `us-states` asks where the recipient is.
    const byState = campaign.jurisdictions.includes('us-states');
    const factsOf = (record: RecipientRecord, i: number): RecipientFacts => ({
      campaign,
      channel,
      at: when,
      covering: record.covering,
      window: record.window,
      clarification: record.clarification,
      preferences: record.preferences,
      timeZone: record.timeZone,
      region: byState ? regionOf(record.region, recipients[i].address ?? record.contactAddress) : record.region,
      lastPurchaseAt: record.lastPurchaseAt,
      address: recipients[i].address,
    });
    const memo = new RuleMemo();
    const verdicts = read.recipients.map((record, i) => decide(factsOf(record, i), memo));
    // Rule 4 for those it applies to: their recent sends, in one more statement whatever their number.
    const waiting: number[] = [];
    for (let i = 0; i < verdicts.length; i++) if (needsRecentSends(verdicts[i])) waiting.push(i);
    if (waiting.length) {
      const since = new Date(Math.min(...waiting.map((i) => (verdicts[i] as NeedsRecentSends).since.getTime())));
      const keys = waiting.map((i) =>
        recipients[i].customerId ? { customerId: recipients[i].customerId, address: null } : { customerId: null, address: recipients[i].address },
      );
      const sent = await withDeadline(this.sends.recent(keys, group, since, when), ms, unavailable);
      waiting.forEach((i, k) => (verdicts[i] = decide({ ...factsOf(read.recipients[i], i), recentSends: sent.get(k) ?? [] }, memo)));
    }
    return { decisions: verdicts as PreferenceDecision[], purpose: campaign.purpose };
  }
}
