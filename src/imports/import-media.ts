import type { ImportFormat } from './import-reader';

export const IMPORTS_PATH = '/v1/imports';
/** Media types an import is read as; elsewhere they are a 415 like every non-JSON body. */
export const IMPORT_MEDIA_TYPES = ['text/csv', 'application/x-ndjson', 'application/ndjson', 'application/jsonl'] as const;

export function mediaTypeFormat(contentType: string | undefined): ImportFormat | undefined {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type && (IMPORT_MEDIA_TYPES as readonly string[]).includes(type)) return 'ndjson';
  return undefined;
}
