import { randomUUID } from 'node:crypto';

const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id of a request in its error body, its X-Request-Id header and its log lines: the
 * caller's X-Request-Id when it is a plain token, else a new UUID (never raw header text in logs).
 */
export function requestIdOf(headers: Record<string, string | string[] | undefined>): string {
  const given = headers['x-request-id'];
  return typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
}
