import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { CHANNELS, Channel } from '../common/channels';
import { IsInstant } from '../common/validators';
import { ConsentEventDto } from '../events/consent-event.dto';

export const MAX_INBOUND_BODY = 5000;
export const INTENTS = ['opt_out', 'opt_in', 'help', 'message', 'unclear'] as const;

export class InboundMessageDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty({ example: '+14155550100', description: 'The customer who wrote.' })
  @IsString()
  @Length(1, 512)
  from: string;

  @ApiProperty({ example: '+14155550199', description: 'The brand sender written to (see PUT /v1/senders/{address}).' })
  @IsString()
  @Length(1, 512)
  to: string;

  @ApiProperty({ example: 'STOP', maxLength: MAX_INBOUND_BODY })
  @IsString()
  @Length(0, MAX_INBOUND_BODY)
  body: string;

  @ApiProperty({ example: 'SM0123456789abcdef', description: "The provider's message id: a message is processed once." })
  @IsString()
  @Length(1, 128)
  messageId: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the provider received it; default now. Decides between a STOP and a START sent close together.',
  })
  @IsOptional()
  @IsInstant()
  receivedAt?: string;
}

export class InboundResultDto {
  @ApiProperty({ enum: INTENTS }) intent: (typeof INTENTS)[number];
  @ApiProperty({ example: 'keyword.en.stop', description: 'The rule that fired (provider.opt_out_type.* when the provider matched the keyword).' })
  matched: string;
  @ApiProperty({ type: String, nullable: true, description: 'The text to send back, or null when no reply is due.' }) reply: string | null;
  @ApiProperty({ type: ConsentEventDto, isArray: true, description: 'Consent events written.' }) effects: ConsentEventDto[];
}
