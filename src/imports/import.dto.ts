import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CHANNELS, Channel } from '../common/channels';
import { CAMPAIGN_ID_MAX, ID_MESSAGE, ID_PATTERN } from '../common/identifiers';
import { IsInstant, IsPageLimit } from '../common/validators';
import { IMPORT_FORMATS, ImportFormat } from './import-reader';

/** Defaults for columns a file lacks (a Twilio opt-out list has only numbers, maybe dates). */
export class ImportQuery {
  @ApiPropertyOptional({ enum: IMPORT_FORMATS, description: 'Default: from Content-Type (text/csv, application/x-ndjson).' })
  @IsOptional()
  @IsIn(IMPORT_FORMATS)
  format?: ImportFormat;

  @ApiPropertyOptional({ enum: CHANNELS, default: 'sms', description: 'For rows without a channel.' })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ enum: ['opt_in', 'opt_out'], default: 'opt_out', description: 'For rows without an action. An opt-in is never assumed: say it.' })
  @IsOptional()
  @IsIn(['opt_in', 'opt_out'])
  action?: 'opt_in' | 'opt_out';

  @ApiPropertyOptional({ maxLength: CAMPAIGN_ID_MAX, description: 'For rows without a campaign; absent: the whole channel.' })
  @IsOptional()
  @IsString()
  @Length(1, CAMPAIGN_ID_MAX)
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  campaignId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'For rows without a date; default: when the import started.' })
  @IsOptional()
  @IsInstant()
  occurredAt?: string;
}

export class ImportListQuery {
  @ApiPropertyOptional({ description: 'Only the import posted with this Idempotency-Key.', maxLength: 255 })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  idempotencyKey?: string;

  @IsPageLimit(100, 20)
  limit?: number;
}

export class ImportRejectionDto {
  @ApiProperty({ description: 'Line of the file (1-based, the header is line 1).' }) line: number;
  @ApiProperty({ description: 'The field at fault, or line.' }) field: string;
  @ApiProperty() reason: string;
}

export class ImportOptionsDto {
  @ApiProperty({ enum: CHANNELS }) channel: string;
  @ApiProperty({ nullable: true, type: String, enum: ['opt_in', 'opt_out'] }) action: string | null;
  @ApiProperty({ nullable: true, type: String }) campaignId: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ description: 'Records per committed chunk.' }) chunkRecords: number;
}

export class ImportErrorDto {
  @ApiProperty({ type: 'integer', description: 'The line the import could not read past (or, interrupted, the records it had committed).' }) line: number;
  @ApiProperty({ description: 'What went wrong there (`line 3, column 2: unexpected quote`): never the content of the file.' }) message: string;
}

export class ImportDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    enum: ['running', 'completed', 'failed', 'interrupted'],
    description:
      'failed: the file cannot be read past `error.line`; interrupted: the upload or the database stopped it. Either resumes when the file is posted again with the same Idempotency-Key.',
  })
  status: string;
  @ApiProperty({ enum: IMPORT_FORMATS }) format: string;
  @ApiProperty({ nullable: true, type: String }) idempotencyKey: string | null;
  @ApiProperty({ type: ImportOptionsDto }) options: ImportOptionsDto;
  @ApiProperty({ description: 'Data records read and committed (written or rejected).' }) rowsRead: number;
  @ApiProperty() rowsWritten: number;
  @ApiProperty() rowsRejected: number;
  @ApiProperty({ type: ImportRejectionDto, isArray: true, description: 'The first 1,000 rejected lines, in file order.' }) rejections: ImportRejectionDto[];
  @ApiProperty({ nullable: true, type: ImportErrorDto, description: 'Why a failed or interrupted import stopped.' }) error: ImportErrorDto | null;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completedAt: string | null;
}
