import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../auth/scopes';
import { Problem } from '../common/problem';
import { Transactions } from '../database/transactions';
import { IdempotencyRepository } from './idempotency.repository';

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key, if any; a malformed one is a 400 naming the header. */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const raw = headers['idempotency-key'];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !KEY.test(raw)) throw Problem.field('Idempotency-Key', 'must be 1 to 255 printable ASCII characters');
  return raw;
}

/** Stable JSON: the same body with keys in another order is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `Idempotency-Key` on every POST. Each POST handler runs its work through `execute`: without
 * the header that is a plain call (nothing is added to the hot path of decisions, which a
 * global interceptor would); with it, the first successful response is stored in the same
 * transaction as the write it reports, so a retry either replays it or, when the first
 * attempt failed, runs again. The same key with a different body is a 422.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly transactions: Transactions,
    private readonly records: IdempotencyRepository,
  ) {}

  /** `stored` chooses what is kept for replays (never a secret): by default the whole response. */
  execute<T>(
    request: AuthenticatedRequest,
    reply: FastifyReply,
    work: () => Promise<T>,
    stored: (response: T) => unknown = (response) => response,
  ): Promise<T> {
    // Not an async function: without the header, the work's own promise is the answer.
    if (request.headers['idempotency-key'] === undefined || !request.principal) return work();
    return this.replayOrRecord(request, reply, work, stored);
  }

  private async replayOrRecord<T>(request: AuthenticatedRequest, reply: FastifyReply, work: () => Promise<T>, stored: (response: T) => unknown): Promise<T> {
    const raw = idempotencyKeyOf(request.headers)!;
    const principal = request.principal!.id;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${canonical(request.body)}`)
      .digest('hex');
    return this.transactions.run(async () => {
      await this.records.lockKey(principal, raw);
      const previous = await this.records.find(principal, raw);
      if (previous) {
        if (previous.request_hash.trim() !== requestHash) {
          throw Problem.unprocessable('IDEMPOTENCY_KEY.REUSED', 'This Idempotency-Key was used with a different request.', [
            { field: 'Idempotency-Key', message: 'was already used with a different request body or path' },
          ]);
        }
        reply.status(previous.status_code).header('idempotent-replayed', 'true');
        return previous.response as T;
      }
      const response = await work();
      await this.records.insert({ principal, key: raw, requestHash, statusCode: reply.statusCode, response: stored(response) });
      return response;
    });
  }
}
