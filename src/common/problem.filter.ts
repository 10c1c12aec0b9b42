import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from './database-errors';
import { loggablePath } from './logging';
import { Problem, PROBLEM_CONTENT_TYPE } from './problem';
import { requestIdOf } from './request-id';

const HTTP_CODES: Record<number, [string, string]> = {
  400: ['BAD_REQUEST', 'Bad request'],
  401: ['UNAUTHENTICATED', 'Unauthenticated'],
  403: ['FORBIDDEN', 'Forbidden'],
  404: ['NOT_FOUND', 'Not found'],
  405: ['METHOD_NOT_ALLOWED', 'Method not allowed'],
  406: ['NOT_ACCEPTABLE', 'Not acceptable'],
  408: ['REQUEST_TIMEOUT', 'Request timeout'],
  413: ['PAYLOAD_TOO_LARGE', 'Payload too large'],
  414: ['URI_TOO_LONG', 'URI too long'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type'],
  429: ['TOO_MANY_REQUESTS', 'Too many requests'],
};

function isJsonSyntaxError(error: { code?: string; name?: string; message?: string }): boolean {
  return (
    error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    error.name === 'SyntaxError' ||
    /not valid JSON|cannot be empty when content-type is set to 'application\/json'/.test(error.message ?? '')
  );
}

/** Fastify's own errors (body parsing, size limit, media type) carry a statusCode and an FST_ code. */
function fastifyProblem(error: { statusCode?: number; code?: string; message?: string; name?: string }): Problem | undefined {
  const status = error.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const [code, title] = HTTP_CODES[status] ?? ['BAD_REQUEST', 'Bad request'];
  if (isJsonSyntaxError(error)) return Problem.field('body', 'is not valid JSON');
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new Problem(413, code, title, 'The request body is larger than this endpoint accepts (BODY_LIMIT_BYTES; 64 KiB for webhooks).');
  }
  // Fastify messages are generic and safe (no internals); prototype-poisoning lands here too.
  return new Problem(status, code, title, error.message);
}

function httpExceptionProblem(error: HttpException): Problem {
  const status = error.getStatus();
  if (status === 400 && isJsonSyntaxError(error)) return Problem.field('body', 'is not valid JSON');
  const [code, title] = HTTP_CODES[status] ?? (status >= 500 ? ['INTERNAL', 'Internal error'] : ['BAD_REQUEST', 'Bad request']);
  const response = error.getResponse();
  const message = typeof response === 'object' && response && 'message' in response ? response.message : error.message;
  return new Problem(status, code, title, status >= 500 ? undefined : String(message));
}

export function toProblem(error: unknown, logger: Logger, request?: { method?: string; url?: string }, requestId?: string): Problem {
  if (error instanceof Problem) return error;
  if (error instanceof HttpException) return httpExceptionProblem(error);
  const fastify = fastifyProblem(error as { statusCode?: number; code?: string; message?: string; name?: string } & Error);
  if (fastify) return fastify;
  if (isDatabaseUnavailable(error)) {
    logger.warn({
      requestId,
      msg: `database unavailable on ${request?.method} ${loggablePath(request?.url)} (request ${requestId}): ${(error as Error).message}`,
    });
    return Problem.unavailable('The consent database cannot be reached; nothing was decided or written. Retry later.');
  }
  // Unknown errors: a bare 500 to the caller, the details in the log only.
  logger.error({
    requestId,
    msg: `unhandled error on ${request?.method} ${loggablePath(request?.url)} (request ${requestId})`,
    stack: (error as Error)?.stack ?? String(error),
  });
  return new Problem(500, 'INTERNAL', 'Internal error', 'The service failed to handle this request.');
}

export function sendProblem(reply: FastifyReply, problem: Problem, instance?: string, requestId?: string): void {
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  if (requestId) reply.header('x-request-id', requestId);
  // Also on errors raised before the request hooks run (a malformed URL).
  reply.header('x-content-type-options', 'nosniff');
  reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem.body(instance, requestId));
}

/**
 * Answers a problem some other way than problem+json (a page for people); false: not this
 * request's kind, send problem+json.
 */
export type ProblemRenderer = (problem: Problem, request: FastifyRequest, reply: FastifyReply, requestId: string | undefined) => boolean;

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  constructor(private readonly renderer?: ProblemRenderer) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    // The id the request's log lines carry (src/common/logging.ts), else one made now.
    const id = (request?.raw as { id?: unknown } | undefined)?.id;
    const requestId = typeof id === 'string' ? id : requestIdOf(request?.headers ?? {});
    const problem = toProblem(error, this.logger, request, requestId);
    if (request && this.renderer?.(problem, request, reply, requestId)) return;
    sendProblem(reply, problem, request?.url?.split('?')[0], requestId);
  }
}
