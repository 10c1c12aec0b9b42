import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Principal, SCOPES, Scope } from '../auth/scopes';
import { Problem } from '../common/problem';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SystemEvents } from '../audit/system-events';
import { Db } from '../database/db';
import { ApiKeyDto, CreatedApiKeyDto } from './api-key.dto';
import { ApiKeyRow, ApiKeysRepository } from './api-keys.repository';

const CACHE_LIMIT = 10_000;

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
 * is immediate on the replica that handled it and takes at most that TTL elsewhere.
 */
@Injectable()
export class ApiKeysService {
  private readonly cache = new Map<string, { principal: Principal | null; expires: number }>();
  private readonly adminHash?: Buffer;

  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly db: Db,
    private readonly systemEvents: SystemEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    if (config.adminApiKey) this.adminHash = createHash('sha256').update(config.adminApiKey).digest();
  }

  async authenticate(secret: string): Promise<Principal | null> {
    const digest = createHash('sha256').update(secret).digest();
    if (this.adminHash && timingSafeEqual(digest, this.adminHash)) return ADMIN;
    const hash = digest.toString('hex');
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.expires > now) return cached.principal;
    const row = await this.repository.findActiveBySecretHash(hash);
    const principal: Principal | null = row
      ? { id: row.id, name: row.name, scopes: new Set(row.scopes as Scope[]), actor: `api_key:${row.id}` }
      : null;
    if (this.config.apiKeyCacheTtlMs > 0) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(hash, { principal, expires: now + this.config.apiKeyCacheTtlMs });
    }
    return principal;
  }

  async create(name: string, scopes: Scope[], createdBy: Principal): Promise<CreatedApiKeyDto> {
    const secret = `csk_${randomBytes(24).toString('base64url')}`;
    // The key and its ledger record commit together (never the secret or its hash).
    const row = await this.db.transaction(async () => {
      const inserted = await this.repository.insert({
        name,
        prefix: secret.slice(0, 12),
        secretHash: sha256(secret),
        scopes: [...scopes].sort(),
        createdBy: createdBy.actor,
      });
      await this.systemEvents.record('api_key.created', createdBy.actor, `api_key:${inserted.id}`, { name, prefix: inserted.prefix, scopes: inserted.scopes });
      return inserted;
    });
    return { ...toDto(row), secret };
  }

  async list(): Promise<ApiKeyDto[]> {
    return (await this.repository.listAll()).map(toDto);
  }

  async revoke(id: string, by: Principal): Promise<void> {
    const revoked = await this.db.transaction(async () => {
      const row = await this.repository.revoke(id);
      if (row) await this.systemEvents.record('api_key.revoked', by.actor, `api_key:${id}`, { name: row.name, prefix: row.prefix });
      return row;
    });
    if (!revoked) {
      if (await this.repository.exists(id)) return; // already revoked: DELETE is idempotent
      throw Problem.notFound('API_KEY.NOT_FOUND', `No API key has id ${id}.`);
    }
    this.cache.delete(revoked.secret_hash.trim());
  }
}
