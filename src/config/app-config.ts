import { isIP } from 'node:net';
import { validateCronExpression } from 'cron';
import { Duration, parseDuration } from '../common/duration';
import { parseInstant } from '../common/validators';

/**
 * Owns the service's configuration: every environment variable it reads, parsed and
 * validated once at boot. A bad value stops the process with a message naming the variable.
 */
export interface AppConfig {
  /** NODE_ENV=production: settings that only protect in production become required. */
  production: boolean;
  port: number;
  host: string;
  /** Unset: start an embedded PostgreSQL under `embeddedPgDir`. */
  databaseUrl?: string;
  embeddedPgDir: string;
  embeddedPgPort: number;
  migrationsRun: boolean;
  adminApiKey?: string;
  dbPoolMax: number;
  dbStatementTimeoutMs: number;
  requestTimeoutMs: number;
  /**
   * From this instant an opt-out from one campaign revokes every marketing campaign of the brand
   * on that channel (FCC 47 CFR 64.1200(a)(10), "revoke all"); opt-outs before it keep their scope.
   */
  revokeAllFrom: Date;
  bodyLimitBytes: number;
  apiKeyCacheTtlMs: number;
  /** Most API key lookups cached (least recently used evicted first). */
  apiKeyCacheSize: number;
  /** Unknown API keys looked up per client address per minute; past it, 429 without a lookup (0: no limit). */
  authFailureLimit: number;
  /** Proxies whose X-Forwarded-For gives the client address (addresses, CIDR ranges, or a hop count); false: none. */
  trustProxy: false | number | string[];
  idempotencyRetentionHours: number;
  defaultPhoneRegion?: string;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** Named in keyword replies ("... no more messages from ACME"). */
  brandName: string;
  /** How long a customer's message keeps a service window open (docs/domain.md §5). */
  serviceWindow: Duration;
  serviceWindowText: string;
  /** How long marketing waits for the answer to a clarification (CLARIFY_HOLD, default P1D). */
  clarifyHold: Duration;
  /** Unset: the Twilio webhook answers 503 (it cannot check signatures). */
  twilioAuthToken?: string;
  /** The public origin Twilio calls (https://consent.example.com): signatures cover the URL. */
  publicBaseUrl?: string;
  /** When the lifecycle sweep (re-confirmation requests, lapses, expiries) runs. */
  reconfirmationCron: string;
  /** Rows per sweep statement: bounded batches, each atomic. */
  lifecycleBatchSize: number;
  /** How often the webhook worker looks for deliveries due. */
  webhookPollMs: number;
  webhookTimeoutMs: number;
  /** First retry after this; each failure doubles it, up to 5 minutes. */
  webhookRetryBaseMs: number;
  /** A delivery failing for longer than this is given up (status failed). */
  webhookGiveUpAfter: Duration;
  /** Receivers allowed although private, loopback or link-local: host names, addresses, CIDR ranges. */
  webhookAllowHosts: string[];
  /** How often the sealer looks for events to seal into the audit ledger. */
  sealIntervalMs: number;
  /** Most events in one sealed block. */
  sealBatchSize: number;
  /**
   * Key of the keyed hashes that stand for erased customers' ids and addresses. Unset (not
   * allowed in production): one is generated once and kept in the database (service_secret),
   * where a database backup holds it beside the hashes it protects.
   */
  pseudonymKey?: string;
  /** Largest import file (POST /v1/imports) in bytes. */
  importMaxBytes: number;
  /** Longest an import upload may take, start to end: a client trickling bytes cannot hold a socket for ever. */
  importTimeout: Duration;
  importTimeoutText: string;
  /** Imports one API key may run at once; more is a 429. */
  importConcurrency: number;
  /** Requests per API key per window, over all replicas (0: no limit). */
  rateLimit: number;
  rateLimitWindowMs: number;
  /** How often replicas add up their counts in PostgreSQL (a limit can be overshot by what arrives meanwhile). */
  rateLimitSyncMs: number;
  /** Log addresses, query strings and URLs with ids; off by default (personal data). */
  logPii: boolean;
  /** One log line per request (access log); off by default: /metrics counts requests. */
  logRequests: boolean;
  /**
   * Secrets of the signed links (preference centre, one-click unsubscribe): the first one
   * makes new links, every one is accepted, so that a key can be rotated without breaking the
   * links in mail already sent. Empty (not for production): one is generated and kept in the database.
   */
  linkKeys: string[];
  /** Added to List-Unsubscribe as a mailto: beside the HTTPS link (the brand's mail system handles it). */
  unsubscribeMailto?: string;
  /** On every page: a data: image, or a URL of this service's own origin (pages load nothing from elsewhere). */
  brandLogoUrl?: string;
  /** `#rrggbb`, on every page (text on it is black or white, whichever reads better). */
  brandColor?: string;
}

function duration(env: Env, name: string, fallback: string): { value: Duration; text: string } {
  const text = env[name] === undefined || env[name] === '' ? fallback : env[name].trim();
  const value = parseDuration(text);
  if (!value) throw new ConfigError(name, `must be an ISO 8601 duration such as PT24H, got "${text}"`);
  return { value, text };
}

