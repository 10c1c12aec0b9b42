import { parseDuration } from '../common/duration';
import { CampaignPolicy, consentEnd, CoveringEvent, decideSend, NO_POLICY } from './send-decision.policy';

const t0 = new Date('2026-01-01T00:00:00Z');
const plus = (ms: number) => new Date(t0.getTime() + ms);

function ev(id: string, action: string, occurredMs: number, recordedMs = occurredMs, campaignId: string | null = null): CoveringEvent {
  return { id, action, campaignId, occurredAt: plus(occurredMs).toISOString(), recordedAt: plus(recordedMs).toISOString() };
}

const base = { channel: 'sms', campaignChannels: ['sms', 'email'] };

describe('decideSend', () => {
  it.each([
    ['marketing', false, 'deny', 'no_consent'],
    ['transactional', true, 'allow', 'no_objection'],
    ['conversational', false, 'deny', 'no_consent'],
  ] as const)('with no covering event, a %s campaign answers %s/%s', (purpose, allowed, outcome, reason) => {
    expect(decideSend({ ...base, purpose, latest: null })).toEqual({ allowed, outcome, reason, basis: null });
  });

  it('an opt-in allows and names its event', () => {
    const d = decideSend({ ...base, purpose: 'marketing', latest: ev('7', 'opt_in', 0, 5, 'promo') });
    expect(d).toMatchObject({ allowed: true, outcome: 'allow', reason: 'opted_in' });
    expect(d.basis).toEqual({ eventId: '7', action: 'opt_in', scope: 'campaign', occurredAt: t0.toISOString(), recordedAt: plus(5).toISOString() });
  });

  it('an opt-out wins over the transactional default', () => {
    const d = decideSend({ ...base, purpose: 'transactional', latest: ev('3', 'opt_out', 0) });
    expect(d).toMatchObject({ allowed: false, outcome: 'deny', reason: 'opted_out', basis: { eventId: '3', scope: 'channel' } });
  });

  it.each(['marketing', 'transactional', 'conversational'] as const)(
    'a suppression (erased customer) denies a %s campaign, even inside a service window',
    (purpose) => {
      const window = { id: '9', occurredAt: t0.toISOString(), recordedAt: t0.toISOString(), expiresAt: plus(86_400_000).toISOString() };
      const suppression: CoveringEvent = { id: null, action: 'suppressed', campaignId: null, occurredAt: t0.toISOString(), recordedAt: t0.toISOString() };
      expect(decideSend({ ...base, purpose, latest: suppression, window })).toEqual({ allowed: false, outcome: 'deny', reason: 'suppressed', basis: null });
    },
  );

  it('a channel the campaign does not send on is denied, but an opt-out is still reported as such', () => {
    const facts = { purpose: 'transactional' as const, channel: 'whatsapp', campaignChannels: ['sms'] };
    expect(decideSend({ ...facts, latest: ev('1', 'opt_in', 0) })).toMatchObject({ allowed: false, reason: 'channel_not_in_campaign' });
    expect(decideSend({ ...facts, latest: ev('1', 'opt_out', 0) })).toMatchObject({ allowed: false, reason: 'opted_out' });
  });

  describe('service windows (docs/domain.md §5)', () => {
    const window = { id: '9', occurredAt: t0.toISOString(), recordedAt: t0.toISOString(), expiresAt: plus(86_400_000).toISOString() };

    it('allow a conversational reply without an opt-in, naming the window', () => {
      expect(decideSend({ ...base, purpose: 'conversational', latest: null, window })).toEqual({
        allowed: true,
        outcome: 'allow',
        reason: 'service_window',
        basis: {
          eventId: '9',
          action: 'service_window',
          scope: 'channel',
          occurredAt: window.occurredAt,
          recordedAt: window.recordedAt,
          expiresAt: window.expiresAt,
        },
      });
    });

    it('do not stand in for marketing consent', () => {
      expect(decideSend({ ...base, purpose: 'marketing', latest: null, window })).toMatchObject({ allowed: false, reason: 'no_consent' });
    });

    it('never override an opt-out', () => {
      expect(decideSend({ ...base, purpose: 'conversational', latest: ev('4', 'opt_out', 10), window })).toMatchObject({ allowed: false, reason: 'opted_out' });
    });

    it('do not open a channel the campaign does not use', () => {
      expect(decideSend({ ...base, channel: 'whatsapp', purpose: 'conversational', latest: null, window })).toMatchObject({
        reason: 'channel_not_in_campaign',
      });
    });
  });

  describe('lifecycle (issue 4): time decides, with an explicit clock', () => {
    const day = 86_400_000;
    const policy: CampaignPolicy = { reconfirmEvery: parseDuration('P180D')!, reconfirmGrace: parseDuration('P14D')!, consentTtl: null };
    const given = ev('5', 'opt_in', 0, 0, 'promo');
    const at = (days: number, ms = 0) => plus(days * day + ms);
    const decide = (latest: CoveringEvent, when: Date, p = policy) => decideSend({ ...base, purpose: 'marketing', latest, policy: p, at: when });

    it('allows until due + grace, then denies consent_lapsed, to the millisecond', () => {
      expect(decide(given, at(179)).reason).toBe('opted_in');
      expect(decide(given, at(190)).reason).toBe('opted_in');
      expect(decide(given, at(194, -1))).toMatchObject({ allowed: true });
      expect(decide(given, at(194))).toMatchObject({ allowed: false, outcome: 'deny', reason: 'consent_lapsed', basis: { eventId: '5' } });
    });

    it('a renewal restarts the clock', () => {
      const renewed = ev('6', 'renewed', 185 * day, 185 * day, 'promo');
      expect(decide(renewed, at(300)).reason).toBe('opted_in');
      expect(decide(renewed, at(185 + 194)).reason).toBe('consent_lapsed');
    });

    it('a TTL expires the consent, whichever of TTL and lapse comes first', () => {
      const ttl = { reconfirmEvery: null, reconfirmGrace: null, consentTtl: parseDuration('P2Y')! };
      expect(decide(given, new Date('2027-12-31T23:59:59.999Z'), ttl).reason).toBe('opted_in');
      expect(decide(given, new Date('2028-01-01T00:00:00Z'), ttl).reason).toBe('consent_expired');
      const both = { ...policy, consentTtl: parseDuration('P100D')! };
      expect(decide(given, at(120), both).reason).toBe('consent_expired');
      expect(consentEnd(both, t0)).toEqual({ at: at(100), reason: 'consent_expired' });
      expect(consentEnd(policy, t0)).toEqual({ at: at(194), reason: 'consent_lapsed' });
      expect(consentEnd(NO_POLICY, t0)).toBeNull();
    });

    it('channel-wide opt-ins are not governed by a campaign policy', () => {
      expect(decide(ev('7', 'opt_in', 0), at(1000)).reason).toBe('opted_in');
    });

    it('a pending double opt-in denies, and expires after 30 days', () => {
      const pending = ev('8', 'pending_confirmation', 0, 0, 'promo');
      expect(decide(pending, at(29))).toMatchObject({ allowed: false, reason: 'confirmation_pending' });
      expect(decide(pending, at(30))).toMatchObject({ allowed: false, reason: 'confirmation_expired' });
    });

    it('recorded ends deny with their reason; an opt-out still wins', () => {
      expect(decide(ev('9', 'lapsed', 0, 0, 'promo'), at(1)).reason).toBe('consent_lapsed');
      expect(decide(ev('9', 'expired', 0, 0, 'promo'), at(1)).reason).toBe('consent_expired');
      expect(decide(ev('9', 'confirmation_expired', 0, 0, 'promo'), at(1)).reason).toBe('confirmation_expired');
      expect(decide(ev('9', 'opt_out', 0, 0, 'promo'), at(1)).reason).toBe('opted_out');
    });
  });
});
