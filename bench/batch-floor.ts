/**
 * The batch's floor over HTTP: what answering a 10,000-recipient batch costs with nothing but the
 * transport around the raw statement. Bare Fastify parses the request, one `= any($1)` statement
 * on the yardstick's table reads the newest covering event of each address (the raw statement of
 * `npm run bench`), and each recipient gets a minimal answer (address, allowed, reason, event).
 * No key, no validation, no rules, no rate limit, no metrics: it is a floor to compare with, not
 * a service. `npm run bench` starts it: DATABASE_URL=... PORT=... ts-node bench/batch-floor.ts
 */
import Fastify from 'fastify';
import { Pool } from 'pg';
import { RAW_BATCH_STATEMENT } from './raw-statement';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const app = Fastify({ bodyLimit: 4 * 1024 * 1024 });
  app.post<{ Body: { recipients: { address: string }[] } }>('/batch', async (request) => {
    const addresses = request.body.recipients.map((r) => r.address);
    const { rows } = await pool.query<{ address: string; id: string; action: string }>(RAW_BATCH_STATEMENT, [addresses]);
    const newest = new Map(rows.map((row) => [row.address, row]));
    return {
      results: addresses.map((address) => {
        const event = newest.get(address);
        return { address, allowed: event?.action === 'opt_in', reason: event?.action ?? 'no_consent', eventId: event?.id ?? null };
      }),
    };
  });
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  console.log(`batch floor ready on ${process.env.PORT}`);
}

void main();
