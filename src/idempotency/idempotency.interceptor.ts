import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { Problem } from '../common/problem';
import { Db } from '../database/db';
import { IdempotencyRepository } from './idempotency.repository';

const KEY = /^[\x21-\x7e]{1,255}$/;

/** Stable JSON: the same body with keys in another order is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `Idempotency-Key` on any POST: the first successful response is stored in the same
 * transaction as the write it reports, so a retry either replays it or, when the first
 * attempt failed, runs again. The same key with a different body is a 422.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly db: Db,
    private readonly records: IdempotencyRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const raw = request.headers['idempotency-key'];
    if (request.method !== 'POST' || raw === undefined || !request.principal) return next.handle();
    if (typeof raw !== 'string' || !KEY.test(raw)) {
      throw Problem.field('Idempotency-Key', 'must be 1 to 255 printable ASCII characters');
    }
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const principal = request.principal.id;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${canonical(request.body)}`)
      .digest('hex');
    return from(
      this.db.transaction(async () => {
        await this.records.lockKey(principal, raw);
        const previous = await this.records.find(principal, raw);
        if (previous) {
          if (previous.request_hash.trim() !== requestHash) {
            throw Problem.unprocessable('IDEMPOTENCY_KEY.REUSED', 'This Idempotency-Key was used with a different request.', [
              { field: 'Idempotency-Key', message: 'was already used with a different request body or path' },
            ]);
          }
          reply.status(previous.status_code).header('idempotent-replayed', 'true');
          return previous.response;
        }
        const response = await lastValueFrom(next.handle(), { defaultValue: undefined });
        await this.records.insert({ principal, key: raw, requestHash, statusCode: reply.statusCode, response });
        return response;
      }),
    );
  }
}
