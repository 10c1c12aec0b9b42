import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Pseudonyms } from '../ledger/pseudonyms';
import { Principal } from '../auth/scopes';
import { CampaignRow, CampaignsRepository } from '../campaigns/campaigns.repository';
import { AddressNormaliser } from '../customers/address-normaliser';
import { Channel } from '../common/channels';
import { Problem } from '../common/problem';
import { createValidationPipe } from '../common/validation';
import { notInFuture, parseInstant } from '../common/validators';
import { isPlainValidConsent, RecordConsentDto } from '../consents/consent.dto';
import { ConsentEventsRepository, NewConsentEvent } from '../events/consent-events.repository';
import { eventOf, optInAction } from '../consents/consents.service';
import { Transactions } from '../database/transactions';
import { Metrics } from '../metrics/metrics';
import { ImportFormat, importRecords, ImportRecord, MalformedImport } from './import-reader';
import { ImportOptions, ImportRejection, ImportRow, ImportsRepository } from './imports.repository';

/** Records per committed chunk: one statement and one transaction each. */
export const IMPORT_CHUNK_RECORDS = 5000;
/** Rejected lines kept per import with their reasons (all are counted). */
export const IMPORT_REJECTIONS_KEPT = 1000;
/** An import whose runner has not committed for this long is taken over by a re-post. */
const STALE_SECONDS = 60;
const GENESIS = '0'.repeat(64);
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];

type PendingEvent = NewConsentEvent & { suppressionHash: string | null; line: number };

/** `first` (already read from `rest`), then the rest. */
async function* prepend<T>(first: IteratorResult<T>, rest: AsyncIterator<T>): AsyncGenerator<T> {
  for (let r = first; !r.done; r = await rest.next()) yield r.value;
}

/** The hash chain over committed chunks: a resumed import must present the same lines. */
function chain(previous: string, raws: string[]): string {
  const chunk = createHash('sha256');
  for (const raw of raws) chunk.update(raw).update('\n');
  return createHash('sha256').update(previous).update(chunk.digest('hex')).digest('hex');
}

/** Whether `records` are those `row` committed: as many, and the same hash chain over the same chunks. */
async function isFileOf(row: ImportRow, records: AsyncIterable<ImportRecord>): Promise<boolean> {
  const expected = Number(row.lines_done);
  let prefix = GENESIS;
  let seen = 0;
  let raws: string[] = [];
  try {
    for await (const record of records) {
      if (++seen > expected) return false;
      raws.push(record.raw);
      if (raws.length === row.options.chunkRecords) {
        prefix = chain(prefix, raws);
        raws = [];
      }
    }
  } catch (error) {
    // The import it names read its whole file: one unreadable is another.
    if (error instanceof MalformedImport) return false;
    throw error;
  }
  if (raws.length) prefix = chain(prefix, raws);
  return seen === expected && prefix === row.prefix_hash;
}

class Chunk {
  readonly events: PendingEvent[] = [];
  readonly rejections: ImportRejection[] = [];
  /** The records' text, one per record read into the chunk. */
  readonly raws: string[] = [];
}

/**
 * Bulk imports (issue 7): a file of consent events streamed in, validated row by row like
 * POST /v1/consents (source `import`), and written in chunks of IMPORT_CHUNK_RECORDS, each one
 * transaction with the import's progress. So a crash or a dropped connection loses at most the
 * chunk in flight, and a re-post with the same Idempotency-Key skips what was committed (after
 * checking, by hash chain, that those lines are the same) and carries on.
 */
@Injectable()
export class ImportsService {
  private readonly logger = new Logger('Imports');
  private readonly pipe = createValidationPipe();
  /** Imports running on this replica, per API key (IMPORT_CONCURRENCY each). */
  private readonly running = new Map<string, number>();

