import { checkedFetch, ContractViolation } from './support/contract';
import { freePort } from './support/free-port';
import { startService } from './support/service-process';
import { ADMIN_KEY, TestApp } from './support/test-app';

/** kill -9 in the middle of a stream of writes: every write that got a 2xx is there after a restart. */
describe('process killed during writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
    await t.put('/v1/campaigns/promo', { name: 'p', purpose: 'marketing', channels: ['sms'] });
  });
  afterAll(() => t.close());

  it('loses no acknowledged write and leaves no half-written one', async () => {
    const port = await freePort();
    let child = await startService(t.config.databaseUrl!, port);
    const base = `http://127.0.0.1:${port}`;
    const acknowledged: string[] = [];
    let stop = false;
    let n = 0;
    const writer = async () => {
      while (!stop) {
        const address = `+1415${String(2_000_000 + n++)}`;
        // The process dying mid-request is the point; an answer that breaks the contract is not.
        const res = await checkedFetch(`${base}/v1/consents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}`, 'idempotency-key': `kill-${address}` },
          body: JSON.stringify({ address, channel: 'sms', campaignId: 'promo', action: 'opt_out', source: 'api' }),
        }).catch((error: unknown) => {
          if (error instanceof ContractViolation) throw error;
          return null;
        });
        if (res?.status === 201) acknowledged.push(address);
      }
    };
    const writers = Array.from({ length: 8 }, writer);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    stop = true;
    await Promise.all(writers);
    expect(acknowledged.length).toBeGreaterThan(20);

    child = await startService(t.config.databaseUrl!, port);
    try {
      const { rows } = await t.sql.query(`select address from consent_event where address = any($1::text[]) and action = 'opt_out' and campaign_id = 'promo'`, [
        acknowledged,
      ]);
      expect(new Set(rows.map((r) => r.address)).size).toBe(acknowledged.length);
      // Each write is one transaction: an event exists exactly when its idempotency record does.
      const { rows: orphans } = await t.sql.query(
        `select count(*)::int as n from consent_event e
          where e.address like '+14152%' and not exists (select 1 from idempotency_record r where r.key = 'kill-' || e.address)`,
      );
      expect(orphans[0].n).toBe(0);
      const { rows: lost } = await t.sql.query(
        `select count(*)::int as n from idempotency_record r
          where r.key like 'kill-%' and not exists (select 1 from consent_event e where 'kill-' || e.address = r.key)`,
      );
      expect(lost[0].n).toBe(0);
      // And the restarted service answers from them.
      const decision = await checkedFetch(`${base}/v1/decisions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ address: acknowledged[acknowledged.length - 1], channel: 'sms', campaignId: 'promo' }),
      });
      expect(await decision.json()).toMatchObject({ allowed: false, reason: 'opted_out' });
      // The sealer (killed mid-stream too) catches up, and the ledger verifies: no half-sealed block.
      const auth = { headers: { authorization: `Bearer ${ADMIN_KEY}` } };
      for (let i = 0; i < 100 && ((await (await checkedFetch(`${base}/v1/audit/head`, auth)).json()) as { pending: number }).pending > 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      const verified = (await (await checkedFetch(`${base}/v1/audit/verify`, auth)).json()) as { ok: boolean; events: number };
      expect(verified).toMatchObject({ ok: true });
      expect(verified.events).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);

  it('SIGTERM: in-flight requests finish, then the process exits cleanly', async () => {
    const port = await freePort();
    // Many due consents, so that a sweep is still running when the signal comes.
    await t.put('/v1/campaigns/r', { name: 'r', purpose: 'marketing', channels: ['sms'], reconfirmEvery: 'P30D', reconfirmGrace: 'P30D' });
    await t.sql.query(
      `insert into consent_event (channel, channel_group, address, campaign_id, action, source, occurred_at, recorded_by)
       select 'sms', 'sms', '+1415' || (3000000 + i)::text, 'r', 'opt_in', 'import', now() - interval '40 days', 'test' from generate_series(1, 20000) i`,
    );
    const child = await startService(t.config.databaseUrl!, port, { LIFECYCLE_BATCH_SIZE: '200' });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const sweep = checkedFetch(`http://127.0.0.1:${port}/v1/admin/jobs/reconfirmation/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const res = await sweep;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: { requested: number } }).result.requested).toBe(20000);
    expect(await exited).toBe(0);
    // New connections are refused once it has stopped.
    expect(
      await fetch(`http://127.0.0.1:${port}/health/live`).then(
        () => 'answered',
        () => 'refused',
      ),
    ).toBe('refused');
  }, 120_000);
});
