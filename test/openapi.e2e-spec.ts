import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { OPENAPI_PATH, renderOpenApi } from '../src/bin/generate-openapi';

describe('openapi.yaml', () => {
  it('is what the code generates (run `npm run openapi` after changing a controller or DTO)', async () => {
    expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(await renderOpenApi());
  });

  it('describes every /v1 operation with bearer auth, but the Twilio webhook with its signature', () => {
    const doc = parse(readFileSync(OPENAPI_PATH, 'utf8'));
    const operations = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[] }>>)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    expect(operations.length).toBeGreaterThanOrEqual(12);
    for (const { path, op } of operations) {
      expect([path, op.security]).toEqual([path, path === '/v1/inbound/twilio' ? [{ twilioSignature: [] }] : [{ bearer: [] }]]);
    }
  });
});
