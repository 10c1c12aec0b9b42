/**
 * When to ask again. The service answers 429 (a rate limit) and 503 (it cannot be sure: the
 * database is out of reach, a deadline passed) with `Retry-After`; nothing was done, and a
 * request that can be repeated may be sent again once that time has passed. Never sooner:
 * a client that retries early only adds to what made the service say no.
 */
export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** The longest wait the client accepts; a Retry-After beyond it hands the answer back. */
  maxDelayMs: number;
  /** The first wait when the answer names none (a lost connection); doubled each time. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, maxDelayMs: 30_000, baseDelayMs: 250 };

/** The statuses that mean "not now, nothing was done". */
export const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** `Retry-After` in milliseconds (RFC 9110 §10.2.3: seconds, or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date reads like `Mon, 30 Nov 2026 12:00:05 GMT`; Date.parse would take far more.
  const at = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * How long to wait before attempt `attempt + 1`, or null when the answer stands: a status that
 * is not retried, no attempts left, or a wait longer than the policy accepts. `response`
 * undefined: the request failed without an answer (a reset connection).
 */
export function retryDelayMs(
  response: Pick<Response, 'status' | 'headers'> | undefined,
  attempt: number,
  policy: RetryPolicy,
  random = Math.random,
): number | null {
  if (attempt >= policy.retries) return null;
  if (response && !RETRIED_STATUSES.has(response.status)) return null;
  const asked = response ? retryAfterMs(response.headers.get('retry-after')) : null;
  // Without a time named, back off exponentially, with jitter so that many clients spread out.
  const delay = asked ?? policy.baseDelayMs * 2 ** attempt * (0.5 + random() / 2);
  return delay > policy.maxDelayMs ? null : delay;
}
