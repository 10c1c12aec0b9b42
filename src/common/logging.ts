/**
 * Structured JSON logs (nestjs-pino): one JSON object per line, each naming the request it
 * belongs to (`requestId`, the same id as the error body and X-Request-Id), and no personal
 * data unless LOG_PII=true: no query strings, no addresses, no ids in paths, never a header
 * (so never an API key or a signature).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { requestIdOf } from './request-id';

/** What the logs are configured by (AppConfig's LOG_* settings). */
export interface LogSettings {
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  logPii: boolean;
  logRequests: boolean;
}

const PINO_LEVELS: Record<LogSettings['logLevel'], string> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/** Path segments that are route words, not ids; every other segment is logged as `:id`. */
const ROUTE_WORDS = new Set([
  'v1',
  'health',
  'live',
  'ready',
  'metrics',
  'api-keys',
  'campaigns',
  'customers',
  'consents',
  'history',
  'preferences',
  'erasure',
  'decisions',
  'batch',
  'senders',
  'inbound',
  'twilio',
  'messages',
  'webhooks',
  'deliveries',
  'admin',
  'jobs',
  'run',
  'audit',
  'head',
  'verify',
  'events',
  'export',
  'exports',
  'proof',
  'imports',
  'sends',
  'reconfirmation',
  'seal',
  'webhook',
  'docs',
]);

/** A request path fit for logs: the query string dropped, ids (customer ids, sender numbers) masked. */
export function loggablePath(url: string | undefined, pii = false): string {
  if (!url) return '';
  if (pii) return url;
  const path = url.split('?')[0];
  return path
    .split('/')
    .map((segment) => (segment === '' || ROUTE_WORDS.has(segment) ? segment : ':id'))
    .join('/');
}

export function loggingParams(config: LogSettings, destination?: DestinationStream): Params {
  const options = {
    level: PINO_LEVELS[config.logLevel],
    // The caller's X-Request-Id when it is a plain token, else a new UUID; kept on the request
    // for the problem filter, so that the error body and the log lines carry the same id.
    genReqId: (req: IncomingMessage) => requestIdOf(req.headers),
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    autoLogging: config.logRequests,
    serializers: {
      req: (req: IncomingMessage & { id?: string }) => ({ id: req.id, method: req.method, url: loggablePath(req.url, config.logPii) }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    redact: { paths: ['req.headers', 'res.headers'], remove: true },
  };
  return {
    pinoHttp: destination ? [options, destination] : options,
    // Decisions sit inline on every send and log nothing of their own: without an access log
    // they skip the per-request logger (their error lines name the request themselves).
    exclude: config.logRequests ? [] : HOT_ROUTES,
  };
}

/** The routes whose requests get no request-scoped logger unless LOG_REQUESTS is on. */
const HOT_ROUTES = [
  { method: RequestMethod.POST, path: 'v1/decisions' },
  { method: RequestMethod.POST, path: 'v1/decisions/batch' },
];
