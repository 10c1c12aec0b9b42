import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { JOBS } from './jobs.service';

export class ReconfirmationRunDto {
  @ApiProperty({ description: 'Re-confirmation requests recorded.' }) requested!: number;
  @ApiProperty({ description: 'Consents that lapsed (no answer within the grace period).' }) lapsed!: number;
  @ApiProperty({ description: 'Consents that reached their maximum age.' }) expired!: number;
  @ApiProperty({ description: 'Double opt-ins never confirmed.' }) confirmationsExpired!: number;
  @ApiProperty({ description: 'Clarification holds that ended with neither an answer nor a review.' }) clarificationsExpired!: number;
  @ApiProperty({ description: 'Batches the sweep took.' }) batches!: number;
  @ApiProperty({ description: 'Wall time of the sweep, in milliseconds.' }) ms!: number;
}

export class WebhookRunDto {
  @ApiProperty() attempted!: number;
  @ApiProperty() delivered!: number;
  @ApiProperty({ description: 'Deliveries that failed and will be tried again.' }) retrying!: number;
  @ApiProperty({ description: 'Deliveries given up on.' }) failed!: number;
}

export class RetentionRunDto {
  @ApiProperty({ description: 'Idempotency records past retention that were removed.' }) removed!: number;
}

export class SealRunDto {
  @ApiProperty({ description: 'Blocks sealed.' }) blocks!: number;
  @ApiProperty({ description: 'Ledger entries the new blocks hold.' }) events!: number;
  @ApiProperty({ description: 'Age of the oldest entry still unsealed, in milliseconds (0 when none).' }) lagMs!: number;
}

@ApiExtraModels(ReconfirmationRunDto, WebhookRunDto, RetentionRunDto, SealRunDto)
export class JobRunDto {
  @ApiProperty({ enum: JOBS }) job!: string;
  @ApiProperty({
    description: 'What the run did; its shape depends on the job.',
    oneOf: [ReconfirmationRunDto, WebhookRunDto, RetentionRunDto, SealRunDto].map((d) => ({ $ref: getSchemaPath(d) })),
  })
  result!: ReconfirmationRunDto | WebhookRunDto | RetentionRunDto | SealRunDto;
}
