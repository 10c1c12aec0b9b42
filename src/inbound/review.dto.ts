import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsIn, IsOptional, Matches } from 'class-validator';
import { PageQuery } from '../common/validators';
import { ConsentEventDto } from '../events/consent-event.dto';
import { REVIEW_STATUSES, ReviewStatus } from './reviews.repository';

export const REVIEW_OUTCOMES = ['opt_out', 'not_opt_out'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export class ReviewsQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Comma-separated statuses to list (default open).',
    example: 'open,expired',
    type: String,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value))
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(REVIEW_STATUSES, { each: true, message: `status must be a comma-separated list of ${REVIEW_STATUSES.join(', ')}` })
  status?: ReviewStatus[];
}

export class ReviewParams {
  @ApiProperty({ description: 'The review: the ledger id of its clarification_requested event.', pattern: '^[1-9][0-9]{0,18}$' })
  @Matches(/^[1-9][0-9]{0,18}$/, { message: 'must be a review id: a positive integer' })
  id: string;
}

export class ResolveReviewDto {
  @ApiProperty({
    enum: REVIEW_OUTCOMES,
    description: 'opt_out: the reply was an opt-out (recorded as of when the customer wrote it); not_opt_out: it was not.',
  })
  @IsIn(REVIEW_OUTCOMES)
  outcome: ReviewOutcome;
}

export class ReviewAnswerDto {
  @ApiProperty({ description: "The customer's event that answered (their next reply)." }) eventId: string;
  @ApiProperty({ example: 'opt_out' }) action: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class ReviewResolutionDto {
  @ApiProperty({ enum: REVIEW_OUTCOMES }) outcome: string;
  @ApiProperty({ description: 'The clarification_resolved event.' }) eventId: string;
  @ApiProperty() resolvedBy: string;
  @ApiProperty({ format: 'date-time' }) resolvedAt: string;
}

export class ReviewDto {
  @ApiProperty({ description: 'The ledger id of the clarification_requested event.' }) id: string;
  @ApiProperty({
    enum: REVIEW_STATUSES,
    description:
      'open: waiting (marketing deferred); answered: the customer wrote again; resolved: staff decided; expired: CLARIFY_HOLD passed without either.',
  })
  status: ReviewStatus;
  @ApiProperty() channel: string;
  @ApiProperty({ description: 'The contact point that wrote.' }) from: string;
  @ApiProperty({ nullable: true, type: String }) customerId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'What the customer wrote.' }) text: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'unclear.quoted', description: 'The parser rule that could not decide.' }) matched: string | null;
  @ApiProperty({ nullable: true, type: String }) language: string | null;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({ format: 'date-time', description: 'Marketing to the contact point waits until then at most.' }) holdUntil: string;
  @ApiProperty({ type: ReviewAnswerDto, nullable: true }) answer: ReviewAnswerDto | null;
  @ApiProperty({ type: ReviewResolutionDto, nullable: true }) resolution: ReviewResolutionDto | null;
}

export class ReviewPageDto {
  @ApiProperty({ type: ReviewDto, isArray: true }) items: ReviewDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ResolvedReviewDto {
  @ApiProperty({ type: ReviewDto }) review: ReviewDto;
  @ApiProperty({ type: ConsentEventDto, isArray: true, description: 'Events written: the resolution, and for opt_out the opt-outs.' })
  effects: ConsentEventDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'For opt_out: the confirmation to send the customer (one message, no marketing), in their language; null otherwise.',
  })
  reply: string | null;
}
