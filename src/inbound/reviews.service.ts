import { Inject, Injectable } from '@nestjs/common';
import { Problem } from '../common/problem';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { toEventDto } from '../events/consent-event.dto';
import { Metrics } from '../metrics/metrics';
import { InboundRepository } from './inbound.repository';
import { replyText } from './replies';
import { ResolvedReviewDto, ReviewDto, ReviewOutcome, ReviewPageDto } from './review.dto';
import { ReviewRow, ReviewsRepository, ReviewStatus } from './reviews.repository';
import { replyOptions } from './senders.service';

const iso = (d: Date) => d.toISOString();

function toReviewDto(r: ReviewRow): ReviewDto {
  return {
    id: r.id,
    status: r.status,
    channel: r.channel,
    from: r.address,
    customerId: r.customer_id,
    text: r.text,
    matched: r.matched,
    language: r.language,
    receivedAt: iso(r.received_at),
    holdUntil: iso(r.hold_until),
    answer: r.answer_id ? { eventId: r.answer_id, action: r.answer_action!, at: iso(r.answered_at!) } : null,
    resolution: r.resolution_id ? { outcome: r.outcome!, eventId: r.resolution_id, resolvedBy: r.resolved_by!, resolvedAt: iso(r.resolved_at!) } : null,
  };
}

/**
 * Unclear replies filed for review (InboundService asks the customer back and files them):
 * staff list them and say what each meant. Every resolution is a ledger event, and an opt-out
 * read by staff is recorded as the customer's, as of when they wrote.
 */
@Injectable()
export class ReviewsService {
  constructor(
    private readonly reviews: ReviewsRepository,
    private readonly inbound: InboundRepository,
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(statuses: readonly ReviewStatus[], cursor: string | null, limit: number): Promise<ReviewPageDto> {
    const rows = await this.reviews.list(statuses, cursor, limit);
    const page = rows.slice(0, limit);
    return { items: page.map(toReviewDto), nextCursor: rows.length > limit ? page[page.length - 1].id : null };
  }

  async get(id: string): Promise<ReviewDto> {
    const row = await this.reviews.find(id);
    if (!row) throw Problem.notFound('REVIEW.NOT_FOUND', `There is no review ${id}.`);
    return toReviewDto(row);
  }

  async resolve(id: string, outcome: ReviewOutcome, actor: string): Promise<ResolvedReviewDto> {
    const events = await this.reviews.resolve(id, outcome, actor);
    const row = await this.reviews.find(id);
    if (!row) throw Problem.notFound('REVIEW.NOT_FOUND', `There is no review ${id}.`);
    if (!events) {
      throw Problem.conflict('REVIEW.ALREADY_RESOLVED', `Review ${id} was already resolved (${row.outcome}) by ${row.resolved_by}; nothing was changed.`, [
        { field: 'id', message: 'is already resolved' },
      ]);
    }
    for (const e of events) this.metrics.events.inc({ action: e.action, source: e.source });
    let reply: string | null = null;
    if (outcome === 'opt_out') {
      const sender = row.sender ? (await this.inbound.findSender(row.sender)).settings : null;
      reply = replyText('opt_out', replyOptions(sender, row.language, this.config.brandName));
    }
    return { review: toReviewDto(row), effects: events.map(toEventDto), reply };
  }
}
