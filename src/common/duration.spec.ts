import { addDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['P180D', { days: 180 }],
    ['PT24H', { hours: 24 }],
    ['P2Y', { years: 2 }],
    ['P1Y2M3W4DT5H6M7S', { years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7 }],
    ['PT0.5S', { seconds: 0.5 }],
  ])('reads %s', (text, parts) => {
    expect(parseDuration(text)).toEqual({ years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0, ...parts });
  });

  it.each(['', 'P', 'PT', 'P0D', '180D', 'P-1D', 'P1.5D', 'p1d', 'P1DT', 'PT1H ', 'P99999999D', 'P1H'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('addDuration', () => {
  const at = (iso: string) => new Date(iso);

  it('adds days as 24 hours in UTC', () => {
    expect(addDuration(at('2026-03-28T12:00:00Z'), parseDuration('P2D')!).toISOString()).toBe('2026-03-30T12:00:00.000Z');
    expect(addDuration(at('2026-11-26T10:00:00.123Z'), parseDuration('PT24H')!).toISOString()).toBe('2026-11-27T10:00:00.123Z');
  });

  it('follows the calendar for months and years, clamping to the last day', () => {
    expect(addDuration(at('2026-01-31T08:00:00Z'), parseDuration('P1M')!).toISOString()).toBe('2026-02-28T08:00:00.000Z');
    expect(addDuration(at('2028-01-31T08:00:00Z'), parseDuration('P1M')!).toISOString()).toBe('2028-02-29T08:00:00.000Z');
    expect(addDuration(at('2028-02-29T00:00:00Z'), parseDuration('P1Y')!).toISOString()).toBe('2029-02-28T00:00:00.000Z');
    expect(addDuration(at('2026-12-15T00:00:00Z'), parseDuration('P2M')!).toISOString()).toBe('2027-02-15T00:00:00.000Z');
  });

  it('applies a duration several times', () => {
    expect(addDuration(at('2026-01-01T00:00:00Z'), parseDuration('P10D')!, 3).toISOString()).toBe('2026-01-31T00:00:00.000Z');
  });
});
