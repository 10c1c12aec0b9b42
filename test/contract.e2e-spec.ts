import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { OPENAPI_PATH } from '../src/bin/generate-openapi';
import { Contract, Exchange } from './support/contract';
import { ADMIN_KEY, TestApp } from './support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The contract check itself: it holds for what the service answers, and it fails when the
 * service and openapi.yaml part ways — a status, a header or a field changed on one side only.
 * (Every other e2e suite runs it on each of its requests: test/support/contract.ts.)
 */
describe('the contract check', () => {
  let t: TestApp;
  let spec: Json;
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };

  beforeAll(async () => {
    t = await TestApp.start();
    spec = parse(readFileSync(OPENAPI_PATH, 'utf8')) as Json;
    await t.put('/v1/campaigns/promo', { name: 'Promo', purpose: 'marketing', channels: ['sms'] });
  });
  afterAll(() => t.close());

  /** One real exchange with the service, unchecked, as the contract check sees it. */
  async function exchange(method: string, url: string, body?: unknown, headers: Record<string, string> = auth): Promise<Exchange> {
    const requestHeaders = { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const requestBody = body === undefined ? undefined : JSON.stringify(body);
    const res = await t.app.inject({ method: method as 'GET', url, headers: requestHeaders, payload: requestBody });
    return { method, url, requestHeaders, requestBody, status: res.statusCode, responseHeaders: res.headers, responseBody: res.body };
  }

  /** openapi.yaml with one change. */
  const changed = (edit: (doc: Json) => void): Promise<Contract> => {
    const doc = structuredClone(spec);
    edit(doc);
    return Contract.load(doc);
  };

  const decision = () => exchange('POST', '/v1/decisions', { address: '+14155550100', channel: 'sms', campaignId: 'promo' });
  const missingCampaign = () => exchange('GET', '/v1/campaigns/nope');

  it('holds for answers as the service gives them, success and error', async () => {
    const contract = await Contract.load();
    for (const x of [await decision(), await missingCampaign(), await exchange('GET', '/v1/campaigns', undefined, {}), await exchange('GET', '/nowhere')]) {
      expect(contract.check(x)).toEqual([]);
    }
  });

  it('fails when a status the service answers is not in the spec', async () => {
    const contract = await changed((doc) => delete doc.paths['/v1/campaigns/{campaignId}'].get.responses['404']);
    expect(contract.check(await missingCampaign())).toEqual([expect.stringMatching(/GET \/v1\/campaigns\/\{campaignId\} → 404: status 404 is not documented/)]);
  });

  it("fails when a problem's code is not one the operation lists", async () => {
    const contract = await changed((doc) => {
      const problem = doc.paths['/v1/campaigns/{campaignId}'].get.responses['404'].content['application/problem+json'].schema;
      problem.allOf[1].properties.code.enum = ['NOT_FOUND'];
    });
    expect(contract.check(await missingCampaign()).join('\n')).toMatch(/body .*code.*\(code CAMPAIGN\.NOT_FOUND\)/);
  });

  it('fails when a header is renamed in the spec, both ways: the one sent is undocumented, the one documented is missing', async () => {
    const contract = await changed((doc) => {
      doc.components.headers.RateLimitRemainingRenamed = { ...doc.components.headers.RateLimitRemaining, required: true };
      const headers = doc.paths['/v1/decisions'].post.responses['200'].headers;
      delete headers['X-RateLimit-Remaining'];
      headers['X-RateLimit-Left'] = { $ref: '#/components/headers/RateLimitRemainingRenamed' };
    });
    expect(contract.check(await decision())).toEqual([
      expect.stringMatching(/header x-ratelimit-left is required and missing/),
      expect.stringMatching(/header x-ratelimit-remaining is sent but not documented/),
    ]);
  });

  it('fails when a field the service sends is not in the schema', async () => {
    const contract = await changed((doc) => delete doc.components.schemas.DecisionDto.properties.reason);
    expect(contract.check(await decision()).join('\n')).toMatch(/body .*reason/);
  });

  it('fails when the service drops a field the schema requires, or changes its type', async () => {
    const contract = await Contract.load();
    const x = await decision();
    const body = JSON.parse(x.responseBody) as Json;
    const { reason: _dropped, ...withoutReason } = body;
    expect(contract.check({ ...x, responseBody: JSON.stringify(withoutReason) }).join('\n')).toMatch(/body .*reason/);
    expect(contract.check({ ...x, responseBody: JSON.stringify({ ...body, allowed: 'yes' }) }).join('\n')).toMatch(/body .*allowed/);
  });

  it('fails when the service accepts a request the spec refuses', async () => {
    const contract = await changed((doc) => {
      doc.components.schemas.DecisionRequestDto.required.push('purposeOfSend');
    });
    expect(contract.check(await decision())).toEqual([expect.stringMatching(/the service accepted a request the contract refuses: .*purposeOfSend/)]);
  });

  it('fails when a route the spec does not know answers anything but a problem 404 or 405', async () => {
    const contract = await changed((doc) => delete doc.paths['/v1/campaigns']);
    expect(contract.check(await exchange('GET', '/v1/campaigns'))).toEqual([expect.stringMatching(/no operation matches, and the answer is not a 404 or 405/)]);
  });

  it('fails on a content type the response does not document', async () => {
    const contract = await Contract.load();
    const x = await missingCampaign();
    expect(contract.check({ ...x, responseHeaders: { ...x.responseHeaders, 'content-type': 'application/json' } })).toEqual([
      expect.stringMatching(/content type "application\/json" is not documented/),
    ]);
  });
});
