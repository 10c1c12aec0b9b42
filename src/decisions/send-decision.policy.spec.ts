import { CoveringEvent, decideSend } from './send-decision.policy';

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

  it('a channel the campaign does not send on is denied, but an opt-out is still reported as such', () => {
    const facts = { purpose: 'transactional' as const, channel: 'whatsapp', campaignChannels: ['sms'] };
    expect(decideSend({ ...facts, latest: ev('1', 'opt_in', 0) })).toMatchObject({ allowed: false, reason: 'channel_not_in_campaign' });
    expect(decideSend({ ...facts, latest: ev('1', 'opt_out', 0) })).toMatchObject({ allowed: false, reason: 'opted_out' });
  });

  describe('service windows (DOMAIN.md section 5)', () => {
    const window = { id: '9', occurredAt: t0.toISOString(), recordedAt: t0.toISOString(), expiresAt: plus(86_400_000).toISOString() };

    it('allow a conversational reply without an opt-in, naming the window', () => {
      expect(decideSend({ ...base, purpose: 'conversational', latest: null, window })).toEqual({
        allowed: true, outcome: 'allow', reason: 'service_window',
        basis: { eventId: '9', action: 'service_window', scope: 'channel', occurredAt: window.occurredAt, recordedAt: window.recordedAt, expiresAt: window.expiresAt },
      });
    });

    it('do not stand in for marketing consent', () => {
      expect(decideSend({ ...base, purpose: 'marketing', latest: null, window })).toMatchObject({ allowed: false, reason: 'no_consent' });
    });

    it('never override an opt-out', () => {
      expect(decideSend({ ...base, purpose: 'conversational', latest: ev('4', 'opt_out', 10), window })).toMatchObject({ allowed: false, reason: 'opted_out' });
    });

    it('do not open a channel the campaign does not use', () => {
      expect(decideSend({ ...base, channel: 'whatsapp', purpose: 'conversational', latest: null, window })).toMatchObject({ reason: 'channel_not_in_campaign' });
    });
  });
});
