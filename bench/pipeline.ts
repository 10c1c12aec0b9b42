/** Per-request cost of the Nest pipeline for one decision, measured in-process with inject (no sockets). */
import 'reflect-metadata';
import { createApp } from '../src/app.setup';
import { loadConfig } from '../src/config/app-config';

void (async () => {
  const app = await createApp(loadConfig({ ...process.env, LOG_LEVEL: 'error', ADMIN_API_KEY: 'bench-admin-key-0123456789abcdef' }), {
    schedule: false,
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const payload = JSON.stringify({ address: '+15550000420', channel: 'sms', campaignId: 'promo' });
  const run = async (n: number, url: string, body?: string) => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      await app.inject({
        method: body ? 'POST' : 'GET',
        url,
        payload: body,
        headers: { 'content-type': 'application/json', authorization: 'Bearer bench-admin-key-0123456789abcdef' },
      });
    }
    return Number(process.hrtime.bigint() - t) / n / 1000;
  };
  await run(500, '/v1/decisions', payload);
  for (let r = 0; r < 3; r++) {
    console.log(`decision ${(await run(2000, '/v1/decisions', payload)).toFixed(0)} us, live ${(await run(2000, '/health/live')).toFixed(0)} us`);
  }
  await app.close();
})();
