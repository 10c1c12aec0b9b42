import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { CHANNELS } from '../common/channels';
import { RawObject } from '../common/validation';
import { IsInstant } from '../common/validators';

const CLOCK = /^([01]\d|2[0-4]):[0-5]\d$/;

export class QuietHoursDto {
  @ApiProperty({ example: '21:00', description: "Local time (the customer's timezone) when quiet hours start." })
  @Matches(CLOCK, { message: 'start must be a time HH:MM such as 21:00' })
  start: string;

  @ApiProperty({ example: '08:00', description: 'When they end; before start, they run across midnight.' })
  @Matches(CLOCK, { message: 'end must be a time HH:MM such as 08:00' })
  end: string;

  @ApiPropertyOptional({
    type: [Number],
    example: [1, 2, 3, 4, 5],
    description: 'ISO weekdays (1 Monday ... 7 Sunday) on which they start; absent: every day.',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(7)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  days?: number[];
}

export class ChannelPreferenceDto {
  @ApiProperty() enabled: boolean;
}

export class MessageCapDto {
  @ApiProperty({ example: 3 }) count: number;
  @ApiProperty({ example: 'P1D', description: 'ISO 8601 duration: a rolling window.' }) per: string;
}

export class PutPreferencesDto {
  // Checked key by key (keys are channels, see RawObject).
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ChannelPreferenceDto' },
    example: { sms: { enabled: false } },
    description: 'A channel switched off is denied (channel_disabled) whatever the consent; not named: enabled.',
  })
  @RawObject()
  channels?: Record<string, ChannelPreferenceDto>;

  @ApiPropertyOptional({
    enum: CHANNELS,
    isArray: true,
    example: ['whatsapp', 'sms', 'email'],
    description: 'Best first: a decision without a channel picks the first one allowed.',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(CHANNELS.length)
  @IsIn(CHANNELS, { each: true })
  preferredChannels?: string[];

  @ApiPropertyOptional({ type: QuietHoursDto, description: 'For marketing messages: defer, with the next allowed instant.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/MessageCapDto' },
    example: { marketing: { count: 3, per: 'P1D' } },
    description: 'Messages per rolling window, by campaign purpose.',
  })
  @RawObject()
  maxMessages?: Record<string, MessageCapDto>;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Marketing messages are deferred (reason paused) until then; at most a year ahead. Absent: not paused.',
  })
  @IsOptional()
  @IsInstant()
  pausedUntil?: string;
}

export class PreferencesDto {
  @ApiProperty() customerId: string;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ChannelPreferenceDto' } }) channels: Record<string, ChannelPreferenceDto>;
  @ApiProperty({ enum: CHANNELS, isArray: true }) preferredChannels: string[];
  @ApiProperty({ type: QuietHoursDto, nullable: true }) quietHours: QuietHoursDto | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: { $ref: '#/components/schemas/MessageCapDto' } }) maxMessages: Record<
    string,
    MessageCapDto
  > | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Marketing messages are deferred until then.' }) pausedUntil: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) updatedAt: string | null;
}
