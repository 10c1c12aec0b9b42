import { parseDuration } from '../common/duration';
import type { StoredPreferences } from './decision-facts.repository';
import { CampaignFacts, decide, needsRecentSends, newest, RecipientFacts, RuleMemo, Verdict } from './decision.rules';
import { CoveringEvent, NO_POLICY } from './send-decision.policy';

// Monday 2 March 2026, 15:00 UTC = 10:00 in New York.
const NOON_NY = new Date('2026-03-02T15:00:00.000Z');
const NIGHT_NY = new Date('2026-03-03T03:00:00.000Z'); // 22:00 in New York

const campaign = (over: Partial<CampaignFacts> = {}): CampaignFacts => ({
  id: 'spring-promo',
  purpose: 'marketing',
  channels: ['sms', 'email'],
  policy: NO_POLICY,
  jurisdictions: [],
  ...over,
});

const event = (id: string | null, action: string, occurredAt: string, recordedAt = occurredAt, campaignId: string | null = null): CoveringEvent => ({
  id,
  action,
  campaignId,
  occurredAt,
  recordedAt,
});

const facts = (over: Partial<RecipientFacts> = {}): RecipientFacts => ({
  campaign: campaign(),
  channel: 'sms',
  at: NOON_NY,
  covering: [],
  window: null,
  preferences: null,
  timeZone: 'America/New_York',
  address: '+14155550100',
  ...over,
});

const prefs = (over: Partial<StoredPreferences>): StoredPreferences => ({ channels: {}, preferredChannels: [], quietHours: null, maxMessages: null, ...over });

const OPT_IN = event('10', 'opt_in', '2026-03-01T12:00:00.000000Z');

function answer(v: Verdict) {
  if (needsRecentSends(v)) throw new Error('the decision needs recent sends');
  return v;
}

