/**
 * The contract test: every request the e2e suites send and every response they receive is
 * checked against openapi.yaml by independent validators (ajv, as JSON Schema 2020-12 which
 * OpenAPI 3.1 uses, for response bodies and headers; openapi-request-validator with
 * openapi-request-coercer for requests), not against a copy of the schemas. TestApp.request (and the helpers that talk to a service over a socket) call
 * `checkExchange`; a violation fails the test that made the request.
 *
 * What is checked, per exchange:
 * - the operation exists (an unknown path or method must be answered as a documented 404);
 * - the status is documented for the operation;
 * - the content type is one the response documents, and a JSON body matches its schema;
 * - every header the response documents as required is there, every documented header that
 *   is there matches its schema, and no other header is sent (beyond HTTP's own);
 * - a request the service accepted (2xx) is valid against the operation's parameters and body.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import $RefParser from '@apidevtools/json-schema-ref-parser';
import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import OpenAPIRequestCoercer from 'openapi-request-coercer';
import OpenAPIRequestValidator from 'openapi-request-validator';
import { parse } from 'yaml';

type Json = Record<string, unknown>;
type Headers = Record<string, string | string[] | number | undefined>;

export interface Exchange {
  method: string;
  /** Path and query, as sent (percent-encoded). */
  url: string;
  requestHeaders: Headers;
  /** As sent: JSON, form or file text; undefined for none. */
  requestBody?: string;
  /** A multipart/form-data body, read (checkExchange reads it). */
  requestForm?: Record<string, string>;
  status: number;
  responseHeaders: Headers;
  responseBody: string;
}

/** HTTP's own headers: present on any response, described by no API. */
const TRANSPORT_HEADERS = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);
const JSON_TYPES = /^application\/(?:[\w.+-]+\+)?json$/;

interface Route {
  template: string;
  pattern: RegExp;
  names: string[];
  item: Record<string, Json>;
}

export class Contract {
  private readonly routes: Route[];
  // OpenAPI 3.1's schemas are JSON Schema 2020-12. Headers arrive as text: their values are coerced.
  private readonly ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  private readonly headerAjv = addFormats(new Ajv2020({ strict: false, allErrors: true, coerceTypes: true }));
  private readonly cache = new Map<string, unknown>();

