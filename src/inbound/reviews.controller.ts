import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { Principal, RequireScopes } from '../auth/scopes';
import { ApiProblems, Summary } from '../common/api-docs';
import { ResolvedReviewDto, ResolveReviewDto, ReviewDto, ReviewPageDto, ReviewParams, ReviewsQuery } from './review.dto';
import { ReviewsService } from './reviews.service';

/** Unclear replies waiting for staff: what the customer wrote, what became of it, and staff's reading. */
@ApiTags('inbound')
@ApiBearerAuth()
@RequireScopes('inbound:write')
@Controller('v1/inbound/reviews')
export class ReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  @Get()
  @Summary('Unclear replies filed for review, newest first')
  @ApiOkResponse({ type: ReviewPageDto, description: 'Reviews in the statuses asked for (default open), newest first.' })
  list(@Query() q: ReviewsQuery): Promise<ReviewPageDto> {
    return this.reviews.list(q.status ?? ['open'], q.cursor ?? null, q.limit ?? 50);
  }

  @Get(':id')
  @Summary('One review')
  @ApiProblems({ 404: ['REVIEW.NOT_FOUND'] })
  @ApiOkResponse({ type: ReviewDto })
  get(@Param() p: ReviewParams): Promise<ReviewDto> {
    return this.reviews.get(p.id);
  }

  @Post(':id')
  @Summary('Say what an unclear reply meant')
  @ApiProblems({ 404: ['REVIEW.NOT_FOUND'], 409: ['REVIEW.ALREADY_RESOLVED'] })
  @HttpCode(200)
  @ApiOkResponse({
    type: ResolvedReviewDto,
    description:
      'Recorded: a clarification_resolved event, and for opt_out the opt-outs the reply would have written (as of when the customer wrote). Marketing to the contact point is no longer held back.',
  })
  resolve(@Param() p: ReviewParams, @Body() dto: ResolveReviewDto, @CurrentPrincipal() principal: Principal): Promise<ResolvedReviewDto> {
    return this.reviews.resolve(p.id, dto.outcome, principal.actor);
  }
}
