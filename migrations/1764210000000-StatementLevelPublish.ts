import { MigrationInterface, QueryRunner } from 'typeorm';
import { createRowPublishTrigger } from './sql/row-publish-trigger';

/**
 * consent_event_publish (1764170000000-ConsentLifecycle) ran once per inserted row: about
 * 37 µs a row, a third of a million-row import. This migration replaces it with a trigger
 * that runs once per statement over the statement's new rows (a transition table), with the
 * same result as the row trigger applied to those rows in id order. That result, per
 * lifecycle key (channel group, subject, campaign):
 *
 * - every consent event for the key ("own" events) and every wider event that takes the key
 *   over ("supersede": the whole channel, or the customer owning the contact point) compete;
 *   the newest by (occurred_at, recorded_at, id) wins, the stored state included, which wins
 *   ties; a supersede sets the action to 'superseded';
 * - a supersede only applies to a key that exists when it arrives: one stored before the
 *   statement, or one created earlier in the statement (by an own event with a smaller id);
 * - outbox rows are written in event id order, then in type order, one delivery per
 *   listening endpoint.
 *
 * test/publish-trigger.e2e-spec.ts checks, on generated event sequences, that one multi-row
 * statement leaves the same lifecycle and outbox as the same events one statement each.
 */
const LIFECYCLE_ACTIONS = `('opt_in', 'opt_out', 'pending_confirmation', 'renewed', 'lapsed', 'expired', 'confirmation_expired')`;

export class StatementLevelPublish1764210000000 implements MigrationInterface {
  name = 'StatementLevelPublish1764210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER consent_event_publish ON consent_event`);
    await q.query(`DROP FUNCTION consent_event_publish()`);
    await q.query(`CREATE FUNCTION consent_events_publish() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM new_rows WHERE action IN ${LIFECYCLE_ACTIONS}) THEN
          WITH e AS (
            SELECT n.id, n.channel_group, n.campaign_id, n.address, n.customer_id, n.action, n.occurred_at, n.recorded_at,
                   CASE WHEN n.address IS NULL THEN 'c:' || n.customer_id ELSE 'a:' || n.address END AS subject
              FROM new_rows n WHERE n.action IN ${LIFECYCLE_ACTIONS}
          ), own AS (
            -- Keys written by their own events, with the first such event (which creates a new key).
            SELECT e.channel_group, e.subject, e.campaign_id, e.address, CASE WHEN e.address IS NULL THEN e.customer_id END AS customer_id,
                   min(e.id) AS first_id
              FROM e WHERE e.campaign_id IS NOT NULL
             GROUP BY e.channel_group, e.subject, e.campaign_id, e.address, CASE WHEN e.address IS NULL THEN e.customer_id END
          ), reach AS (
            -- What each event covers: its own subject, and (customer-level events) the customer's contact points.
            SELECT e.*, e.subject AS target FROM e
            UNION ALL
            SELECT e.*, 'a:' || p.address FROM e JOIN contact_point p ON p.customer_id = e.customer_id AND p.channel_group = e.channel_group
             WHERE e.address IS NULL
          ), keys AS (
            -- Every key this statement may touch: those stored before it, and those it creates.
            SELECT l.channel_group, l.subject, l.campaign_id, l.address, l.customer_id, 0::bigint AS since
              FROM consent_lifecycle l
             WHERE (l.channel_group, l.subject) IN (SELECT channel_group, target FROM reach)
            UNION ALL
            SELECT o.channel_group, o.subject, o.campaign_id, o.address, o.customer_id, o.first_id FROM own o
             WHERE NOT EXISTS (SELECT 1 FROM consent_lifecycle l
                                WHERE (l.channel_group, l.subject, l.campaign_id) = (o.channel_group, o.subject, o.campaign_id))
          ), candidates AS (
            SELECT k.channel_group, k.subject, k.campaign_id, k.address, k.customer_id, e.id, e.action, e.occurred_at, e.recorded_at
              FROM own k JOIN e ON (e.channel_group, e.subject, e.campaign_id) = (k.channel_group, k.subject, k.campaign_id)
            UNION ALL
            SELECT k.channel_group, k.subject, k.campaign_id, k.address, k.customer_id, r.id, 'superseded', r.occurred_at, r.recorded_at
              FROM keys k JOIN reach r ON r.channel_group = k.channel_group AND r.target = k.subject
             WHERE (r.campaign_id IS NULL OR r.campaign_id = k.campaign_id)
               AND NOT (r.subject = k.subject AND r.campaign_id IS NOT DISTINCT FROM k.campaign_id)
               AND r.id > k.since
          )
          INSERT INTO consent_lifecycle AS l (channel_group, subject, campaign_id, address, customer_id, event_id, action, given_at, recorded_at)
          SELECT DISTINCT ON (c.channel_group, c.subject, c.campaign_id)
                 c.channel_group, c.subject, c.campaign_id, c.address, c.customer_id, c.id, c.action, c.occurred_at, c.recorded_at
            FROM candidates c
           ORDER BY c.channel_group, c.subject, c.campaign_id, c.occurred_at DESC, c.recorded_at DESC, c.id DESC
          ON CONFLICT (channel_group, subject, campaign_id) DO UPDATE
             SET event_id = EXCLUDED.event_id, action = EXCLUDED.action, given_at = EXCLUDED.given_at,
                 recorded_at = EXCLUDED.recorded_at, requested_at = NULL
           WHERE (EXCLUDED.given_at, EXCLUDED.recorded_at, EXCLUDED.event_id) > (l.given_at, l.recorded_at, l.event_id);
        END IF;

        IF EXISTS (SELECT 1 FROM webhook_endpoint w WHERE w.deleted_at IS NULL) THEN
          WITH outbox AS (
            INSERT INTO outbox_event (type, event_id)
            SELECT t.type, n.id
              FROM new_rows n
             CROSS JOIN LATERAL unnest(CASE
                 WHEN n.action = 'reconfirmation_requested' THEN ARRAY['consent.reconfirmation_requested']
                 WHEN n.action = 'lapsed' THEN ARRAY['consent.changed', 'consent.lapsed']
                 WHEN n.action IN ('opt_in', 'opt_out', 'pending_confirmation', 'renewed', 'expired', 'confirmation_expired') THEN ARRAY['consent.changed']
                 ELSE ARRAY[]::text[] END) WITH ORDINALITY AS t(type, ord)
             WHERE EXISTS (SELECT 1 FROM webhook_endpoint w WHERE w.deleted_at IS NULL AND t.type = ANY (w.events))
             ORDER BY n.id, t.ord
            RETURNING id, type
          )
          INSERT INTO webhook_delivery (outbox_id, endpoint_id)
          SELECT o.id, w.id FROM outbox o JOIN webhook_endpoint w ON w.deleted_at IS NULL AND o.type = ANY (w.events)
           ORDER BY o.id, w.id;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER consent_events_publish AFTER INSERT ON consent_event REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION consent_events_publish()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER consent_events_publish ON consent_event`);
    await q.query(`DROP FUNCTION consent_events_publish()`);
    await createRowPublishTrigger(q);
  }
}
