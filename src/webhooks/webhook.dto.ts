import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, IsUrl, IsUUID, Length } from 'class-validator';
import { ConsentEventDto } from '../events/consent-event.dto';
import { PageQuery } from '../common/validators';

export const WEBHOOK_EVENT_TYPES = ['consent.changed', 'consent.reconfirmation_requested', 'consent.lapsed'] as const;

export class CreateWebhookEndpointDto {
  @ApiProperty({
    example: 'https://sender.example.com/hooks/consent',
    maxLength: 2048,
    description: 'http(s); private, loopback and link-local addresses are refused unless WEBHOOK_ALLOW_HOSTS allows them.',
  })
  @IsString()
  @Length(1, 2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: true })
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events: string[];
}

export class WebhookEndpointParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

export class WebhookEndpointDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) events: string[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty() createdBy: string;
}

export class CreatedWebhookEndpointDto extends WebhookEndpointDto {
  @ApiPropertyOptional({
    example: 'whsec_...',
    description: 'Verifies webhook-signature (Standard Webhooks). Shown once, in the first answer: an Idempotency-Key replay has none.',
  })
  secret?: string;
}

export class DeliveriesQuery extends PageQuery {}

export class DeliveryDto {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'webhook-id: msg_<outbox id>, the same on every attempt.' }) messageId: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) type: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ format: 'date-time' }) nextAttemptAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastAttemptAt: string | null;
  @ApiProperty({ nullable: true, type: Number }) lastStatus: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deliveredAt: string | null;
}

export class DeliveryPageDto {
  @ApiProperty({ type: DeliveryDto, isArray: true }) items: DeliveryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

/** What a receiver gets: the body of every delivery. */
export class WebhookPayloadDto {
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) type: string;
  @ApiProperty({ format: 'date-time' }) timestamp: string;
  @ApiProperty({ type: ConsentEventDto }) data: ConsentEventDto;
}
