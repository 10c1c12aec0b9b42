import { Injectable } from '@nestjs/common';
import { Db, ReadSnapshot } from '../database/db';
import { BlockHeader, LedgerRecord, NodeKey, NodeLookup, Stream } from './ledger-format';
import { GenerateSql, SNAPSHOT } from '../database/generate-sql';

export class MissingNodeError extends Error {
  constructor(
    readonly level: number,
    readonly index: number,
  ) {
    super(`ledger tree node ${level}:${index} is missing`);
  }
}

/** Exactly as PostgreSQL holds it (microseconds, UTC): what the leaves hash and exports show. */
export const US = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * An entry's fields as a LedgerRecord, for a consent event `e` or a system event `s` (one of
 * them null), so that the sealer, the verifier and the export read entries the same way.
 */
export const RECORD_COLUMNS = `coalesce(e.id, s.id) is not null as "present",
  e.customer_id as "customerId", e.address, e.channel, e.channel_group as "channelGroup", e.campaign_id as "campaignId",
  coalesce(e.action, s.type) as action, e.source, coalesce(e.evidence, s.details) as evidence, e.language, e.jurisdiction,
  ${US('e.occurred_at')} as "occurredAt", ${US('coalesce(e.recorded_at, s.recorded_at)')} as "recordedAt", ${US('e.expires_at')} as "expiresAt",
  coalesce(e.recorded_by, s.actor) as "recordedBy", s.subject`;
export const JOIN_EVENTS = (alias: string) => `
  left join consent_event e on ${alias}.stream = 'consent' and e.id = ${alias}.event_id
  left join system_event s on ${alias}.stream = 'system' and s.id = ${alias}.event_id`;

export const HEADER_COLUMNS = `block_no::text as "blockNo", first_seq::text as "firstSeq", size, ${US('first_recorded_at')} as "firstRecordedAt",
  ${US('last_recorded_at')} as "lastRecordedAt", merkle_root as "merkleRoot", prev_hash as "prevHash", ${US('sealed_at')} as "sealedAt", block_hash as "blockHash"`;

export type StoredRecord = LedgerRecord & { present: boolean };
export type QueuedRecord = Omit<StoredRecord, 'seq' | 'block' | 'salt' | 'commitment' | 'leafHash'>;

/** The ledger's entries joined with the events they seal, in ledger order. */
export const LEDGER_ENTRIES = (where: string, order: 'asc' | 'desc' = 'asc') => `
  select l.seq::text, l.block_no::text as block, l.stream, l.event_id::text as "eventId", l.salt, l.commitment, l.leaf_hash as "leafHash",
         ${RECORD_COLUMNS}
    from ledger_leaf l ${JOIN_EVENTS('l')}
   where ${where}
   order by l.seq ${order}`;

export interface NewLeaf {
  seq: string;
  stream: Stream;
  eventId: string;
  salt: string | null;
  commitment: string | null;
  leafHash: string;
}

const EXAMPLE_BLOCK: BlockHeader = {
  blockNo: '12',
  firstSeq: '1201',
  size: 1,
  firstRecordedAt: '2026-03-01T12:00:00.000000Z',
  lastRecordedAt: '2026-03-01T12:00:00.000000Z',
  merkleRoot: 'cc'.repeat(32),
  prevHash: 'ee'.repeat(32),
  sealedAt: '2026-03-01T12:00:00.500000Z',
  blockHash: 'ff'.repeat(32),
};

@Injectable()
export class LedgerRepository {
  constructor(private readonly db: Db) {}

  /** Only one sealer at a time, across replicas; writers never take this lock. */
  @GenerateSql({ params: [] })
  async trySealLock(): Promise<boolean> {
    const [row] = await this.db.query<{ ok: boolean }>(`select pg_try_advisory_xact_lock(7101, 1) as ok`);
    return row.ok;
  }

  /** Waits for a sealer in progress (erasure must not race one). */
  @GenerateSql({ params: [] })
  async waitSealLock(): Promise<void> {
    await this.db.query(`select pg_advisory_xact_lock(7101, 1)`);
  }

