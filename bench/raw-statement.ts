/**
 * The batch's raw statement: the newest covering event of each of the addresses ($1) on the
 * yardstick's table, in one `= any($1)` statement. `npm run bench` runs it bare and inside
 * bench/batch-floor.ts; both must run the same text.
 */
export const RAW_BATCH_STATEMENT = `select distinct on (address) address, id, action from yardstick.consent_event
  where address = any($1) and channel = 'sms' and (campaign_id is null or campaign_id = 'promo')
  order by address, occurred_at desc, id desc`;
