import { expectProblem, TestApp } from './support/test-app';

/**
 * Changes that redirect personal data (a webhook receiver) or change what consent means (a
 * campaign's purpose or channels, a sender's campaigns and keywords) are ledger entries: who,
 * what, before and after, never a secret. Each commits with the change it records.
 */
describe('configuration changes in the audit ledger', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  const entries = async (subject: string) =>
    (await t.sql.query(`select type, actor, subject, details from system_event where subject = $1 order by id`, [subject])).rows;

  it('campaigns: created, then changed, with what it was and what it became', async () => {
    const key = (await t.post('/v1/api-keys', { name: 'marketing ops', scopes: ['campaigns:write'] })).body;
    expect((await t.put('/v1/campaigns/spring', { name: 'Spring', purpose: 'marketing', channels: ['sms'] }, { key: key.secret })).status).toBe(201);
    expect(
      (
        await t.put(
          '/v1/campaigns/spring',
          { name: 'Spring', purpose: 'transactional', channels: ['sms', 'email'], reconfirmEvery: 'P90D' },
          { key: key.secret },
        )
      ).status,
    ).toBe(200);
    const [created, changed] = await entries('campaign:spring');
    expect(created).toMatchObject({
      type: 'campaign.created',
      actor: `api_key:${key.id}`,
      details: { before: null, after: expect.objectContaining({ name: 'Spring', purpose: 'marketing', channels: ['sms'] }) },
    });
    expect(changed).toMatchObject({
      type: 'campaign.changed',
      details: {
        before: expect.objectContaining({ purpose: 'marketing', channels: ['sms'], reconfirmEvery: null }),
        after: expect.objectContaining({ purpose: 'transactional', channels: ['sms', 'email'], reconfirmEvery: 'P90D' }),
      },
    });
    // A refused change records nothing.
    expectProblem(
      await t.put('/v1/campaigns/spring', { name: 'Spring', purpose: 'marketing', channels: ['sms'], reconfirmGrace: 'P1D' }),
      400,
      'reconfirmGrace',
    );
    expect(await entries('campaign:spring')).toHaveLength(2);
  });

  it('senders: created, changed and deleted', async () => {
    await t.put('/v1/campaigns/news', { name: 'News', purpose: 'marketing', channels: ['sms'] });
    expect((await t.put('/v1/senders/+14155550990', { campaignIds: ['news'] })).status).toBe(201);
    expect((await t.put('/v1/senders/+14155550990', { campaignIds: ['news'], keywords: { en: { optOut: ['ENOUGH'] } } })).status).toBe(200);
    expectProblem(await t.put('/v1/senders/+14155550990', { campaignIds: ['missing'] }), 422);
    expect((await t.delete('/v1/senders/+14155550990')).status).toBe(204);
    const recorded = await entries('sender:+14155550990');
    expect(recorded.map((e) => e.type)).toEqual(['sender.created', 'sender.changed', 'sender.deleted']);
    expect(recorded[1].details).toMatchObject({
      before: expect.objectContaining({ campaignIds: ['news'], keywords: {} }),
      after: expect.objectContaining({ keywords: { en: { optOut: ['ENOUGH'] } } }),
    });
    expect(recorded[2]).toMatchObject({ actor: 'admin', details: { before: expect.objectContaining({ campaignIds: ['news'] }), after: null } });
  });

  it('webhook endpoints: created and deleted, naming the receiver but never the signing secret', async () => {
    const created = await t.post('/v1/webhook-endpoints', { url: 'https://93.184.216.34/hooks/consent?token=abc123', events: ['consent.changed'] });
    expect(created.status).toBe(201);
    expect((await t.delete(`/v1/webhook-endpoints/${created.body.id}`)).status).toBe(204);
    const recorded = await entries(`webhook_endpoint:${created.body.id}`);
    expect(recorded).toEqual([
      {
        type: 'webhook_endpoint.created',
        actor: 'admin',
        subject: `webhook_endpoint:${created.body.id}`,
        details: { before: null, after: { url: 'https://93.184.216.34/hooks/consent', events: ['consent.changed'] } },
      },
      {
        type: 'webhook_endpoint.deleted',
        actor: 'admin',
        subject: `webhook_endpoint:${created.body.id}`,
        details: { before: { url: 'https://93.184.216.34/hooks/consent', events: ['consent.changed'] }, after: null },
      },
    ]);
    const all = JSON.stringify((await t.sql.query(`select * from system_event`)).rows);
    expect(all).not.toContain(created.body.secret);
    expect(all).not.toContain(created.body.secret.replace(/^whsec_/, ''));
    expect(all).not.toContain('abc123');
  });

  it('the entries are sealed and the ledger verifies', async () => {
    expect((await t.post('/v1/admin/jobs/seal/run')).status).toBe(200);
    const page = (await t.get('/v1/audit/events', { query: { types: 'campaign.created,sender.deleted,webhook_endpoint.created' } })).body;
    expect(page.items.map((i: { type?: string; action?: string }) => i.type ?? i.action).sort()).toEqual([
      'campaign.created',
      'campaign.created',
      'sender.deleted',
      'webhook_endpoint.created',
    ]);
    expect((await t.get('/v1/audit/verify')).body).toMatchObject({ ok: true });
  });
});
