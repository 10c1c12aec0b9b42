import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';
import { RawObject } from '../common/validation';
import { CAMPAIGN_ID_MAX, ID_MESSAGE, ID_PATTERN } from '../common/identifiers';
import { IsLanguageTag } from '../common/validators';

export const MAX_SENDER_CAMPAIGNS = 200;
export const MAX_KEYWORD_LANGUAGES = 20;
export const MAX_KEYWORDS_PER_INTENT = 50;
export const MAX_KEYWORD_LENGTH = 40;
export const MAX_REPLY_LENGTH = 640;

export class SenderParams {
  @ApiProperty({
    example: '+14155550100',
    description: 'Phone number (E.164), short code, or alphanumeric sender id. Write + as %2B only in query strings; in the path it is literal.',
  })
  @IsString()
  @Length(1, 512)
  address: string;
}

export class KeywordSetDto {
  @ApiPropertyOptional({ type: [String], maxItems: MAX_KEYWORDS_PER_INTENT, example: ['ENOUGH'] }) optOut?: string[];
  @ApiPropertyOptional({ type: [String], maxItems: MAX_KEYWORDS_PER_INTENT, example: ['DEALS'] }) optIn?: string[];
  @ApiPropertyOptional({ type: [String], maxItems: MAX_KEYWORDS_PER_INTENT, example: ['SUPPORT'] }) help?: string[];
}

export class ReplyTextsDto {
  @ApiPropertyOptional({ maxLength: MAX_REPLY_LENGTH, description: '{brand} is replaced by BRAND_NAME.' }) optOut?: string;
  @ApiPropertyOptional({ maxLength: MAX_REPLY_LENGTH }) optIn?: string;
  @ApiPropertyOptional({ maxLength: MAX_REPLY_LENGTH }) help?: string;
}

export class PutSenderDto {
  @ApiProperty({
    type: [String],
    maxItems: MAX_SENDER_CAMPAIGNS,
    example: ['spring-promo'],
    description: 'Campaigns sending from this sender: a STOP to it opts out of each of them. Empty: a STOP covers the whole channel.',
  })
  @IsArray()
  @ArrayMaxSize(MAX_SENDER_CAMPAIGNS)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, CAMPAIGN_ID_MAX, { each: true })
  @Matches(ID_PATTERN, { each: true, message: `each value in campaignIds ${ID_MESSAGE}` })
  campaignIds: string[];

  // Checked key by key in SendersService (keys are language tags, see RawObject).
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/KeywordSetDto' },
    description: 'Extra keywords by language tag, added to the defaults (which cannot be redefined).',
    example: { en: { optOut: ['ENOUGH'] } },
  })
  @RawObject()
  keywords?: Record<string, KeywordSetDto>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ReplyTextsDto' },
    description: 'Reply texts by language tag, replacing the defaults.',
    example: { fr: { optOut: 'Vous êtes désinscrit de {brand}. Répondez START pour vous réabonner.' } },
  })
  @RawObject()
  replies?: Record<string, ReplyTextsDto>;

  @ApiPropertyOptional({ example: 'en', description: 'Language of replies when the message does not tell one. Default en.' })
  @IsOptional()
  @IsLanguageTag()
  language?: string;
}

export class SenderDto {
  @ApiProperty() address: string;
  @ApiProperty({ type: [String] }) campaignIds: string[];
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/KeywordSetDto' } }) keywords: Record<string, KeywordSetDto>;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ReplyTextsDto' } }) replies: Record<string, ReplyTextsDto>;
  @ApiProperty() language: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
