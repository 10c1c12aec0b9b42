import { request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { ADMIN_KEY, expectProblem, snapshotCounts, TestApp } from './support/test-app';

const csv = { headers: { 'content-type': 'text/csv' } };
const ndjson = { headers: { 'content-type': 'application/x-ndjson' } };
const phone = (i: number) => `+1415${String(5_000_000 + i).padStart(7, '0')}`;

describe('bulk import (POST /v1/imports)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ LOG_LEVEL: 'error' });
    await t.put('/v1/campaigns/promo', { name: 'Promo', purpose: 'marketing', channels: ['sms', 'email'] });
    await t.put('/v1/campaigns/dbl', { name: 'Double', purpose: 'marketing', channels: ['sms'], doubleOptIn: true });
  });
  afterAll(() => t.close());

  const decide = async (address: string, campaignId = 'promo', channel = 'sms') => (await t.post('/v1/decisions', { channel, campaignId, address })).body;
  const events = async (importId: string) =>
    (
      await t.sql.query(
        `select customer_id, channel, address, campaign_id, action, source, evidence, occurred_at from consent_event where evidence->>'importId' = $1 order by id`,
        [importId],
      )
    ).rows;

  it('imports a CSV with a header: valid rows written as source import, bad rows listed with their line and field', async () => {
    const file = [
      'customerId,channel,address,campaignId,action,occurredAt,noticeVersion',
      'cust-1,sms,+14155550101,promo,opt_in,2026-01-02T03:04:05Z,v3',
      ',sms,+1 (415) 555-0102,,opt_out,2026-01-02,',
      'cust-3,fax,+14155550103,promo,opt_in,,',
      ',sms,not-a-number,promo,opt_in,,',
      ',email,someone@example.com,promo,maybe,,',
      ',sms,+14155550106,nope,opt_in,,',
      ',sms,+14155550107,promo,opt_in,2999-01-01T00:00:00Z,',
      ',email,Someone.Else@Example.com,promo,opt_in,,',
      ',sms,+14155550109,promo,confirm,,',
      ',sms,,promo,opt_in,,',
      'too,few',
    ].join('\r\n');
    const res = await t.post('/v1/imports', file, csv);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'completed', format: 'csv', rowsRead: 11, rowsWritten: 3, rowsRejected: 8 });
    expect(res.body.rejections).toEqual([
      { line: 4, field: 'channel', reason: expect.any(String) },
      { line: 5, field: 'address', reason: expect.stringContaining('E.164') },
      { line: 6, field: 'action', reason: expect.any(String) },
      { line: 7, field: 'campaignId', reason: expect.stringContaining('names no campaign') },
      { line: 8, field: 'occurredAt', reason: expect.any(String) },
      { line: 10, field: 'action', reason: expect.stringContaining('opt_in or opt_out') },
      { line: 11, field: 'address', reason: expect.any(String) },
      { line: 12, field: 'line', reason: 'has 2 fields, expected 7' },
    ]);
    const written = await events(res.body.id);
    expect(written).toEqual([
      expect.objectContaining({
        customer_id: 'cust-1',
        address: '+14155550101',
        campaign_id: 'promo',
        action: 'opt_in',
        source: 'import',
        evidence: { importId: res.body.id, line: 2, noticeVersion: 'v3' },
        occurred_at: new Date('2026-01-02T03:04:05Z'),
      }),
      expect.objectContaining({ address: '+14155550102', campaign_id: null, action: 'opt_out', occurred_at: new Date('2026-01-02T00:00:00Z') }),
      expect.objectContaining({ channel: 'email', address: 'someone.else@example.com', action: 'opt_in' }),
    ]);
    expect((await t.sql.query(`select 1 from customer where id = 'cust-1'`)).rowCount).toBe(1);
    expect(await decide('+14155550101')).toMatchObject({ allowed: true, reason: 'opted_in' });
    expect(await decide('+14155550102')).toMatchObject({ allowed: false, reason: 'opted_out' });
    expect((await t.get(`/v1/imports/${res.body.id}`)).body).toEqual(res.body);
  });

  it.each([
    ['a bare list of numbers', '+14155550201\n+14155550202\n\n+1 415-555-0203\n'],
    ['numbers with dates', '+14155550201,2025-12-01 10:00:00\n+14155550202,2025-12-02\n+1 415 555 0203,"Tue, 02 Dec 2025 10:00:00 +0000"\n'],
    ['a header of phone_number and date', 'Phone Number,Date\n+14155550201,2025-12-01T10:00:00Z\n+14155550202,\n+1-415-555-0203,2025-12-03\n'],
  ])('imports a Twilio opt-out list (%s): every number opted out of SMS, dates kept', async (_name, file) => {
    const res = await t.post('/v1/imports', file, csv);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'completed', rowsWritten: 3, rowsRejected: 0, options: { channel: 'sms', action: null } });
    const written = await events(res.body.id);
    expect(written.map((e) => [e.channel, e.address, e.action, e.campaign_id])).toEqual([
      ['sms', '+14155550201', 'opt_out', null],
      ['sms', '+14155550202', 'opt_out', null],
      ['sms', '+14155550203', 'opt_out', null],
    ]);
    if (file.includes('2025-12-01')) expect(written[0].occurred_at).toEqual(new Date('2025-12-01T10:00:00Z'));
    for (const n of ['+14155550201', '+14155550202', '+14155550203']) expect(await decide(n)).toMatchObject({ allowed: false, reason: 'opted_out' });
  });

  it('imports NDJSON bodies of POST /v1/consents, with defaults from the query, and refuses hostile lines', async () => {
    const lines = [
      JSON.stringify({ address: '+14155550301', evidence: { text: 'Yes please', ip: '198.51.100.7' } }),
      '{"address": "+14155550302", "__proto__": {"admin": true}}',
      'not json',
      '[1,2]',
      JSON.stringify({ address: '+14155550303', source: 'web_form' }),
      JSON.stringify({ address: '+14155550304', color: 'red' }),
      JSON.stringify({ address: '+14155550305', campaignId: 'dbl' }),
      JSON.stringify({ customerId: 'cust-ndjson', channel: 'email', action: 'opt_out' }),
    ].join('\n');
    const at = new Date(Date.now() - 60_000).toISOString();
    const res = await t.post('/v1/imports', lines, { ...ndjson, query: { action: 'opt_in', campaignId: 'promo', occurredAt: at } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      format: 'ndjson',
      rowsRead: 8,
      rowsWritten: 3,
      rowsRejected: 5,
      options: { action: 'opt_in', campaignId: 'promo', occurredAt: at },
    });
    expect(res.body.rejections.map((r: { line: number; field: string }) => [r.line, r.field])).toEqual([
      [2, '__proto__'],
      [3, 'line'],
      [4, 'line'],
      [5, 'source'],
      [6, 'color'],
    ]);
    const written = await events(res.body.id);
    expect(written.map((e) => [e.address, e.customer_id, e.campaign_id, e.action])).toEqual([
      ['+14155550301', null, 'promo', 'opt_in'],
      // Double opt-in applies to imports: the consent waits for its confirmation.
      ['+14155550305', null, 'dbl', 'pending_confirmation'],
      [null, 'cust-ndjson', 'promo', 'opt_out'],
    ]);
    expect(written[0].evidence).toEqual({ importId: res.body.id, line: 1, text: 'Yes please', ip: '198.51.100.7' });
    expect(written[0].occurred_at).toEqual(new Date(at));
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(await decide('+14155550305', 'dbl')).toMatchObject({ allowed: false, reason: 'confirmation_pending' });
  });

  it("cannot opt an erased customer's address back in", async () => {
    await t.put('/v1/customers/gone', { contactPoints: [{ channel: 'sms', address: '+14155550401' }] });
    expect((await t.post('/v1/customers/gone/erasure', { reason: 'test' })).status).toBe(201);
    const res = await t.post('/v1/imports', 'address,action\n+14155550401,opt_in\n+14155550402,opt_in\n+14155550401,opt_out\n', {
      ...csv,
      query: { campaignId: 'promo' },
    });
    expect(res.body).toMatchObject({
      rowsWritten: 2,
      rowsRejected: 1,
      rejections: [{ line: 2, field: 'address', reason: expect.stringContaining('suppressed') }],
    });
    expect(await decide('+14155550401')).toMatchObject({ allowed: false });
  });

  it.each([
    ['an unknown column', 'address,colour\n+14155550501,red\n', 'text/csv', {}, 400, 'header.colour'],
    ['a JSON body', '{"address":"+14155550501"}', 'application/json', {}, 415, undefined],
    ['XML', '<a/>', 'application/xml', {}, 415, undefined],
    ['an unknown default campaign', '+14155550501\n', 'text/csv', { campaignId: 'nope' }, 400, 'campaignId'],
    ['a bad default action', '+14155550501\n', 'text/csv', { action: 'confirm' }, 400, 'action'],
    ['a default date in the future', '+14155550501\n', 'text/csv', { occurredAt: '2999-01-01T00:00:00Z' }, 400, 'occurredAt'],
  ])('%s is a problem naming the field, and writes nothing', async (_name, body, type, query, status, field) => {
    const before = await snapshotCounts(t);
    expectProblem(await t.post('/v1/imports', body, { headers: { 'content-type': type }, query }), status, field);
    expect(await snapshotCounts(t)).toEqual(before);
  });

  it('a file unreadable from its first lines is a 422 that leaves nothing behind', async () => {
    const before = await snapshotCounts(t);
    expectProblem(await t.post('/v1/imports', 'address\n+14155550701\n"broken\n', csv), 422, 'line 3');
    expectProblem(await t.post('/v1/imports', '"never closed\n', csv), 422);
    expect(await snapshotCounts(t)).toEqual(before);
  });

  it('CSV and NDJSON are refused everywhere else (415)', async () => {
    expectProblem(await t.post('/v1/consents', 'address\n+14155550501\n', csv), 415);
    expectProblem(await t.post('/v1/decisions', '{}\n', ndjson), 415);
  });

  it('needs consents:write to import, and shows each key only its own imports', async () => {
    const reader = (await t.post('/v1/api-keys', { name: 'reader', scopes: ['decisions:read'] })).body.secret;
    const writer = (await t.post('/v1/api-keys', { name: 'writer', scopes: ['consents:write'] })).body.secret;
    expectProblem(await t.post('/v1/imports', '+14155550601\n', { ...csv, key: reader }), 403);
    const mine = await t.post('/v1/imports', '+14155550601\n', { ...csv, key: writer });
    expect(mine.status).toBe(201);
    expect((await t.get(`/v1/imports/${mine.body.id}`, { key: writer })).status).toBe(200);
    const adminImport = (await t.get('/v1/imports', { query: { limit: '1' } })).body[0];
    expect(adminImport.id).toBe(mine.body.id);
    const other = (await t.post('/v1/imports', '+14155550602\n', csv)).body.id;
    expectProblem(await t.get(`/v1/imports/${other}`, { key: writer }), 404);
    expect((await t.get('/v1/imports', { key: writer })).body.map((i: { id: string }) => i.id)).toEqual([mine.body.id]);
  });

  it('lists each import with its own rejected lines, as GET /v1/imports/{id} shows them', async () => {
    const a = (await t.post('/v1/imports', 'phone_number\nnot-a-number\n+14155550611\n', csv)).body;
    const b = (await t.post('/v1/imports', 'phone_number\n+14155550612\nbad\nworse\n', csv)).body;
    const listed = new Map<string, unknown>(
      (await t.get('/v1/imports', { query: { limit: '100' } })).body.map((i: { id: string; rejections: unknown }) => [i.id, i.rejections]),
    );
    expect(listed.get(a.id)).toEqual([{ line: 2, field: 'address', reason: expect.any(String) }]);
    expect(listed.get(b.id)).toEqual([
      { line: 3, field: 'address', reason: expect.any(String) },
      { line: 4, field: 'address', reason: expect.any(String) },
    ]);
    for (const [id, rejections] of listed) expect(rejections).toEqual((await t.get(`/v1/imports/${id}`)).body.rejections);
  });

  describe('resuming', () => {
    const ROWS = 12_000;
    const file = (broken = false) =>
      ['phone_number,date', ...Array.from({ length: ROWS }, (_, i) => (broken && i === 11_000 ? `${phone(i)},"2025-01-01"x` : `${phone(i)},2025-01-01`))].join(
        '\n',
      ) + '\n';
    const count = async (key: string) =>
      Number(
        (
          await t.sql.query(
            `select count(*) from consent_event where evidence->>'importId' = (select id::text from consent_import where idempotency_key = $1)`,
            [key],
          )
        ).rows[0].count,
      );

    it('a file unreadable past a line stops there (422); posted again fixed with the same key, it carries on without duplicates', async () => {
      const broken = await t.post('/v1/imports', file(true), { headers: { 'content-type': 'text/csv', 'idempotency-key': 'resume-1' } });
      expectProblem(broken, 422, 'line 11002');
      const id = (await t.get('/v1/imports', { query: { idempotencyKey: 'resume-1' } })).body[0].id;
      expect((await t.get(`/v1/imports/${id}`)).body).toMatchObject({ status: 'failed', rowsRead: 10_000, rowsWritten: 10_000, error: { line: 11002 } });
      expect(await count('resume-1')).toBe(10_000);

      const fixed = await t.post('/v1/imports', file(), { headers: { 'content-type': 'text/csv', 'idempotency-key': 'resume-1' } });
      expect(fixed.status).toBe(201);
      expect(fixed.body).toMatchObject({ id, status: 'completed', rowsRead: ROWS, rowsWritten: ROWS, rowsRejected: 0 });
      expect(await count('resume-1')).toBe(ROWS);
      expect(Number((await t.sql.query(`select count(distinct address) from consent_event where evidence->>'importId' = $1`, [id])).rows[0].count)).toBe(ROWS);

      // Posted once more: replayed, nothing written.
      const again = await t.post('/v1/imports', file(), { headers: { 'content-type': 'text/csv', 'idempotency-key': 'resume-1' } });
      expect(again.status).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(fixed.body);
      expect(await count('resume-1')).toBe(ROWS);
    });

    it('a finished import replays only for the same file: another file, one row longer or shorter, or other defaults under its key are a 422', async () => {
      const key = { 'content-type': 'text/csv', 'idempotency-key': 'finished-1' };
      const first = await t.post('/v1/imports', file(), { headers: key });
      expect(first.body).toMatchObject({ status: 'completed', rowsRead: ROWS });
      const before = await snapshotCounts(t);

      const changedRow = file().replace(phone(11_500), phone(77_777));
      const shorter = file().slice(0, file().lastIndexOf(phone(ROWS - 1)));
      const longer = `${file()}${phone(88_888)},2025-01-01\n`;
      for (const other of [changedRow, shorter, longer, 'phone_number,date\n']) {
        const res = await t.post('/v1/imports', other, { headers: key });
        expectProblem(res, 422, 'Idempotency-Key');
        expect(res.body.code).toBe('IDEMPOTENCY_KEY.REUSED');
      }
      const otherDefaults = await t.post('/v1/imports', file(), { headers: key, query: { action: 'opt_in' } });
      expectProblem(otherDefaults, 422, 'Idempotency-Key');
      expect(otherDefaults.body.code).toBe('IDEMPOTENCY_KEY.REUSED');
      expect(await snapshotCounts(t)).toEqual(before);

      const same = await t.post('/v1/imports', file(), { headers: key });
      expect(same.status).toBe(200);
      expect(same.headers['idempotent-replayed']).toBe('true');
      expect(same.body).toEqual(first.body);
    });

    it('resumes an upload cut off mid-file, and refuses another file under the same key', async () => {
      await t.app.listen(0, '127.0.0.1');
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      const body = file();
      // Send ~11,000 rows (two chunks commit), then cut the connection.
      await new Promise<void>((resolve) => {
        const req = httpRequest({
          port,
          method: 'POST',
          path: '/v1/imports',
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'text/csv', 'idempotency-key': 'resume-2' },
        });
        req.on('error', () => resolve());
        req.write(body.slice(0, body.indexOf(phone(11_000))));
        const poll = setInterval(async () => {
          const [i] = (await t.get('/v1/imports', { query: { idempotencyKey: 'resume-2' } })).body;
          if (i?.rowsRead === 10_000) {
            clearInterval(poll);
            req.destroy();
            resolve();
          }
        }, 50);
      });
      let status: { status: string; rowsRead: number } | undefined;
      for (let i = 0; i < 100 && status?.status !== 'interrupted'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        [status] = (await t.get('/v1/imports', { query: { idempotencyKey: 'resume-2' } })).body;
      }
      expect(status).toMatchObject({ status: 'interrupted', rowsRead: 10_000 });
      expect(await count('resume-2')).toBe(10_000);

      const other = body.replace(phone(5), phone(99_999));
      expectProblem(await t.post('/v1/imports', other, { headers: { 'content-type': 'text/csv', 'idempotency-key': 'resume-2' } }), 409, 'Idempotency-Key');
      expect(await count('resume-2')).toBe(10_000);
      const other2 = await t.post('/v1/imports', body, { headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': 'resume-2' } });
      expectProblem(other2, 422, 'Idempotency-Key');

      const resumed = await t.post('/v1/imports', body, { headers: { 'content-type': 'text/csv', 'idempotency-key': 'resume-2' } });
      expect(resumed.body).toMatchObject({ status: 'completed', rowsRead: ROWS, rowsWritten: ROWS });
      expect(await count('resume-2')).toBe(ROWS);
    });
  });
});