  constructor(
    private readonly imports: ImportsRepository,
    private readonly events: ConsentEventsRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly addresses: AddressNormaliser,
    private readonly pseudonyms: Pseudonyms,
    private readonly transactions: Transactions,
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** For the staff console's overview: imports running, and interrupted ones waiting to be resumed. */
  unfinished(): Promise<{ running: number; interrupted: number }> {
    return this.imports.countUnfinished();
  }

  /**
   * Runs an import of `input` to its end (or its first fatal flaw). `replayed`: the key named
   * an import of this same file, already completed, which comes back as it was; nothing is written.
   */
  async run(
    input: Readable,
    format: ImportFormat,
    defaults: { channel?: Channel; action?: 'opt_in' | 'opt_out'; campaignId?: string; occurredAt?: string },
    principal: Principal,
    key: string | null,
  ): Promise<{ row: ImportRow; replayed: boolean }> {
    // Each import holds a socket and, chunk by chunk, a database connection: a key gets a few at once.
    const running = this.running.get(principal.id) ?? 0;
    if (running >= this.config.importConcurrency) {
      throw new Problem(
        429,
        'IMPORT.TOO_MANY',
        'Too many requests',
        `This API key already runs ${running} import(s) on this replica (IMPORT_CONCURRENCY ${this.config.importConcurrency}); wait for one to finish.`,
        undefined,
        { 'retry-after': '10', connection: 'close' },
      );
    }
    this.running.set(principal.id, running + 1);
    try {
      return await this.start(input, format, defaults, principal, key);
    } finally {
      const left = (this.running.get(principal.id) ?? 1) - 1;
      if (left > 0) this.running.set(principal.id, left);
      else this.running.delete(principal.id);
    }
  }

  private async start(
    input: Readable,
    format: ImportFormat,
    defaults: { channel?: Channel; action?: 'opt_in' | 'opt_out'; campaignId?: string; occurredAt?: string },
    principal: Principal,
    key: string | null,
  ): Promise<{ row: ImportRow; replayed: boolean }> {
    if (defaults.campaignId !== undefined && !(await this.campaigns.findById(defaults.campaignId))) {
      throw Problem.field('campaignId', `names no campaign ("${defaults.campaignId}")`);
    }
    const options: ImportOptions = {
      channel: defaults.channel ?? 'sms',
      action: defaults.action ?? null,
      campaignId: defaults.campaignId ?? null,
      occurredAt: defaults.occurredAt ? notInFuture(parseInstant(defaults.occurredAt)!, 'occurredAt').toISOString() : new Date().toISOString(),
      chunkRecords: IMPORT_CHUNK_RECORDS,
    };
    // The header (and the first record) are read before anything is written: a file of unknown
    // columns, or unreadable from its first line, leaves no trace.
    const records = importRecords(format, input);
    let first: IteratorResult<ImportRecord>;
    try {
      first = await records.next();
    } catch (error) {
      if (error instanceof MalformedImport) throw this.malformed(error, null);
      throw error;
    }
    const { row: found, created } = await this.imports.create({ id: randomUUID(), principal: principal.id, key, format, options, prefixHash: GENESIS });
    let row = found;
    if (!created) {
      const same =
        row.format === format &&
        row.options.channel === options.channel &&
        row.options.action === options.action &&
        row.options.campaignId === options.campaignId &&
        (defaults.occurredAt === undefined || row.options.occurredAt === options.occurredAt);
      if (!same) {
        throw Problem.unprocessable('IDEMPOTENCY_KEY.REUSED', 'This Idempotency-Key was used for an import with another format or other defaults.', [
          { field: 'Idempotency-Key', message: `was used for import ${row.id} (${row.format}, ${JSON.stringify(row.options)})` },
        ]);
      }
      // A finished import replays for its own file only, as any other POST does for its own body.
      if (row.status === 'completed') {
        if (await isFileOf(row, prepend(first, records))) return { row, replayed: true };
        throw Problem.unprocessable('IDEMPOTENCY_KEY.REUSED', 'This Idempotency-Key was used for an import of another file.', [
          { field: 'Idempotency-Key', message: `was used for import ${row.id}, completed with ${row.lines_done} records of another file` },
        ]);
      }
      const claimed = await this.imports.claim(row.id, STALE_SECONDS);
      if (!claimed) {
        throw Problem.conflict('IMPORT.IN_PROGRESS', `Import ${row.id} with this Idempotency-Key is running; follow it at GET /v1/imports/${row.id}.`);
      }
      row = claimed;
    }
    return { row: await this.execute(row, prepend(first, records), principal, created), replayed: false };
  }

  private malformed(error: MalformedImport, kept: ImportRow | null): Problem {
    return Problem.unprocessable(
      'IMPORT.MALFORMED',
      `The file cannot be read past ${error.describe()}.${
        kept
          ? ` The chunks committed before it are written (see GET /v1/imports/${kept.id}); fix the file and post it again with the same Idempotency-Key to carry on.`
          : ' Nothing was written.'
      }`,
      [{ field: `line ${error.line}`, message: `${error.column ? `column ${error.column}: ` : ''}${error.message}` }],
    );
  }

  private async execute(row: ImportRow, records: AsyncIterable<ImportRecord>, principal: Principal, created: boolean): Promise<ImportRow> {
    const { options } = row;
    const skip = Number(row.lines_done);
    const campaigns = new Map<string, CampaignRow | null>();
    let linesDone = skip;
    let prefix = GENESIS;
    let chunk = new Chunk();
    let inFlight: Promise<void> = Promise.resolve();
    let committed = skip > 0;
    // One chunk is written while the next is read and checked.
    const commit = (c: Chunk, from: number, to: number, hash: string): Promise<void> => {
      const previous = inFlight;
      const next = previous.then(() => this.commit(row, c, from, to, hash, principal)).then(() => void (committed = true));
      next.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      inFlight = next;
      return previous;
    };
    try {
      let seen = 0;
      for await (const record of records) {
        seen++;
        chunk.raws.push(record.raw);
        if (seen > skip) await this.check(record, options, campaigns, row.id, chunk);
        if (chunk.raws.length === options.chunkRecords) {
          prefix = chain(prefix, chunk.raws);
          if (seen <= skip) {
            if (seen === skip && prefix !== row.prefix_hash) throw this.changed(row, skip);
          } else {
            await commit(chunk, linesDone, seen, prefix);
            linesDone = seen;
          }
          chunk = new Chunk();
        }
      }
      if (seen < skip) throw this.changed(row, skip);
      if (chunk.raws.length > 0) {
        prefix = chain(prefix, chunk.raws);
        await commit(chunk, linesDone, seen, prefix);
      }
      await inFlight;
      return await this.imports.finish(row.id, 'completed', null);
    } catch (error) {
      await inFlight.catch(() => undefined);
      // A new import that committed nothing leaves nothing behind (not even its row).
      const kept = created && !committed ? null : row;
      if (!kept) await this.imports.remove(row.id).catch(() => undefined);
      if (error instanceof MalformedImport) {
        this.logger.warn(`import ${row.id} stopped: ${error.describe()}`);
        if (kept) await this.imports.finish(row.id, 'failed', { line: error.line, message: error.describe() });
        throw this.malformed(error, kept);
      }
      // The client went away, the database failed, or the file was another: resumable.
      if (kept)
        await this.imports.finish(row.id, 'interrupted', error instanceof Problem ? { line: skip, message: error.message } : null).catch(() => undefined);
      throw error;
    }
  }

  private changed(row: ImportRow, skip: number): Problem {
    return Problem.conflict(
      'IMPORT.FILE_CHANGED',
      `Import ${row.id} committed ${skip} records of another file: the first ${skip} records posted now differ. Post the same file to resume it, or use a new Idempotency-Key for a new import.`,
      [{ field: 'Idempotency-Key', message: `belongs to an import of another file` }],
    );
  }

  private async commit(row: ImportRow, chunk: Chunk, from: number, to: number, prefixHash: string, principal: Principal): Promise<void> {
    await this.transactions.run(async () => {
      const { written, refused } = chunk.events.length ? await this.events.recordMany(chunk.events, 'import', principal.actor) : { written: 0, refused: [] };
      const rejections = [...chunk.rejections];
      for (const i of refused) {
        rejections.push({
          line: chunk.events[i].line,
          field: 'address',
          reason: 'belongs to an erased customer and is suppressed: an import cannot opt it back in',
        });
      }
      rejections.sort((a, b) => a.line - b.line);
      const moved = await this.imports.advance(row.id, from, {
        linesDone: to,
        written,
        rejected: rejections.length,
        prefixHash,
        rejections,
        keep: IMPORT_REJECTIONS_KEPT,
      });
      if (!moved) throw Problem.conflict('IMPORT.TAKEN_OVER', `Import ${row.id} was taken over by another request; nothing more is written by this one.`);
      if (written) {
        const refusedSet = new Set(refused);
        const byAction = new Map<string, number>();
        chunk.events.forEach((e, i) => refusedSet.has(i) || byAction.set(e.action, (byAction.get(e.action) ?? 0) + 1));
        for (const [action, n] of byAction) this.metrics.events.inc({ action, source: 'import' }, n);
      }
    });
  }

  /** One record as POST /v1/consents would take it: an event for the chunk, or a rejection. */
  private async check(record: ImportRecord, options: ImportOptions, campaigns: Map<string, CampaignRow | null>, importId: string, chunk: Chunk): Promise<void> {
    const reject = (field: string, reason: string) => void chunk.rejections.push({ line: record.line, field, reason });
    if (!record.fields) return reject(record.problem!.field, record.problem!.reason);
    const fields = record.fields;
    const bad = FORBIDDEN_KEYS.find((k) => Object.hasOwn(fields, k));
    if (bad) return reject(bad, 'is not a known field');
    if (fields.source !== undefined && fields.source !== 'import')
      return reject('source', 'must be import (or absent): imported events are recorded with source import');
    const body = {
      ...fields,
      channel: fields.channel ?? options.channel,
      action: fields.action ?? options.action ?? 'opt_out',
      source: 'import',
      ...(fields.campaignId === undefined && options.campaignId !== null ? { campaignId: options.campaignId } : {}),
    };
    let dto: RecordConsentDto;
    try {
      // The quick check first (most rows pass it); class-validator names what is wrong with the rest.
      dto = isPlainValidConsent(body)
        ? (body as RecordConsentDto)
        : ((await this.pipe.transform(body, { type: 'body', metatype: RecordConsentDto, data: '' })) as RecordConsentDto);
      if (dto.action === 'confirm') throw Problem.field('action', 'must be opt_in or opt_out in an import (confirm needs the pending consent it confirms)');
      if (dto.customerId === undefined && dto.address === undefined) throw Problem.field('address', 'or customerId is required');
      const address = dto.address === undefined ? null : this.addresses.normalise(dto.channel, dto.address, 'address');
      const occurredAt = notInFuture(dto.occurredAt ? parseInstant(dto.occurredAt)! : new Date(options.occurredAt), 'occurredAt');
      let action: string = dto.action;
      if (dto.campaignId !== undefined) {
        let campaign = campaigns.get(dto.campaignId);
        if (campaign === undefined) {
          campaign = (await this.campaigns.findById(dto.campaignId)) ?? null;
          campaigns.set(dto.campaignId, campaign);
        }
        if (!campaign) throw Problem.field('campaignId', `names no campaign ("${dto.campaignId}")`);
        if (dto.action === 'opt_in') action = optInAction(campaign, dto.channel, 'import');
      }
      const event = eventOf(dto, { address, action, evidence: { ...(dto.evidence ?? {}), importId, line: record.line }, occurredAt, recordedBy: '' });
      chunk.events.push({
        ...event,
        line: record.line,
        suppressionHash: address !== null && dto.action === 'opt_in' ? this.pseudonyms.addressHash(event.channelGroup, address) : null,
      });
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      const first = error.errors?.[0];
      reject(first?.field ?? 'line', first?.message ?? error.message);
    }
  }
}
