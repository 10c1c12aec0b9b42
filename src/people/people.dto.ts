import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { CHANNELS, MAX_ADDRESS_LENGTH } from '../common/channels';

export class PersonQuery {
  @ApiProperty({ description: 'A customer id, a phone number in any common format, or an email.', maxLength: MAX_ADDRESS_LENGTH, example: '+1 (415) 555-0100' })
  @IsString()
  @Length(1, MAX_ADDRESS_LENGTH)
  q: string;
}

export class PersonContactPointDto {
  @ApiProperty({ enum: CHANNELS }) channel: string;
  @ApiProperty({ description: 'Normalised (E.164, lower-case email).' }) address: string;
}

/** Where consent stands for one campaign on one channel, as a decision now would say. */
export class PersonConsentDto {
  @ApiProperty() campaignId: string;
  @ApiProperty() campaignName: string;
  @ApiProperty({ enum: ['marketing', 'transactional', 'conversational'] }) purpose: string;
  @ApiProperty({ enum: CHANNELS }) channel: string;
  @ApiProperty() address: string;
  @ApiProperty() allowed: boolean;
  @ApiProperty({ enum: ['allow', 'deny', 'defer'] }) outcome: string;
  @ApiProperty({ description: "The decision's reason code (as POST /v1/decisions answers)." }) reason: string;
  @ApiProperty({ nullable: true, type: String, description: 'The consent action the decision rests on (opt_in, opt_out, ...); null when none.' })
  basisAction: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Since when: when that action was given.' }) since: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Deferred: the first instant every rule allows.' }) nextAllowedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: "When the campaign's policy asks for re-confirmation." }) reconfirmBy: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'When consent lapses without it.' }) lapsesAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: "When consent expires (the campaign's TTL)." }) expiresAt: string | null;
}

export class PersonHistoryFilterDto {
  @ApiPropertyOptional() customerId?: string;
  @ApiPropertyOptional() address?: string;
  @ApiPropertyOptional({ enum: CHANNELS }) channel?: string;
}

export class PersonDto {
  @ApiProperty({ enum: ['customer', 'email', 'phone'], description: 'What the search was read as.' }) matchedAs: string;
  @ApiProperty({ nullable: true, type: String }) customerId: string | null;
  @ApiProperty({ type: PersonContactPointDto, isArray: true }) contactPoints: PersonContactPointDto[];
  @ApiProperty({ description: 'Erased (GDPR Art. 17): the ledger holds pseudonyms only.' }) erased: boolean;
  @ApiProperty({ nullable: true, type: String }) erasedAt: string | null;
  @ApiProperty({ type: PersonConsentDto, isArray: true, description: 'Every campaign on every channel the person can be reached on.' })
  consent: PersonConsentDto[];
  @ApiProperty({ type: PersonHistoryFilterDto, description: 'The filter of GET /v1/audit/events that gives their history (empty once erased).' })
  history: PersonHistoryFilterDto;
}
