import { Injectable } from '@nestjs/common';
import { ConsentEventRow, EVENT_COLUMNS } from '../events/consent-events.repository';
import { Db } from '../database/db';
import { GenerateSql } from '../database/generate-sql';

export interface WebhookEndpointRow {
  id: string;
  url: string;
  events: string[];
  secret: string;
  created_at: Date;
  created_by: string;
  deleted_at: Date | null;
}

export interface DeliveryRow {
  id: string;
  outbox_id: string;
  endpoint_id: string;
  type: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

/** A delivery taken by a worker, with what it needs to send it. */
export interface ClaimedDelivery extends DeliveryRow {
  url: string;
  secret: string;
  endpoint_deleted: boolean;
  event: ConsentEventRow;
}

const ENDPOINT_COLUMNS = 'id, url, events, secret, created_at, created_by, deleted_at';
const DELIVERY_COLUMNS = `d.id, d.outbox_id, d.endpoint_id, o.type, d.status, d.attempts, d.next_attempt_at, d.last_attempt_at,
  d.last_status, d.last_error, d.delivered_at, o.created_at`;

@Injectable()
export class WebhooksRepository {
  constructor(private readonly db: Db) {}

  /** Deliveries given up on since `since`, and those waiting for an attempt now. */
  @GenerateSql({ params: ['2026-11-29T00:00:00Z'] })
  async deliveryHealth(since: string): Promise<{ failed: number; pending: number }> {
    const [row] = await this.db.query<{ failed: number; pending: number }>(
      `select count(*) filter (where status = 'failed' and coalesce(last_attempt_at, next_attempt_at) >= $1)::int as failed,
              count(*) filter (where status = 'pending')::int as pending
         from webhook_delivery`,
      [since],
    );
    return row;
  }

  @GenerateSql({
    params: [
      {
        id: '3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b',
        url: 'https://sender.example.com/hooks/consent',
        events: ['consent.changed'],
        secret: 'whsec_c2VjcmV0',
        created_by: 'admin',
      },
    ],
  })
  async createEndpoint(e: Pick<WebhookEndpointRow, 'id' | 'url' | 'events' | 'secret' | 'created_by'>): Promise<WebhookEndpointRow> {
    const rows = await this.db.query<WebhookEndpointRow>(
      `insert into webhook_endpoint (id, url, events, secret, created_by) values ($1, $2, $3, $4, $5) returning ${ENDPOINT_COLUMNS}`,
      [e.id, e.url, e.events, e.secret, e.created_by],
    );
    return rows[0];
  }

  @GenerateSql({ params: [] })
  listEndpoints(): Promise<WebhookEndpointRow[]> {
    return this.db.query<WebhookEndpointRow>(`select ${ENDPOINT_COLUMNS} from webhook_endpoint where deleted_at is null order by created_at, id`);
  }

  @GenerateSql({ params: ['3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b'] })
  async findEndpoint(id: string): Promise<WebhookEndpointRow | undefined> {
    return (await this.db.query<WebhookEndpointRow>(`select ${ENDPOINT_COLUMNS} from webhook_endpoint where id = $1 and deleted_at is null`, [id]))[0];
  }

  /** Stops deliveries to it; its log stays. The endpoint as it was, or undefined when there was none. */
  @GenerateSql({ params: ['3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b'] })
  async deleteEndpoint(id: string): Promise<WebhookEndpointRow | undefined> {
    const [row] = await this.db.query<WebhookEndpointRow>(
      `update webhook_endpoint set deleted_at = now() where id = $1 and deleted_at is null returning ${ENDPOINT_COLUMNS}`,
      [id],
    );
    if (row) {
      await this.db.query(`update webhook_delivery set status = 'failed', last_error = 'endpoint deleted' where endpoint_id = $1 and status = 'pending'`, [id]);
    }
    return row;
  }

  /** The delivery log of an endpoint, newest first, keyset-paginated by id. */
  @GenerateSql({ params: ['3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b', null, 51] })
  deliveries(endpointId: string, beforeId: string | null, limit: number): Promise<DeliveryRow[]> {
    return this.db.query<DeliveryRow>(
      `select ${DELIVERY_COLUMNS} from webhook_delivery d join outbox_event o on o.id = d.outbox_id
        where d.endpoint_id = $1 and ($2::bigint is null or d.id < $2) order by d.id desc limit $3`,
      [endpointId, beforeId, limit],
    );
  }

  /**
   * Takes up to `limit` deliveries that are due, leasing each for `leaseMs`: another worker
   * skips them meanwhile, and takes them over if this one dies before reporting.
   */
  @GenerateSql({ params: [] })
  async now(): Promise<Date> {
    return (await this.db.query<{ now: Date }>('select clock_timestamp() as now'))[0].now;
  }

  /** Deliveries due by `dueBy` (a run's start: one it retries is not taken again in the same run). */
  @GenerateSql({ params: [50, 15000, new Date('2026-03-01T12:00:00.000Z')] })
  async claimDue(limit: number, leaseMs: number, dueBy: Date): Promise<ClaimedDelivery[]> {
    const rows = await this.db.query<Omit<ClaimedDelivery, 'event'> & { event_id: string }>(
      `with due as (
         select id from webhook_delivery
          where status = 'pending' and next_attempt_at <= $3 and (locked_until is null or locked_until < now())
          order by next_attempt_at limit $1 for update skip locked
       ), taken as (
         update webhook_delivery d set locked_until = now() + $2 * interval '1 millisecond', attempts = d.attempts + 1, last_attempt_at = now()
           from due where d.id = due.id
         returning d.*
       )
       select ${DELIVERY_COLUMNS}, o.event_id, w.url, w.secret, w.deleted_at is not null as endpoint_deleted
         from taken d join outbox_event o on o.id = d.outbox_id join webhook_endpoint w on w.id = d.endpoint_id`,
      [limit, leaseMs, dueBy],
    );
    if (!rows.length) return [];
    const events = await this.db.query<ConsentEventRow>(`select ${EVENT_COLUMNS} from consent_event where id = any($1::bigint[])`, [
      rows.map((r) => r.event_id),
    ]);
    const byId = new Map(events.map((e) => [e.id, e]));
    return rows.map(({ event_id, ...r }) => ({ ...r, event: byId.get(event_id)! }));
  }

  @GenerateSql({ params: ['4501', 204] })
  async delivered(id: string, status: number): Promise<void> {
    await this.db.query(
      `update webhook_delivery set status = 'delivered', delivered_at = now(), last_status = $2, last_error = null, locked_until = null where id = $1`,
      [id, status],
    );
  }

  /** A failed attempt: retried at `retryAt`, or given up (status failed) when `retryAt` is null. */
  @GenerateSql({ params: ['4501', 503, 'HTTP 503', new Date('2026-03-01T12:00:02.000Z')] })
  async attemptFailed(id: string, status: number | null, error: string, retryAt: Date | null): Promise<void> {
    await this.db.query(
      `update webhook_delivery set last_status = $2, last_error = left($3, 500), locked_until = null,
              status = case when $4::timestamptz is null then 'failed' else 'pending' end,
              next_attempt_at = coalesce($4, next_attempt_at)
        where id = $1`,
      [id, status, error, retryAt],
    );
  }
}
