import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Principal, SCOPES, Scope } from '../auth/scopes';
import { Problem } from '../common/problem';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SystemEvents } from '../ledger/system-events';
import { Transactions } from '../database/transactions';
import { ApiKeyDto, CreatedApiKeyDto } from './api-key.dto';
import { ApiKeyRow, ApiKeysRepository } from './api-keys.repository';

/** Client addresses whose failed lookups are counted (least recently seen forgotten first). */
const FAILURE_ADDRESSES = 10_000;
const FAILURE_WINDOW_MS = 60_000;

/** What a bearer secret turned out to be: a principal, nobody, or not looked up (too many failures from its address). */
export type Authentication = Principal | null | 'limited';

/** ADMIN_API_KEY's principal (frozen: one object serves every request). */
const ADMIN: Principal = Object.freeze({ id: 'admin', name: 'ADMIN_API_KEY', scopes: new Set<Scope>(SCOPES), actor: 'admin' });

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function toDto(row: ApiKeyRow): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    revokedAt: row.revoked_at ? row.revoked_at.toISOString() : null,
  };
}

/**
 * Turns a bearer secret into a Principal. Secrets are random (192 bits), so a plain
 * SHA-256 is a safe stored form and lets the lookup be an index hit. Answers are cached for
 * API_KEY_CACHE_TTL_MS so that the hot path does not pay a query per request; a revocation
 * is immediate on the replica that handled it and takes at most that TTL elsewhere. The cache
 * keeps API_KEY_CACHE_SIZE answers and evicts the least recently used, so a flood of unknown
 * keys cannot push out the keys in use; and past AUTH_FAILURE_LIMIT unknown keys a minute from
 * one client address, that address's keys are no longer looked up at all until the minute ends.
 */
@Injectable()
export class ApiKeysService {
  private readonly cache?: LRUCache<string, { principal: Principal | null }>;
  private readonly failures: LRUCache<string, { window: number; count: number }>;
  private readonly adminHash?: Buffer;

  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly transactions: Transactions,
    private readonly systemEvents: SystemEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    if (config.adminApiKey) this.adminHash = createHash('sha256').update(config.adminApiKey).digest();
    if (config.apiKeyCacheTtlMs > 0) this.cache = new LRUCache({ max: config.apiKeyCacheSize, ttl: config.apiKeyCacheTtlMs });
    this.failures = new LRUCache({ max: FAILURE_ADDRESSES, ttl: FAILURE_WINDOW_MS });
  }

  /** `clientAddress`: where the request came from, whose unknown keys are counted. */
  async authenticate(secret: string, clientAddress: string, now = Date.now()): Promise<Authentication> {
    const digest = createHash('sha256').update(secret).digest();
    if (this.adminHash && timingSafeEqual(digest, this.adminHash)) return ADMIN;
    const hash = digest.toString('hex');
    const cached = this.cache?.get(hash);
    if (cached) return cached.principal;
    const window = now - (now % FAILURE_WINDOW_MS);
    const limit = this.config.authFailureLimit;
    const failed = this.failures.get(clientAddress);
    if (limit > 0 && failed && failed.window === window && failed.count >= limit) return 'limited';
    const row = await this.repository.findActiveBySecretHash(hash);
    const principal: Principal | null = row ? { id: row.id, name: row.name, scopes: new Set(row.scopes as Scope[]), actor: `api_key:${row.id}` } : null;
    this.cache?.set(hash, { principal });
    if (!principal) this.failures.set(clientAddress, { window, count: failed?.window === window ? failed.count + 1 : 1 });
    return principal;
  }

  /** Seconds until an address refused for failures may try again. */
  static retryAfterSeconds(now = Date.now()): number {
    return Math.max(1, Math.ceil((FAILURE_WINDOW_MS - (now % FAILURE_WINDOW_MS)) / 1000));
  }

  async create(name: string, scopes: Scope[], createdBy: Principal): Promise<CreatedApiKeyDto> {
    const secret = `csk_${randomBytes(24).toString('base64url')}`;
    // The key and its ledger record commit together (never the secret or its hash).
    const row = await this.transactions.run(async () => {
      const inserted = await this.repository.insert({
        id: randomUUID(),
        name,
        prefix: secret.slice(0, 12),
        secretHash: sha256(secret),
        scopes: [...scopes].sort(),
        createdBy: createdBy.actor,
      });
      // Named by id only: the prefix is part of the secret.
      await this.systemEvents.record('api_key.created', createdBy.actor, `api_key:${inserted.id}`, { name, scopes: inserted.scopes });
      return inserted;
    });
    return { ...toDto(row), secret };
  }

  async list(): Promise<ApiKeyDto[]> {
    return (await this.repository.listAll()).map(toDto);
  }

  async revoke(id: string, by: Principal): Promise<void> {
    const revoked = await this.transactions.run(async () => {
      const row = await this.repository.revoke(id);
      if (row) await this.systemEvents.record('api_key.revoked', by.actor, `api_key:${id}`, { name: row.name });
      return row;
    });
    if (!revoked) {
      if (await this.repository.exists(id)) return; // already revoked: DELETE is idempotent
      throw Problem.notFound('API_KEY.NOT_FOUND', `No API key has id ${id}.`);
    }
    this.cache?.delete(revoked.secret_hash.trim());
  }
}