describe('imports that hold a connection', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await TestApp.start({ IMPORT_TIMEOUT: 'PT2S', IMPORT_CONCURRENCY: '1' });
    await t.app.listen(0, '127.0.0.1');
    ({ port } = t.app.getHttpServer().address() as AddressInfo);
  });
  afterAll(() => t.close());

  /** An upload that sends its header and a line, then a byte now and then, never ending. */
  const trickle = (key: string, apiKey = ADMIN_KEY) => {
    let timer: NodeJS.Timeout | undefined;
    const response = new Promise<{ status: number; body: Record<string, unknown>; at: number }>((resolve, reject) => {
      const req = httpRequest(
        { port, method: 'POST', path: '/v1/imports', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/csv', 'idempotency-key': key } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text), at: Date.now() }));
        },
      );
      req.on('error', reject);
      req.write('phone_number\n+14155550100\n');
      timer = setInterval(() => req.write(' '), 300);
    }).finally(() => clearInterval(timer));
    return response;
  };

  it('stops an upload still running after IMPORT_TIMEOUT with a 408; what it committed stays resumable', async () => {
    const started = Date.now();
    const res = await trickle('slow-1');
    expect(res.status).toBe(408);
    expect(res.body).toMatchObject({ status: 408, code: 'IMPORT.UPLOAD_TIMEOUT' });
    expect(res.at - started).toBeGreaterThanOrEqual(1900);
    expect(res.at - started).toBeLessThan(6000);
    const [row] = (await t.get('/v1/imports', { query: { idempotencyKey: 'slow-1' } })).body;
    expect(row === undefined || row.status === 'interrupted').toBe(true);
  });

  it('runs IMPORT_CONCURRENCY imports per API key at once; more is a 429, other keys are not affected', async () => {
    const other = (await t.post('/v1/api-keys', { name: 'other importer', scopes: ['consents:write'] })).body.secret as string;
    const slow = trickle('slow-2');
    await new Promise((r) => setTimeout(r, 300));
    const refused = await t.post('/v1/imports', '+14155550101\n', { headers: { 'content-type': 'text/csv' } });
    expectProblem(refused, 429);
    expect(refused.body.code).toBe('IMPORT.TOO_MANY');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await t.post('/v1/imports', '+14155550102\n', { key: other, headers: { 'content-type': 'text/csv' } })).body).toMatchObject({
      status: 'completed',
      rowsWritten: 1,
    });
    expect((await slow).status).toBe(408);
    // The slot is free again once the slow one has stopped.
    expect((await t.post('/v1/imports', '+14155550103\n', { headers: { 'content-type': 'text/csv' } })).body).toMatchObject({
      status: 'completed',
      rowsWritten: 1,
    });
  });
});
