/**
 * A typed client for the consent service, over openapi-fetch and the types generated from
 * openapi.yaml (src/schema.ts). Runs wherever fetch and Web Crypto do: Node 20+ and browsers.
 *
 * What it adds to openapi-fetch:
 * - the API key on every request;
 * - an `Idempotency-Key` (a random UUID) on every write that takes one, unless given;
 * - retries of 429 and 503 after the `Retry-After` the service names, for requests that can
 *   be repeated safely (reads, and writes with an Idempotency-Key);
 * - `decideBatch`, which splits any number of recipients into batches the service accepts.
 */
import createClient, { type Client, type FetchResponse, type Middleware } from 'openapi-fetch';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './retry';
import type { components, paths } from './schema';

export type { components, paths } from './schema';
export type Schemas = components['schemas'];

/** The most recipients one POST /v1/decisions/batch takes (its `recipients` maxItems). */
export const BATCH_LIMIT = 10_000;

type HeaderParameters<Op> = Op extends { parameters: { header?: infer H } } ? NonNullable<H> : never;
/** The paths whose POST takes an Idempotency-Key, as openapi.yaml says. */
type IdempotentPost = {
  [P in keyof paths]: paths[P] extends { post: infer Op }
    ? [HeaderParameters<Op>] extends [never]
      ? never
      : 'Idempotency-Key' extends keyof HeaderParameters<Op>
        ? P
        : never
    : never;
}[keyof paths];

/**
 * Kept in step with openapi.yaml by the compiler: a path here that takes no key, or one that
 * takes a key and is missing, does not compile (`Complete` below).
 */
const IDEMPOTENT_POSTS = [
  '/v1/api-keys',
  '/v1/consents',
  '/v1/customers/{customerId}/erasure',
  '/v1/decisions',
  '/v1/decisions/batch',
  '/v1/imports',
  '/v1/inbound/messages',
  '/v1/sends',
  '/v1/webhook-endpoints',
] as const satisfies readonly IdempotentPost[];
type Complete<Missing> = [Missing] extends [never] ? true : { missing: Missing };
const complete: Complete<Exclude<IdempotentPost, (typeof IDEMPOTENT_POSTS)[number]>> = true;
void complete;

/** POSTs that only read unless their body says otherwise: a key is needed only for `reserve`. */
const READING_POSTS: ReadonlySet<string> = new Set(['/v1/decisions', '/v1/decisions/batch']);
const WITH_KEY: ReadonlySet<string> = new Set(IDEMPOTENT_POSTS);
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

export interface ConsentClientOptions {
  /** Where the service is, e.g. `https://consent.internal`. */
  baseUrl: string;
  /** An API key (`csk_...`) with the scopes the calls need. */
  apiKey: string;
  /** Defaults: 3 retries, waits up to 30 s. `{ retries: 0 }` turns retrying off. */
  retry?: Partial<RetryPolicy>;
  /** A fetch of your own (a proxy, instrumentation); default: the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** Makes Idempotency-Keys; default: a random UUID. */
  newIdempotencyKey?: () => string;
  /** How to wait between attempts (tests pass a clock of their own). */
  sleep?: (ms: number) => Promise<void>;
}

type BatchOperation = paths['/v1/decisions/batch']['post'];
type BatchResponse = FetchResponse<BatchOperation, object, `${string}/${string}`>;
export type BatchDecisionRequest = Schemas['BatchDecisionRequestDto'];
export type BatchDecisionError = NonNullable<BatchResponse['error']>;
/** One answer for every recipient, in order; or the first error, with where its batch began. */
export type BatchOutcome =
  { data: Schemas['BatchDecisionDto']; error?: never; response: Response } | { data?: never; error: BatchDecisionError; response: Response; offset: number };

