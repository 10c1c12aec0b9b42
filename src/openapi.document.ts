/**
 * Completes the document @nestjs/swagger builds from the controllers into the contract other
 * services build on (openapi.yaml): OpenAPI 3.1, every status an operation can answer with
 * its problem+json body and the `code` values it may hold, every header, `security: []` on
 * public routes, and nullable fields as 3.1 validators read them. What each route answers
 * follows from what it is (authenticated, with a body, idempotent, reading the database) and
 * from its own marks (src/common/api-docs.ts). A contract test validates every response the
 * e2e suites receive against the result (test/support/contract.ts).
 */
import type { OpenAPIObject } from '@nestjs/swagger';
import { ANY_BODY_EXTENSION, HTML_PAGE_EXTENSION, IDEMPOTENT_EXTENSION, PROBLEMS_EXTENSION, ProblemCodes } from './common/api-docs';
import { PAGE_HEADERS } from './pages/page-http';

type Json = Record<string, unknown>;
type Schema = Json;

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  408: 'Request timeout',
  409: 'Conflict',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** Schemas whose objects may hold more than they list: evidence carries what a provider sends. */
const OPEN_SCHEMAS = new Set(['RecordedEvidenceDto']);

/** Routes that never read the database, so never answer 503 for it. */
const WITHOUT_DATABASE = new Set(['get /health/live', 'get /metrics', 'get /assets/pages.css', 'get /console/assets/{file}']);

const ref = (kind: 'schemas' | 'headers' | 'parameters', name: string) => ({ $ref: `#/components/${kind}/${name}` });

const HEADERS: Record<string, Json> = {
  XRequestId: {
    description:
      "On every error: the request's id, in its body (`requestId`) and its log lines; the caller's `X-Request-Id` when it is a plain token, else a UUID.",
    required: true,
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
  },
  RetryAfter: { description: 'Seconds to wait before trying again.', required: true, schema: { type: 'integer', minimum: 1 } },
  RateLimitLimit: { description: 'Requests this API key may make per window (RATE_LIMIT).', schema: { type: 'integer', minimum: 1 } },
  RateLimitRemaining: { description: 'Requests left in this window.', schema: { type: 'integer', minimum: 0 } },
  RateLimitReset: { description: 'Seconds until the window ends.', schema: { type: 'integer', minimum: 1 } },
  IdempotentReplayed: {
    description: 'The first answer to this Idempotency-Key, replayed: nothing was done again.',
    schema: { type: 'string', enum: ['true'] },
  },
  WwwAuthenticate: { description: 'How to authenticate: `Bearer`.', required: true, schema: { type: 'string' } },
  ContentTypeOptions: { description: 'Always `nosniff`.', required: true, schema: { type: 'string', enum: ['nosniff'] } },
};

/** `content-security-policy` → `Content-Security-Policy`, and the header's component: `PageContentSecurityPolicy`. */
const headerName = (lower: string) => lower.replace(/(^|-)(\w)/g, (m) => m.toUpperCase());
const pageComponent = (lower: string) => `Page${headerName(lower).replace(/-/g, '')}`;
// The headers every page carries (src/pages/page-http.ts).
for (const [name, value] of Object.entries(PAGE_HEADERS)) {
  HEADERS[pageComponent(name)] = { description: `On every page: \`${value}\`.`, required: true, schema: { type: 'string', enum: [value] } };
}
const pageHeaders = (): Record<string, Json> =>
  Object.fromEntries(Object.keys(PAGE_HEADERS).map((name) => [headerName(name), ref('headers', pageComponent(name))]));

/** An error on a page is a page too: in its language, saying what to do. */
function htmlErrorResponse(status: number, headers: Record<string, Json>, description?: string): Json {
  return {
    description: description ?? `${TITLES[status] ?? 'Error'}: a page saying so, in the page's language.`,
    headers: { 'X-Request-Id': ref('headers', 'XRequestId'), 'X-Content-Type-Options': ref('headers', 'ContentTypeOptions'), ...pageHeaders(), ...headers },
    content: { 'text/html': { schema: { type: 'string' } } },
  };
}

const COMPONENT_SCHEMAS: Record<string, Schema> = {
  FieldError: {
    type: 'object',
    required: ['field', 'message'],
    properties: {
      field: { type: 'string', description: 'The field at fault: a body property (`evidence.ip`, `recipients.3.address`), a parameter, a header, or `body`.' },
      message: { type: 'string' },
    },
  },
  Problem: {
    type: 'object',
    description: 'An error, as RFC 9457 problem details with a stable `code`.',
    required: ['type', 'title', 'status', 'code'],
    properties: {
      type: { type: 'string', description: 'A URI reference naming the kind of problem.' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string', description: 'What went wrong, and what to do about it.' },
      code: { type: 'string', description: 'Stable: the operation lists the values it may answer with this status.' },
      errors: { type: 'array', items: ref('schemas', 'FieldError'), description: 'For invalid input: each field at fault.' },
      instance: { type: 'string', description: 'The path of the request.' },
      requestId: { type: 'string', description: 'As X-Request-Id: quote it to operators.' },
    },
  },
};

const webhookHeader = (name: string, description: string, pattern?: string): Json => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string', ...(pattern ? { pattern } : {}) },
});

