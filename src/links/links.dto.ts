import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CHANNELS, type Channel } from '../common/channels';
import { CAMPAIGN_ID_MAX, CUSTOMER_ID_MAX, ID_MESSAGE, ID_PATTERN } from '../common/identifiers';
import { LOCALES, type Locale } from './link-token';

export class CreatePreferenceLinkDto {
  @ApiPropertyOptional({ maxLength: CUSTOMER_ID_MAX, description: 'The customer whose preference centre it opens; or give address.' })
  @IsOptional()
  @IsString()
  @Length(1, CUSTOMER_ID_MAX)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  customerId?: string;

  @ApiPropertyOptional({ example: 'jane@example.com', description: 'A contact point of the customer (instead of customerId).' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  address?: string;

  @ApiPropertyOptional({ enum: CHANNELS, description: "The address's channel; default: email for an email address, else sms." })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ enum: LOCALES, description: "The pages' language; default: the customer's locale, else the browser's." })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;

  @ApiPropertyOptional({ example: 'P7D', description: 'How long the link works: an ISO 8601 duration, default P7D, at most P90D.' })
  @IsOptional()
  @IsString()
  @Length(2, 32)
  expiresIn?: string;
}

export class PreferenceLinkDto {
  @ApiProperty({ example: 'https://consent.example.com/preferences/AQ3x...', description: 'PUBLIC_BASE_URL/preferences/<token>' }) url: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

export class CreateUnsubscribeLinkDto {
  @ApiPropertyOptional({ maxLength: CUSTOMER_ID_MAX, description: 'Who unsubscribes: customerId, address, or both.' })
  @IsOptional()
  @IsString()
  @Length(1, CUSTOMER_ID_MAX)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  customerId?: string;

  @ApiPropertyOptional({ example: 'jane@example.com' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  address?: string;

  @ApiProperty({ enum: CHANNELS, example: 'email' })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiPropertyOptional({ maxLength: CAMPAIGN_ID_MAX, description: 'What stops; absent: the whole channel.' })
  @IsOptional()
  @IsString()
  @Length(1, CAMPAIGN_ID_MAX)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  campaignId?: string;

  @ApiPropertyOptional({ maxLength: 128, description: 'The message the link goes in: kept as evidence of the opt-out.' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  messageId?: string;

  @ApiPropertyOptional({ enum: LOCALES, description: "The page's language; default: the customer's locale, else the browser's." })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;
}

export class UnsubscribeHeadersDto {
  @ApiProperty({
    name: 'List-Unsubscribe',
    example: '<https://consent.example.com/u/AQ3x...>, <mailto:unsubscribe@mail.example.com?subject=unsubscribe%20AQ3x...>',
    description: 'RFC 2369: the HTTPS link, then a mailto: when UNSUBSCRIBE_MAILTO is set.',
  })
  'List-Unsubscribe': string;

  @ApiProperty({ name: 'List-Unsubscribe-Post', enum: ['List-Unsubscribe=One-Click'], description: 'RFC 8058: one click, no page.' })
  'List-Unsubscribe-Post': string;
}

export class UnsubscribeLinkDto {
  @ApiProperty({ description: 'For the message body: a page saying what will stop, with a button that does it.' }) url: string;
  @ApiProperty({ description: 'The URI of List-Unsubscribe: a POST to it unsubscribes at once (RFC 8058). Today the same as url.' })
  oneClickUrl: string;
  @ApiProperty({ type: UnsubscribeHeadersDto, description: "Put both on the message, exactly, covered by the message's DKIM signature." })
  headers: UnsubscribeHeadersDto;
}
