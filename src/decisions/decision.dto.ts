import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { FastPath, RawArray } from '../common/validation';
import { CHANNELS, Channel, isChannel } from '../common/channels';
import { CAMPAIGN_ID_MAX, CUSTOMER_ID_MAX, ID_MESSAGE, ID_PATTERN, isId } from '../common/identifiers';
import { IsInstant, parseInstant } from '../common/validators';
import { UnsubscribeLinkDto } from '../links/links.dto';

export const MAX_BATCH_RECIPIENTS = 10_000;

/** What every decision names: the campaign, and optionally a past instant to replay. */
export class DecisionScopeDto {
  @ApiProperty({ maxLength: CAMPAIGN_ID_MAX })
  @IsString()
  @Length(1, CAMPAIGN_ID_MAX)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  campaignId: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Replay: answer as the service would have at this past instant.' })
  @IsOptional()
  @IsInstant()
  at?: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Email: add to each allowed answer the one-click unsubscribe link and the List-Unsubscribe headers to put on the message.',
  })
  @IsOptional()
  @IsBoolean()
  unsubscribe?: boolean;
}

const DECISION_FIELDS: ReadonlySet<string> = new Set(['customerId', 'address', 'channel', 'campaignId', 'at', 'reserve', 'unsubscribe']);

/** DecisionRequestDto's decorators as one quick test (see FastPath): single decisions are the hot path. */
export function isPlainValidDecisionRequest(b: Record<string, unknown>): boolean {
  for (const key of Object.keys(b)) if (!DECISION_FIELDS.has(key)) return false;
  return (
    (b.channel === undefined || isChannel(b.channel)) &&
    isId(b.campaignId, CAMPAIGN_ID_MAX) &&
    (b.customerId === undefined || isId(b.customerId, CUSTOMER_ID_MAX)) &&
    (b.address === undefined || (typeof b.address === 'string' && b.address.length >= 1 && b.address.length <= 512)) &&
    (b.at === undefined || (typeof b.at === 'string' && parseInstant(b.at) !== undefined)) &&
    (b.reserve === undefined || typeof b.reserve === 'boolean') &&
    (b.unsubscribe === undefined || typeof b.unsubscribe === 'boolean')
  );
}

@FastPath(isPlainValidDecisionRequest)
export class DecisionRequestDto extends DecisionScopeDto {
  @ApiPropertyOptional({
    enum: CHANNELS,
    description: "Absent: the answer names the best channel allowed now, among the customer's preferred ones first, with the reasons for the others.",
  })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({
    default: false,
    description:
      'When allowed, count this message against frequency caps at once (until sent, or for an hour): two senders asking at the same moment cannot both pass a cap. Send it with POST /v1/sends and this decisionId.',
  })
  @IsOptional()
  @IsBoolean()
  reserve?: boolean;

  @ApiPropertyOptional({ maxLength: CUSTOMER_ID_MAX, description: 'At least one of customerId and address.' })
  @IsOptional()
  @IsString()
  @Length(1, CUSTOMER_ID_MAX)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  customerId?: string;

  @ApiPropertyOptional({ example: '+14155550100', description: 'The address the message would go to.' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  address?: string;
}

export class RecipientDto {
  @ApiPropertyOptional({ maxLength: CUSTOMER_ID_MAX }) customerId?: string;
  @ApiPropertyOptional({ maxLength: 512 }) address?: string;
}

export class BatchDecisionRequestDto extends DecisionScopeDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;

  // Items are checked by parseRecipients (see RawArray).
  @ApiProperty({ type: RecipientDto, isArray: true, minItems: 1, maxItems: MAX_BATCH_RECIPIENTS })
  @RawArray({ min: 1, max: MAX_BATCH_RECIPIENTS })
  recipients: unknown[];
}

export class DecisionBasisDto {
  @ApiProperty() eventId: string;
  @ApiProperty() action: string;
  @ApiProperty({ enum: ['channel', 'campaign'] }) scope: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Service windows: when the window closes.' }) expiresAt?: string;
}

const OUTCOMES = ['allow', 'deny', 'defer'];
const REASONS = [
  'opted_in',
  'opted_out',
  'no_consent',
  'no_objection',
  'channel_not_in_campaign',
  'service_window',
  'suppressed',
  'confirmation_pending',
  'confirmation_expired',
  'consent_lapsed',
  'consent_expired',
  'channel_disabled',
  'quiet_hours',
  'paused',
  'clarification_pending',
  'frequency_cap',
];

export class ChannelAlternativeDto {
  @ApiProperty({ enum: CHANNELS }) channel: string;
  @ApiProperty() allowed: boolean;
  @ApiProperty({ enum: OUTCOMES }) outcome: string;
  @ApiProperty({ enum: REASONS }) reason: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) nextAllowedAt?: string | null;
}

/** The answer, as single and batch decisions both give it. */
export class DecisionOutcomeDto {
  @ApiProperty() allowed: boolean;
  @ApiProperty({ enum: OUTCOMES }) outcome: string;
  @ApiProperty({ enum: REASONS }) reason: string;
  @ApiProperty({ type: DecisionBasisDto, nullable: true }) basis: DecisionBasisDto | null;
  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Deferrals: the first instant the message may be sent (null: none within 15 days).',
  })
  nextAllowedAt?: string | null;
  @ApiPropertyOptional({
    type: [String],
    description: 'Deferrals: what holds it back (paused, clarification_pending, quiet_hours, us-tcpa, us-fl, fr-demarchage, max_messages).',
  })
  blockedBy?: string[];
  @ApiPropertyOptional({
    type: UnsubscribeLinkDto,
    description: 'Asked with unsubscribe: true, on an allowed email: the link for the footer and the headers for the message.',
  })
  unsubscribe?: UnsubscribeLinkDto;
}

export class DecisionDto extends DecisionOutcomeDto {
  @ApiProperty({ format: 'uuid', description: 'Names this decision: POST /v1/sends may refer to it.' }) decisionId: string;
  @ApiProperty({ format: 'date-time' }) decidedAt: string;
  @ApiPropertyOptional({
    enum: CHANNELS,
    nullable: true,
    type: String,
    description: 'When the request named no channel: the channel chosen (null: none is allowed or deferred).',
  })
  channel?: string | null;
  @ApiPropertyOptional({
    type: ChannelAlternativeDto,
    isArray: true,
    description: 'When the request named no channel: every channel considered, in order of preference.',
  })
  alternatives?: ChannelAlternativeDto[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'The replay instant, when one was asked.' }) at: string | null;
}

export class BatchDecisionResultDto extends DecisionOutcomeDto {
  @ApiProperty({ nullable: true, type: String }) customerId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Normalised.' }) address: string | null;
}

export class BatchDecisionDto {
  @ApiProperty({ format: 'date-time' }) decidedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) at: string | null;
  @ApiProperty({ type: BatchDecisionResultDto, isArray: true, description: 'In request order.' }) results: BatchDecisionResultDto[];
}
