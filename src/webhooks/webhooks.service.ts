import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SystemEvents } from '../ledger/system-events';
import { Principal } from '../auth/scopes';
import { Transactions } from '../database/transactions';
import { addDuration } from '../common/duration';
import { Problem } from '../common/problem';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { toEventDto } from '../events/consent-event.dto';
import { ReceiverPolicy, ReceiverRefused } from './receiver-address';
import { newWebhookSecret, signWebhook } from './standard-webhooks';
import { CreatedWebhookEndpointDto, CreateWebhookEndpointDto, DeliveryDto, DeliveryPageDto, WebhookEndpointDto } from './webhook.dto';
import { ClaimedDelivery, DeliveryRow, WebhookEndpointRow, WebhooksRepository } from './webhooks.repository';

const MAX_BACKOFF_MS = 5 * 60_000;
const BATCH = 50;
const CONCURRENCY = 10;

function toEndpointDto(row: WebhookEndpointRow): WebhookEndpointDto {
  return { id: row.id, url: row.url, events: row.events, createdAt: row.created_at.toISOString(), createdBy: row.created_by };
}

/**
 * An endpoint as the ledger records it: where data goes and what, never the signing secret.
 * The query string is left out: receivers sometimes put a token there.
 */
function recorded(row: WebhookEndpointRow): { url: string; events: string[] } {
  const url = new URL(row.url);
  return { url: `${url.origin}${url.pathname}`, events: row.events };
}

function toDeliveryDto(row: DeliveryRow): DeliveryDto {
  return {
    id: row.id,
    messageId: `msg_${row.outbox_id}`,
    type: row.type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at.toISOString(),
    lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
    lastStatus: row.last_status,
    lastError: row.last_error,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
  };
}

export interface DeliveryRunResult {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
}