/** What the service sends to the receivers registered with POST /v1/webhook-endpoints. */
const WEBHOOKS: Json = {
  consentEvent: {
    post: {
      operationId: 'receiveConsentEvent',
      summary: 'A consent event, delivered to a registered receiver',
      description:
        'Signed per Standard Webhooks: verify `webhook-signature` over `<webhook-id>.<webhook-timestamp>.<body>` with the secret the endpoint was registered with, ' +
        'and drop a `webhook-id` already seen (delivery is at least once). Any 2xx acknowledges; anything else, or no answer in time, is retried with back-off. Redirects are not followed.',
      tags: ['webhooks'],
      security: [],
      parameters: [
        webhookHeader('webhook-id', 'msg_<outbox id>: the same on every attempt of one delivery.', '^msg_[0-9]+$'),
        webhookHeader('webhook-timestamp', 'Unix seconds when this attempt was signed.', '^[0-9]+$'),
        webhookHeader('webhook-signature', '`v1,` and the base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>`.', '^v1,'),
      ],
      requestBody: { required: true, content: { 'application/json': { schema: ref('schemas', 'WebhookPayloadDto') } } },
      responses: {
        '2XX': { description: 'Received: the delivery is done.' },
        default: { description: 'Not received: the delivery is retried until WEBHOOK_GIVE_UP_AFTER.' },
      },
    },
  },
};

function problemResponse(status: number, codes: readonly string[], headers: Record<string, Json>, description?: string): Json {
  return {
    description: description ?? `${TITLES[status] ?? 'Error'}: ${codes.join(', ')}.`,
    headers: { 'X-Request-Id': ref('headers', 'XRequestId'), 'X-Content-Type-Options': ref('headers', 'ContentTypeOptions'), ...headers },
    content: {
      'application/problem+json': {
        schema: {
          allOf: [
            ref('schemas', 'Problem'),
            { type: 'object', required: ['code', 'status'], properties: { status: { const: status }, code: { type: 'string', enum: [...codes].sort() } } },
          ],
        },
      },
    },
  };
}

/** The problems an operation answers by what it is, then its own. */
function problemsOf(method: string, path: string, op: Json, bearer: boolean): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  const add = (status: number, ...codes: string[]) => {
    const set = out.get(status) ?? new Set<string>();
    for (const c of codes) set.add(c);
    out.set(status, set);
  };
  add(500, 'INTERNAL');
  if (!WITHOUT_DATABASE.has(`${method} ${path}`)) add(503, 'SERVICE_UNAVAILABLE');
  if (bearer) {
    add(401, 'UNAUTHENTICATED');
    add(403, 'FORBIDDEN');
    add(429, 'RATE_LIMITED', 'AUTH_FAILURES_LIMITED');
  }
  const takesBody = ['post', 'put', 'patch', 'delete'].includes(method);
  if (takesBody || ((op.parameters as Json[] | undefined) ?? []).length) add(400, 'VALIDATION_FAILED', 'BAD_REQUEST');
  if (takesBody) {
    add(413, 'PAYLOAD_TOO_LARGE');
    add(415, 'UNSUPPORTED_MEDIA_TYPE');
  }
  // A path value the router cannot take (`..`, a segment over 2,048 characters) never reaches the route.
  if (path.includes('{')) {
    add(404, 'NOT_FOUND');
    add(414, 'URI_TOO_LONG');
  }
  if (op[IDEMPOTENT_EXTENSION]) add(422, 'IDEMPOTENCY_KEY.REUSED');
  for (const [status, codes] of Object.entries((op[PROBLEMS_EXTENSION] as ProblemCodes | undefined) ?? {})) add(Number(status), ...(codes ?? []));
  return out;
}

/** Headers a response of this status carries, by what the operation is. */
function headersFor(status: number, bearer: boolean, idempotent: boolean): Record<string, Json> {
  const headers: Record<string, Json> = {};
  // Past the key check, every answer says where the key stands with its rate limit.
  if (bearer && status !== 401) {
    Object.assign(headers, {
      'X-RateLimit-Limit': ref('headers', 'RateLimitLimit'),
      'X-RateLimit-Remaining': ref('headers', 'RateLimitRemaining'),
      'X-RateLimit-Reset': ref('headers', 'RateLimitReset'),
    });
  }
  if (status === 429 || status === 503) headers['Retry-After'] = ref('headers', 'RetryAfter');
  if (status === 401 && bearer) headers['WWW-Authenticate'] = ref('headers', 'WwwAuthenticate');
  if (idempotent && status < 300) headers['Idempotent-Replayed'] = ref('headers', 'IdempotentReplayed');
  return headers;
}

