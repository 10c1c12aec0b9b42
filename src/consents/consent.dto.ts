import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { CHANNELS, Channel, isChannel } from '../common/channels';
import { CAMPAIGN_ID_MAX, CUSTOMER_ID_MAX, ID_MESSAGE, ID_PATTERN, isId } from '../common/identifiers';
import { FastPath } from '../common/validation';
import { IsInstant, IsLanguageTag, isLanguageTag, PageQuery, isPlainObject, parseInstant } from '../common/validators';
import { CONSENT_SOURCES, ConsentEventDto, ConsentSource, EVENT_SOURCES, EvidenceDto } from '../events/consent-event.dto';

/** What a client may record: `confirm` confirms a pending double opt-in, or renews a consent due for re-confirmation. */
export const CONSENT_ACTIONS = ['opt_in', 'opt_out', 'confirm'] as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];
const str = (v: unknown, max: number) => typeof v === 'string' && v.length >= 1 && v.length <= max;
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/;
/** Evidence keys the quick check understands (pageUrl and IPv6 go through class-validator). */
const QUICK_EVIDENCE: Record<string, (v: unknown) => boolean> = {
  noticeVersion: (v) => str(v, 100),
  noticeTextHash: (v) => typeof v === 'string' && /^[0-9a-fA-F]{32,128}$/.test(v),
  ip: (v) => typeof v === 'string' && IPV4.test(v),
  userAgent: (v) => str(v, 512),
  messageId: (v) => str(v, 128),
  agentId: (v) => str(v, 128),
  text: (v) => str(v, 2000),
  recordingRef: (v) => str(v, 2048),
};
const CONSENT_FIELDS: ReadonlySet<string> = new Set([
  'customerId',
  'channel',
  'address',
  'campaignId',
  'action',
  'source',
  'evidence',
  'language',
  'jurisdiction',
  'occurredAt',
]);

/**
 * RecordConsentDto's decorators as one quick test (see FastPath): consent writes are a hot path
 * too. Accepts a subset of what class-validator accepts (src/consents/consent.dto.spec.ts).
 */
export function isPlainValidConsent(b: Record<string, unknown>): boolean {
  for (const key of Object.keys(b)) if (!CONSENT_FIELDS.has(key)) return false;
  if (b.evidence !== undefined) {
    if (!isPlainObject(b.evidence)) return false;
    for (const [k, v] of Object.entries(b.evidence)) if (!Object.hasOwn(QUICK_EVIDENCE, k) || !QUICK_EVIDENCE[k](v)) return false;
  }
  return (
    isChannel(b.channel) &&
    (CONSENT_ACTIONS as readonly unknown[]).includes(b.action) &&
    (CONSENT_SOURCES as readonly unknown[]).includes(b.source) &&
    (b.customerId === undefined || isId(b.customerId, CUSTOMER_ID_MAX)) &&
    (b.address === undefined || str(b.address, 512)) &&
    (b.campaignId === undefined || isId(b.campaignId, CAMPAIGN_ID_MAX)) &&
    (b.language === undefined || isLanguageTag(b.language)) &&
    (b.jurisdiction === undefined || (typeof b.jurisdiction === 'string' && /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/.test(b.jurisdiction))) &&
    (b.occurredAt === undefined || (typeof b.occurredAt === 'string' && parseInstant(b.occurredAt) !== undefined))
  );
}

@FastPath(isPlainValidConsent)
export class RecordConsentDto {
  @ApiPropertyOptional({ maxLength: CUSTOMER_ID_MAX, description: 'At least one of customerId and address.' })
  @IsOptional()
  @IsString()
  @Length(1, CUSTOMER_ID_MAX)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  customerId?: string;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiPropertyOptional({ example: '+14155550100', description: 'At least one of customerId and address.' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  address?: string;

  @ApiPropertyOptional({ maxLength: CAMPAIGN_ID_MAX, description: 'Absent: the whole channel.' })
  @IsOptional()
  @IsString()
  @Length(1, CAMPAIGN_ID_MAX)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  campaignId?: string;

  @ApiProperty({ enum: CONSENT_ACTIONS })
  @IsIn(CONSENT_ACTIONS)
  action: ConsentAction;

  @ApiProperty({ enum: CONSENT_SOURCES })
  @IsIn(CONSENT_SOURCES)
  source: ConsentSource;

  @ApiPropertyOptional({ type: EvidenceDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EvidenceDto)
  evidence?: EvidenceDto;

  @ApiPropertyOptional({ example: 'en', description: 'Language the person was addressed in (BCP 47).' })
  @IsOptional()
  @IsLanguageTag()
  language?: string;

  @ApiPropertyOptional({ example: 'US-FL', maxLength: 16, description: 'Jurisdiction (ISO 3166-1 or 3166-2 code).' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, { message: 'must be an ISO 3166 code such as US or US-FL' })
  jurisdiction?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When it happened; default now. At most 5 minutes in the future.' })
  @IsOptional()
  @IsInstant()
  occurredAt?: string;
}

export class ConsentStateDto {
  @ApiProperty({ description: 'Channel group: sms stands for SMS, MMS and RCS together.' }) channel: string;
  @ApiProperty({ nullable: true, type: String, description: 'Null: the state is on the customer.' }) address: string | null;
  @ApiProperty({ nullable: true, type: String }) customerId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Null: the whole channel.' }) campaignId: string | null;
  @ApiProperty({
    enum: ['opted_in', 'opted_out', 'pending_confirmation', 'lapsed', 'expired', 'confirmation_expired'],
    description: 'As recorded: a lapse or expiry shows once a sweep has recorded it (decisions compute it at once).',
  })
  status: string;
  @ApiProperty({ format: 'date-time' }) since: string;
  @ApiProperty() eventId: string;
  @ApiProperty({ enum: EVENT_SOURCES }) source: string;
}

export class RecordedConsentDto {
  @ApiProperty({ type: ConsentEventDto }) event: ConsentEventDto;
  @ApiProperty({ type: ConsentStateDto, isArray: true, description: 'Current state of the contact point or customer on that channel.' })
  state: ConsentStateDto[];
}

export class ConsentStateQuery {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty({ example: '+14155550100' })
  @IsString()
  @Length(1, 512)
  address: string;
}

export class HistoryQuery extends PageQuery {}

export class HistoryPageDto {
  @ApiProperty({ type: ConsentEventDto, isArray: true }) items: ConsentEventDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