/**
 * Outbound events (issue 4): receivers registered by API, events written to the outbox by the
 * consent_event trigger in the same transaction as the change, and delivered at least once by
 * this worker, signed per Standard Webhooks, retried with exponential back-off until
 * WEBHOOK_GIVE_UP_AFTER. Redirects are never followed.
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');
  private readonly receivers: ReceiverPolicy;

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly transactions: Transactions,
    private readonly systemEvents: SystemEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.receivers = new ReceiverPolicy(config.webhookAllowHosts);
  }

  /** For the staff console's overview: deliveries given up on since `since`, and those waiting. */
  deliveryHealth(since: Date): Promise<{ failed: number; pending: number }> {
    return this.repository.deliveryHealth(since.toISOString());
  }

  async create(dto: CreateWebhookEndpointDto, principal: Principal): Promise<CreatedWebhookEndpointDto> {
    const url = new URL(dto.url);
    if (url.username || url.password) throw Problem.field('url', 'must not carry credentials');
    try {
      await this.receivers.resolve(url.hostname);
    } catch (error) {
      if (error instanceof ReceiverRefused) {
        throw Problem.unprocessable('WEBHOOK.RECEIVER_REFUSED', error.message, [{ field: 'url', message: error.message }]);
      }
      throw error;
    }
    const row = await this.transactions.run(async () => {
      const created = await this.repository.createEndpoint({
        id: randomUUID(),
        url: dto.url,
        events: dto.events,
        secret: newWebhookSecret(),
        created_by: principal.actor,
      });
      await this.systemEvents.recordChange('webhook_endpoint.created', principal.actor, `webhook_endpoint:${created.id}`, null, recorded(created));
      return created;
    });
    return { ...toEndpointDto(row), secret: row.secret };
  }

  async list(): Promise<WebhookEndpointDto[]> {
    return (await this.repository.listEndpoints()).map(toEndpointDto);
  }

  async get(id: string): Promise<WebhookEndpointDto> {
    const row = await this.repository.findEndpoint(id);
    if (!row) throw Problem.notFound('WEBHOOK_ENDPOINT.NOT_FOUND', `No webhook endpoint has id ${id}.`);
    return toEndpointDto(row);
  }

  async delete(id: string, by: Principal): Promise<void> {
    await this.transactions.run(async () => {
      const deleted = await this.repository.deleteEndpoint(id);
      if (!deleted) throw Problem.notFound('WEBHOOK_ENDPOINT.NOT_FOUND', `No webhook endpoint has id ${id}.`);
      await this.systemEvents.recordChange('webhook_endpoint.deleted', by.actor, `webhook_endpoint:${id}`, recorded(deleted), null);
    });
  }

  async deliveries(id: string, cursor: string | undefined, limit = 50): Promise<DeliveryPageDto> {
    await this.get(id);
    const rows = await this.repository.deliveries(id, cursor ?? null, limit + 1);
    const items = rows.slice(0, limit).map(toDeliveryDto);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }

  /** Delivers everything due, batch by batch, until nothing is due or `budgetMs` is spent. */
  async deliverDue(budgetMs = 30_000): Promise<DeliveryRunResult> {
    const result: DeliveryRunResult = { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
    const started = Date.now();
    // What is due now: a delivery failing fast (a refused connection) and due again after a
    // short back-off waits for the next run, rather than being retried in a tight loop.
    const dueBy = await this.repository.now(); // the database's clock, as next_attempt_at's
    while (Date.now() - started < budgetMs) {
      const batch = await this.repository.claimDue(BATCH, this.config.webhookTimeoutMs * 3, dueBy);
      if (!batch.length) break;
      for (let i = 0; i < batch.length; i += CONCURRENCY) {
        await Promise.all(batch.slice(i, i + CONCURRENCY).map((d) => this.attempt(d, result)));
      }
    }
    return result;
  }

  private async attempt(d: ClaimedDelivery, result: DeliveryRunResult): Promise<void> {
    result.attempted++;
    if (d.endpoint_deleted) {
      await this.repository.attemptFailed(d.id, null, 'endpoint deleted', null);
      result.failed++;
      return;
    }
    const body = JSON.stringify({ type: d.type, timestamp: d.created_at.toISOString(), data: toEventDto(d.event) });
    const id = `msg_${d.outbox_id}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const { status, error } = await this.post(d.url, body, {
      'content-type': 'application/json',
      'user-agent': 'consent-service-webhooks/1',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(d.secret, id, timestamp, body),
    });
    if (status !== null && status >= 200 && status < 300) {
      await this.repository.delivered(d.id, status);
      result.delivered++;
      return;
    }
    const backoff = Math.min(this.config.webhookRetryBaseMs * 2 ** Math.min(d.attempts - 1, 20), MAX_BACKOFF_MS);
    const retryAt = new Date(Date.now() + backoff * (0.8 + Math.random() * 0.4));
    const giveUp = retryAt.getTime() > addDuration(d.created_at, this.config.webhookGiveUpAfter).getTime();
    await this.repository.attemptFailed(d.id, status, error ?? `HTTP ${status}`, giveUp ? null : retryAt);
    if (giveUp) {
      result.failed++;
      this.logger.warn(`gave up delivering ${id} to endpoint ${d.endpoint_id} after ${d.attempts} attempts`);
    } else result.retrying++;
  }

  /** One POST; the status, or null and why when there was no HTTP answer. Redirects count as failures. */
  private post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number | null; error?: string }> {
    return new Promise((resolve) => {
      const target = new URL(url);
      // An address written in the URL is never looked up, so the lookup cannot check it: check it here.
      const literal = target.hostname.replace(/^\[|\]$/g, '');
      if (isIP(literal)) {
        try {
          this.receivers.check(literal, literal);
        } catch (error) {
          resolve({ status: null, error: (error as Error).message });
          return;
        }
      }
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          timeout: this.config.webhookTimeoutMs,
          lookup: this.receivers.lookup,
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? null,
              error: res.statusCode && res.statusCode >= 300 && res.statusCode < 400 ? `redirect to ${res.headers.location ?? '?'} not followed` : undefined,
            }),
          );
          res.on('error', (e) => resolve({ status: res.statusCode ?? null, error: e.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.config.webhookTimeoutMs} ms`)));
      req.on('error', (e) => resolve({ status: null, error: e.message }));
      req.end(body);
    });
  }
}
