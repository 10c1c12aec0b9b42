import { isoMicros } from './timestamp-text';

describe('isoMicros: a timestamptz as PostgreSQL writes it in UTC, as ISO 8601 with microseconds', () => {
  it('keeps all six digits of the fraction', () => {
    expect(isoMicros('2026-03-01 12:00:00.123456+00')).toBe('2026-03-01T12:00:00.123456Z');
  });

  it('puts back the trailing zeros PostgreSQL leaves out', () => {
    expect(isoMicros('2026-03-01 12:00:00.5+00')).toBe('2026-03-01T12:00:00.500000Z');
    expect(isoMicros('2026-03-01 12:00:00.00012+00')).toBe('2026-03-01T12:00:00.000120Z');
  });

  it('gives a whole second six zeros', () => {
    expect(isoMicros('2026-03-01 12:00:00+00')).toBe('2026-03-01T12:00:00.000000Z');
  });

  it('names the same instant as Date does, to the millisecond', () => {
    for (const text of ['1999-12-31 23:59:59.999+00', '2027-01-31 00:00:00+00', '2026-11-30 21:01:01.1234+00']) {
      expect(Date.parse(isoMicros(text))).toBe(Date.parse(text.replace(' ', 'T').replace('+00', 'Z')));
    }
  });

  it('gives strings that sort as their instants do', () => {
    const texts = ['2026-03-01 12:00:00.1+00', '2026-03-01 12:00:00+00', '2026-03-01 12:00:00.099999+00', '2026-03-01 11:59:59.9+00'];
    const sorted = texts.map(isoMicros).sort();
    expect(sorted).toEqual(['2026-03-01 11:59:59.9+00', '2026-03-01 12:00:00+00', '2026-03-01 12:00:00.099999+00', '2026-03-01 12:00:00.1+00'].map(isoMicros));
  });

  it('refuses text in another time zone or date style rather than misread it', () => {
    for (const text of ['2026-03-01 12:00:00+01', '2026-03-01T12:00:00Z', '03/01/2026 12:00:00 UTC', 'infinity', '2026-03-01 12:00:00.+00', '']) {
      expect(() => isoMicros(text)).toThrow(/not a UTC timestamptz/);
    }
  });
});