export interface ConsentClient extends Client<paths> {
  /** The retry policy in force. */
  readonly retryPolicy: RetryPolicy;
  /** A new Idempotency-Key. */
  newIdempotencyKey(): string;
  /** Waits as the client waits between attempts. */
  sleep(ms: number): Promise<void>;
  /**
   * POST /v1/decisions/batch for any number of recipients: sent in batches of BATCH_LIMIT, one
   * after another, answered in order as one (`decidedAt` is the first batch's). Stops at the
   * first batch that fails.
   */
  decideBatch(request: BatchDecisionRequest, init?: { signal?: AbortSignal }): Promise<BatchOutcome>;
}

/** An error answer (RFC 9457 problem details) as an exception, for the errors a caller does not handle. */
export class ConsentProblem extends Error {
  readonly status: number;
  readonly code: string;
  constructor(readonly problem: Schemas['Problem']) {
    super(`${problem.status} ${problem.code}: ${problem.detail ?? problem.title}${problem.requestId ? ` (request ${problem.requestId})` : ''}`);
    this.name = 'ConsentProblem';
    this.status = problem.status;
    this.code = problem.code;
  }
}

/** A decision with `reserve: true` counts against caps: a write, to be sent with a key. */
const reserves = (body: unknown): boolean => typeof body === 'object' && body !== null && 'reserve' in body && body.reserve === true;

const sleeping = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createConsentClient(options: ConsentClientOptions): ConsentClient {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const newIdempotencyKey = options.newIdempotencyKey ?? (() => globalThis.crypto.randomUUID());
  const sleep = options.sleep ?? sleeping;
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  /** Requests that may be sent again as they are; decided where their path is known. */
  const repeatable = new WeakSet<Request>();

  const idempotency: Middleware = {
    async onRequest({ request, schemaPath }) {
      if (request.method !== 'POST') {
        repeatable.add(request);
        return;
      }
      if (!WITH_KEY.has(schemaPath)) return; // a POST without a key cannot be repeated safely
      // A body the client cannot send twice (a file streamed by importFile) is retried by its sender.
      if (!JSON_TYPE.test(request.headers.get('content-type') ?? '')) return;
      if (!request.headers.has('idempotency-key')) {
        const writes = !READING_POSTS.has(schemaPath) || reserves(await request.clone().json());
        if (writes) request.headers.set('idempotency-key', newIdempotencyKey());
      }
      repeatable.add(request);
    },
  };

  const retrying = async (request: Request): Promise<Response> => {
    const again = repeatable.has(request);
    for (let attempt = 0; ; attempt++) {
      let response: Response | undefined;
      try {
        // Each attempt sends a copy: the original's body stays unread for the next one.
        response = await send(again ? request.clone() : request);
      } catch (error) {
        if (!again || request.signal.aborted) throw error;
        const delay = retryDelayMs(undefined, attempt, policy);
        if (delay === null) throw error;
        await sleep(delay);
        continue;
      }
      const delay = again ? retryDelayMs(response, attempt, policy) : null;
      if (delay === null) return response;
      await response.body?.cancel();
      await sleep(delay);
    }
  };

  const api = createClient<paths>({ baseUrl: options.baseUrl, fetch: retrying, headers: { authorization: `Bearer ${options.apiKey}` } });
  api.use(idempotency);

  async function decideBatch(request: BatchDecisionRequest, init: { signal?: AbortSignal } = {}): Promise<BatchOutcome> {
    const batch = (offset: number) =>
      api.POST('/v1/decisions/batch', { body: { ...request, recipients: request.recipients.slice(offset, offset + BATCH_LIMIT) }, signal: init.signal });
    const first = await batch(0);
    if (first.error !== undefined) return { error: first.error, response: first.response, offset: 0 };
    const results = [...first.data.results];
    let response = first.response;
    for (let offset = BATCH_LIMIT; offset < request.recipients.length; offset += BATCH_LIMIT) {
      const next = await batch(offset);
      if (next.error !== undefined) return { error: next.error, response: next.response, offset };
      results.push(...next.data.results);
      response = next.response;
    }
    return { data: { ...first.data, results }, response };
  }

  return Object.assign(api, { retryPolicy: policy, newIdempotencyKey, sleep, decideBatch });
}