  private constructor(readonly spec: Json) {
    const paths = spec.paths as Record<string, Record<string, Json>>;
    this.routes = Object.entries(paths)
      .map(([template, item]) => {
        const names: string[] = [];
        const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, name: string) => {
          names.push(name);
          return '([^/]+)';
        });
        return { template, pattern: new RegExp(`^${source}$`), names, item };
      })
      // Literal routes before templated ones.
      .sort((a, b) => a.names.length - b.names.length);
  }

  /** The contract from a spec object (dereferenced here), or openapi.yaml. */
  static async load(spec: Json = parse(readFileSync(resolve(__dirname, '..', '..', 'openapi.yaml'), 'utf8')) as Json): Promise<Contract> {
    return new Contract(await $RefParser.dereference<Json>(structuredClone(spec)));
  }

  /** What in this exchange the contract does not say; empty when it holds. */
  check(x: Exchange): string[] {
    const [rawPath, rawQuery = ''] = x.url.split('?');
    const method = x.method.toLowerCase();
    const route = this.routes.find((r) => r.pattern.test(rawPath));
    const operation = route?.item[method];
    if (!route || !operation) return this.checkUnknownRoute(x);
    const where = `${x.method} ${route.template} → ${x.status}`;
    const violations = this.checkResponse(operation, x).map((v) => `${where}: ${v}`);
    if (x.status >= 200 && x.status < 300) {
      const match = route.pattern.exec(rawPath)!;
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1])]));
      violations.push(
        ...this.checkRequest(route, method, operation, x, params, rawQuery).map((v) => `${where}: the service accepted a request the contract refuses: ${v}`),
      );
    }
    return violations;
  }

  /** No documented operation: the answer must be a documented kind of refusal (a problem 404 or 405). */
  private checkUnknownRoute(x: Exchange): string[] {
    if (x.status !== 404 && x.status !== 405) return [`${x.method} ${x.url} → ${x.status}: no operation matches, and the answer is not a 404 or 405`];
    const type = String(x.responseHeaders['content-type'] ?? '')
      .split(';')[0]
      .trim();
    if (type !== 'application/problem+json') return [`${x.method} ${x.url} → ${x.status}: not problem+json (${type})`];
    const problem = (this.spec.components as Json).schemas as Json;
    const validate = this.compile(`problem`, problem.Problem as Json);
    return validate(JSON.parse(x.responseBody)) ? [] : (validate.errors ?? []).map((e) => `${x.method} ${x.url} → ${x.status}: body ${describe(e)}`);
  }

  private compile(key: string, schema: Json, ajv = this.ajv): ValidateFunction {
    let compiled = this.cache.get(key) as ValidateFunction | undefined;
    if (!compiled) this.cache.set(key, (compiled = ajv.compile(schema)));
    return compiled;
  }

  private checkResponse(operation: Json, x: Exchange): string[] {
    const responses = operation.responses as Record<string, Json>;
    const response = responses[String(x.status)] ?? responses[`${String(x.status)[0]}XX`] ?? responses.default;
    if (!response) return [`status ${x.status} is not documented (documented: ${Object.keys(responses).join(', ')}): ${x.responseBody.slice(0, 200)}`];
    const out: string[] = [];
    const content = response.content as Record<string, Json> | undefined;
    const type = String(x.responseHeaders['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (content) {
      const mediaType = Object.keys(content).find((t) => t.toLowerCase() === type);
      if (!mediaType) out.push(`content type "${type}" is not documented (documented: ${Object.keys(content).join(', ')})`);
      else if (JSON_TYPES.test(type)) {
        const schema = (content[mediaType].schema as Json | undefined) ?? {};
        const validate = this.compile(`response:${JSON.stringify([operation.operationId, x.status, mediaType])}`, schema);
        let body: unknown;
        try {
          body = JSON.parse(x.responseBody);
        } catch {
          out.push('the body is not JSON');
        }
        const code = typeof (body as { code?: unknown } | undefined)?.code === 'string' ? ` (code ${(body as { code: string }).code})` : '';
        if (body !== undefined && !validate(body)) out.push(...(validate.errors ?? []).map((e) => `body ${describe(e)}${code}`));
      }
    } else if (x.responseBody.length && x.status !== 204) {
      out.push(`a body is sent (${type}) where none is documented`);
    }
    out.push(...this.checkHeaders((response.headers as Record<string, Json> | undefined) ?? {}, x.responseHeaders));
    return out;
  }

  private checkHeaders(documented: Record<string, Json>, sent: Headers): string[] {
    const out: string[] = [];
    const byName = new Map(Object.entries(documented).map(([name, h]) => [name.toLowerCase(), h]));
    for (const [name, header] of byName) {
      const value = sent[name];
      if (value === undefined) {
        if (header.required) out.push(`header ${name} is required and missing`);
        continue;
      }
      const validate = this.compile(
        `header:${JSON.stringify(header.schema)}`,
        { type: 'object', properties: { value: header.schema as Json } },
        this.headerAjv,
      );
      const holder = { value: Array.isArray(value) ? value.join(', ') : String(value) };
      if (!validate(holder)) out.push(...(validate.errors ?? []).map((e) => `header ${name}: ${describe(e)}`));
    }
    for (const name of Object.keys(sent)) {
      const lower = name.toLowerCase();
      if (!TRANSPORT_HEADERS.has(lower) && !byName.has(lower)) out.push(`header ${lower} is sent but not documented`);
    }
    return out;
  }

  private checkRequest(route: Route, method: string, operation: Json, x: Exchange, params: Record<string, string>, rawQuery: string): string[] {
    const parameters = [...((route.item.parameters as unknown as Json[] | undefined) ?? []), ...((operation.parameters as Json[] | undefined) ?? [])];
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(rawQuery)) query[k] = k in query ? [...([] as string[]).concat(query[k]), v] : v;
    const headers = Object.fromEntries(Object.entries(x.requestHeaders).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]));
    const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    let body: unknown = x.requestBody;
    if (x.requestBody !== undefined && JSON_TYPES.test(type)) {
      try {
        body = x.requestBody === '' ? undefined : JSON.parse(x.requestBody);
      } catch {
        body = x.requestBody; // not JSON: a route that takes any body accepted it as it is
      }
    }
    if (x.requestForm) body = x.requestForm;
    if (x.requestBody !== undefined && type === 'application/x-www-form-urlencoded') body = Object.fromEntries(new URLSearchParams(x.requestBody));
    const request = { headers, query, params, body };
    const key = `request:${String(operation.operationId)}`;
    let compiled = this.cache.get(key) as { coercer?: OpenAPIRequestCoercer; validator: OpenAPIRequestValidator } | undefined;
    if (!compiled) {
      compiled = {
        coercer: parameters.length ? new OpenAPIRequestCoercer({ parameters: parameters as never }) : undefined,
        validator: new OpenAPIRequestValidator({ parameters: parameters as never, requestBody: operation.requestBody as never }),
      };
      this.cache.set(key, compiled);
    }
    compiled.coercer?.coerce(request);
    const validator = compiled.validator;
    const errors = validator.validateRequest(request);
    void method;
    return errors
      ? (errors.errors as { location?: string; path?: string; message: string }[]).map((e) => `${e.location ?? ''} ${e.path ?? ''}: ${e.message}`)
      : [];
  }
}