/** The variable as a URL, undefined when unset; `problem` names what it must be. */
function url(env: Env, name: string, problem: string): { raw: string; url: URL } | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    return { raw, url: new URL(raw) };
  } catch {
    throw new ConfigError(name, problem);
  }
}

function publicBaseUrl(env: Env, name: string): string | undefined {
  const parsed = url(env, name, `must be an http(s) URL such as https://consent.example.com, got "${env[name]}"`);
  if (!parsed) return undefined;
  const { raw, url: u } = parsed;
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.search || u.hash || u.username) {
    throw new ConfigError(name, `must be an http(s) URL with no query, fragment or credentials, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function linkKeys(env: Env, name: string): string[] {
  const keys = list(env, name);
  for (const key of keys) {
    if (key.length < 32) throw new ConfigError(name, 'must be a comma-separated list of secrets of 32+ characters each (for example: openssl rand -hex 32)');
  }
  return keys;
}

const DATA_IMAGE = /^data:image\/(?:png|gif|jpeg|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/;

/** BRAND_LOGO_URL: the pages' policy loads images from their own origin or inline only. */
/** An ISO 8601 date (midnight UTC) or instant, on a day that exists (Date would roll 30 February into March). */
function instantOrDate(env: Env, name: string, fallback: string): Date {
  const raw = (env[name] ?? '').trim() || fallback;
  const at = parseInstant(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw);
  const [y, m, d] = raw.slice(0, 10).split('-').map(Number);
  if (!at || new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d)
    throw new ConfigError(name, `must be an ISO 8601 date or instant such as 2027-01-31, got "${raw}"`);
  return at;
}

function brandLogoUrl(env: Env, name: string, base: string | undefined): string | undefined {
  const raw = (env[name] ?? '').trim();
  if (raw === '') return undefined;
  if (DATA_IMAGE.test(raw) || /^\/(?!\/)[^\s"'<>]*$/.test(raw)) return raw;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url && base && url.origin === new URL(base).origin) return raw;
  throw new ConfigError(
    name,
    `must be a path on this service (/logo.svg), a URL of PUBLIC_BASE_URL's origin, or a data:image/...;base64 URL: pages load nothing from another origin, got "${raw}"`,
  );
}

function hexColor(env: Env, name: string): string | undefined {
  const raw = (env[name] ?? '').trim();
  if (raw === '') return undefined;
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(raw);
  if (!m) throw new ConfigError(name, `must be a hex colour such as #0055aa, got "${raw}"`);
  const hex = m[1].toLowerCase();
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
}

function emailAddress(env: Env, name: string): string | undefined {
  const raw = (env[name] ?? '').trim();
  if (raw === '') return undefined;
  if (!/^[^@\s<>,;:]+@[^@\s<>,;:]+\.[^@\s<>,;:]+$/.test(raw)) throw new ConfigError(name, `must be an email address, got "${raw}"`);
  return raw;
}

function cron(env: Env, name: string, fallback: string): string {
  const text = env[name] === undefined || env[name] === '' ? fallback : env[name].trim();
  if (!validateCronExpression(text).valid) throw new ConfigError(name, `must be a cron expression such as "* * * * *", got "${text}"`);
  return text;
}

/** TRUST_PROXY: a hop count, or addresses and CIDR ranges of the proxies in front. */
function trustProxy(env: Env, name: string): false | number | string[] {
  const raw = (env[name] ?? '').trim();
  if (raw === '' || raw === 'false') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  const entries = list(env, name);
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    if (!family || extra !== undefined || (prefix !== undefined && (!/^\d+$/.test(prefix) || Number(prefix) > bits))) {
      throw new ConfigError(name, `must be a hop count or a comma-separated list of IP addresses and CIDR ranges of your proxies, got "${entry}"`);
    }
  }
  return entries;
}

