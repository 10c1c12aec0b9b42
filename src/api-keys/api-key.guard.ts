import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticatedRequest, hasScope, PUBLIC_KEY, SCOPES_KEY, Scope } from '../auth/scopes';
import { Problem } from '../common/problem';
import { ApiKeysService } from './api-keys.service';

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]{1,512})\s*$/i;

/** Every route needs an API key unless marked @Public(); a route that names no scope needs `admin`. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** Per handler, what its decorators say (read once: metadata lookups are on every request). */
  private readonly routes = new WeakMap<object, { isPublic: boolean; required: Scope[] }>();

  private routeOf(context: ExecutionContext): { isPublic: boolean; required: Scope[] } {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (!route) {
      const targets = [handler, context.getClass()];
      route = {
        isPublic: this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true,
        required: this.reflector.getAllAndOverride<Scope[]>(SCOPES_KEY, targets) ?? ['admin'],
      };
      this.routes.set(handler, route);
    }
    return route;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { isPublic, required } = this.routeOf(context);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) {
      throw new Problem(401, 'UNAUTHENTICATED', 'Unauthenticated', 'Send an API key as "Authorization: Bearer <key>".', undefined, {
        'www-authenticate': 'Bearer',
      });
    }
    const principal = await this.apiKeys.authenticate(match[1], request.ip);
    if (principal === 'limited') {
      const retry = ApiKeysService.retryAfterSeconds();
      throw new Problem(
        429,
        'AUTH_FAILURES_LIMITED',
        'Too many requests',
        `Too many unknown API keys from this address (AUTH_FAILURE_LIMIT a minute); keys not seen recently are not checked until the minute ends. Retry after ${retry} s.`,
        undefined,
        { 'retry-after': String(retry) },
      );
    }
    if (!principal) {
      throw new Problem(401, 'UNAUTHENTICATED', 'Unauthenticated', 'The API key is unknown or revoked.', undefined, {
        'www-authenticate': 'Bearer error="invalid_token"',
      });
    }
    if (!hasScope(principal, required)) {
      throw new Problem(403, 'FORBIDDEN', 'Forbidden', `This API key lacks the scope this operation needs: ${required.join(' or ')}.`);
    }
    request.principal = principal;
    return true;
  }
}
