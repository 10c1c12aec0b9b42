import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../auth/scopes';
import { Problem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { SharedWindowStorage } from './shared-window.storage';

/**
 * Rate limiting per API key (@nestjs/throttler over SharedWindowStorage): RATE_LIMIT requests
 * per RATE_LIMIT_WINDOW_MS per key, all routes and replicas together; over it, a 429 problem
 * with Retry-After (seconds to the window's end). Runs after ApiKeyGuard; routes without a key
 * (health, metrics, the signed Twilio webhook) are not limited here. One limit for every route,
 * so the per-route metadata lookups of the stock guard are skipped: this is on every decision.
 */
@Injectable()
export class ApiKeyThrottlerGuard extends ThrottlerGuard {
  private readonly throttler;

  constructor(
    config: AppConfig,
    private readonly storage: SharedWindowStorage,
    reflector: Reflector,
  ) {
    const throttler = { name: 'default', ttl: config.rateLimitWindowMs, limit: config.rateLimit };
    super({ throttlers: [throttler] }, storage, reflector);
    this.throttler = throttler;
  }

  /**
   * The stock guard's handleRequest, without its awaits (the count is in memory): headers on
   * every answer, and past the limit Retry-After and the 429.
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const { limit, ttl } = this.throttler;
    const http = context.switchToHttp();
    const principal = http.getRequest<AuthenticatedRequest>().principal;
    if (limit === 0 || !principal) return true;
    const key = `key:${principal.id}`;
    const r = this.storage.hit(key, ttl, limit, Date.now());
    const reply = http.getResponse<FastifyReply>();
    reply
      .header('X-RateLimit-Limit', limit)
      .header('X-RateLimit-Remaining', Math.max(0, limit - r.totalHits))
      .header('X-RateLimit-Reset', r.timeToExpire);
    if (!r.isBlocked) return true;
    await this.throwThrottlingException(context, { limit, ttl, key, tracker: principal.id, ...r });
    return false;
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    return Promise.reject(
      new Problem(
        429,
        'RATE_LIMITED',
        'Too many requests',
        `This API key made more than ${detail.limit} requests in ${detail.ttl / 1000} s (RATE_LIMIT per RATE_LIMIT_WINDOW_MS, over all replicas). Retry after ${detail.timeToBlockExpire} s.`,
        undefined,
        { 'retry-after': String(detail.timeToBlockExpire) },
      ),
    );
  }
}
