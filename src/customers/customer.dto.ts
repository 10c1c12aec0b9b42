import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { CHANNELS, Channel } from '../common/channels';
import { CUSTOMER_ID_MAX, ID_MESSAGE, ID_PATTERN } from '../common/identifiers';
import { IsIanaTimeZone, IsInstant, IsLanguageTag } from '../common/validators';

export const MAX_CONTACT_POINTS = 50;

export class CustomerParams {
  @ApiProperty({ example: 'cus_123', maxLength: CUSTOMER_ID_MAX })
  @IsString()
  @Length(1, CUSTOMER_ID_MAX)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  customerId: string;
}

export class ContactPointDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty({ example: '+14155550100', description: 'Phone numbers are stored in E.164, emails lower-cased.' })
  @IsString()
  @Length(1, 512)
  address: string;
}

export class PutCustomerDto {
  @ApiProperty({ type: ContactPointDto, isArray: true, maxItems: MAX_CONTACT_POINTS })
  @IsArray()
  @ArrayMaxSize(MAX_CONTACT_POINTS)
  @ValidateNested({ each: true })
  @Type(() => ContactPointDto)
  contactPoints: ContactPointDto[];

  @ApiPropertyOptional({ example: 'America/New_York', nullable: true, type: String })
  @IsOptional()
  @IsIanaTimeZone()
  timezone?: string | null;

  @ApiPropertyOptional({ example: 'en-US', nullable: true, type: String })
  @IsOptional()
  @IsLanguageTag()
  locale?: string | null;

  @ApiPropertyOptional({
    example: 'US-TX',
    nullable: true,
    type: String,
    description: "ISO 3166-2 region: which state's law applies (jurisdiction us-states); else the phone number's area code says.",
  })
  @IsOptional()
  @Matches(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, { message: 'must be an ISO 3166-2 region code such as US-TX' })
  region?: string | null;

  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    type: String,
    description: "When the customer last bought from the brand (Oregon's cap exempts buyers of the last 18 months).",
  })
  @IsOptional()
  @IsInstant()
  lastPurchaseAt?: string | null;
}

export class CustomerDto {
  @ApiProperty() id: string;
  @ApiProperty({ type: ContactPointDto, isArray: true }) contactPoints: ContactPointDto[];
  @ApiProperty({ nullable: true, type: String }) timezone: string | null;
  @ApiProperty({ nullable: true, type: String }) locale: string | null;
  @ApiProperty({ nullable: true, type: String }) region: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastPurchaseAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
