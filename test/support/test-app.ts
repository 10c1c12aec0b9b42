/**
 * A real application (same module, pipes, filter and guard as production) on a database
 * of its own, cloned from the migrated template.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import type { DestinationStream } from 'pino';
import { createApp } from '../../src/app.setup';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { checkExchange } from './contract';
import { adminQuery, TEMPLATE_DB, withDatabase } from './test-database';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface InjectOptions {
  key?: string | null;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** The client's address as the service sees it (default 127.0.0.1). */
  remoteAddress?: string;
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export class TestApp {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly config: AppConfig,
    /** Direct SQL, for assertions about what was (not) written. */
    readonly sql: Client,
    private readonly serverUrl: string,
    /** Null for an app attached to another's database: closing it leaves the database alone. */
    private readonly database: string | null,
  ) {}

  /** A second instance (another replica) on the same database as `other`. */
  static attach(other: TestApp, env: Record<string, string> = {}): Promise<TestApp> {
    return TestApp.on(other.config.databaseUrl!, env, other.serverUrl);
  }

  /** An instance on a database it does not own (migrated at start; closing it leaves it alone). */
  static async on(databaseUrl: string, env: Record<string, string> = {}, serverUrl = databaseUrl): Promise<TestApp> {
    const config = loadConfig({ ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'error', API_KEY_CACHE_TTL_MS: '0', ...env, DATABASE_URL: databaseUrl });
    const app = await createApp(config, { schedule: false, logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const sql = new Client({ connectionString: config.databaseUrl });
    await sql.connect();
    return new TestApp(app, config, sql, serverUrl, null);
  }

  static async start(
    env: Record<string, string> = {},
    options: { databaseUrl?: (url: string) => string; logDestination?: DestinationStream } = {},
  ): Promise<TestApp> {
    const serverUrl = process.env.CONSENT_TEST_SERVER_URL;
    if (!serverUrl) throw new Error('test/support/global-setup.ts did not run');
    const database = `consent_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(serverUrl, `create database ${database} template ${TEMPLATE_DB}`);
    const url = withDatabase(serverUrl, database);
    const config = loadConfig({
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: 'error',
      API_KEY_CACHE_TTL_MS: '0',
      ...env,
      DATABASE_URL: options.databaseUrl ? options.databaseUrl(url) : url,
    });
    const app = await createApp(config, { schedule: false, logger: env.LOG_LEVEL ? undefined : false, logDestination: options.logDestination });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const sql = new Client({ connectionString: url });
    await sql.connect();
    return new TestApp(app, config, sql, serverUrl, database);
  }

  async request(method: string, url: string, body?: unknown, options: InjectOptions = {}): Promise<TestResponse> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const key = options.key === undefined ? ADMIN_KEY : options.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await this.app.inject({ method: method as 'GET', url, payload, headers, query: options.query, remoteAddress: options.remoteAddress });
    // Every exchange of the e2e suites is held to openapi.yaml (test/support/contract.ts).
    const sentUrl = options.query ? `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams(options.query).toString()}` : url;
    await checkExchange({
      method,
      url: sentUrl,
      requestHeaders: headers,
      requestBody: payload,
      status: res.statusCode,
      responseHeaders: res.headers,
      responseBody: res.body,
    });
    let parsed: unknown;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, headers: res.headers as TestResponse['headers'], body: parsed, text: res.body };
  }

  get = (url: string, options?: InjectOptions) => this.request('GET', url, undefined, options);
  post = (url: string, body?: unknown, options?: InjectOptions) => this.request('POST', url, body, options);
  put = (url: string, body?: unknown, options?: InjectOptions) => this.request('PUT', url, body, options);
  delete = (url: string, options?: InjectOptions) => this.request('DELETE', url, undefined, options);

  /** Seals what is queued now (the job the scheduler runs every SEAL_INTERVAL_MS). */
  async seal(): Promise<{ blocks: number; events: number; lagMs: number }> {
    const res = await this.post('/v1/admin/jobs/seal/run');
    if (res.status !== 200) throw new Error(`sealing answered ${res.status}: ${res.text}`);
    return res.body.result as { blocks: number; events: number; lagMs: number };
  }

  /** Runs SQL as a superuser with the ledger's triggers off (session_replication_role), the way an insider would. */
  async asInsider(sql: string, params: unknown[] = []): Promise<void> {
    await this.sql.query('set session_replication_role = replica');
    try {
      await this.sql.query(sql, params);
    } finally {
      await this.sql.query('set session_replication_role = origin');
    }
  }

  async count(table: string): Promise<number> {
    const { rows } = await this.sql.query(`select count(*)::int as n from ${table}`);
    return rows[0].n;
  }

  async close(): Promise<void> {
    await this.sql.end();
    await this.app.close();
    if (this.database) await adminQuery(this.serverUrl, `drop database if exists ${this.database} with (force)`);
  }
}

/** Every table the API writes, so a test can prove a rejected request wrote nothing. */
export async function snapshotCounts(t: TestApp): Promise<Record<string, number>> {
  const tables = [
    'consent_event',
    'campaign',
    'campaign_version',
    'customer',
    'contact_point',
    'api_key',
    'idempotency_record',
    'sender',
    'inbound_message',
    'consent_lifecycle',
    'webhook_endpoint',
    'outbox_event',
    'webhook_delivery',
    'customer_preference',
    'send',
    'system_event',
    'seal_queue',
    'suppression',
    'audit_export',
    'ledger_block',
    'ledger_leaf',
    'consent_import',
    'consent_import_rejection',
  ];
  const out: Record<string, number> = {};
  for (const table of tables) out[table] = await t.count(table);
  return out;
}

export function expectProblem(res: TestResponse, status: number, field?: string): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json'),
  });
  expect(res.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), code: expect.any(String) });
  expect(res.text).not.toMatch(/at \S+ \(|QueryFailedError|node_modules/);
  if (field) expect(res.body.errors?.map((e: { field: string }) => e.field)).toContain(field);
}
