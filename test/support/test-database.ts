import { Client } from 'pg';

export const TEMPLATE_DB = 'consent_test_template';

/** Refuse to touch a database whose name does not say "test" (domain-driven-hexagon's guard). */
export function assertTestDatabaseUrl(url: string): URL {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/test/i.test(name)) {
    throw new Error(`TEST_DATABASE_URL must name a database whose name contains "test" (got "${name}"); tests create and drop databases.`);
  }
  return parsed;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
