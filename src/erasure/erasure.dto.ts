import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { OptionalBody } from '../common/validation';

export class ErasureResultDto {
  @ApiProperty({ description: 'The keyed hash that now stands for the customer id in the ledger.' }) pseudonym: string;
  @ApiProperty({ description: 'Ledger events pseudonymised.' }) events: number;
  @ApiProperty({ description: 'Contact points put on the suppression list.' }) suppressed: number;
  @ApiProperty({ description: 'Rows deleted from other tables (customer, contact points, preferences, sends, inbound messages, lifecycle, stored responses).' })
  deleted: number;
  @ApiProperty({ description: "The erasure's own ledger entry (system event id)." }) eventId: string;
}

@OptionalBody()
export class ErasureDto {
  @ApiPropertyOptional({ maxLength: 500, description: "Why (a ticket reference); kept in the erasure's ledger entry, so no personal data." })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}