/** 3.0's `nullable: true` as 3.1 writes it: a `null` type beside the others, or `anyOf` with null for a reference. */
function toNullable31(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(toNullable31);
  if (!node || typeof node !== 'object') return;
  const s = node as Json;
  if (s.nullable === true) {
    delete s.nullable;
    const allOf = s.allOf as Json[] | undefined;
    if (allOf?.length === 1 && allOf[0].$ref) {
      delete s.allOf;
      delete s.type;
      s.anyOf = [allOf[0], { type: 'null' }];
    } else if (typeof s.type === 'string') {
      s.type = [s.type, 'null'];
      if (Array.isArray(s.enum)) s.enum = [...(s.enum as unknown[]), null];
    } else if (s.$ref) {
      s.anyOf = [{ $ref: s.$ref }, { type: 'null' }];
      delete s.$ref;
    }
  }
  for (const value of Object.values(s)) toNullable31(value);
}

export function completeOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  const doc = document as unknown as Json & { paths: Record<string, Record<string, Json>>; components: Json };
  doc.openapi = '3.1.0';
  doc.servers = [{ url: '/', description: 'Wherever the service is deployed (PUBLIC_BASE_URL).' }];
  const components = doc.components;
  components.securitySchemes = {
    bearer: { type: 'http', scheme: 'bearer', description: 'An API key (opaque, `csk_...`): ADMIN_API_KEY or one made with POST /v1/api-keys.' },
    twilioSignature: (components.securitySchemes as Json).twilioSignature,
  };
  components.schemas = { ...COMPONENT_SCHEMAS, ...(components.schemas as Json) };
  components.headers = HEADERS;
  components.parameters = {
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'The same key with the same request replays the first answer (`Idempotent-Replayed: true`) and does nothing again; with another request it is a 422.',
      schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
    },
  };
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op.summary) throw new Error(`${method.toUpperCase()} ${path} has no summary: add @Summary(...) to its handler`);
      const security = op.security as Json[] | undefined;
      const bearer = !!security?.some((s) => 'bearer' in s);
      if (!security?.length) op.security = [];
      const idempotent = op[IDEMPOTENT_EXTENSION] === true;
      const page = op[HTML_PAGE_EXTENSION] === true;
      const responses = op.responses as Record<string, Json>;
      for (const [status, codes] of problemsOf(method, path, op, bearer)) {
        const description = (responses[String(status)]?.description as string | undefined) || undefined;
        responses[String(status)] = page
          ? htmlErrorResponse(status, headersFor(status, bearer, idempotent), description)
          : problemResponse(status, [...codes], headersFor(status, bearer, idempotent), description);
      }
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400) {
          // A page's own errors (an expired link) are pages, with the pages' headers.
          if (page && !response.headers) response.headers = htmlErrorResponse(Number(status), {}).headers;
          continue;
        }
        response.headers = {
          'X-Content-Type-Options': ref('headers', 'ContentTypeOptions'),
          ...(page ? pageHeaders() : {}),
          ...headersFor(Number(status), bearer, idempotent),
          ...(response.headers ?? {}),
        };
      }
      if (idempotent) op.parameters = [...((op.parameters as Json[]) ?? []).filter((p) => p.name !== 'Idempotency-Key'), ref('parameters', 'IdempotencyKey')];
      delete op[IDEMPOTENT_EXTENSION];
      delete op[PROBLEMS_EXTENSION];
      delete op[HTML_PAGE_EXTENSION];
      if (op[ANY_BODY_EXTENSION]) {
        const body = (op.requestBody ??= { required: false, content: {} }) as Json;
        (body.content as Json)['*/*'] = { schema: { description: 'Any other body, or none: it is not read.' } };
        delete op[ANY_BODY_EXTENSION];
      }
      // Responses in status order: the document reads the way a client handles them.
      op.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  // A DTO lists every field it has: requests with others are refused (forbidNonWhitelisted),
  // and answers hold no others; the few open ones say so (OPEN_SCHEMAS).
  for (const [name, schema] of Object.entries(components.schemas as Record<string, Json>)) {
    if (schema.type === 'object' && schema.properties && !('additionalProperties' in schema)) schema.additionalProperties = OPEN_SCHEMAS.has(name);
  }
  doc.webhooks = WEBHOOKS;
  toNullable31(doc);
  return document;
}
