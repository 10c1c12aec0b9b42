/**
 * consent_events_publish (a statement trigger, migrations/1764210000000-StatementLevelPublish)
 * must leave what the row trigger it replaced (consent_event_publish) left: the same lifecycle
 * states and the same outbox, in the same order, for any events, however they are grouped into
 * statements. fast-check generates the events and their grouping; each case runs once under
 * each trigger, in its own namespace of addresses, customers and campaigns, and the two results
 * are compared with event ids replaced by their position in the sequence.
 */
import fc from 'fast-check';
import { DataSource, QueryRunner } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { createRowPublishTrigger } from '../migrations/sql/row-publish-trigger';
import { TestApp } from './support/test-app';
import { ENTITIES } from '../src/entities';

const ACTIONS = [
  'opt_in',
  'opt_out',
  'pending_confirmation',
  'renewed',
  'lapsed',
  'expired',
  'confirmation_expired',
  'reconfirmation_requested',
  'service_window',
];
// Customer k0 owns a0 and a1 on sms, k1 owns a2; a3 has no owner.
const OWNER: Record<string, string | null> = { a0: 'k0', a1: 'k0', a2: 'k1', a3: null };

interface GeneratedEvent {
  group: 'sms' | 'email';
  address: string | null;
  customer: string;
  campaign: string | null;
  action: string;
  occurred: number;
  recorded: number;
}

const event: fc.Arbitrary<GeneratedEvent> = fc.record({
  group: fc.constantFrom('sms' as const, 'email' as const),
  address: fc.constantFrom(null, 'a0', 'a1', 'a2', 'a3'),
  customer: fc.constantFrom('k0', 'k1'),
  campaign: fc.constantFrom(null, 'c1', 'c2'),
  action: fc.constantFrom(...ACTIONS),
  // Few distinct times, so that ties on occurred_at and recorded_at (broken by id) are common.
  occurred: fc.integer({ min: 0, max: 3 }),
  recorded: fc.integer({ min: 0, max: 1 }),
});

const statements = fc.array(fc.array(event, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 });

