import { QueryRunner } from 'typeorm';

// Not a migration: the migrations glob (migrations/*.ts) does not reach this folder, and every
// export of a migration file must be a migration class.

/**
 * The row-level trigger as this migration created it (1764210000000-StatementLevelPublish
 * replaces it, and puts it back when reverted).
 */
export async function createRowPublishTrigger(q: QueryRunner): Promise<void> {
  await q.query(`CREATE FUNCTION consent_event_publish() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      subj text := CASE WHEN NEW.address IS NULL THEN 'c:' || NEW.customer_id ELSE 'a:' || NEW.address END;
      t text;
      outbox bigint;
    BEGIN
      IF NEW.action IN ('opt_in', 'opt_out', 'pending_confirmation', 'renewed', 'lapsed', 'expired', 'confirmation_expired') THEN
        IF NEW.campaign_id IS NOT NULL THEN
          INSERT INTO consent_lifecycle AS l (channel_group, subject, campaign_id, address, customer_id, event_id, action, given_at, recorded_at)
          VALUES (NEW.channel_group, subj, NEW.campaign_id, NEW.address, CASE WHEN NEW.address IS NULL THEN NEW.customer_id END,
                  NEW.id, NEW.action, NEW.occurred_at, NEW.recorded_at)
          ON CONFLICT (channel_group, subject, campaign_id) DO UPDATE
             SET event_id = EXCLUDED.event_id, action = EXCLUDED.action, given_at = EXCLUDED.given_at,
                 recorded_at = EXCLUDED.recorded_at, requested_at = NULL
           WHERE (EXCLUDED.given_at, EXCLUDED.recorded_at, EXCLUDED.event_id) > (l.given_at, l.recorded_at, l.event_id);
        END IF;
        -- A newer event covering a campaign consent from wider (the whole channel, or the
        -- customer owning the contact point) takes over: that campaign's policy stops applying.
        UPDATE consent_lifecycle l
           SET action = 'superseded', event_id = NEW.id, given_at = NEW.occurred_at, recorded_at = NEW.recorded_at, requested_at = NULL
         WHERE l.channel_group = NEW.channel_group
           AND (NEW.campaign_id IS NULL OR l.campaign_id = NEW.campaign_id)
           AND NOT (l.subject = subj AND l.campaign_id IS NOT DISTINCT FROM NEW.campaign_id)
           AND (l.subject = subj
                OR (NEW.address IS NULL AND l.subject IN (SELECT 'a:' || p.address FROM contact_point p
                                                            WHERE p.customer_id = NEW.customer_id AND p.channel_group = NEW.channel_group)))
           AND (NEW.occurred_at, NEW.recorded_at, NEW.id) > (l.given_at, l.recorded_at, l.event_id);
      END IF;
      FOREACH t IN ARRAY (CASE
          WHEN NEW.action = 'reconfirmation_requested' THEN ARRAY['consent.reconfirmation_requested']
          WHEN NEW.action = 'lapsed' THEN ARRAY['consent.changed', 'consent.lapsed']
          WHEN NEW.action IN ('opt_in', 'opt_out', 'pending_confirmation', 'renewed', 'expired', 'confirmation_expired') THEN ARRAY['consent.changed']
          ELSE ARRAY[]::text[] END) LOOP
        IF EXISTS (SELECT 1 FROM webhook_endpoint w WHERE w.deleted_at IS NULL AND t = ANY (w.events)) THEN
          INSERT INTO outbox_event (type, event_id) VALUES (t, NEW.id) RETURNING id INTO outbox;
          INSERT INTO webhook_delivery (outbox_id, endpoint_id)
            SELECT outbox, w.id FROM webhook_endpoint w WHERE w.deleted_at IS NULL AND t = ANY (w.events);
        END IF;
      END LOOP;
      RETURN NULL;
    END $$`);
  await q.query(`CREATE TRIGGER consent_event_publish AFTER INSERT ON consent_event FOR EACH ROW EXECUTE FUNCTION consent_event_publish()`);
}
