import { parseDuration } from '../common/duration';
import { NO_POLICY } from '../decisions/send-decision.policy';
import { consentDates, queryKinds } from './people.rules';

describe('looking a person up', () => {
  it('tries a customer id first, whatever it looks like', () => {
    expect(queryKinds('cus_42')).toEqual(['customer']);
    expect(queryKinds('alice@example.com')).toEqual(['customer', 'email']);
  });

  it.each(['+1 415 555 0100', '(415) 555-0100', '415.555.0100', '+33 6 12 34 56 78', '0612345678'])('reads %s as a phone number too', (q) => {
    expect(queryKinds(q)).toEqual(['customer', 'phone']);
  });

  it('does not take a short number or a word with digits for a phone number', () => {
    expect(queryKinds('12345')).toEqual(['customer']);
    expect(queryKinds('order-123456')).toEqual(['customer']);
  });
});

describe("the dates a campaign's policy puts on consent", () => {
  const policy = { reconfirmEvery: parseDuration('P180D')!, reconfirmGrace: parseDuration('P14D')!, consentTtl: parseDuration('P2Y')! };
  const given = '2026-01-01T00:00:00.000Z';

  it('re-confirmation is due after the period, lapses after the grace, and expires after the TTL', () => {
    expect(consentDates(policy, given, 'opt_in')).toEqual({
      reconfirmBy: '2026-06-30T00:00:00.000Z',
      lapsesAt: '2026-07-14T00:00:00.000Z',
      expiresAt: '2028-01-01T00:00:00.000Z',
    });
  });

  it('a renewal counts from the renewal', () => {
    expect(consentDates(policy, '2026-06-01T00:00:00.000Z', 'renewed').reconfirmBy).toBe('2026-11-28T00:00:00.000Z');
  });

  it('without grace, consent lapses when re-confirmation is due', () => {
    const d = consentDates({ ...policy, reconfirmGrace: null }, given, 'opt_in');
    expect(d.lapsesAt).toBe(d.reconfirmBy);
  });

  it('has no dates without a policy, or when consent does not stand', () => {
    expect(consentDates(NO_POLICY, given, 'opt_in')).toEqual({ reconfirmBy: null, lapsesAt: null, expiresAt: null });
    expect(consentDates(policy, given, 'opt_out')).toEqual({ reconfirmBy: null, lapsesAt: null, expiresAt: null });
    expect(consentDates(policy, null, null)).toEqual({ reconfirmBy: null, lapsesAt: null, expiresAt: null });
  });
});
