import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';

export class OverviewQuery {
  @ApiPropertyOptional({ enum: [30, 90], default: 30, description: 'Days of activity, today (UTC) included.' })
  @IsOptional()
  @Type(() => Number)
  @IsIn([30, 90])
  days?: 30 | 90;
}

export class DailyCountDto {
  @ApiProperty({ format: 'date', description: 'UTC day.' }) day: string;
  @ApiProperty({ enum: ['opt_in', 'opt_out'] }) action: string;
  @ApiProperty() source: string;
  @ApiProperty() channel: string;
  @ApiProperty({ type: 'integer' }) count: number;
}

class OverviewLedgerDto {
  @ApiProperty({ type: 'integer' }) blocks: number;
  @ApiProperty({ type: 'integer', description: 'Events committed and not sealed yet.' }) pending: number;
  @ApiProperty({ type: 'integer', description: 'How long the oldest of them has waited (ms).' }) sealLagMs: number;
}

class OverviewWebhooksDto {
  @ApiProperty({ type: 'integer', description: 'Deliveries given up on in the last 24 hours.' }) failedLast24h: number;
  @ApiProperty({ type: 'integer', description: 'Deliveries waiting for an attempt.' }) pending: number;
}

class OverviewImportsDto {
  @ApiProperty({ type: 'integer' }) running: number;
  @ApiProperty({ type: 'integer', description: 'Interrupted, waiting to be resumed with the same Idempotency-Key.' }) interrupted: number;
}

export class OverviewDto {
  @ApiProperty({ format: 'date', description: 'First UTC day counted.' }) from: string;
  @ApiProperty({ type: 'integer' }) days: number;
  @ApiProperty({ type: DailyCountDto, isArray: true, description: 'Opt-ins and opt-outs per day, source and channel (days without any are left out).' })
  daily: DailyCountDto[];
  @ApiProperty({ type: OverviewLedgerDto }) ledger: OverviewLedgerDto;
  @ApiProperty({ type: OverviewWebhooksDto }) webhooks: OverviewWebhooksDto;
  @ApiProperty({ type: OverviewImportsDto }) imports: OverviewImportsDto;
}