  /**
   * Takes up to `limit` queued events off the queue (undone if the transaction rolls back), with
   * their records. Three statements of index lookups by id: one statement joining the queue
   * had PostgreSQL hash whole tables, once per block (quadratic over a large backlog).
   */
  @GenerateSql({
    params: [5000],
    results: [
      [
        { stream: 'consent', ids: ['101', '102'] },
        { stream: 'system', ids: ['7'] },
      ],
    ],
  })
  async dequeue(limit: number): Promise<QueuedRecord[]> {
    const picked = await this.db.query<{ stream: Stream; ids: string[] }>(
      `select stream, array_agg(event_id::text order by event_id) as ids
         from (select stream, event_id from seal_queue order by stream, event_id limit $1) q group by stream`,
      [limit],
    );
    const ids = (stream: Stream) => picked.find((p) => p.stream === stream)?.ids ?? [];
    if (!picked.length) return [];
    await this.db.query(
      `delete from seal_queue where (stream = 'consent' and event_id = any($1::bigint[])) or (stream = 'system' and event_id = any($2::bigint[]))`,
      [ids('consent'), ids('system')],
    );
    const records = await this.db.query<QueuedRecord>(
      `select q.stream, q.event_id::text as "eventId", ${RECORD_COLUMNS}
         from (select 'consent' as stream, unnest($1::bigint[]) as event_id union all select 'system', unnest($2::bigint[])) q ${JOIN_EVENTS('q')}`,
      [ids('consent'), ids('system')],
    );
    return records;
  }

  @GenerateSql({ params: [] })
  async lastBlock(): Promise<{ header: BlockHeader | null; now: string }> {
    const [row] = await this.db.query<{ now: string; header: BlockHeader | null }>(
      `select ${US('clock_timestamp()')} as now,
              (select row_to_json(b) from (select ${HEADER_COLUMNS} from ledger_block order by block_no desc limit 1) b) as header`,
    );
    return row;
  }

