/** The shape every API answers a consent event in, with the evidence it may carry. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIP, IsOptional, IsString, IsUrl, Length, Matches } from 'class-validator';
import type { ConsentEventRow } from './consent-events.repository';

import { EVENT_ACTIONS, EVENT_SOURCES } from './consent-actions';

export { CONSENT_SOURCES, CONSENT_STATE_ACTIONS, EVENT_ACTIONS, EVENT_SOURCES } from './consent-actions';
export type { ConsentSource } from './consent-actions';

/** How the consent was collected (ISO/IEC TS 27560, Kantara Consent Receipt). All optional. */
export class EvidenceDto {
  @ApiPropertyOptional({ description: 'Version of the form or notice shown', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  noticeVersion?: string;

  @ApiPropertyOptional({ description: 'Hash of the notice text shown (hex)', maxLength: 128 })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-fA-F]{32,128}$/, { message: 'must be a hexadecimal hash' })
  noticeTextHash?: string;

  @ApiPropertyOptional({ description: 'Page where consent was collected', maxLength: 2048 })
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  @IsUrl({ require_tld: false, require_protocol: true })
  pageUrl?: string;

  @ApiPropertyOptional({ description: 'IP address of the person' })
  @IsOptional()
  @IsIP()
  ip?: string;

  @ApiPropertyOptional({ maxLength: 512 })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  userAgent?: string;

  @ApiPropertyOptional({ description: 'Provider message id (keyword, conversation)', maxLength: 128 })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  messageId?: string;

  @ApiPropertyOptional({ description: 'Agent who took a verbal consent', maxLength: 128 })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  agentId?: string;

  @ApiPropertyOptional({ description: 'Wording the person agreed to, or the message they sent', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  text?: string;

  @ApiPropertyOptional({ description: 'Reference of a call recording', maxLength: 2048 })
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  recordingRef?: string;
}

const str = (description: string) => ({ type: String, description });

/**
 * The evidence of an event as recorded: what the client gave (EvidenceDto), and what the
 * service adds for events it records itself. Open: a provider's own ids come along too.
 */
export class RecordedEvidenceDto extends EvidenceDto {
  @ApiPropertyOptional(str('Inbound messages: `twilio`, or `api` (POST /v1/inbound/messages).')) provider?: string;
  @ApiPropertyOptional(str('Inbound messages: the brand number or short code the customer wrote to.')) sender?: string;
  @ApiPropertyOptional(str('Inbound messages: the parser rule that read the reply (`keyword.en.stop`, `sentence.en.stop_sending`, ...).')) matched?: string;
  @ApiPropertyOptional({ enum: ['STOP', 'START', 'HELP'], description: "Twilio's own reading of a keyword (Advanced Opt-Out), when it sent one." })
  optOutType?: string;
  @ApiPropertyOptional(str('Twilio: the account the message came through.')) accountSid?: string;
  @ApiPropertyOptional(str('Twilio: the messaging service it came through.')) messagingServiceSid?: string;
  @ApiPropertyOptional(str('A confirmation (`action: confirm`): the pending or current event it confirmed.')) confirms?: string;
  @ApiPropertyOptional(str('Imports: the import that wrote the event.')) importId?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'Imports: the line of the file.' }) line?: number;
  @ApiPropertyOptional(str('Sends: the decision the message was sent on.')) decisionId?: string;
  @ApiPropertyOptional(str('Sweeps: the consent event the recorded lapse, expiry or request follows from.')) basisEventId?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Re-confirmation requests and lapses: when re-confirmation fell due.' })
  dueAt?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Re-confirmation requests: when consent lapses without an answer.' })
  lapsesAt?: string;
  @ApiPropertyOptional(str("Expiries: the campaign's consent TTL (ISO 8601).")) ttl?: string;
  @ApiPropertyOptional(str('Expired double opt-ins: how long they stay pending (ISO 8601).')) after?: string;
  @ApiPropertyOptional({ type: Object, description: 'Preference changes: the preferences now in force (as GET .../preferences answers).' })
  preferences?: Record<string, unknown>;
}

export class ConsentEventDto {
  @ApiProperty({ description: 'Ledger sequence number; orders events as recorded.' }) id: string;
  @ApiProperty({ nullable: true, type: String }) customerId: string | null;
  @ApiProperty({ description: 'A channel, or * for a change of preferences (all channels).' }) channel: string;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
  @ApiProperty({ nullable: true, type: String }) campaignId: string | null;
  @ApiProperty({
    enum: EVENT_ACTIONS,
    description:
      'All but service_window, reconfirmation_requested, preferences_changed, message_sent and the clarification_* actions state where consent stands; service_window records a conversation the customer started; clarification_requested an unclear reply asked back (expiresAt: until when marketing waits), clarification_resolved staff reading it.',
  })
  action: string;
  @ApiProperty({ enum: EVENT_SOURCES }) source: string;
  @ApiProperty({
    type: RecordedEvidenceDto,
    description:
      'How it was collected. For keyword and conversation events: provider, messageId, text (what the customer wrote), sender, matched (the parser rule).',
  })
  evidence: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) language: string | null;
  @ApiProperty({ nullable: true, type: String }) jurisdiction: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Service windows: when the window closes; clarifications: when the hold ends.',
  })
  expiresAt: string | null;
  @ApiProperty() recordedBy: string;
}

export function toEventDto(row: ConsentEventRow): ConsentEventDto {
  return {
    id: row.id,
    customerId: row.customer_id,
    channel: row.channel,
    address: row.address,
    campaignId: row.campaign_id,
    action: row.action,
    source: row.source,
    evidence: row.evidence,
    language: row.language,
    jurisdiction: row.jurisdiction,
    occurredAt: row.occurred_at.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
    expiresAt: row.expires_at ? row.expires_at.toISOString() : null,
    recordedBy: row.recorded_by,
  };
}
