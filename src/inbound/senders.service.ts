import { Injectable } from '@nestjs/common';
import { SystemEvents } from '../ledger/system-events';
import { Principal } from '../auth/scopes';
import { AddressNormaliser } from '../customers/address-normaliser';
import { FieldError, Problem } from '../common/problem';
import { isLanguageTag, isPlainObject } from '../common/validators';
import { Transactions } from '../database/transactions';
import type { ReplyTexts, SenderReplyOptions } from './replies';
import { defaultKeywordIntent, KeywordIntent, keywordKey, SenderKeywords } from './reply-parser';
import {
  KeywordSetDto,
  MAX_KEYWORD_LANGUAGES,
  MAX_KEYWORD_LENGTH,
  MAX_KEYWORDS_PER_INTENT,
  MAX_REPLY_LENGTH,
  PutSenderDto,
  ReplyTextsDto,
  SenderDto,
} from './sender.dto';
import { SenderRow, SenderSettings, SendersRepository } from './senders.repository';

/** API names of intents (camelCase) and the parser's. */
const INTENTS: Record<keyof KeywordSetDto, KeywordIntent> = { optOut: 'opt_out', optIn: 'opt_in', help: 'help' };
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

export function toSenderDto(row: SenderRow): SenderDto {
  return {
    address: row.address,
    campaignIds: row.campaign_ids,
    keywords: row.keywords,
    replies: row.replies,
    language: row.language,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A sender's keywords as the parser takes them. */
export function parserKeywords(row: SenderSettings | null): SenderKeywords | undefined {
  if (!row || !Object.keys(row.keywords).length) return undefined;
  const out: SenderKeywords = {};
  for (const [language, set] of Object.entries(row.keywords)) {
    out[language] = {};
    for (const [name, intent] of Object.entries(INTENTS)) out[language][intent] = set[name as keyof KeywordSetDto] ?? [];
  }
  return out;
}

/** A sender's reply texts as replyText takes them. */
export function parserReplies(row: SenderSettings | null): Record<string, ReplyTexts> {
  const out: Record<string, ReplyTexts> = {};
  for (const [language, texts] of Object.entries(row?.replies ?? {})) {
    out[language] = {};
    for (const [name, intent] of Object.entries(INTENTS)) {
      const text = texts[name as keyof ReplyTextsDto];
      if (text) out[language][intent] = text;
    }
  }
  return out;
}

/** What the reply texts are chosen by: the reply's language, then the sender's, its own texts, the brand. */
export function replyOptions(sender: SenderSettings | null, keywordLanguage: string | null, brand: string): SenderReplyOptions {
  return { keywordLanguage, senderLanguage: sender?.language ?? null, senderReplies: parserReplies(sender), brand };
}

/** The entries of a map keyed by language tag whose values are objects; what is not, is reported. */
function languageEntries(raw: Record<string, unknown>, field: string, errors: FieldError[]): [string, Record<string, unknown>][] {
  const entries = Object.entries(raw);
  if (entries.length > MAX_KEYWORD_LANGUAGES) errors.push({ field, message: `must have at most ${MAX_KEYWORD_LANGUAGES} languages` });
  const out: [string, Record<string, unknown>][] = [];
  for (const [language, value] of entries.slice(0, MAX_KEYWORD_LANGUAGES)) {
    if (!isLanguageTag(language)) errors.push({ field: `${field}.${language}`, message: 'is not a BCP 47 language tag such as fr or es-MX' });
    else if (!isPlainObject(value)) errors.push({ field: `${field}.${language}`, message: 'must be an object with optOut, optIn and/or help' });
    else out.push([language, value]);
  }
  return out;
}

/** A sender as the ledger records a change to it: what the API shows, without timestamps. */
function recorded(row: SenderRow | undefined): Omit<SenderDto, 'createdAt' | 'updatedAt'> | null {
  if (!row) return null;
  const { createdAt: _c, updatedAt: _u, ...settings } = toSenderDto(row);
  return settings;
}

@Injectable()
export class SendersService {
  constructor(
    private readonly repository: SendersRepository,
    private readonly addresses: AddressNormaliser,
    private readonly transactions: Transactions,
    private readonly systemEvents: SystemEvents,
  ) {}

  async put(rawAddress: string, dto: PutSenderDto, by: Principal): Promise<{ sender: SenderDto; created: boolean }> {
    const address = this.addresses.sender(rawAddress, 'address');
    const keywords = this.checkKeywords(dto.keywords ?? {});
    const replies = this.checkReplies(dto.replies ?? {});
    return this.transactions.run(async () => {
      const missing = await this.repository.missingCampaigns(dto.campaignIds);
      if (missing.length) {
        throw Problem.unprocessable(
          'SENDER.UNKNOWN_CAMPAIGN',
          `No campaign has campaignId ${missing.map((id) => `"${id}"`).join(', ')}.`,
          missing.map((id) => ({ field: `campaignIds.${dto.campaignIds.indexOf(id)}`, message: 'names no campaign' })),
        );
      }
      const before = await this.repository.findForUpdate(address);
      const { row, created } = await this.repository.upsert({
        address,
        campaign_ids: dto.campaignIds,
        keywords,
        replies,
        language: dto.language ?? 'en',
      });
      await this.systemEvents.recordChange(created ? 'sender.created' : 'sender.changed', by.actor, `sender:${address}`, recorded(before), recorded(row));
      return { sender: toSenderDto(row), created };
    });
  }

  async get(rawAddress: string): Promise<SenderDto> {
    const address = this.addresses.sender(rawAddress, 'address');
    const row = await this.repository.find(address);
    if (!row) throw Problem.notFound('SENDER.NOT_FOUND', `No sender is configured for "${address}".`);
    return toSenderDto(row);
  }

  async list(): Promise<SenderDto[]> {
    return (await this.repository.list()).map(toSenderDto);
  }

  async delete(rawAddress: string, by: Principal): Promise<void> {
    const address = this.addresses.sender(rawAddress, 'address');
    await this.transactions.run(async () => {
      const deleted = await this.repository.delete(address);
      if (!deleted) throw Problem.notFound('SENDER.NOT_FOUND', `No sender is configured for "${address}".`);
      await this.systemEvents.recordChange('sender.deleted', by.actor, `sender:${address}`, recorded(deleted), null);
    });
  }

  /**
   * Keywords by language tag and intent, upper-cased and trimmed. A default keyword keeps its
   * meaning (the FCC words must always opt out), and one keyword has one meaning.
   */
  private checkKeywords(raw: Record<string, unknown>): Record<string, KeywordSetDto> {
    const errors: FieldError[] = [];
    const conflicts: FieldError[] = [];
    const seen = new Map<string, { intent: KeywordIntent; field: string }>();
    const out: Record<string, KeywordSetDto> = {};
    for (const [language, set] of languageEntries(raw, 'keywords', errors)) {
      out[language] = {};
      for (const [name, words] of Object.entries(set)) {
        const field = `keywords.${language}.${name}`;
        const intent = INTENTS[name as keyof KeywordSetDto];
        if (!Object.hasOwn(INTENTS, name)) {
          errors.push({ field, message: 'is not a known field (optOut, optIn, help)' });
          continue;
        }
        if (!Array.isArray(words) || words.length > MAX_KEYWORDS_PER_INTENT) {
          errors.push({ field, message: `must be an array of at most ${MAX_KEYWORDS_PER_INTENT} keywords` });
          continue;
        }
        const kept: string[] = [];
        words.forEach((word, i) => {
          const at = `${field}.${i}`;
          if (typeof word !== 'string' || word.trim().length === 0 || word.length > MAX_KEYWORD_LENGTH || !keywordKey(word)) {
            errors.push({ field: at, message: `must be a keyword of 1 to ${MAX_KEYWORD_LENGTH} characters with at least one letter or digit` });
            return;
          }
          const key = keywordKey(word);
          const existing = defaultKeywordIntent(word);
          if (existing && existing !== intent) {
            conflicts.push({ field: at, message: `"${word}" is a default ${existing} keyword and cannot mean ${intent}` });
            return;
          }
          const other = seen.get(key);
          if (other && other.intent !== intent) {
            conflicts.push({ field: at, message: `"${word}" is already a ${other.intent} keyword at ${other.field}` });
            return;
          }
          seen.set(key, { intent, field: at });
          kept.push(word.trim().toUpperCase());
        });
        out[language][name as keyof KeywordSetDto] = kept;
      }
    }
    if (errors.length) throw Problem.validation(errors);
    if (conflicts.length) throw Problem.unprocessable('SENDER.KEYWORD_CONFLICT', conflicts.map((c) => c.message).join('; '), conflicts);
    return out;
  }

  private checkReplies(raw: Record<string, unknown>): Record<string, ReplyTextsDto> {
    const errors: FieldError[] = [];
    const out: Record<string, ReplyTextsDto> = {};
    for (const [language, texts] of languageEntries(raw, 'replies', errors)) {
      out[language] = {};
      for (const [name, text] of Object.entries(texts)) {
        const field = `replies.${language}.${name}`;
        if (!Object.hasOwn(INTENTS, name)) errors.push({ field, message: 'is not a known field (optOut, optIn, help)' });
        else if (typeof text !== 'string' || text.trim().length === 0 || text.length > MAX_REPLY_LENGTH || CONTROL.test(text)) {
          errors.push({ field, message: `must be a text of 1 to ${MAX_REPLY_LENGTH} characters without control characters` });
        } else out[language][name as keyof ReplyTextsDto] = text.trim();
      }
    }
    if (errors.length) throw Problem.validation(errors);
    return out;
  }
}
