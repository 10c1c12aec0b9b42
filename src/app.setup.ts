/**
 * Builds the application exactly one way, for production, tests and the OpenAPI generator:
 * Fastify with its limits, the validation pipe, the problem+json filter and the API document.
 */
import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { AppModule } from './app.module';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { IMPORT_MEDIA_TYPES, IMPORTS_PATH } from './imports/import-media';
import { IDLE_TIMEOUT_MS } from './common/http-limits';
import { Problem } from './common/problem';
import { ProblemFilter, ProblemRenderer, sendProblem, toProblem } from './common/problem.filter';
import { PageErrors } from './pages/page-errors';
import { ONE_CLICK_PATH, PREFERENCE_CENTRE_PATH } from './pages/page-http';
import { requestIdOf } from './common/request-id';
import { Metrics } from './metrics/metrics';
import { parseForm, TWILIO_BODY_LIMIT, TWILIO_WEBHOOK_PATH } from './inbound/twilio-signature';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { addDuration } from './common/duration';
import { completeOpenApiDocument } from './openapi.document';

const frameworkLogger = new Logger('Router');

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export async function createApp(
  config: AppConfig,
  options: { schedule?: boolean; logger?: false; logDestination?: DestinationStream } = {},
): Promise<NestFastifyApplication> {
  // Errors on the customers' pages are pages (src/pages/page-errors.ts), once the app exists.
  const pages: { render?: ProblemRenderer } = {};
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    // A slow client cannot hold a connection: whole request within 30 s, idle keep-alive 5 s.
    requestTimeout: 30_000,
    connectionTimeout: IDLE_TIMEOUT_MS,
    keepAliveTimeout: 5_000,
    // The client address (rate limits on unknown keys) is the socket's, unless TRUST_PROXY
    // names the proxies in front whose X-Forwarded-For may be believed.
    trustProxy: config.trustProxy,
    // One id per request for the error body, X-Request-Id and every log line (src/common/logging.ts);
    // middie copies it to the raw request, where pino-http and the problem filter read it.
    genReqId: (request: IncomingMessage) => requestIdOf(request.headers),
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Path segments are checked by the validation pipe (which names them); the router only
    // refuses what no id could be: percent-encoded sender addresses stay well under this.
    routerOptions: { maxParamLength: 2048 },
    // Malformed URLs and over-long segments, refused before routing, as problem+json too.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const id = requestIdOf(request.headers);
      const problem = toProblem(error, frameworkLogger, request.raw, id);
      if (!pages.render?.(problem, request, reply, id)) sendProblem(reply, problem, request.raw.url?.split('?')[0], id);
    },
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, { schedule: options.schedule, logDestination: options.logDestination }),
    adapter,
    {
      logger: options.logger === false ? false : LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1),
      // Until the JSON logger is in place; then every line is JSON (see src/common/logging.ts).
      bufferLogs: options.logger !== false,
      // Fastify's own JSON parser (with the limits above); form bodies only where set up below.
      bodyParser: false,
    },
  );
  if (options.logger !== false) {
    app.useLogger(app.get(PinoLogger));
    app.flushLogs();
  }
  app.useGlobalPipes(createValidationPipe());
  pages.render = app.get(PageErrors).render;
  app.useGlobalFilters(new ProblemFilter(pages.render));
  // Errors Fastify raises before routing (bad JSON, body too large, wrong media type) reach
  // ProblemFilter too: Nest installs Fastify's error handler and sends them through the filters.
  // JSON only (the inbound webhook adds form bodies where it needs them): anything else is a 415.
  const fastify = app.getHttpAdapter().getInstance();
  // Request rate and latency per route (the route's pattern, never the URL: no ids or addresses).
  const metrics = app.get(Metrics);
  // Every answer, errors included: a browser must not guess a type other than the one sent.
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  fastify.removeContentTypeParser('text/plain');
  // JSON as Fastify parses it (prototype poisoning refused), but an empty body is no body: a
  // POST that takes none (running a job) may still say application/json.
  const json = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: config.bodyLimitBytes }, (request, body, done) => {
    // One-click unsubscribe takes any body, and reads none (RFC 8058).
    if (body === '' || request.routeOptions.url === ONE_CLICK_PATH) done(null, undefined);
    else void json(request, body as string, done);
  });
  // Form bodies on the Twilio webhook and the customers' pages (64 KiB at most); elsewhere they are a 415 too.
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: TWILIO_BODY_LIMIT }, (request, body, done) => {
    const route = request.routeOptions.url;
    if (route === PREFERENCE_CENTRE_PATH || route === ONE_CLICK_PATH) return done(null, new URLSearchParams(body as string));
    if (notOn(TWILIO_WEBHOOK_PATH, request, done)) return;
    done(null, parseForm(body as string));
  });
  // Any other body (multipart/form-data, text): read and ignored by one-click unsubscribe, a 415 anywhere else.
  fastify.addContentTypeParser('*', (request, payload, done) => {
    if (notOn(ONE_CLICK_PATH, request, done)) return;
    let seen = 0;
    payload.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > TWILIO_BODY_LIMIT)
        payload.destroy(new Problem(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', 'A one-click unsubscribe needs no more than List-Unsubscribe=One-Click.'));
    });
    payload.once('end', () => done(null, undefined));
    payload.once('error', (error) => done(error, undefined));
  });
  // Import files are streamed to the handler (never buffered), up to IMPORT_MAX_BYTES, and
  // must have arrived within IMPORT_TIMEOUT.
  const importDeadlineMs = addDuration(new Date(0), config.importTimeout).getTime();
  fastify.addContentTypeParser([...IMPORT_MEDIA_TYPES], (request, payload, done) => {
    if (notOn(IMPORTS_PATH, request, done)) return;
    done(null, limitUpload(payload, config.importMaxBytes, importDeadlineMs, config.importTimeoutText));
  });
  return app;
}