describe('the statement-level publish trigger', () => {
  let t: TestApp;
  let run = 0;

  beforeAll(async () => {
    t = await TestApp.start();
    // The row trigger as it was, disabled until a case runs under it.
    await createRowPublishTrigger({ query: (sql: string) => t.sql.query(sql) } as unknown as QueryRunner);
    await t.sql.query(`alter table consent_event disable trigger consent_event_publish`);
    await t.sql.query(`insert into webhook_endpoint (id, url, events, secret, created_by) values
      ('00000000-0000-4000-8000-000000000001', 'https://a.example/hook', '{consent.changed}', 's', 'test'),
      ('00000000-0000-4000-8000-000000000002', 'https://b.example/hook', '{consent.changed,consent.lapsed,consent.reconfirmation_requested}', 's', 'test')`);
  });

  afterAll(() => t.close());

  /** Runs the statements under one trigger, in namespace `ns`; what they left, ids as positions. */
  async function apply(ns: string, trigger: 'consent_event_publish' | 'consent_events_publish', groups: GeneratedEvent[][]) {
    const other = trigger === 'consent_event_publish' ? 'consent_events_publish' : 'consent_event_publish';
    const id = (s: string | null) => (s === null ? null : `${ns}-${s}`);
    await t.sql.query('begin');
    try {
      await t.sql.query(`alter table consent_event disable trigger ${other}, enable trigger ${trigger}`);
      await t.sql.query(
        `insert into campaign (id, name, purpose, channels) values ($1, 'c1', 'marketing', '{sms,email}'), ($2, 'c2', 'marketing', '{sms,email}')`,
        [id('c1'), id('c2')],
      );
      await t.sql.query(`insert into customer (id) values ($1), ($2)`, [id('k0'), id('k1')]);
      for (const [address, owner] of Object.entries(OWNER)) {
        if (owner)
          await t.sql.query(`insert into contact_point (channel, address, channel_group, customer_id) values ('sms', $1, 'sms', $2)`, [id(address), id(owner)]);
      }
      const ids: string[] = [];
      for (const events of groups) {
        const column = <T>(f: (e: GeneratedEvent) => T) => events.map(f);
        const { rows } = await t.sql.query<{ id: string }>(
          `insert into consent_event (customer_id, channel, channel_group, address, campaign_id, action, source, occurred_at, recorded_at, recorded_by)
           select customer_id, channel_group, channel_group, address, campaign_id, action, 'api',
                  timestamptz '2026-01-01' + occurred * interval '1 hour', timestamptz '2026-01-02' + recorded * interval '1 second', 'test'
             from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[]) with ordinality
                  as r(customer_id, channel_group, address, campaign_id, action, occurred, recorded, ord)
            order by ord
           returning id`,
          [
            column((e) => (e.address && OWNER[e.address] ? id(OWNER[e.address]) : id(e.customer))),
            column((e) => e.group),
            column((e) => id(e.address)),
            column((e) => id(e.campaign)),
            column((e) => e.action),
            column((e) => e.occurred),
            column((e) => e.recorded),
          ],
        );
        ids.push(...rows.map((r) => r.id));
      }
      const position = (eventId: string) => ids.indexOf(String(eventId));
      const strip = (s: string | null) => (s === null ? null : s.split(`${ns}-`).join(''));
      const lifecycle = await t.sql.query(
        `select channel_group, subject, campaign_id, address, customer_id, event_id, action, given_at, recorded_at, requested_at
           from consent_lifecycle where campaign_id in ($1, $2) order by channel_group, subject, campaign_id`,
        [id('c1'), id('c2')],
      );
      const outbox = await t.sql.query(
        `select o.type, o.event_id, array(select d.endpoint_id::text from webhook_delivery d where d.outbox_id = o.id order by d.id) as endpoints
           from outbox_event o where o.event_id = any($1::bigint[]) order by o.id`,
        [ids],
      );
      return {
        lifecycle: lifecycle.rows.map((r) => ({
          ...r,
          subject: strip(r.subject),
          campaign_id: strip(r.campaign_id),
          address: strip(r.address),
          customer_id: strip(r.customer_id),
          event_id: position(r.event_id),
        })),
        outbox: outbox.rows.map((r) => ({ ...r, event_id: position(r.event_id) })),
      };
    } finally {
      await t.sql.query(`alter table consent_event disable trigger consent_event_publish, enable trigger consent_events_publish`);
      await t.sql.query('commit');
    }
  }

  it('leaves the same lifecycle and outbox as the row trigger, for any events in any statements', async () => {
    await fc.assert(
      fc.asyncProperty(statements, async (groups) => {
        run += 1;
        const byRow = await apply(`r${run}`, 'consent_event_publish', groups);
        const byStatement = await apply(`s${run}`, 'consent_events_publish', groups);
        expect(byStatement).toEqual(byRow);
      }),
      { numRuns: 150 },
    );
    // The cases did reach what the triggers do.
    const { rows } = await t.sql.query(`select count(*)::int as n from consent_lifecycle where action = 'superseded'`);
    expect(rows[0].n).toBeGreaterThan(0);
    expect(await t.count('webhook_delivery')).toBeGreaterThan(0);
  });

  it('reverting the migration puts the row trigger back, and running it again removes it', async () => {
    const other = await TestApp.start();
    const ds = new DataSource(dataSourceOptions(other.config.databaseUrl!, ENTITIES, { poolMax: 1, statementTimeoutMs: 60_000, connectTimeoutMs: 10_000 }));
    const triggers = async () =>
      (await other.sql.query(`select tgname from pg_trigger where tgrelid = 'consent_event'::regclass and tgname like '%publish' order by 1`)).rows.map(
        (r) => r.tgname,
      );
    try {
      await ds.initialize();
      expect(await triggers()).toEqual(['consent_events_publish']);
      // Back to before 1764210000000-StatementLevelPublish: the migrations after it first.
      const [{ n }] = await ds.query(`select count(*)::int as n from schema_migration where timestamp > 1764210000000`);
      for (let i = 0; i <= n; i++) await ds.undoLastMigration();
      expect(await triggers()).toEqual(['consent_event_publish']);
      await ds.runMigrations();
      expect(await triggers()).toEqual(['consent_events_publish']);
    } finally {
      await ds.destroy();
      await other.close();
    }
  });
});
