import { capsFor, checkCaps } from './caps';

const t0 = Date.parse('2026-06-10T12:00:00Z');
const at = (h: number) => new Date(t0 + h * 3600_000);
const sent = (h: number, campaignId = 'promo', purpose = 'marketing') => ({ sentAt: at(h), campaignId, purpose });
const promo = { id: 'promo', purpose: 'marketing' };

describe('frequency caps', () => {
  it('allow up to the count in the rolling window, then defer until the oldest leaves it', () => {
    const caps = capsFor('marketing', [], { marketing: { count: 3, per: 'P1D' } });
    expect(checkCaps(caps, [sent(-20), sent(-10)], at(0), promo)).toEqual({ allowed: true });
    expect(checkCaps(caps, [sent(-20), sent(-10), sent(-1)], at(0), promo)).toEqual({ allowed: false, nextAllowedAt: at(4), blockedBy: ['max_messages'] });
    // Sends older than the window do not count; the boundary is exclusive of the start.
    expect(checkCaps(caps, [sent(-24), sent(-10), sent(-1)], at(0), promo)).toEqual({ allowed: true });
  });

  it("count by purpose for the customer's caps, by campaign for Florida", () => {
    const own = capsFor('marketing', [], { marketing: { count: 2, per: 'PT1H' } });
    expect(checkCaps(own, [sent(-0.5, 'other'), sent(-0.2, 'another')], at(0), promo)).toMatchObject({ allowed: false });
    expect(checkCaps(own, [sent(-0.5, 'otp', 'transactional'), sent(-0.2)], at(0), promo)).toEqual({ allowed: true });
    const fl = capsFor('marketing', ['us-fl'], null);
    expect(fl).toHaveLength(1);
    expect(checkCaps(fl, [sent(-5, 'other'), sent(-4, 'other'), sent(-3, 'other')], at(0), promo)).toEqual({ allowed: true });
    expect(checkCaps(fl, [sent(-5), sent(-4), sent(-3)], at(0), promo)).toEqual({ allowed: false, nextAllowedAt: at(19), blockedBy: ['us-fl'] });
  });

  it('take the latest of several caps', () => {
    const caps = capsFor('marketing', ['us-fl'], { marketing: { count: 1, per: 'P2D' } });
    expect(checkCaps(caps, [sent(-30), sent(-5), sent(-4)], at(0), promo)).toMatchObject({
      allowed: false,
      blockedBy: ['max_messages'],
      nextAllowedAt: at(44),
    });
  });

  it('a month is a calendar month', () => {
    const caps = capsFor('marketing', [], { marketing: { count: 1, per: 'P1M' } });
    const r = checkCaps(
      caps,
      [{ sentAt: new Date('2026-01-31T10:00:00Z'), campaignId: 'promo', purpose: 'marketing' }],
      new Date('2026-02-15T00:00:00Z'),
      promo,
    );
    expect(r).toEqual({ allowed: false, nextAllowedAt: new Date('2026-02-28T10:00:00Z'), blockedBy: ['max_messages'] });
  });
});

describe('caps that come with state laws', () => {
  const june = at(0); // 2026-06-10T12:00Z
  const three = [sent(-5, 'other'), sent(-4, 'another'), sent(-3, 'other')];

  it('Oregon: 3 marketing messages a day in all, whatever the campaign', () => {
    const or = capsFor('marketing', ['us-or'], null, { at: june, lastPurchaseAt: null });
    expect(checkCaps(or, three, june, promo)).toEqual({ allowed: false, nextAllowedAt: at(19), blockedBy: ['us-or'] });
    expect(checkCaps(or, three.slice(1), june, promo)).toEqual({ allowed: true });
  });

  it('Oregon: not for a customer who bought within 18 months; again once the purchase is older', () => {
    expect(capsFor('marketing', ['us-or'], null, { at: june, lastPurchaseAt: '2025-01-11T00:00:00Z' })).toEqual([]);
    expect(capsFor('marketing', ['us-or'], null, { at: june, lastPurchaseAt: '2024-12-09T00:00:00Z' })).toHaveLength(1);
  });

  it('Oregon: not before the law took effect (2026-01-01): a replay of 2025 answers as the law then stood', () => {
    expect(capsFor('marketing', ['us-or'], null, { at: new Date('2025-12-31T12:00:00Z'), lastPurchaseAt: null })).toEqual([]);
    expect(capsFor('marketing', ['us-or'], null, { at: new Date('2026-01-01T12:00:00Z'), lastPurchaseAt: null })).toHaveLength(1);
  });

  it('Oklahoma and Maryland: 3 a day on the same subject (campaign)', () => {
    for (const law of ['us-ok', 'us-md'] as const) {
      const caps = capsFor('marketing', [law], null, { at: june, lastPurchaseAt: null });
      expect(checkCaps(caps, three, june, promo)).toEqual({ allowed: true });
      expect(checkCaps(caps, [sent(-5), sent(-4), sent(-3)], june, promo)).toEqual({ allowed: false, nextAllowedAt: at(19), blockedBy: [law] });
    }
  });

  it('Texas has hours, not a cap', () => {
    expect(capsFor('marketing', ['us-tx'], null, { at: june, lastPurchaseAt: null })).toEqual([]);
  });
});
