import { JURISDICTIONS, LAWS, jurisdictionRule, lawList, lawsFor, regionOf } from './laws';
import { sendWindow } from './send-window';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const window = (law: Parameters<typeof jurisdictionRule>[0], zone: string, at: string) => {
  const answer = sendWindow([jurisdictionRule(law, zone)], new Date(at));
  return { allowed: answer.allowed, next: iso(answer.nextAllowedAt) };
};

describe('state laws: hours in the recipient local time', () => {
  it('Texas: Monday to Saturday 9:00-21:00', () => {
    // Saturday 28 Nov 2026, 8:30 in Dallas (CST, UTC-6): until 9:00.
    expect(window('us-tx', 'America/Chicago', '2026-11-28T14:30:00Z')).toEqual({ allowed: false, next: '2026-11-28T15:00:00.000Z' });
    expect(window('us-tx', 'America/Chicago', '2026-11-28T15:00:00Z').allowed).toBe(true);
    // 21:00 Saturday: closed until Sunday noon.
    expect(window('us-tx', 'America/Chicago', '2026-11-29T03:00:00Z')).toEqual({ allowed: false, next: '2026-11-29T18:00:00.000Z' });
  });

  it('Texas: Sunday 12:00-21:00', () => {
    expect(window('us-tx', 'America/Chicago', '2026-11-29T16:30:00Z')).toEqual({ allowed: false, next: '2026-11-29T18:00:00.000Z' });
    expect(window('us-tx', 'America/Chicago', '2026-11-29T18:00:00Z').allowed).toBe(true);
  });

  it('Oregon: 8:00-20:00, from 2026-01-01 only', () => {
    // 20:30 in Portland on 2 Jan 2026 (PST, UTC-8): until 8:00 the next morning.
    expect(window('us-or', 'America/Los_Angeles', '2026-01-03T04:30:00Z')).toEqual({ allowed: false, next: '2026-01-03T16:00:00.000Z' });
    // The same hour on 30 Dec 2025: the law was not in force.
    expect(window('us-or', 'America/Los_Angeles', '2025-12-31T04:30:00Z').allowed).toBe(true);
  });

  it.each(['us-ok', 'us-md', 'us-fl'] as const)('%s: 8:00-20:00', (law) => {
    expect(window(law, 'America/New_York', '2026-06-10T00:30:00Z')).toEqual({ allowed: false, next: '2026-06-10T12:00:00.000Z' });
    expect(window(law, 'America/New_York', '2026-06-10T23:59:00Z').allowed).toBe(true);
  });
});

describe("the recipient's state", () => {
  it("is the customer's region when recorded, whatever the number says", () => {
    expect(regionOf('US-TX', '+14155550100')).toBe('US-TX');
  });

  it.each([
    ['+12145550100', 'US-TX'],
    ['+14695550100', 'US-TX'], // overlays of Dallas
    ['+19725550100', 'US-TX'],
    ['+19455550100', 'US-TX'],
    ['+15035550100', 'US-OR'],
    ['+19715550100', 'US-OR'], // overlay of 503
    ['+14585550100', 'US-OR'],
    ['+14055550100', 'US-OK'],
    ['+15725550100', 'US-OK'], // overlay of 405
    ['+14105550100', 'US-MD'],
    ['+14435550100', 'US-MD'], // overlay of 410
    ['+12405550100', 'US-MD'],
    ['+13015550100', 'US-MD'],
    ['+13055550100', 'US-FL'],
    ['+17865550100', 'US-FL'], // overlay of 305
    ['+12125550100', 'US-NY'],
    ['+19175550100', 'US-NY'],
    ['+14165550100', 'CA-ON'],
    ['+14155550100', 'US-CA'],
  ])('else the area code: %s is in %s', (address, region) => {
    expect(regionOf(null, address)).toBe(region);
  });

  it('is unknown for a number outside North America, or an email', () => {
    expect(regionOf(null, '+33612345678')).toBeNull();
    expect(regionOf(null, 'ann@example.com')).toBeNull();
    expect(regionOf(null, null)).toBeNull();
  });

  it("us-states becomes the law of the recipient's state, and nothing in a state without one", () => {
    expect(lawsFor(['us-tcpa', 'us-states'], 'US-TX')).toEqual(['us-tcpa', 'us-tx']);
    expect(lawsFor(['us-states', 'us-fl'], 'US-FL')).toEqual(['us-fl']);
    expect(lawsFor(['us-states'], 'US-NY')).toEqual([]);
    expect(lawsFor(['us-states'], null)).toEqual([]);
  });
});

describe('the list compliance staff read', () => {
  it('names every jurisdiction, with its source and the day it took effect', () => {
    const list = lawList();
    expect(list.map((l) => l.id).sort()).toEqual([...JURISDICTIONS].sort());
    for (const law of list) {
      expect(law.source).not.toBe('');
      expect(law.effectiveFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(LAWS['us-or'].effectiveFrom).toBe('2026-01-01');
    expect(LAWS['us-tx'].effectiveFrom).toBe('2025-09-01');
  });
});
