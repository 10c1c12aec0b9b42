import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { addDuration } from '../common/duration';
import { Channel, channelGroup } from '../common/channels';
import { Problem } from '../common/problem';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ConsentEventRow, ConsentEventsRepository, NewConsentEvent } from '../consents/consent-events.repository';
import { toEventDto } from '../consents/consents.service';
import { CustomersRepository } from '../customers/customers.repository';
import { Db } from '../database/db';
import { parserKeywords, parserReplies } from '../senders/senders.service';
import { SendersRepository } from '../senders/senders.repository';
import { InboundResultDto } from './inbound.dto';
import { InboundRepository } from './inbound.repository';
import { replyText } from './replies';
import { KeywordIntent, parseReply, ParsedReply } from './reply-parser';

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
    private readonly db: Db,
    private readonly inbound: InboundRepository,
    private readonly events: ConsentEventsRepository,
    private readonly senders: SendersRepository,
    private readonly customers: CustomersRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Reads a customer's message and applies it, once per provider message id: a retry gets the
   * first answer back (`duplicate`) and changes nothing. One transaction: the events and
   * the stored answer commit together, so an acknowledged STOP is never lost.
   */
  process(m: InboundMessage): Promise<{ result: InboundResultDto; duplicate: boolean }> {
    const requestHash = createHash('sha256')
      .update(JSON.stringify([m.channel, m.from, m.to, m.body, m.receivedAtGiven ? m.receivedAt.toISOString() : null, m.providerOptOutType ?? null]))
      .digest('hex');
    return this.db.transaction(async () => {
      await this.inbound.lock(m.provider, m.messageId);
      const previous = await this.inbound.find(m.provider, m.messageId);
      if (previous) {
        if (previous.request_hash.trim() !== requestHash) {
          throw Problem.conflict('INBOUND.MESSAGE_ID_REUSED', `Message ${m.messageId} was already received with other content; it was not processed again.`, [
            { field: 'messageId', message: 'was already used for a different message' },
          ]);
        }
        return { result: previous.result as unknown as InboundResultDto, duplicate: true };
      }
      const result = await this.apply(m);
      await this.inbound.insert({ ...m, requestHash, result: result as unknown as Record<string, unknown> });
      return { result, duplicate: false };
    });
  }

  private async apply(m: InboundMessage): Promise<InboundResultDto> {
    const sender = await this.senders.find(m.to);
    const parsed = combine(parseReply(m.body, parserKeywords(sender)), m.providerOptOutType);
    const group = channelGroup(m.channel);
    const owners = await this.customers.findOwnerIds(group, m.from);
    const base: Omit<NewConsentEvent, 'action' | 'campaignId' | 'source'> = {
      // Recorded on the contact point: it applies to whoever owns the number, now or later.
      customerId: owners.length === 1 ? owners[0] : null,
      channel: m.channel,
      channelGroup: group,
      address: m.from,
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
      jurisdiction: null,
      // Provider receive time decides between a STOP and a START sent close together.
      occurredAt: m.receivedAt,
      recordedBy: m.recordedBy,
    };
    const written: ConsentEventRow[] = [];
    let reply: string | null = null;
    const texts = { keywordLanguage: parsed.language, senderLanguage: sender?.language ?? null, senderReplies: parserReplies(sender), brand: this.config.brandName };

    if (parsed.intent === 'opt_out' || parsed.intent === 'opt_in') {
      // STOP covers everything sent from that sender; STOPALL, or a sender with no campaigns, the channel.
      const targets: (string | null)[] = parsed.scope === 'channel' || !sender?.campaign_ids.length ? [null] : sender.campaign_ids;
      const already = await this.inbound.alreadyIn(group, m.from, targets, parsed.intent);
      for (const campaignId of targets) {
        written.push(await this.events.insert({ ...base, campaignId, action: parsed.intent, source: 'keyword' }));
      }
      // One confirmation per change; none when the provider has answered the keyword itself.
      if (!already && !m.providerOptOutType) reply = replyText(parsed.intent, texts);
    } else if (parsed.intent === 'help') {
      if (!m.providerOptOutType) reply = replyText('help', texts);
    } else {
      // The customer wrote first: a service window opens (or restarts) on this channel.
      written.push(await this.events.insert({
        ...base,
        campaignId: null,
        action: 'service_window',
        source: 'conversation',
        expiresAt: addDuration(m.receivedAt, this.config.serviceWindow),
      }));
    }
    return { intent: parsed.intent, matched: parsed.matched, reply, effects: written.map(toEventDto) };
  }
}
