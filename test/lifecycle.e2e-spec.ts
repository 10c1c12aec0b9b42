import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { freePort } from './support/free-port';
import { expectProblem, snapshotCounts, TestApp } from './support/test-app';

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const SENDER = '+14155550777';

describe('consent that renews or lapses', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1', WEBHOOK_RETRY_BASE_MS: '50' });
    for (const [id, policy] of [
      ['recurring', { reconfirmEvery: 'P180D', reconfirmGrace: 'P14D' }],
      ['doi', { doubleOptIn: true }],
      ['casl', { consentTtl: 'P2Y' }],
      ['plain', {}],
    ] as const) {
      expect((await t.put(`/v1/campaigns/${id}`, { name: id, purpose: 'marketing', channels: ['sms'], ...policy })).status).toBe(201);
    }
    expect((await t.put(`/v1/senders/${SENDER}`, { campaignIds: ['recurring', 'doi'] })).status).toBe(201);
  });
  afterAll(() => t.close());

  let seq = 0;
  const fresh = () => `+1415555${String(3000 + ++seq).padStart(4, '0')}`;
  const record = async (body: Record<string, unknown>) => {
    const res = await t.post('/v1/consents', { channel: 'sms', source: 'api', action: 'opt_in', ...body });
    expect(res.status).toBe(201);
    return res.body.event as { id: string; action: string; occurredAt: string; recordedAt: string; evidence: Record<string, unknown> };
  };
  const decide = async (address: string, campaignId: string, at?: string) => {
    const res = await t.post('/v1/decisions', { address, channel: 'sms', campaignId, ...(at ? { at } : {}) });
    expect(res.status).toBe(200);
    return res.body;
  };
  const sweep = async (app = t) => {
    const res = await app.post('/v1/admin/jobs/reconfirmation/run');
    expect(res.status).toBe(200);
    return res.body.result as { requested: number; lapsed: number; expired: number; confirmationsExpired: number };
  };
  const eventsOf = async (address: string) =>
    (await t.sql.query(`select action, campaign_id, occurred_at, evidence, source, recorded_by from consent_event where address = $1 order by id`, [address]))
      .rows;

  describe('campaign policy', () => {
    it('is part of the campaign', async () => {
      const res = await t.get('/v1/campaigns/recurring');
      expect(res.body).toMatchObject({ reconfirmEvery: 'P180D', reconfirmGrace: 'P14D', doubleOptIn: false, consentTtl: null });
    });

    it.each([
      [{ reconfirmEvery: 'P1X' }, 'reconfirmEvery'],
      [{ reconfirmEvery: '180 days' }, 'reconfirmEvery'],
      [{ reconfirmEvery: 'P0D' }, 'reconfirmEvery'],
      [{ reconfirmEvery: 'P180D', reconfirmGrace: 'soon' }, 'reconfirmGrace'],
      [{ reconfirmGrace: 'P14D' }, 'reconfirmGrace'],
      [{ consentTtl: 'P2' }, 'consentTtl'],
      [{ doubleOptIn: 'yes' }, 'doubleOptIn'],
    ])('rejects %j naming the field, writing nothing', async (policy, field) => {
      const before = await snapshotCounts(t);
      expectProblem(await t.put('/v1/campaigns/bad', { name: 'bad', purpose: 'marketing', channels: ['sms'], ...policy }), 400, field);
      expect(await snapshotCounts(t)).toEqual(before);
    });
  });

  describe('re-confirmation', () => {
    it('falls due, is requested once, still allows in grace, then lapses; the decision does not wait for the sweep', async () => {
      const notDue = fresh();
      const due = fresh();
      const lapsed = fresh();
      await record({ address: notDue, campaignId: 'recurring', occurredAt: ago(170 * DAY) });
      const dueOptIn = await record({ address: due, campaignId: 'recurring', occurredAt: ago(185 * DAY) });
      await record({ address: lapsed, campaignId: 'recurring', occurredAt: ago(200 * DAY) });

      // Before any sweep: due is still allowed (grace), lapsed is already denied.
      expect(await decide(notDue, 'recurring')).toMatchObject({ allowed: true, reason: 'opted_in' });
      expect(await decide(due, 'recurring')).toMatchObject({ allowed: true, reason: 'opted_in' });
      expect(await decide(lapsed, 'recurring')).toMatchObject({ allowed: false, outcome: 'deny', reason: 'consent_lapsed' });

      const first = await sweep();
      expect(first.requested).toBeGreaterThanOrEqual(1);
      expect(first.lapsed).toBeGreaterThanOrEqual(1);
      expect((await sweep()).requested).toBe(0);

      const dueEvents = await eventsOf(due);
      expect(dueEvents.map((e) => e.action)).toEqual(['opt_in', 'reconfirmation_requested']);
      expect(dueEvents[1]).toMatchObject({ source: 'system', recorded_by: 'job:lifecycle', campaign_id: 'recurring' });
      expect(dueEvents[1].evidence).toMatchObject({ basisEventId: dueOptIn.id });
      expect(Date.parse(dueEvents[1].evidence.dueAt)).toBe(Date.parse(dueOptIn.occurredAt) + 180 * DAY);
      expect(Date.parse(dueEvents[1].evidence.lapsesAt)).toBe(Date.parse(dueOptIn.occurredAt) + 194 * DAY);
      expect(await decide(due, 'recurring')).toMatchObject({ allowed: true });

      const lapsedEvents = await eventsOf(lapsed);
      expect(lapsedEvents.map((e) => e.action)).toEqual(['opt_in', 'lapsed']);
      expect(lapsedEvents[1].occurred_at.getTime()).toBe(lapsedEvents[0].occurred_at.getTime() + 194 * DAY);
      expect(await decide(lapsed, 'recurring')).toMatchObject({ allowed: false, reason: 'consent_lapsed', basis: { action: 'lapsed' } });
      expect(await eventsOf(notDue)).toHaveLength(1);
    });

    it('a confirmation renews: allowed again, the next due date moves, nothing more is requested', async () => {
      const phone = fresh();
      await record({ address: phone, campaignId: 'recurring', occurredAt: ago(186 * DAY) });
      await sweep();
      const renewed = await record({ address: phone, campaignId: 'recurring', action: 'confirm' });
      expect(renewed.action).toBe('renewed');
      expect(await decide(phone, 'recurring')).toMatchObject({ allowed: true, reason: 'opted_in', basis: { eventId: renewed.id, action: 'renewed' } });
      expect((await sweep()).requested).toBe(0);
      expect((await eventsOf(phone)).map((e) => e.action)).toEqual(['opt_in', 'reconfirmation_requested', 'renewed']);
    });

    it('an inbound YES from the contact point renews too', async () => {
      const phone = fresh();
      await record({ address: phone, campaignId: 'recurring', occurredAt: ago(190 * DAY) });
      const res = await t.post('/v1/inbound/messages', { channel: 'sms', from: phone, to: SENDER, body: 'YES', messageId: `yes-${phone}` });
      expect(res.body.effects.find((e: { campaignId: string }) => e.campaignId === 'recurring')).toMatchObject({ action: 'renewed' });
      expect((await sweep()).requested).toBe(0);
      expect(await decide(phone, 'recurring')).toMatchObject({ allowed: true });
    });

    it('a lapsed consent cannot be confirmed: it needs a new opt-in', async () => {
      const phone = fresh();
      await record({ address: phone, campaignId: 'recurring', occurredAt: ago(300 * DAY) });
      const res = await t.post('/v1/consents', { address: phone, channel: 'sms', campaignId: 'recurring', action: 'confirm', source: 'api' });
      expectProblem(res, 422, 'action');
      expect(res.body.code).toBe('CONSENT.NOTHING_TO_CONFIRM');
    });

    it('is not requested from someone who opted out of the whole channel since', async () => {
      const phone = fresh();
      await record({ address: phone, campaignId: 'recurring', occurredAt: ago(185 * DAY) });
      await record({ address: phone, action: 'opt_out', occurredAt: ago(DAY) });
      await sweep();
      expect((await eventsOf(phone)).map((e) => e.action)).toEqual(['opt_in', 'opt_out']);
      expect(await decide(phone, 'recurring')).toMatchObject({ reason: 'opted_out' });
    });

    it('replays exactly with at, including the policy in force then', async () => {
      await t.put('/v1/campaigns/versioned', { name: 'v', purpose: 'marketing', channels: ['sms'], reconfirmEvery: 'P1D' });
      const phone = fresh();
      const optIn = await record({ address: phone, campaignId: 'versioned', occurredAt: ago(DAY - 1500) });
      expect(await decide(phone, 'versioned')).toMatchObject({ allowed: true });
      const before = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 1600));
      // Lapsed by time alone: no sweep ran.
      expect(await decide(phone, 'versioned')).toMatchObject({ allowed: false, reason: 'consent_lapsed' });
      expect(await decide(phone, 'versioned', before)).toMatchObject({ allowed: true, basis: { eventId: optIn.id } });
      // The policy changes: now allowed, but the past keeps the policy it had.
      await t.put('/v1/campaigns/versioned', { name: 'v', purpose: 'marketing', channels: ['sms'] });
      const afterChange = await decide(phone, 'versioned');
      expect(afterChange).toMatchObject({ allowed: true });
      const lapsedAt = new Date(Date.parse(optIn.occurredAt) + DAY + 100).toISOString();
      expect(await decide(phone, 'versioned', lapsedAt)).toMatchObject({ allowed: false, reason: 'consent_lapsed' });
    });
  });

  describe('double opt-in', () => {
    it('keeps web form opt-ins pending until confirmed', async () => {
      const phone = fresh();
      const pending = await record({ address: phone, campaignId: 'doi', source: 'web_form' });
      expect(pending.action).toBe('pending_confirmation');
      expect(await decide(phone, 'doi')).toMatchObject({ allowed: false, outcome: 'deny', reason: 'confirmation_pending' });
      const confirmed = await record({ address: phone, campaignId: 'doi', action: 'confirm' });
      expect(confirmed).toMatchObject({ action: 'opt_in', evidence: { confirms: pending.id } });
      expect(await decide(phone, 'doi')).toMatchObject({ allowed: true, reason: 'opted_in' });
    });

    it('applies to web forms and imports, not to other sources', async () => {
      expect((await record({ address: fresh(), campaignId: 'doi', source: 'import' })).action).toBe('pending_confirmation');
      expect((await record({ address: fresh(), campaignId: 'doi', source: 'verbal' })).action).toBe('opt_in');
      expect((await record({ address: fresh(), campaignId: 'plain', source: 'web_form' })).action).toBe('opt_in');
    });

    it('is confirmed by an inbound YES', async () => {
      const phone = fresh();
      await record({ address: phone, campaignId: 'doi', source: 'web_form' });
      const res = await t.post('/v1/inbound/messages', { channel: 'sms', from: phone, to: SENDER, body: 'yes', messageId: `doi-${phone}` });
      expect(res.body.effects.find((e: { campaignId: string }) => e.campaignId === 'doi')).toMatchObject({ action: 'opt_in' });
      expect(await decide(phone, 'doi')).toMatchObject({ allowed: true });
    });

    it('expires when unconfirmed for 30 days, in decisions at once and in the ledger at the next sweep', async () => {
      const phone = fresh();
      const pending = await record({ address: phone, campaignId: 'doi', source: 'web_form', occurredAt: ago(31 * DAY) });
      expect(await decide(phone, 'doi')).toMatchObject({ allowed: false, reason: 'confirmation_expired' });
      expect((await sweep()).confirmationsExpired).toBeGreaterThanOrEqual(1);
      const events = await eventsOf(phone);
      expect(events.map((e) => e.action)).toEqual(['pending_confirmation', 'confirmation_expired']);
      expect(events[1].occurred_at.getTime()).toBe(Date.parse(pending.occurredAt) + 30 * DAY);
      expectProblem(await t.post('/v1/consents', { address: phone, channel: 'sms', campaignId: 'doi', action: 'confirm', source: 'api' }), 422);
    });

    it('confirm needs a campaign', async () => {
      expectProblem(await t.post('/v1/consents', { address: fresh(), channel: 'sms', action: 'confirm', source: 'api' }), 400, 'campaignId');
    });
  });

  describe('consent TTL', () => {
    it('expires opt-ins that long after they were given', async () => {
      const old = fresh();
      const recent = fresh();
      await record({ address: old, campaignId: 'casl', occurredAt: ago(2 * 366 * DAY) });
      await record({ address: recent, campaignId: 'casl', occurredAt: ago(365 * DAY) });
      expect(await decide(old, 'casl')).toMatchObject({ allowed: false, reason: 'consent_expired' });
      expect(await decide(recent, 'casl')).toMatchObject({ allowed: true });
      expect((await sweep()).expired).toBeGreaterThanOrEqual(1);
      expect((await eventsOf(old)).map((e) => e.action)).toEqual(['opt_in', 'expired']);
      expect((await eventsOf(recent)).map((e) => e.action)).toEqual(['opt_in']);
    });
  });

  describe('replicas', () => {
    it('two instances sweeping at once request each due consent exactly once', async () => {
      const a = await TestApp.start({ LIFECYCLE_BATCH_SIZE: '25' });
      const b = await TestApp.attach(a, { LIFECYCLE_BATCH_SIZE: '25' });
      try {
        await a.put('/v1/campaigns/r', { name: 'r', purpose: 'marketing', channels: ['sms'], reconfirmEvery: 'P30D', reconfirmGrace: 'P30D' });
        await a.sql.query(
          `insert into consent_event (channel, channel_group, address, campaign_id, action, source, occurred_at, recorded_by)
           select 'sms', 'sms', '+1415' || (2000000 + i)::text, 'r', 'opt_in', 'import', now() - interval '40 days', 'test'
             from generate_series(1, 600) i`,
        );
        const [ra, rb] = await Promise.all([sweep(a), sweep(b)]);
        expect(ra.requested + rb.requested).toBe(600);
        const { rows } = await a.sql.query(
          `select count(*)::int as n, count(distinct address)::int as addresses from consent_event where action = 'reconfirmation_requested'`,
        );
        expect(rows[0]).toEqual({ n: 600, addresses: 600 });
        expect((await sweep(b)).requested).toBe(0);
      } finally {
        await b.close();
        await a.close();
      }
    });
  });

  describe('admin jobs', () => {
    it('names the jobs it has', async () => {
      const res = await t.post('/v1/admin/jobs/nope/run');
      expectProblem(res, 404);
      expect(res.body.detail).toContain('reconfirmation, webhooks');
      expect((await t.post('/v1/admin/jobs/idempotency-retention/run')).body).toEqual({ job: 'idempotency-retention', result: { removed: 0 } });
      // No body, even with a JSON content type, as curl -H 'content-type: application/json' sends it.
      const empty = await t.request('POST', '/v1/admin/jobs/idempotency-retention/run', '', { headers: { 'content-type': 'application/json' } });
      expect(empty.status).toBe(200);
    });
  });
});

