/**
 * Reading an import file as records, whatever its shape: CSV with a header (our column names
 * or the usual spellings of them), a bare list of phone numbers or addresses with an optional
 * date column (a Twilio opt-out list export), or NDJSON (one RecordConsentDto per line).
 * Pure functions and streams; src/imports/imports.service.ts decides what gets written.
 */
import type { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { Problem } from '../common/problem';
import { ISO_INSTANT } from '../common/validators';

export const IMPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Longest line (or CSV record) accepted: far above any real row, far below memory trouble. */
export const MAX_RECORD_BYTES = 64 * 1024;

/** One data record of the file: where it ends (1-based line), its text, and its fields. */
export interface ImportRecord {
  line: number;
  raw: string;
  /** Null when the line is not a JSON object (NDJSON) or has the wrong number of fields (CSV). */
  fields: Record<string, unknown> | null;
  problem?: { field: string; reason: string };
}

/**
 * A fatal flaw of the file at a line (unterminated quote, overlong line): reading stops. The
 * message says what and where, never the text of the file (a phone number would otherwise
 * reach the log and the import's stored error).
 */
export class MalformedImport extends Error {
  constructor(
    readonly line: number,
    message: string,
    readonly column?: number,
  ) {
    super(message);
  }

  /** "line 3, column 2: unexpected quote". */
  describe(): string {
    return `line ${this.line}${this.column ? `, column ${this.column}` : ''}: ${this.message}`;
  }
}

/** What csv-parse's error codes mean, in words that quote nothing from the file. */
const CSV_FLAWS: Record<string, string> = {
  INVALID_OPENING_QUOTE: 'unexpected quote',
  CSV_INVALID_OPENING_QUOTE: 'unexpected quote',
  CSV_INVALID_CLOSING_QUOTE: 'unexpected character after a closing quote',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'unexpected character after a closing quote',
  CSV_QUOTE_NOT_CLOSED: 'unterminated quote',
  CSV_MAX_RECORD_SIZE: `record longer than ${64 * 1024} bytes`,
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'wrong number of fields',
  CSV_INVALID_ARGUMENT: 'unreadable record',
};

/** csv-parse's error as a flaw: its code, line and field index, never its message (which quotes the cell). */
function csvFlaw(error: { code?: string; lines?: number; column?: number | string } | undefined): MalformedImport {
  const what = (error?.code && CSV_FLAWS[error.code]) ?? 'malformed record';
  // The column is the field's index, or (for a quote never closed) missing: only the former is named.
  const column = typeof error?.column === 'number' && what !== CSV_FLAWS.CSV_QUOTE_NOT_CLOSED ? error.column + 1 : undefined;
  return new MalformedImport(error?.lines ?? 0, what, column);
}

/** CSV header names (lower case, letters and digits only) and the field each fills. */
const COLUMN_ALIASES: Record<string, string> = {
  customerid: 'customerId',
  customer: 'customerId',
  channel: 'channel',
  address: 'address',
  phone: 'address',
  phonenumber: 'address',
  number: 'address',
  msisdn: 'address',
  mobile: 'address',
  email: 'address',
  emailaddress: 'address',
  campaignid: 'campaignId',
  campaign: 'campaignId',
  action: 'action',
  occurredat: 'occurredAt',
  date: 'occurredAt',
  datetime: 'occurredAt',
  timestamp: 'occurredAt',
  createdat: 'occurredAt',
  datecreated: 'occurredAt',
  dateupdated: 'occurredAt',
  optoutdate: 'occurredAt',
  optedoutat: 'occurredAt',
  dateoptedout: 'occurredAt',
  language: 'language',
  jurisdiction: 'jurisdiction',
  noticeversion: 'evidence.noticeVersion',
  text: 'evidence.text',
};

/** Columns of a headerless list, by position: the address, then optionally when. */
const HEADERLESS = ['address', 'occurredAt'];

function columnKey(cell: string): string {
  return cell.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * The fields a CSV file's columns fill, from its first record: a header of known names, or no
 * header at all when the first cell is an address (a digit or an @ in it) and there are at
 * most two columns. Otherwise a 400 naming the columns not understood.
 */
export function csvColumns(first: string[]): { columns: string[]; header: boolean } {
  const mapped = first.map((cell) => COLUMN_ALIASES[columnKey(cell)]);
  if (mapped.every((m) => m !== undefined)) {
    const seen = new Set<string>();
    for (const [i, m] of mapped.entries()) {
      if (seen.has(m)) throw Problem.field(`header.${first[i]}`, `is a second column for ${m}`);
      seen.add(m);
    }
    return { columns: mapped, header: true };
  }
  if (/[0-9@]/.test(first[0] ?? '') && first.length <= HEADERLESS.length && mapped.every((m) => m === undefined)) {
    return { columns: HEADERLESS.slice(0, first.length), header: false };
  }
  const unknown = first.filter((_, i) => mapped[i] === undefined);
  throw Problem.validation(
    unknown.map((cell) => ({
      field: `header.${cell.slice(0, 64)}`,
      message: `is not a known column (known: customerId, channel, address or phone_number, campaignId, action, occurredAt or date, language, jurisdiction, noticeVersion, text); a file without a header holds an address and optionally a date per line`,
    })),
  );
}

/**
 * An import's date as an ISO 8601 instant: ISO 8601 with a zone, a date or date and time
 * without one (UTC: what exports write), or an RFC 2822 date. Anything else comes back as
 * given, for validation to reject with its message.
 */
export function importInstant(value: string): string {
  if (ISO_INSTANT.test(value)) return value;
  const local = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?$/.exec(value);
  const candidate = local
    ? new Date(`${local[1]}T${local[2] ?? '00:00:00'}Z`)
    : /^(?:[A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|GMT|UTC|Z)$/.test(value)
      ? new Date(value)
      : null;
  return candidate && !Number.isNaN(candidate.getTime()) ? candidate.toISOString() : value;
}

/** A CSV record as fields: empty cells are absent, dotted columns go into an object. */
function csvFields(columns: string[], cells: string[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    const cell = cells[i];
    if (cell === undefined || cell === '') continue;
    const column = columns[i];
    const dot = column.indexOf('.');
    if (dot < 0) fields[column] = column === 'occurredAt' ? importInstant(cell) : cell;
    else ((fields[column.slice(0, dot)] ??= {}) as Record<string, unknown>)[column.slice(dot + 1)] = cell;
  }
  return fields;
}

/** Records of a CSV stream (a BOM, CRLF, quoted fields and blank lines are fine). */
export async function* csvRecords(input: Readable): AsyncGenerator<ImportRecord> {
  // A malformed record (a stray quote) ends the import there, but only after every record
  // before it: a parser error would drop the records it had buffered, so it is noted instead
  // (on_skip) and raised in order. The parser's resynchronisation is not trusted: nothing after
  // the flaw is used.
  let flaw: MalformedImport | undefined;
  const parser = input.pipe(
    parseCsv({
      bom: true,
      raw: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: MAX_RECORD_BYTES,
      skip_records_with_error: true,
      on_skip: (error) => {
        flaw ??= csvFlaw(error);
      },
    }),
  );
  input.on('error', (error) => parser.destroy(error));
  let columns: string[] | undefined;
  try {
    for await (const { record, raw, info } of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
      if (flaw && info.lines >= flaw.line) throw flaw;
      if (!columns) {
        const shape = csvColumns(record);
        columns = shape.columns;
        if (shape.header) continue;
      }
      if (record.length !== columns.length) {
        yield { line: info.lines, raw, fields: null, problem: { field: 'line', reason: `has ${record.length} fields, expected ${columns.length}` } };
        continue;
      }
      yield { line: info.lines, raw, fields: csvFields(columns, record) };
    }
    if (flaw) throw flaw;
  } catch (error) {
    const e = error as Error & { code?: string; lines?: number };
    if (e instanceof Problem || e instanceof MalformedImport || !(e.code && (e.code in CSV_FLAWS || e.code.startsWith('CSV_')))) throw error;
    throw csvFlaw(e);
  }
}

/** Records of an NDJSON stream: one JSON object per line; blank lines are skipped. */
export async function* ndjsonRecords(input: Readable): AsyncGenerator<ImportRecord> {
  let line = 0;
  let rest = '';
  input.setEncoding('utf8');
  const record = (text: string): ImportRecord | null => {
    line++;
    const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (raw.trim() === '') return null;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return { line, raw, fields: null, problem: { field: 'line', reason: 'is not valid JSON' } };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { line, raw, fields: null, problem: { field: 'line', reason: 'must be a JSON object' } };
    }
    return { line, raw, fields: value as Record<string, unknown> };
  };
  for await (const chunk of input as AsyncIterable<string>) {
    rest += chunk;
    let start = 0;
    for (let end = rest.indexOf('\n'); end >= 0; end = rest.indexOf('\n', start)) {
      const r = record(rest.slice(start, end));
      start = end + 1;
      if (r) yield r;
    }
    rest = rest.slice(start);
    if (rest.length > MAX_RECORD_BYTES) throw new MalformedImport(line + 1, `line is longer than ${MAX_RECORD_BYTES} bytes`);
  }
  const last = rest === '' ? null : record(rest);
  if (last) yield last;
}

export function importRecords(format: ImportFormat, input: Readable): AsyncGenerator<ImportRecord> {
  return format === 'csv' ? csvRecords(input) : ndjsonRecords(input);
}
