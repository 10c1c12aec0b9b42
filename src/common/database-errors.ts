/**
 * Tells apart "the database could not answer" (a 503: the caller should retry) from a bug.
 */
const UNAVAILABLE_SQLSTATE_CLASSES = ['08', '53', '57']; // connection, resources, operator intervention (incl. 57014 statement timeout)
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /Connection terminated unexpectedly/i,
  /Query read timeout/i,
  /Client has encountered a connection error/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /DataSource is not initialized|Connection is not established/i,
];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const err = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof err.code === 'string') {
      if (UNAVAILABLE_NODE_CODES.has(err.code)) return true;
      if (/^[0-9A-Z]{5}$/.test(err.code) && UNAVAILABLE_SQLSTATE_CLASSES.includes(err.code.slice(0, 2))) return true;
    }
    if (typeof err.message === 'string' && UNAVAILABLE_MESSAGES.some((re) => re.test(err.message as string))) return true;
    e = err.driverError ?? err.cause;
  }
  return false;
}