/**
 * For a parser of one route's media type: on any other route, answers the 415 every non-JSON
 * body gets (true: the caller stops there).
 */
function notOn(path: string, request: FastifyRequest, done: (error: Error | null, body?: unknown) => void): boolean {
  if (request.routeOptions.url === path) return false;
  done(new Problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', 'This endpoint takes application/json.'), undefined);
  return true;
}

/**
 * The stream, failing with a 413 once more than `max` bytes came through, and with a 408 when
 * it has not ended `deadlineMs` after it began: a client trickling a byte now and then (under
 * the idle timeout) cannot hold a socket, and an import slot, for ever.
 */
function limitUpload(input: Readable, max: number, deadlineMs: number, deadlineText: string): Readable {
  let seen = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > max)
        callback(new Problem(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', `An import file is at most ${max} bytes (IMPORT_MAX_BYTES); split it.`));
      else callback(null, chunk);
    },
  });
  const deadline = setTimeout(() => {
    limited.destroy(
      new Problem(
        408,
        'IMPORT.UPLOAD_TIMEOUT',
        'Request timeout',
        `The file did not arrive within ${deadlineText} (IMPORT_TIMEOUT). What was committed stays: post the file again with the same Idempotency-Key to resume.`,
        undefined,
        { connection: 'close' },
      ),
    );
    input.unpipe(limited);
    input.resume(); // whatever still comes is read and dropped until the answer closes the connection
  }, deadlineMs);
  deadline.unref();
  const done = () => clearTimeout(deadline);
  input.once('end', done);
  limited.once('close', done);
  input.on('error', (error) => limited.destroy(error));
  return input.pipe(limited);
}

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Consent and preference service')
    .setDescription(
      'System of record for consent: records opt-ins and opt-outs with evidence, and answers "may I send?". ' +
        'Errors are application/problem+json (RFC 9457) with a stable `code`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key: ADMIN_API_KEY or one made with POST /v1/api-keys.' })
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Twilio-Signature',
        description: "Twilio's HMAC-SHA1 signature of the public URL and every parameter, with TWILIO_AUTH_TOKEN.",
      },
      'twilioSignature',
    )
    .build();
  return completeOpenApiDocument(
    SwaggerModule.createDocument(app, config, { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` }),
  );
}
