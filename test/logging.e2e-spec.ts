import type * as Support from './support/test-app';

/** Every line the service logs, parsed (they must all be JSON). */
class Capture {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line));
  }
}

describe('structured logs', () => {
  const PHONE = '+14155550177';
  const EMAIL = 'private.person@example.com';

  // nestjs-pino keeps one logger per process (module state): each session loads its own copy.
  async function session(env: Record<string, string>): Promise<{ capture: Capture; requestIds: string[]; key: string }> {
    let result: { capture: Capture; requestIds: string[]; key: string } | undefined;
    await jest.isolateModulesAsync(async () => {
      result = await sessionWith(await import('./support/test-app'), env);
    });
    return result!;
  }

  async function sessionWith(
    { TestApp, expectProblem }: typeof Support,
    env: Record<string, string>,
  ): Promise<{ capture: Capture; requestIds: string[]; key: string }> {
    const capture = new Capture();
    const t = await TestApp.start({ LOG_LEVEL: 'debug', LOG_REQUESTS: 'true', ...env }, { logDestination: capture });
    try {
      await t.put('/v1/campaigns/promo', { name: 'Promo', purpose: 'marketing', channels: ['sms', 'email'] });
      const key = (await t.post('/v1/api-keys', { name: 'logged', scopes: ['consents:write', 'decisions:read', 'consents:read'] })).body.secret as string;
      const requestIds: string[] = [];
      const record = await t.post(
        '/v1/consents',
        { customerId: 'cust-private', address: PHONE, channel: 'sms', action: 'opt_in', source: 'web_form' },
        { key },
      );
      expect(record.status).toBe(201);
      await t.get(`/v1/consents?channel=email&address=${encodeURIComponent(EMAIL)}`, { key });
      await t.get('/v1/customers/cust-private/consents', { key });
      const bad = await t.post('/v1/decisions', { address: PHONE, channel: 'sms', campaignId: 'missing' }, { key, headers: { 'x-request-id': 'trace-42' } });
      expectProblem(bad, 404);
      requestIds.push(bad.body.requestId);
      const unauth = await t.get('/v1/campaigns', { key: 'csk_not-a-real-key-0123456789' });
      requestIds.push(unauth.body.requestId);
      const malformed = await t.post('/v1/imports', `${PHONE}\n"broken\n`, { key, headers: { 'content-type': 'text/csv' } });
      expectProblem(malformed, 422);
      requestIds.push(malformed.body.requestId);
      // A stray quote on a line holding a number: the parser's message would quote the number.
      expectProblem(await t.post('/v1/imports', `+14155550100\n${PHONE} "x"\n`, { key, headers: { 'content-type': 'text/csv' } }), 422);
      return { capture, requestIds, key };
    } finally {
      await t.close();
    }
  }

  it('writes JSON lines; request lines and the lines logged while handling a request carry its id, the same as the error body', async () => {
    const { capture, requestIds } = await session({});
    const records = capture.records();
    expect(records.length).toBeGreaterThan(5);
    // The access log (LOG_REQUESTS) names every request, error or not.
    const completed = records.filter((r) => r.msg === 'request completed' || r.msg === 'request errored');
    expect(completed.length).toBeGreaterThanOrEqual(8);
    for (const r of completed) expect(r.requestId).toEqual(expect.any(String));
    expect(requestIds[0]).toBe('trace-42');
    for (const id of requestIds) expect(completed.map((r) => r.requestId)).toContain(id);
    // A line logged by the code while it handled the request (the import's warning) has the id too.
    const warning = records.find((r) => String(r.msg).includes('stopped: line 2'));
    expect(warning).toMatchObject({ requestId: requestIds[2], context: 'Imports', level: 40 });
    // Without PSEUDONYM_KEY the generated key is kept in the database: said once, at start.
    expect(records.filter((r) => String(r.msg).includes('PSEUDONYM_KEY is not set'))).toEqual([expect.objectContaining({ level: 40, context: 'Pseudonyms' })]);
  });

  it('says nothing of the pseudonym key when PSEUDONYM_KEY is set', async () => {
    const { capture } = await session({ PSEUDONYM_KEY: 'k'.repeat(32) });
    expect(capture.lines.join('')).not.toContain('PSEUDONYM_KEY');
  });

  it('holds no address, customer id, query string or key by default', async () => {
    const { capture, key } = await session({});
    const text = capture.lines.join('');
    for (const secret of [
      PHONE,
      PHONE.slice(2),
      EMAIL,
      encodeURIComponent(EMAIL),
      'cust-private',
      key,
      key.slice(4, 20),
      'csk_not-a-real-key',
      'test-admin-key',
    ]) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    }
    expect(text).toContain('"url":"/v1/customers/:id/consents"');
    expect(text).not.toMatch(/authorization/i);
  });

  it('LOG_PII=true logs URLs as they came (query strings and ids), never keys', async () => {
    const { capture, key } = await session({ LOG_PII: 'true' });
    const text = capture.lines.join('');
    expect(text).toContain('/v1/customers/cust-private/consents');
    expect(text).toContain(encodeURIComponent(EMAIL));
    expect(text).not.toContain(key);
    expect(text).not.toMatch(/authorization/i);
  });
});
