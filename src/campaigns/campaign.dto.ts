import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { IsIsoDuration } from '../common/validators';
import { JURISDICTIONS } from '../jurisdictions/laws';
import { CHANNELS, Channel } from '../common/channels';
import { CAMPAIGN_ID_MAX, ID_MESSAGE, ID_PATTERN } from '../common/identifiers';

export const PURPOSES = ['marketing', 'transactional', 'conversational'] as const;
export type Purpose = (typeof PURPOSES)[number];

export class CampaignParams {
  @ApiProperty({ example: 'spring-promo', maxLength: CAMPAIGN_ID_MAX })
  @IsString()
  @Length(1, CAMPAIGN_ID_MAX)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  campaignId: string;
}

export class PutCampaignDto {
  @ApiProperty({ example: 'Spring promotion', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: PURPOSES, description: 'Decides the answer when no consent was recorded (docs/domain.md §3).' })
  @IsIn(PURPOSES)
  purpose: Purpose;

  @ApiProperty({ enum: CHANNELS, isArray: true, example: ['sms', 'email'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CHANNELS.length)
  @ArrayUnique()
  @IsIn(CHANNELS, { each: true })
  channels: Channel[];

  @ApiPropertyOptional({
    example: 'P180D',
    description: 'Campaign-scoped opt-ins fall due for re-confirmation this long after given or last renewed. Absent: never.',
  })
  @IsOptional()
  @IsIsoDuration()
  reconfirmEvery?: string;

  @ApiPropertyOptional({
    example: 'P14D',
    description: 'After the due date, decisions still allow for this long; then the consent lapses. Needs reconfirmEvery. Default: none.',
  })
  @IsOptional()
  @IsIsoDuration()
  reconfirmGrace?: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Opt-ins from web_form or import stay pending_confirmation until confirmed (unconfirmed for P30D: they expire).',
  })
  @IsOptional()
  @IsBoolean()
  doubleOptIn?: boolean;

  @ApiPropertyOptional({ example: 'P2Y', description: 'Campaign-scoped opt-ins expire this long after given or last renewed (CASL implied consent: P2Y).' })
  @IsOptional()
  @IsIsoDuration()
  consentTtl?: string;

  @ApiPropertyOptional({
    enum: JURISDICTIONS,
    isArray: true,
    description:
      "Rule sets applied in the recipient's local time: us-tcpa 8:00-21:00; us-fl 8:00-20:00 and 3 messages per 24 hours on the campaign; fr-demarchage weekdays 10:00-13:00 and 14:00-20:00, no weekends or French public holidays.",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(JURISDICTIONS.length)
  @ArrayUnique()
  @IsIn(JURISDICTIONS, { each: true })
  jurisdictions?: string[];
}

export class CampaignDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PURPOSES }) purpose: Purpose;
  @ApiProperty({ enum: CHANNELS, isArray: true }) channels: Channel[];
  @ApiProperty({ type: String, nullable: true, example: 'P180D' }) reconfirmEvery: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'P14D' }) reconfirmGrace: string | null;
  @ApiProperty() doubleOptIn: boolean;
  @ApiProperty({ type: String, nullable: true, example: 'P2Y' }) consentTtl: string | null;
  @ApiProperty({ enum: JURISDICTIONS, isArray: true }) jurisdictions: string[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
