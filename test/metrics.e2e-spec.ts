import { TestApp } from './support/test-app';

/** GET /metrics, as Prometheus scrapes it: no key, text format, routes by pattern, no personal data. */
describe('metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
    await t.put('/v1/campaigns/promo', { name: 'p', purpose: 'marketing', channels: ['sms'] });
  });
  afterAll(() => t.close());

  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('counts requests per route, decisions by outcome and reason, events by action and source, jobs; reads lags and the pool', async () => {
    await t.post('/v1/consents', { address: '+14155550123', channel: 'sms', action: 'opt_out', source: 'api' });
    await t.post('/v1/consents', { address: '+14155550124', channel: 'sms', campaignId: 'promo', action: 'opt_in', source: 'web_form' });
    await t.post('/v1/inbound/messages', { channel: 'sms', from: '+14155550125', to: '12345', body: 'STOP', messageId: 'm-1' });
    for (const address of ['+14155550123', '+14155550124', '+14155550126']) await t.post('/v1/decisions', { address, channel: 'sms', campaignId: 'promo' });
    await t.post('/v1/decisions/batch', {
      channel: 'sms',
      campaignId: 'promo',
      recipients: [{ address: '+14155550126' }, { address: '+14155550127' }, { address: '+14155550124' }],
    });
    const pendingBefore = await t.get('/metrics', { key: null });
    expect(value(pendingBefore.text, 'consent_seal_lag_seconds')).toBeGreaterThan(0);
    await t.post('/v1/admin/jobs/seal/run');

    const res = await t.get('/metrics', { key: null });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const m = res.text;
    expect(value(m, 'http_request_duration_seconds_count{method="POST",route="/v1/decisions",status="200"}')).toBe(3);
    expect(value(m, 'http_request_duration_seconds_count{method="POST",route="/v1/consents",status="201"}')).toBe(2);
    expect(value(m, 'consent_decisions_total{outcome="deny",reason="opted_out"}')).toBe(1);
    expect(value(m, 'consent_decisions_total{outcome="allow",reason="opted_in"}')).toBe(2);
    expect(value(m, 'consent_decisions_total{outcome="deny",reason="no_consent"}')).toBe(3);
    expect(value(m, 'consent_events_recorded_total{action="opt_out",source="api"}')).toBe(1);
    expect(value(m, 'consent_events_recorded_total{action="opt_in",source="web_form"}')).toBe(1);
    expect(value(m, 'consent_events_recorded_total{action="opt_out",source="keyword"}')).toBe(1);
    expect(value(m, 'consent_job_duration_seconds_count{job="seal",result="ok"}')).toBe(1);
    expect(value(m, 'consent_seal_lag_seconds')).toBe(0);
    expect(value(m, 'consent_outbox_lag_seconds')).toBe(0);
    expect(value(m, 'consent_db_pool_connections{state="total"}')).toBeGreaterThan(0);
    // Patterns, never URLs: no address, id or key in a label.
    expect(m).not.toMatch(/\+1415555|m-1|test-admin-key/);
    await t.get('/v1/campaigns/promo');
    expect(
      value((await t.get('/metrics', { key: null })).text, 'http_request_duration_seconds_count{method="GET",route="/v1/campaigns/:campaignId",status="200"}'),
    ).toBe(1);
  });
});
