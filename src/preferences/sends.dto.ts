import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { CHANNELS, Channel } from '../common/channels';
import { CAMPAIGN_ID_MAX, CUSTOMER_ID_MAX, ID_MESSAGE, ID_PATTERN } from '../common/identifiers';
import { IsInstant } from '../common/validators';

export class RecordSendDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The decision it was sent under (a reservation becomes this send).' })
  @IsOptional()
  @IsUUID()
  decisionId?: string;

  @ApiPropertyOptional({ maxLength: CUSTOMER_ID_MAX, description: 'At least one of customerId and address.' })
  @IsOptional()
  @IsString()
  @Length(1, CUSTOMER_ID_MAX)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  customerId?: string;

  @ApiPropertyOptional({ example: '+14155550100' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  address?: string;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty({ maxLength: CAMPAIGN_ID_MAX })
  @IsString()
  @Length(1, CAMPAIGN_ID_MAX)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  campaignId: string;

  @ApiProperty({ maxLength: 128, description: "The provider's message id: a send is recorded once." })
  @IsString()
  @Length(1, 128)
  messageId: string;

  @ApiProperty({ format: 'date-time' })
  @IsInstant()
  sentAt: string;
}

export class SendDto {
  @ApiProperty() id: string;
  @ApiProperty() messageId: string;
  @ApiProperty({ nullable: true, type: String }) decisionId: string | null;
  @ApiProperty({ nullable: true, type: String }) customerId: string | null;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
  @ApiProperty({ enum: CHANNELS }) channel: string;
  @ApiProperty() campaignId: string;
  @ApiProperty({ format: 'date-time' }) sentAt: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
}