/** An exchange that does not follow openapi.yaml. */
export class ContractViolation extends Error {}

/** One schema error, naming the place and what is wrong there (an unexpected property by its name). */
function describe(e: ErrorObject): string {
  const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty: string }).additionalProperty)})` : '';
  const allowed = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
  return `${e.instancePath || '/'}: ${e.message ?? e.keyword}${extra}${allowed}`;
}

let shared: Promise<Contract> | undefined;

/** Checks one exchange against openapi.yaml; throws, naming every violation, when the contract does not hold. */
export async function checkExchange(x: Exchange): Promise<void> {
  shared ??= Contract.load();
  const type = String(Object.entries(x.requestHeaders).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '');
  if (x.requestBody !== undefined && /^multipart\/form-data/i.test(type)) {
    // Read by undici's own multipart parser, as a browser's form is; a body it cannot read stays text.
    const form = await new Response(x.requestBody, { headers: { 'content-type': type } }).formData().catch(() => null);
    if (form) x = { ...x, requestForm: Object.fromEntries([...form.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : v.name])) };
  }
  const violations = (await shared).check(x);
  if (violations.length) throw new ContractViolation(`The response (or the request) does not follow openapi.yaml:\n  ${violations.join('\n  ')}`);
}

/**
 * fetch, with the exchange held to openapi.yaml like TestApp.request's: for tests that talk to
 * a service process (or the typed client) over a socket. The answer's body is read here and
 * handed back unread.
 */
export async function checkedRequest(request: Request): Promise<Response> {
  const requestBody = request.body ? await request.clone().text() : undefined;
  const res = await fetch(request);
  const text = await res.text();
  const { pathname, search } = new URL(request.url);
  await checkExchange({
    method: request.method,
    url: `${pathname}${search}`,
    requestHeaders: Object.fromEntries(request.headers.entries()),
    requestBody,
    status: res.status,
    responseHeaders: Object.fromEntries(res.headers.entries()),
    responseBody: text,
  });
  return new Response(res.status === 204 ? null : text, { status: res.status, statusText: res.statusText, headers: res.headers });
}

export const checkedFetch = (url: string, init: RequestInit = {}): Promise<Response> => checkedRequest(new Request(url, init));
