import { Metrics } from '../metrics/metrics';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Pseudonyms } from '../ledger/pseudonyms';
import { Inject, Injectable } from '@nestjs/common';
import { addDuration } from '../common/duration';
import { Channel, channelGroup } from '../common/channels';
import { Problem } from '../common/problem';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ConsentEventsRepository } from '../events/consent-events.repository';
import { toEventDto } from '../events/consent-event.dto';
import { parserKeywords, replyOptions } from './senders.service';
import { InboundResultDto } from './inbound.dto';
import { InboundEvents, InboundRecord, InboundRepository, PreviousInbound, VersionedSender } from './inbound.repository';
import type { SenderSettings } from './senders.repository';
import { clarificationText, partialOptOutText, replyText } from './replies';
import { isAllReply, KeywordIntent, parseReply, ParsedReply } from './reply-parser';

/** Twilio's own keyword handling (Advanced Opt-Out), sent as `OptOutType`. */
export type ProviderOptOutType = 'STOP' | 'START' | 'HELP';

export interface InboundMessage {
  /** `twilio` or `api`: message ids are unique per provider. */
  provider: string;
  messageId: string;
  channel: Channel;
  /** Normalised addresses: the customer, and the brand's sender. */
  from: string;
  to: string;
  body: string;
  receivedAt: Date;
  /** Whether receivedAt came from the provider (part of the message) or is our arrival time. */
  receivedAtGiven: boolean;
  /** Present when the provider matched a keyword itself (and has sent its own reply). */
  providerOptOutType?: ProviderOptOutType;
  /** Provider details kept as evidence (AccountSid, MessagingServiceSid). */
  providerEvidence?: Record<string, string>;
  recordedBy: string;
}

const MAX_EVIDENCE_TEXT = 2000;
const MAX_CACHED_SENDERS = 10_000;

const PROVIDER_INTENTS: Record<ProviderOptOutType, KeywordIntent> = { STOP: 'opt_out', START: 'opt_in', HELP: 'help' };

/**
 * The provider's reading of a keyword counts as well as ours; an opt-out wins whoever read it
 * (a missed revocation is a violation, a false one costs one message).
 */
function combine(parsed: ParsedReply, optOutType: ProviderOptOutType | undefined): ParsedReply {
  if (!optOutType || parsed.intent === 'opt_out') return parsed;
  const intent = PROVIDER_INTENTS[optOutType];
  return { intent, scope: intent === 'opt_out' ? 'sender' : null, matched: `provider.opt_out_type.${optOutType.toLowerCase()}`, language: parsed.language };
}