  @GenerateSql({
    params: [
      EXAMPLE_BLOCK,
      [{ seq: '1201', stream: 'consent', eventId: '101', salt: 'aa'.repeat(16), commitment: 'bb'.repeat(32), leafHash: 'cc'.repeat(32) }],
    ],
  })
  async insertBlock(header: BlockHeader, leaves: NewLeaf[]): Promise<void> {
    await this.db.query(
      `insert into ledger_block (block_no, first_seq, size, first_recorded_at, last_recorded_at, merkle_root, prev_hash, block_hash, sealed_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        header.blockNo,
        header.firstSeq,
        header.size,
        header.firstRecordedAt,
        header.lastRecordedAt,
        header.merkleRoot,
        header.prevHash,
        header.blockHash,
        header.sealedAt,
      ],
    );
    await this.db.query(
      `insert into ledger_leaf (seq, block_no, stream, event_id, salt, commitment, leaf_hash)
       select seq, $1, stream, event_id, salt, commitment, leaf_hash
         from unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[]) as l(seq, stream, event_id, salt, commitment, leaf_hash)`,
      [
        header.blockNo,
        leaves.map((l) => l.seq),
        leaves.map((l) => l.stream),
        leaves.map((l) => l.eventId),
        leaves.map((l) => l.salt),
        leaves.map((l) => l.commitment),
        leaves.map((l) => l.leafHash),
      ],
    );
  }

  /** Stored ledger-tree nodes, as a lookup (throws on a node that should exist and does not). */
  @GenerateSql({
    params: [
      [
        [0, 11],
        [1, 5],
      ],
    ],
  })
  async nodes(keys: readonly NodeKey[], snapshot?: ReadSnapshot): Promise<NodeLookup> {
    const sql = `select level, idx::text, hash from ledger_node where (level, idx) in (select * from unnest($1::int[], $2::bigint[]))`;
    const params = [keys.map((k) => k[0]), keys.map((k) => k[1])];
    const rows = keys.length
      ? await (snapshot
          ? snapshot.query<{ level: number; idx: string; hash: string }>(sql, params)
          : this.db.query<{ level: number; idx: string; hash: string }>(sql, params))
      : [];
    const found = new Map(rows.map((r) => [`${r.level}:${r.idx}`, r.hash]));
    return (level, index) => {
      const hash = found.get(`${level}:${index}`);
      if (!hash) throw new MissingNodeError(level, index);
      return hash;
    };
  }

  @GenerateSql({ params: [[{ level: 0, index: 11, hash: 'dd'.repeat(32) }]] })
  async insertNodes(nodes: { level: number; index: number; hash: string }[]): Promise<void> {
    await this.db.query(`insert into ledger_node (level, idx, hash) select * from unnest($1::int[], $2::bigint[], $3::text[])`, [
      nodes.map((n) => n.level),
      nodes.map((n) => n.index),
      nodes.map((n) => n.hash),
    ]);
  }

  @GenerateSql({ params: [] })
  async head(): Promise<{ header: BlockHeader | null; pending: number; oldestPendingAt: string | null }> {
    const [row] = await this.db.query<{ header: BlockHeader | null; pending: number; oldest: string | null }>(
      `select (select row_to_json(b) from (select ${HEADER_COLUMNS} from ledger_block order by block_no desc limit 1) b) as header,
              (select count(*)::int from seal_queue) as pending,
              (select ${US('min(queued_at)')} from seal_queue) as oldest`,
    );
    return { header: row.header, pending: row.pending, oldestPendingAt: row.oldest };
  }

  @GenerateSql({ params: [SNAPSHOT] })
  headers(snapshot: ReadSnapshot): Promise<BlockHeader[]> {
    return snapshot.query<BlockHeader>(`select ${HEADER_COLUMNS} from ledger_block order by block_no`);
  }

  @GenerateSql({ params: [SNAPSHOT, '1', '5000', 5000] })
  entries(snapshot: ReadSnapshot, fromSeq: string, toSeq: string, batch = 5000): AsyncGenerator<StoredRecord[]> {
    return snapshot.cursor<StoredRecord>(LEDGER_ENTRIES('l.seq between $1 and $2'), [fromSeq, toSeq], batch);
  }

  /** Events that are neither sealed nor queued: written with the ledger's triggers disabled. */
  @GenerateSql({ params: [SNAPSHOT] })
  async escaped(snapshot: ReadSnapshot): Promise<{ stream: Stream; eventId: string } | null> {
    const [row] = await snapshot.query<{ stream: Stream; eventId: string }>(
      `(select 'consent' as stream, e.id::text as "eventId" from consent_event e
         where not exists (select 1 from ledger_leaf l where l.stream = 'consent' and l.event_id = e.id)
           and not exists (select 1 from seal_queue q where q.stream = 'consent' and q.event_id = e.id)
         order by e.id limit 1)
       union all
       (select 'system', s.id::text from system_event s
         where not exists (select 1 from ledger_leaf l where l.stream = 'system' and l.event_id = s.id)
           and not exists (select 1 from seal_queue q where q.stream = 'system' and q.event_id = s.id)
         order by s.id limit 1)
       limit 1`,
    );
    return row ?? null;
  }

  /** A system entry (who did or read what): sealed like any event; joins the caller's transaction. */
  @GenerateSql({ params: ['audit.read', 'api_key:6b1f3c2e', null, { filter: { channel: 'sms' }, cursor: null, limit: 100 }] })
  async insertSystemEvent(type: string, actor: string, subject: string | null, details: Record<string, unknown>): Promise<string> {
    const [row] = await this.db.query<{ id: string }>(`insert into system_event (type, actor, subject, details) values ($1, $2, $3, $4) returning id::text`, [
      type,
      actor,
      subject,
      details,
    ]);
    return row.id;
  }

  /**
   * A secret kept in the database when the configuration gives none (development only): `candidate`
   * if none was kept under `name` yet, else the one kept (every replica gets the same).
   */
  @GenerateSql({ params: ['pseudonym-key', '0123456789abcdef0123456789abcdef'] })
  async keptSecret(name: 'pseudonym-key' | 'link-key', candidate: string): Promise<string> {
    await this.db.query(`insert into service_secret (name, value) values ($1, $2) on conflict (name) do nothing`, [name, candidate]);
    const [row] = await this.db.query<{ value: string }>(`select value from service_secret where name = $1`, [name]);
    return row.value;
  }

  @GenerateSql({ params: [SNAPSHOT, '12'] })
  async leafHashes(snapshot: ReadSnapshot, blockNo: string): Promise<string[]> {
    const rows = await snapshot.query<{ h: string }>(`select leaf_hash as h from ledger_leaf where block_no = $1 order by seq`, [blockNo]);
    return rows.map((r) => r.h);
  }
}
