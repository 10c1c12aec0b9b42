/**
 * Imports a file of consent events, streamed from disk (Node only): any size, never held in
 * memory. The import is resumable on the service's side: the same file under the same
 * Idempotency-Key skips what was committed. So a lost connection, a 429 or a 503 is met by
 * opening the file again and sending it again, after the wait the service names.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ConsentClient } from './client';
import { retryDelayMs } from './retry';
import type { paths } from './schema';

type ImportOperation = paths['/v1/imports']['post'];
export type ImportQuery = NonNullable<ImportOperation['parameters']['query']>;
export type ImportContentType = keyof ImportOperation['requestBody']['content'];

export interface ImportFileOptions {
  /** Default: from the file name (.csv: text/csv; .ndjson, .jsonl: application/x-ndjson). */
  contentType?: ImportContentType;
  /** Defaults for rows that leave fields out. */
  query?: ImportQuery;
  /** Give one to resume an import begun earlier (by another process); default: a new one. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export function contentTypeOf(path: string): ImportContentType | undefined {
  if (/\.csv$/i.test(path)) return 'text/csv';
  if (/\.(?:ndjson|jsonl)$/i.test(path)) return 'application/x-ndjson';
  return undefined;
}

export async function importFile(client: ConsentClient, path: string, options: ImportFileOptions = {}) {
  const contentType = options.contentType ?? contentTypeOf(path);
  if (!contentType) throw new Error(`importFile: say the contentType of ${path} (text/csv or application/x-ndjson)`);
  const idempotencyKey = options.idempotencyKey ?? client.newIdempotencyKey();
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await client.POST('/v1/imports', {
        params: { query: options.query, header: { 'Idempotency-Key': idempotencyKey } },
        headers: { 'content-type': contentType },
        // The body is the file, streamed: the serializer opens it afresh for each attempt.
        body: '',
        bodySerializer: () => Readable.toWeb(createReadStream(path)),
        duplex: 'half',
        signal: options.signal,
      });
      const delay = retryDelayMs(result.response, attempt, client.retryPolicy);
      if (delay === null) return result;
      await client.sleep(delay);
    } catch (error) {
      // No answer (the connection was lost mid-file): what was committed stays, send it again.
      const delay = options.signal?.aborted ? null : retryDelayMs(undefined, attempt, client.retryPolicy);
      if (delay === null) throw error;
      await client.sleep(delay);
    }
  }
}