describe('May I send? The rule book', () => {
  describe('1. consent: the newest covering event wins', () => {
    it('by when it happened, whatever the order it was recorded in', () => {
      const optOut = event('9', 'opt_out', '2026-03-01T13:00:00.000000Z', '2026-03-01T13:00:00.000000Z');
      const lateOptIn = event('11', 'opt_in', '2026-03-01T12:30:00.000000Z', '2026-03-01T14:00:00.000000Z');
      expect(newest([lateOptIn, optOut])).toBe(optOut);
      expect(answer(decide(facts({ covering: [lateOptIn, optOut] })))).toMatchObject({ outcome: 'deny', reason: 'opted_out', basis: { eventId: '9' } });
    });

    it('then by when it was recorded, then by ledger order', () => {
      const at = '2026-03-01T12:00:00.000000Z';
      expect(newest([event('5', 'opt_in', at, at), event('4', 'opt_out', at, '2026-03-01T12:00:00.001000Z')])?.id).toBe('4');
      expect(newest([event('99', 'opt_in', at), event('100', 'opt_out', at)])?.id).toBe('100');
      expect(newest([event('100', 'opt_in', at), event('99', 'opt_out', at)])?.id).toBe('100');
    });

    it('microseconds count: a suppression a few microseconds after an opt-in in the same millisecond wins', () => {
      const optIn = event('12', 'opt_in', '2026-03-01T12:00:00.123000Z', '2026-03-01T12:00:00.124000Z');
      const suppression = event(null, 'suppressed', '2026-03-01T12:00:00.123456Z');
      expect(answer(decide(facts({ covering: [optIn, suppression] })))).toMatchObject({ outcome: 'deny', reason: 'suppressed' });
    });

    it('a suppression wins an exact tie (it has no ledger id)', () => {
      const at = '2026-03-01T12:00:00.000000Z';
      expect(newest([event('7', 'opt_in', at), event(null, 'suppressed', at)])?.action).toBe('suppressed');
    });

    it('an opt-out denies whatever the purpose; an opt-in allows', () => {
      for (const purpose of ['marketing', 'transactional', 'conversational'] as const) {
        const optOut = event('3', 'opt_out', '2026-03-01T12:00:00.000000Z');
        expect(answer(decide(facts({ campaign: campaign({ purpose }), covering: [optOut] })))).toMatchObject({ allowed: false, reason: 'opted_out' });
      }
      expect(answer(decide(facts({ covering: [OPT_IN] })))).toMatchObject({ allowed: true, outcome: 'allow', reason: 'opted_in' });
    });

    it('names its basis in milliseconds, as the API writes instants', () => {
      const d = answer(decide(facts({ covering: [event('10', 'opt_in', '2026-03-01T12:00:00.123456Z', '2026-03-01T12:00:00.124000Z', 'spring-promo')] })));
      expect(d.basis).toEqual({
        eventId: '10',
        action: 'opt_in',
        scope: 'campaign',
        occurredAt: '2026-03-01T12:00:00.123Z',
        recordedAt: '2026-03-01T12:00:00.124Z',
      });
    });

    it('with no event: marketing is denied, transactional allowed, conversational allowed only in an open window', () => {
      expect(answer(decide(facts()))).toMatchObject({ allowed: false, reason: 'no_consent' });
      expect(answer(decide(facts({ campaign: campaign({ purpose: 'transactional' }) })))).toMatchObject({ allowed: true, reason: 'no_objection' });
      const conversational = campaign({ purpose: 'conversational' });
      expect(answer(decide(facts({ campaign: conversational })))).toMatchObject({ allowed: false, reason: 'no_consent' });
      const window = { id: '20', occurredAt: '2026-03-02T14:00:00.000Z', recordedAt: '2026-03-02T14:00:00.000Z', expiresAt: '2026-03-03T14:00:00.000Z' };
      expect(answer(decide(facts({ campaign: conversational, window })))).toMatchObject({ allowed: true, reason: 'service_window' });
    });

    it('a consent on the campaign lapses by its policy', () => {
      const policy = { reconfirmEvery: parseDuration('P30D')!, reconfirmGrace: parseDuration('P1D')!, consentTtl: null };
      const given = event('10', 'opt_in', '2026-01-01T12:00:00.000000Z', '2026-01-01T12:00:00.000000Z', 'spring-promo');
      expect(answer(decide(facts({ campaign: campaign({ policy }), covering: [given] })))).toMatchObject({ allowed: false, reason: 'consent_lapsed' });
    });
  });

  describe('2. a channel the customer switched off', () => {
    it('denies a message consent allows', () => {
      const f = facts({ covering: [OPT_IN], preferences: prefs({ channels: { sms: { enabled: false } } }) });
      expect(answer(decide(f))).toMatchObject({ allowed: false, outcome: 'deny', reason: 'channel_disabled', basis: { eventId: '10' } });
    });

    it('does not turn an opt-out into anything else: consent outranks preference', () => {
      const f = facts({ covering: [event('3', 'opt_out', '2026-03-01T12:00:00.000000Z')], preferences: prefs({ channels: { sms: { enabled: false } } }) });
      expect(answer(decide(f))).toMatchObject({ reason: 'opted_out' });
    });

    it('comes before the time rules', () => {
      const f = facts({
        at: NIGHT_NY,
        covering: [OPT_IN],
        preferences: prefs({ channels: { sms: { enabled: false } }, quietHours: { start: '21:00', end: '08:00' } }),
      });
      expect(answer(decide(f))).toMatchObject({ reason: 'channel_disabled' });
    });
  });

  describe('2b. a pause the customer chose defers marketing until it ends', () => {
    const paused = prefs({ pausedUntil: '2026-04-02T15:00:00.000Z' });

    it('a marketing message is deferred, not denied, with the end of the pause as the next instant allowed', () => {
      expect(answer(decide(facts({ covering: [OPT_IN], preferences: paused })))).toMatchObject({
        allowed: false,
        outcome: 'defer',
        reason: 'paused',
        blockedBy: ['paused'],
        nextAllowedAt: '2026-04-02T15:00:00.000Z',
        basis: { eventId: '10' },
      });
    });

    it('holds back marketing only', () => {
      expect(answer(decide(facts({ campaign: campaign({ purpose: 'transactional' }), preferences: paused })))).toMatchObject({
        allowed: true,
        reason: 'no_objection',
      });
    });

    it('once over, changes nothing', () => {
      expect(answer(decide(facts({ at: new Date('2026-04-02T15:00:00.000Z'), covering: [OPT_IN], preferences: paused })))).toMatchObject({
        allowed: true,
        reason: 'opted_in',
      });
    });

    it('comes after consent and the channel switch: an opt-out stays a deny, and so does a channel switched off', () => {
      const optOut = event('11', 'opt_out', '2026-03-01T13:00:00.000000Z');
      expect(answer(decide(facts({ covering: [optOut], preferences: paused })))).toMatchObject({ outcome: 'deny', reason: 'opted_out' });
      expect(answer(decide(facts({ preferences: paused })))).toMatchObject({ outcome: 'deny', reason: 'no_consent' });
      const off = prefs({ pausedUntil: '2026-04-02T15:00:00.000Z', channels: { sms: { enabled: false } } });
      expect(answer(decide(facts({ covering: [OPT_IN], preferences: off })))).toMatchObject({ outcome: 'deny', reason: 'channel_disabled' });
    });

    it('comes before the time rules and the caps', () => {
      const f = facts({
        at: NIGHT_NY,
        covering: [OPT_IN],
        preferences: prefs({
          pausedUntil: '2026-04-02T15:00:00.000Z',
          quietHours: { start: '21:00', end: '08:00' },
          maxMessages: { marketing: { count: 1, per: 'P1D' } },
        }),
      });
      expect(answer(decide(f))).toMatchObject({ reason: 'paused' });
    });
  });

  describe('2c. a reply asked back about holds marketing until it is answered, read or the hold ends', () => {
    const held = { id: '12', until: '2026-04-02T15:00:00.000Z' };

    it('a marketing message is deferred with reason clarification_pending until the hold ends', () => {
      expect(answer(decide(facts({ covering: [OPT_IN], clarification: held })))).toMatchObject({
        allowed: false,
        outcome: 'defer',
        reason: 'clarification_pending',
        blockedBy: ['clarification_pending'],
        nextAllowedAt: '2026-04-02T15:00:00.000Z',
        basis: { eventId: '10' },
      });
    });

    it('holds back marketing only: a reminder still goes', () => {
      expect(answer(decide(facts({ campaign: campaign({ purpose: 'transactional' }), clarification: held })))).toMatchObject({
        allowed: true,
        reason: 'no_objection',
      });
    });

    it('once the hold is over, changes nothing', () => {
      expect(answer(decide(facts({ at: new Date('2026-04-02T15:00:00.000Z'), covering: [OPT_IN], clarification: held })))).toMatchObject({
        allowed: true,
        reason: 'opted_in',
      });
    });

    it('never turns a deny into a deferral: an opt-out and no consent stay denied', () => {
      const optOut = event('11', 'opt_out', '2026-03-01T13:00:00.000000Z');
      expect(answer(decide(facts({ covering: [optOut], clarification: held })))).toMatchObject({ outcome: 'deny', reason: 'opted_out' });
      expect(answer(decide(facts({ clarification: held })))).toMatchObject({ outcome: 'deny', reason: 'no_consent' });
    });
  });

  describe("3. time: quiet hours and jurisdictions, in the recipient's local time", () => {
    const quiet = prefs({ quietHours: { start: '21:00', end: '08:00' } });

    it('quiet hours defer a marketing message to the first instant allowed', () => {
      const d = answer(decide(facts({ at: NIGHT_NY, covering: [OPT_IN], preferences: quiet })));
      expect(d).toMatchObject({ allowed: false, outcome: 'defer', reason: 'quiet_hours', blockedBy: ['quiet_hours'], basis: { eventId: '10' } });
      expect(d.nextAllowedAt).toBe('2026-03-03T13:00:00.000Z'); // 08:00 in New York
      expect(answer(decide(facts({ at: NOON_NY, covering: [OPT_IN], preferences: quiet })))).toMatchObject({ allowed: true });
    });

    it('quiet hours hold back marketing only', () => {
      expect(answer(decide(facts({ at: NIGHT_NY, campaign: campaign({ purpose: 'transactional' }), preferences: quiet })))).toMatchObject({
        allowed: true,
        reason: 'no_objection',
      });
    });

    it('a jurisdiction window defers every purpose it governs (US: 8:00-21:00)', () => {
      const d = answer(decide(facts({ at: NIGHT_NY, campaign: campaign({ purpose: 'transactional', jurisdictions: ['us-tcpa'] }) })));
      expect(d).toMatchObject({ outcome: 'defer', reason: 'quiet_hours', blockedBy: ['us-tcpa'], nextAllowedAt: '2026-03-03T13:00:00.000Z' });
    });
  });

  describe('4. frequency caps', () => {
    const capped = prefs({ maxMessages: { marketing: { count: 2, per: 'P1D' } } });
    const sent = (iso: string) => ({ sentAt: new Date(iso), campaignId: 'spring-promo', purpose: 'marketing' });

    it("need the recipient's recent sends: without them the answer is to read them since the widest window", () => {
      const v = decide(facts({ covering: [OPT_IN], preferences: capped }));
      expect(v).toEqual({ needs: 'recentSends', since: new Date('2026-03-01T15:00:00.000Z') });
    });

    it('allow under the cap, and defer at it until the oldest counted message leaves the window', () => {
      const one = [sent('2026-03-02T09:00:00.000Z')];
      expect(answer(decide(facts({ covering: [OPT_IN], preferences: capped, recentSends: one })))).toMatchObject({ allowed: true, reason: 'opted_in' });
      const two = [sent('2026-03-02T09:00:00.000Z'), sent('2026-03-02T10:00:00.000Z')];
      const d = answer(decide(facts({ covering: [OPT_IN], preferences: capped, recentSends: two })));
      expect(d).toMatchObject({
        outcome: 'defer',
        reason: 'frequency_cap',
        blockedBy: ['max_messages'],
        nextAllowedAt: '2026-03-03T09:00:00.000Z',
        basis: { eventId: '10' },
      });
    });

    it('a jurisdiction brings its own (Florida: 3 a day on the campaign)', () => {
      const fl = campaign({ jurisdictions: ['us-fl'] });
      const three = ['2026-03-02T13:00:00.000Z', '2026-03-02T13:30:00.000Z', '2026-03-02T14:00:00.000Z'].map(sent);
      expect(answer(decide(facts({ campaign: fl, covering: [OPT_IN], recentSends: three })))).toMatchObject({ reason: 'frequency_cap', blockedBy: ['us-fl'] });
    });

    it('come after the time rules: a message held by both is deferred for the hour', () => {
      const two = [sent('2026-03-02T20:00:00.000Z'), sent('2026-03-02T21:00:00.000Z')];
      const f = facts({ at: NIGHT_NY, covering: [OPT_IN], preferences: prefs({ ...capped, quietHours: { start: '21:00', end: '08:00' } }), recentSends: two });
      expect(answer(decide(f))).toMatchObject({ reason: 'quiet_hours' });
    });

    it('are not looked at for a message already denied', () => {
      expect(answer(decide(facts({ preferences: capped })))).toMatchObject({ reason: 'no_consent' });
    });
  });

  it('one memo for one request changes no answer: each recipient gets what it would get alone', () => {
    const quiet = prefs({ quietHours: { start: '21:00', end: '08:00' } });
    const recipients: RecipientFacts[] = [
      facts({ at: NIGHT_NY }),
      facts({ at: NIGHT_NY, covering: [OPT_IN] }),
      facts({ at: NIGHT_NY, covering: [OPT_IN], preferences: quiet }),
      facts({ at: NIGHT_NY, covering: [OPT_IN], timeZone: 'Asia/Tokyo', preferences: quiet }), // noon in Tokyo: allowed
      facts({ at: NIGHT_NY, covering: [OPT_IN], timeZone: null, address: '+33612345678', preferences: quiet }), // 04:00 in Paris
      facts({ at: NIGHT_NY, covering: [event('3', 'opt_out', '2026-03-01T12:00:00.000000Z')] }),
    ];
    const memo = new RuleMemo();
    const answers = recipients.map((r) => decide(r, memo));
    expect(answers).toEqual(recipients.map((r) => decide(r)));
    expect(answers.map((a) => ('reason' in a ? a.reason : a.needs))).toEqual(['no_consent', 'opted_in', 'quiet_hours', 'opted_in', 'quiet_hours', 'opted_out']);
  });
});