/** Standard Webhooks verification, written from the specification (not with the service's code). */
function verify(secret: string, headers: IncomingMessage['headers'], body: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.${body}`)
    .digest('base64');
  return String(headers['webhook-signature'])
    .split(' ')
    .some((s) => s === `v1,${expected}`);
}

describe('outbound events (webhooks)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_TIMEOUT_MS: '1000' });
    await t.put('/v1/campaigns/recurring', { name: 'r', purpose: 'marketing', channels: ['sms'], reconfirmEvery: 'P10D', reconfirmGrace: 'P5D' });
  });
  afterAll(() => t.close());

  interface Received {
    headers: IncomingMessage['headers'];
    body: string;
  }
  const receiver = async (port: number, status = 200) => {
    const received: Received[] = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(status, status >= 300 && status < 400 ? { location: 'http://127.0.0.1:1/elsewhere' } : {}).end();
      });
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    return { received, close: () => new Promise<void>((r) => server.close(() => r())) };
  };
  const register = async (port: number, events = ['consent.changed', 'consent.reconfirmation_requested', 'consent.lapsed']) => {
    const res = await t.post('/v1/webhook-endpoints', { url: `http://127.0.0.1:${port}/hooks`, events });
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_/);
    return res.body as { id: string; secret: string };
  };
  const deliver = async () => (await t.post('/v1/admin/jobs/webhooks/run')).body.result as { attempted: number; delivered: number; retrying: number };
  const optOut = (address: string) => t.post('/v1/consents', { address, channel: 'sms', action: 'opt_out', source: 'api' });

  it('delivers every change, signed, with the event as recorded', async () => {
    const port = await freePort();
    const r = await receiver(port);
    try {
      const endpoint = await register(port, ['consent.changed']);
      const recorded = (await optOut('+14155554001')).body.event;
      expect((await deliver()).delivered).toBe(1);
      expect(r.received).toHaveLength(1);
      const [hit] = r.received;
      expect(verify(endpoint.secret, hit.headers, hit.body)).toBe(true);
      expect(hit.headers['webhook-id']).toMatch(/^msg_\d+$/);
      expect(Math.abs(Number(hit.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(JSON.parse(hit.body)).toMatchObject({ type: 'consent.changed', data: recorded });
      expect(verify(endpoint.secret, { ...hit.headers, 'webhook-timestamp': '1' }, hit.body)).toBe(false);
      const log = await t.get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`);
      expect(log.body.items[0]).toMatchObject({ type: 'consent.changed', status: 'delivered', attempts: 1, lastStatus: 200 });
      expect((await deliver()).attempted).toBe(0);
      await t.delete(`/v1/webhook-endpoints/${endpoint.id}`);
    } finally {
      await r.close();
    }
  });

  it('a receiver that was down gets everything once it is back', async () => {
    const port = await freePort();
    const endpoint = await register(port);
    for (let i = 0; i < 5; i++) await optOut(`+141555541${String(i).padStart(2, '0')}`);
    const down = await deliver();
    expect(down).toMatchObject({ attempted: 5, delivered: 0, retrying: 5 });
    const r = await receiver(port);
    try {
      await new Promise((res) => setTimeout(res, 200)); // past the first back-off
      expect((await deliver()).delivered).toBe(5);
      expect(r.received).toHaveLength(5);
      for (const hit of r.received) expect(verify(endpoint.secret, hit.headers, hit.body)).toBe(true);
      const log = (await t.get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`)).body.items;
      expect(log.map((d: { status: string; attempts: number }) => [d.status, d.attempts])).toEqual(Array(5).fill(['delivered', 2]));
      expect(log[0].lastError).toBeNull();
    } finally {
      await r.close();
      await t.delete(`/v1/webhook-endpoints/${endpoint.id}`);
    }
  });

  it('publishes re-confirmation requests and lapses from the sweep', async () => {
    const port = await freePort();
    const r = await receiver(port);
    try {
      const endpoint = await register(port, ['consent.reconfirmation_requested', 'consent.lapsed']);
      await t.post('/v1/consents', {
        address: '+14155554201',
        channel: 'sms',
        campaignId: 'recurring',
        action: 'opt_in',
        source: 'api',
        occurredAt: ago(12 * DAY),
      });
      await t.post('/v1/consents', {
        address: '+14155554202',
        channel: 'sms',
        campaignId: 'recurring',
        action: 'opt_in',
        source: 'api',
        occurredAt: ago(20 * DAY),
      });
      await t.post('/v1/admin/jobs/reconfirmation/run');
      await deliver();
      const types = r.received.map((h) => [JSON.parse(h.body).type, JSON.parse(h.body).data.address]).sort();
      expect(types).toEqual([
        ['consent.lapsed', '+14155554202'],
        ['consent.reconfirmation_requested', '+14155554201'],
      ]);
      await t.delete(`/v1/webhook-endpoints/${endpoint.id}`);
    } finally {
      await r.close();
    }
  });

  it('never follows a redirect', async () => {
    const port = await freePort();
    const r = await receiver(port, 302);
    try {
      const endpoint = await register(port, ['consent.changed']);
      await optOut('+14155554301');
      expect(await deliver()).toMatchObject({ delivered: 0, retrying: 1 });
      const [entry] = (await t.get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`)).body.items;
      expect(entry).toMatchObject({ status: 'pending', lastStatus: 302, lastError: expect.stringContaining('redirect') });
      await t.delete(`/v1/webhook-endpoints/${endpoint.id}`);
    } finally {
      await r.close();
    }
  });

  it('writes nothing to the outbox for a rejected write, and nothing when no endpoint listens', async () => {
    const before = await snapshotCounts(t);
    expectProblem(await t.post('/v1/consents', { address: 'nope', channel: 'sms', action: 'opt_out', source: 'api' }), 400);
    await optOut('+14155554401');
    const after = await snapshotCounts(t);
    expect(after.outbox_event).toBe(before.outbox_event);
    expect(after.webhook_delivery).toBe(before.webhook_delivery);
  });

  it('refuses private receivers unless allowed, and bad registrations', async () => {
    const strict = await TestApp.start();
    try {
      const res = await strict.post('/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks', events: ['consent.changed'] });
      expectProblem(res, 422, 'url');
      expectProblem(await strict.post('/v1/webhook-endpoints', { url: 'http://169.254.169.254/latest', events: ['consent.changed'] }), 422, 'url');
      for (const literal of ['[::7f00:1]', '[::ffff:0:7f00:1]', '[64:ff9b:1::7f00:1]', '[::ffff:7f00:1]', '[2002:7f00:1::1]']) {
        expectProblem(await strict.post('/v1/webhook-endpoints', { url: `http://${literal}/hooks`, events: ['consent.changed'] }), 422, 'url');
      }
      expectProblem(await strict.post('/v1/webhook-endpoints', { url: 'ftp://example.com/x', events: ['consent.changed'] }), 400, 'url');
      expectProblem(await strict.post('/v1/webhook-endpoints', { url: 'https://example.com/x', events: ['consent.everything'] }), 400, 'events');
      expectProblem(await strict.post('/v1/webhook-endpoints', { url: 'https://example.com/x', events: [] }), 400, 'events');
      expect(await strict.count('webhook_endpoint')).toBe(0);
    } finally {
      await strict.close();
    }
  });

  it('checks the receiver again at delivery time', async () => {
    const port = await freePort();
    const endpoint = await register(port, ['consent.changed']);
    // The same database, a replica that does not allow loopback: it refuses to deliver there.
    const strict = await TestApp.attach(t, { WEBHOOK_RETRY_BASE_MS: '50' });
    try {
      await optOut('+14155554501');
      const result = (await strict.post('/v1/admin/jobs/webhooks/run')).body.result;
      expect(result).toMatchObject({ delivered: 0, retrying: 1 });
      const [entry] = (await t.get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`)).body.items;
      expect(entry.lastError).toMatch(/private, loopback or link-local/);
    } finally {
      await strict.close();
      await t.delete(`/v1/webhook-endpoints/${endpoint.id}`);
    }
  });
});
