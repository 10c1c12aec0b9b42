import { DEFAULT_RETRY_POLICY, retryAfterMs, retryDelayMs } from './retry';

const answer = (status: number, retryAfter?: string) => ({ status, headers: new Headers(retryAfter === undefined ? {} : { 'retry-after': retryAfter }) });
const policy = { retries: 3, maxDelayMs: 10_000, baseDelayMs: 200 };

describe('Retry-After (RFC 9110 §10.2.3)', () => {
  it('reads seconds', () => expect(retryAfterMs('7')).toBe(7000));
  it('reads an HTTP date, as the time left until it', () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    expect(retryAfterMs('Mon, 30 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Mon, 30 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read, and its absence', () => {
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs('-3')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });
});

describe('when to ask again', () => {
  it('429 and 503 are asked again after the Retry-After the service names, never sooner', () => {
    expect(retryDelayMs(answer(429, '3'), 0, policy)).toBe(3000);
    expect(retryDelayMs(answer(503, '1'), 2, policy)).toBe(1000);
  });

  it('no other status is asked again: the answer stands', () => {
    for (const status of [200, 201, 400, 401, 403, 404, 409, 422, 500, 502, 504]) expect(retryDelayMs(answer(status, '1'), 0, policy)).toBeNull();
  });

  it('a wait longer than the policy accepts hands the answer back instead of waiting', () => {
    expect(retryDelayMs(answer(429, '11'), 0, policy)).toBeNull();
    expect(retryDelayMs(answer(429, '10'), 0, policy)).toBe(10_000);
  });

  it('stops after the last attempt the policy allows', () => {
    expect(retryDelayMs(answer(503, '1'), 2, policy)).toBe(1000);
    expect(retryDelayMs(answer(503, '1'), 3, policy)).toBeNull();
    expect(retryDelayMs(answer(503, '1'), 0, { ...policy, retries: 0 })).toBeNull();
  });

  it('without a time named (no answer at all, or no header), backs off exponentially with jitter of up to half', () => {
    expect(retryDelayMs(undefined, 0, policy, () => 1)).toBe(200);
    expect(retryDelayMs(undefined, 2, policy, () => 1)).toBe(800);
    expect(retryDelayMs(answer(503), 1, policy, () => 0)).toBe(200);
    expect(retryDelayMs(undefined, 10, { ...policy, retries: 20 }, () => 1)).toBeNull();
  });

  it('by default: three more attempts, waiting at most 30 s', () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject({ retries: 3, maxDelayMs: 30_000 });
  });
});