@Injectable()
export class InboundService {
  constructor(
    private readonly inbound: InboundRepository,
    private readonly events: ConsentEventsRepository,
    private readonly metrics: Metrics,
    private readonly pseudonyms: Pseudonyms,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Sender settings by address, each with the version it was read at. The statement that
   * records a message checks the version, so a changed sender is never applied late: the
   * message is read again with the new settings. Bounded: senders are a brand's few numbers.
   */
  private readonly senders = new Map<string, VersionedSender>();

  private async sender(address: string, reload: boolean): Promise<VersionedSender> {
    let sender = reload ? undefined : this.senders.get(address);
    if (!sender) {
      sender = await this.inbound.findSender(address);
      if (this.senders.size >= MAX_CACHED_SENDERS) this.senders.clear();
      this.senders.set(address, sender);
    }
    return sender;
  }

  /**
   * Reads a customer's message and applies it, once per provider message id: a retry gets the
   * first answer back (`duplicate`) and changes nothing. The message, its answer and its events
   * are stored by one statement, so an acknowledged STOP is never lost or half-written.
   */
  async process(m: InboundMessage): Promise<{ result: InboundResultDto; duplicate: boolean }> {
    const requestHash = createHash('sha256')
      .update(JSON.stringify([m.channel, m.from, m.to, m.body, m.receivedAtGiven ? m.receivedAt.toISOString() : null, m.providerOptOutType ?? null]))
      .digest('hex');
    const messageRef = this.pseudonyms.messageRef(m.provider, m.messageId);
    // "ALL" right after a partial opt-out offered to stop every message: that answer, nothing else.
    const stopsAll = isAllReply(m.body) && !m.providerOptOutType && (await this.inbound.offeredToStopAll(channelGroup(m.channel), m.from, m.receivedAt));
    for (let attempt = 1; ; attempt++) {
      const sender = await this.sender(m.to, attempt > 1);
      const recorded = await this.inbound.record({
        ...m,
        requestHash,
        messageRef,
        senderVersion: sender.version,
        ...this.interpret(m, sender.settings, stopsAll),
      });
      if (recorded === 'duplicate') {
        // Processed before (its sender perhaps erased since), or by a concurrent delivery that won the race: answer as it did.
        const previous = await this.inbound.findPrevious(m.provider, m.messageId, messageRef);
        return this.replay(previous!, requestHash, m.messageId);
      }
      if (recorded !== 'stale') {
        const { intent, matched, reply } = recorded.result;
        for (const e of recorded.events) this.metrics.events.inc({ action: e.action, source: e.source });
        return { result: { intent: intent as InboundResultDto['intent'], matched, reply, effects: recorded.events.map(toEventDto) }, duplicate: false };
      }
      if (attempt === 3) throw Problem.unavailable("The sender's settings keep changing; the message was not processed. Retry later.");
    }
  }

  /** What the message means with these sender settings, and what it writes and answers. */
  private interpret(
    m: InboundMessage,
    sender: SenderSettings | null,
    stopsAll: boolean,
  ): Pick<InboundRecord, 'intent' | 'matched' | 'events' | 'reply' | 'replyOnlyIfChanged' | 'askAll'> {
    const parsed: ParsedReply = stopsAll
      ? { intent: 'opt_out', scope: 'channel', matched: 'keyword.all_after_partial_opt_out', language: null }
      : combine(parseReply(m.body, parserKeywords(sender)), m.providerOptOutType);
    const texts = replyOptions(sender, parsed.language, this.config.brandName);
    const events: InboundEvents = {
      campaignIds: [],
      channelGroup: channelGroup(m.channel),
      action: parsed.intent,
      source: 'keyword',
      evidence: {
        provider: m.provider,
        messageId: m.messageId,
        text: m.body.slice(0, MAX_EVIDENCE_TEXT),
        sender: m.to,
        matched: parsed.matched,
        ...(m.providerOptOutType ? { optOutType: m.providerOptOutType } : {}),
        ...(m.providerEvidence ?? {}),
      },
      language: parsed.language,
      expiresAt: null,
    };
    let reply: string | null = null;
    let askAll: InboundRecord['askAll'] = null;
    const consent = parsed.intent === 'opt_out' || parsed.intent === 'opt_in';
    // STOP covers everything sent from that sender; STOPALL, or a sender with no campaigns, the channel.
    // Recorded on the contact point: it applies to whoever owns the number, now or later.
    const senderScope = !sender?.campaign_ids.length ? [null] : sender.campaign_ids;
    if (consent) {
      events.campaignIds = parsed.scope === 'channel' ? [null] : senderScope;
      // One confirmation per change (see InboundRepository.record); none when the provider answered the keyword itself.
      if (!m.providerOptOutType) reply = replyText(parsed.intent as KeywordIntent, texts);
      // Before REVOKE_ALL_FROM a STOP covers the sender's campaigns only: when others the customer
      // consented to go on, the confirmation says so and offers to stop them all, once.
      const partial = parsed.intent === 'opt_out' && events.campaignIds[0] !== null && m.receivedAt < this.config.revokeAllFrom;
      if (partial && reply !== null) askAll = { reply: partialOptOutText(texts), until: addDuration(m.receivedAt, this.config.clarifyHold) };
    } else if (parsed.intent === 'help') {
      if (!m.providerOptOutType) reply = replyText('help', texts);
    } else if (parsed.intent === 'unclear') {
      // Asked back once, and filed for review: marketing to the contact point waits for the
      // answer, staff's reading, or CLARIFY_HOLD (decision rule 2c). The evidence keeps the
      // scope an opt-out would have had, for staff who read it as one.
      Object.assign(events, {
        campaignIds: [null],
        action: 'clarification_requested',
        expiresAt: addDuration(m.receivedAt, this.config.clarifyHold),
        evidence: { ...events.evidence, optOutScope: senderScope },
      });
      reply = clarificationText(texts);
    } else {
      // The customer wrote first: a service window opens (or restarts) on this channel.
      Object.assign(events, {
        campaignIds: [null],
        action: 'service_window',
        source: 'conversation',
        expiresAt: addDuration(m.receivedAt, this.config.serviceWindow),
      });
    }
    return { intent: parsed.intent, matched: parsed.matched, events, reply, replyOnlyIfChanged: consent, askAll };
  }

  private async replay(previous: PreviousInbound, requestHash: string, messageId: string): Promise<{ result: InboundResultDto; duplicate: boolean }> {
    const same =
      previous.request_hash !== null
        ? previous.request_hash.trim() === requestHash
        : timingSafeEqual(Buffer.from(previous.request_ref!.trim()), Buffer.from(this.pseudonyms.requestRef(requestHash)));
    if (!same) {
      throw Problem.conflict('INBOUND.MESSAGE_ID_REUSED', `Message ${messageId} was already received with other content; it was not processed again.`, [
        { field: 'messageId', message: 'was already used for a different message' },
      ]);
    }
    const { intent, matched, reply, eventIds } = previous.result;
    const effects = eventIds.length ? (await this.events.findByIds(eventIds)).map(toEventDto) : [];
    return { result: { intent: intent as InboundResultDto['intent'], matched, reply, effects }, duplicate: true };
  }
}