function list(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function databaseUrl(env: Env, name: string): string | undefined {
  const parsed = url(env, name, 'must be a postgres:// URL');
  if (parsed && parsed.url.protocol !== 'postgres:' && parsed.url.protocol !== 'postgresql:') {
    throw new ConfigError(name, 'must be a postgres:// URL');
  }
  return parsed?.raw;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const adminApiKey = env.ADMIN_API_KEY === '' ? undefined : env.ADMIN_API_KEY;
  if (adminApiKey !== undefined && adminApiKey.length < 24) {
    throw new ConfigError('ADMIN_API_KEY', 'must be at least 24 characters long');
  }
  const region = env.DEFAULT_PHONE_REGION === '' ? undefined : env.DEFAULT_PHONE_REGION;
  if (region !== undefined && !/^[A-Z]{2}$/.test(region)) {
    throw new ConfigError('DEFAULT_PHONE_REGION', `must be an ISO 3166 alpha-2 code such as US, got "${region}"`);
  }
  const twilioAuthToken = env.TWILIO_AUTH_TOKEN === '' ? undefined : env.TWILIO_AUTH_TOKEN;
  const base = publicBaseUrl(env, 'PUBLIC_BASE_URL');
  if (twilioAuthToken !== undefined && base === undefined) {
    throw new ConfigError('PUBLIC_BASE_URL', 'must be set when TWILIO_AUTH_TOKEN is: Twilio signs the public URL it calls');
  }
  const brandName = (env.BRAND_NAME ?? '').trim() || 'us';
  if (brandName.length > 64) throw new ConfigError('BRAND_NAME', 'must be at most 64 characters');
  const window = duration(env, 'SERVICE_WINDOW', 'PT24H');
  const importTimeout = duration(env, 'IMPORT_TIMEOUT', 'PT1H');
  const production = env.NODE_ENV === 'production';
  const pseudonymKey = env.PSEUDONYM_KEY === '' ? undefined : env.PSEUDONYM_KEY;
  if (pseudonymKey !== undefined && pseudonymKey.length < 32)
    throw new ConfigError('PSEUDONYM_KEY', 'must be at least 32 characters (for example: openssl rand -hex 32)');
  if (pseudonymKey === undefined && production) {
    // With the key in the database, anyone holding a backup can hash every candidate number
    // and recover the erased ones.
    throw new ConfigError(
      'PSEUDONYM_KEY',
      'must be set when NODE_ENV=production (32+ characters, for example: openssl rand -hex 32), and kept apart from database backups',
    );
  }
  return {
    production,
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl: databaseUrl(env, 'DATABASE_URL'),
    embeddedPgDir: env.EMBEDDED_PG_DIR || './.data/pg',
    embeddedPgPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
    migrationsRun: boolean(env, 'MIGRATIONS_RUN', true),
    adminApiKey,
    dbPoolMax: integer(env, 'DB_POOL_MAX', 10, 1, 500),
    dbStatementTimeoutMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 5000, 100, 600_000),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 2000, 50, 120_000),
    revokeAllFrom: instantOrDate(env, 'REVOKE_ALL_FROM', '2027-01-31'),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 4 * 1024 * 1024, 1024, 64 * 1024 * 1024),
    apiKeyCacheTtlMs: integer(env, 'API_KEY_CACHE_TTL_MS', 5000, 0, 300_000),
    apiKeyCacheSize: integer(env, 'API_KEY_CACHE_SIZE', 10_000, 1, 10_000_000),
    authFailureLimit: integer(env, 'AUTH_FAILURE_LIMIT', 100, 0, 1_000_000_000),
    trustProxy: trustProxy(env, 'TRUST_PROXY'),
    idempotencyRetentionHours: integer(env, 'IDEMPOTENCY_RETENTION_HOURS', 48, 24, 24 * 365),
    defaultPhoneRegion: region,
    logLevel: oneOf(env, 'LOG_LEVEL', 'log', ['error', 'warn', 'log', 'debug', 'verbose'] as const),
    brandName,
    serviceWindow: window.value,
    serviceWindowText: window.text,
    clarifyHold: duration(env, 'CLARIFY_HOLD', 'P1D').value,
    twilioAuthToken,
    publicBaseUrl: base,
    reconfirmationCron: cron(env, 'RECONFIRMATION_CRON', '* * * * *'),
    lifecycleBatchSize: integer(env, 'LIFECYCLE_BATCH_SIZE', 1000, 1, 100_000),
    webhookPollMs: integer(env, 'WEBHOOK_POLL_MS', 1000, 50, 3_600_000),
    webhookTimeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 5000, 100, 60_000),
    webhookRetryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 1000, 10, 300_000),
    webhookGiveUpAfter: duration(env, 'WEBHOOK_GIVE_UP_AFTER', 'P3D').value,
    webhookAllowHosts: list(env, 'WEBHOOK_ALLOW_HOSTS'),
    sealIntervalMs: integer(env, 'SEAL_INTERVAL_MS', 500, 10, 60_000),
    sealBatchSize: integer(env, 'SEAL_BATCH_SIZE', 5000, 1, 50_000),
    pseudonymKey,
    importMaxBytes: integer(env, 'IMPORT_MAX_BYTES', 2 * 1024 ** 3, 1024, 64 * 1024 ** 3),
    importTimeout: importTimeout.value,
    importTimeoutText: importTimeout.text,
    importConcurrency: integer(env, 'IMPORT_CONCURRENCY', 2, 1, 100),
    // 1,000 requests a second per key, sustained over a minute: above a busy sending service's
    // decisions (bulk sends go through the batch endpoint, one request per 10,000), far below
    // what lets one runaway client starve the others. See the README for sizing.
    rateLimit: integer(env, 'RATE_LIMIT', 60_000, 0, 1_000_000_000),
    rateLimitWindowMs: integer(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1000, 3_600_000),
    rateLimitSyncMs: integer(env, 'RATE_LIMIT_SYNC_MS', 200, 10, 60_000),
    logPii: boolean(env, 'LOG_PII', false),
    logRequests: boolean(env, 'LOG_REQUESTS', false),
    linkKeys: linkKeys(env, 'LINK_KEYS'),
    unsubscribeMailto: emailAddress(env, 'UNSUBSCRIBE_MAILTO'),
    brandLogoUrl: brandLogoUrl(env, 'BRAND_LOGO_URL', base),
    brandColor: hexColor(env, 'BRAND_COLOR'),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
