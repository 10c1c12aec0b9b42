import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Length, Matches } from 'class-validator';
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

  @ApiProperty({ enum: PURPOSES, description: 'Decides the answer when no consent was recorded (DOMAIN.md section 3).' })
  @IsIn(PURPOSES)
  purpose: Purpose;

  @ApiProperty({ enum: CHANNELS, isArray: true, example: ['sms', 'email'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CHANNELS.length)
  @ArrayUnique()
  @IsIn(CHANNELS, { each: true })
  channels: Channel[];
}

export class CampaignDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PURPOSES }) purpose: Purpose;
  @ApiProperty({ enum: CHANNELS, isArray: true }) channels: Channel[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
