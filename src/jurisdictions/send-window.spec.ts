import { dayNumber, localToInstant, offsetAt, parseClock, toLocal } from './local-time';
import { publicHolidays } from './calendars';
import { jurisdictionRule } from './laws';
import { quietHoursRule, recipientZones, sendWindow } from './send-window';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const at = (text: string) => new Date(text);

describe('local time', () => {
  it('converts wall time to instants across DST in New York (gap and overlap)', () => {
    // 2026-03-08: clocks jump 02:00 -> 03:00; 2026-11-01: 02:00 -> 01:00.
    const spring = dayNumber(2026, 3, 8);
    expect(new Date(localToInstant(spring, 60, 'America/New_York')).toISOString()).toBe('2026-03-08T06:00:00.000Z');
    // 02:30 does not exist: the first instant after it is when the clocks jumped (03:00 EDT).
    expect(new Date(localToInstant(spring, 150, 'America/New_York')).toISOString()).toBe('2026-03-08T07:00:00.000Z');
    expect(new Date(localToInstant(spring, 180, 'America/New_York')).toISOString()).toBe('2026-03-08T07:00:00.000Z');
    const fall = dayNumber(2026, 11, 1);
    // 01:30 happens twice: the first one (EDT).
    expect(new Date(localToInstant(fall, 90, 'America/New_York')).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(new Date(localToInstant(fall, 180, 'America/New_York')).toISOString()).toBe('2026-11-01T08:00:00.000Z');
  });

  it('handles half-hour DST on Lord Howe Island', () => {
    // 2026-04-05 02:00 LHDT (+11) -> 01:30 LHST (+10:30); 2026-10-04 02:00 -> 02:30.
    expect(offsetAt(Date.parse('2026-01-15T00:00:00Z'), 'Australia/Lord_Howe')).toBe(11 * 3600_000);
    expect(offsetAt(Date.parse('2026-07-15T00:00:00Z'), 'Australia/Lord_Howe')).toBe(10.5 * 3600_000);
    const gap = dayNumber(2026, 10, 4);
    expect(new Date(localToInstant(gap, 135, 'Australia/Lord_Howe')).toISOString()).toBe('2026-10-03T15:30:00.000Z');
    expect(toLocal(new Date('2026-10-03T15:30:00Z'), 'Australia/Lord_Howe')).toMatchObject({ hour: 2, minute: 30 });
  });

  it('answers a local time asked again as it did the first time, per zone, day and minute (answers are kept)', () => {
    const day = dayNumber(2026, 3, 8);
    const asks: [number, number, string][] = [];
    for (const zone of ['America/New_York', 'America/Chicago', 'Europe/Paris', 'Australia/Lord_Howe'])
      for (const d of [day, day + 1]) for (const minutes of [0, 150, 1440]) asks.push([d, minutes, zone]);
    const first = asks.map(([d, minutes, zone]) => localToInstant(d, minutes, zone));
    // Asked again, in another order: the same instants, none taken for another zone, day or minute.
    const again = [...asks].reverse().map(([d, minutes, zone]) => localToInstant(d, minutes, zone));
    expect(again.reverse()).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(asks.length / 2);
    expect(localToInstant(day, 150, 'America/New_York')).toBe(Date.parse('2026-03-08T07:00:00Z'));
    expect(localToInstant(day, 150, 'America/Chicago')).toBe(Date.parse('2026-03-08T08:00:00Z'));
  });

  it('knows leap days and weekdays', () => {
    expect(toLocal(at('2028-02-29T12:00:00Z'), 'Europe/Paris')).toMatchObject({ year: 2028, month: 2, day: 29, weekday: 2 });
    expect(dayNumber(2028, 3, 1) - dayNumber(2028, 2, 28)).toBe(2);
    expect(dayNumber(2027, 3, 1) - dayNumber(2027, 2, 28)).toBe(1);
  });

  it('reads clock times', () => {
    expect(parseClock('21:00')).toBe(1260);
    expect(parseClock('00:00')).toBe(0);
    expect(parseClock('24:00')).toBe(1440);
    for (const bad of ['24:01', '7:00', '12:60', '1200', '']) expect(parseClock(bad)).toBeUndefined();
  });
});

describe('quiet hours', () => {
  const night = quietHoursRule({ start: 21 * 60, end: 8 * 60 }, 'Europe/Paris');

  it('run across midnight and defer to their end', () => {
    expect(sendWindow([night], at('2026-06-10T12:00:00Z'))).toMatchObject({ allowed: true });
    const late = sendWindow([night], at('2026-06-10T20:30:00Z')); // 22:30 in Paris (CEST)
    expect(late).toMatchObject({ allowed: false, blockedBy: ['quiet_hours'] });
    expect(iso(late.nextAllowedAt)).toBe('2026-06-11T06:00:00.000Z'); // 08:00 CEST
    expect(iso(sendWindow([night], at('2026-06-11T05:59:00Z')).nextAllowedAt)).toBe('2026-06-11T06:00:00.000Z');
    expect(sendWindow([night], at('2026-06-11T06:00:00Z')).allowed).toBe(true);
  });

  it('end at the right instant on the night clocks change (Paris, 2026-03-29)', () => {
    // 22:00 CET on the 28th; the quiet hours end at 08:00 CEST on the 29th = 06:00Z.
    expect(iso(sendWindow([night], at('2026-03-28T21:00:00Z')).nextAllowedAt)).toBe('2026-03-29T06:00:00.000Z');
    // And in October, 08:00 CET = 07:00Z.
    expect(iso(sendWindow([night], at('2026-10-24T22:00:00Z')).nextAllowedAt)).toBe('2026-10-25T07:00:00.000Z');
  });

  it('can apply on some weekdays only (the night that starts on those days)', () => {
    // Quiet Friday and Saturday nights only.
    const weekend = quietHoursRule({ start: 22 * 60, end: 10 * 60, days: [5, 6] }, 'Europe/Paris');
    expect(sendWindow([weekend], at('2026-06-10T21:00:00Z')).allowed).toBe(true); // Wednesday 23:00
    expect(sendWindow([weekend], at('2026-06-12T21:00:00Z')).allowed).toBe(false); // Friday 23:00
    expect(sendWindow([weekend], at('2026-06-13T07:00:00Z')).allowed).toBe(false); // Saturday 09:00
    expect(sendWindow([weekend], at('2026-06-15T07:00:00Z')).allowed).toBe(true); // Monday 09:00 (Sunday night is not quiet)
  });

  it('within one day', () => {
    const lunch = quietHoursRule({ start: 12 * 60, end: 14 * 60 }, 'America/New_York');
    expect(iso(sendWindow([lunch], at('2026-06-10T16:30:00Z')).nextAllowedAt)).toBe('2026-06-10T18:00:00.000Z');
  });
});

describe('jurisdictions', () => {
  it('us-tcpa: 8:00-21:00 local, DST-correct', () => {
    const tcpa = jurisdictionRule('us-tcpa', 'America/New_York');
    // 07:00 EST on the morning of the spring change... and 21:30 EDT.
    expect(iso(sendWindow([tcpa], at('2026-03-08T11:30:00Z')).nextAllowedAt)).toBe('2026-03-08T12:00:00.000Z'); // 07:30 EDT -> 08:00 EDT
    expect(sendWindow([tcpa], at('2026-03-08T01:30:00Z')).allowed).toBe(true); // 20:30 EST on the 7th
    expect(iso(sendWindow([tcpa], at('2026-03-08T02:30:00Z')).nextAllowedAt)).toBe('2026-03-08T12:00:00.000Z'); // 21:30 EST -> 08:00 EDT
  });

  it('us-fl: 8:00-20:00', () => {
    const fl = jurisdictionRule('us-fl', 'America/New_York');
    expect(sendWindow([fl], at('2026-06-10T23:30:00Z')).allowed).toBe(true); // 19:30 EDT
    const late = sendWindow([fl], at('2026-06-11T00:30:00Z')); // 20:30 EDT
    expect(late).toMatchObject({ allowed: false, blockedBy: ['us-fl'] });
    expect(iso(late.nextAllowedAt)).toBe('2026-06-11T12:00:00.000Z');
  });

  it('fr-demarchage: weekdays 10-13 and 14-20, never weekends or public holidays', () => {
    const fr = jurisdictionRule('fr-demarchage', 'Europe/Paris');
    // Friday 2026-07-10 20:30 CEST -> next is Monday 13 July 10:00? No: 14 July is a holiday, 13 July is a Monday.
    expect(iso(sendWindow([fr], at('2026-07-10T18:30:00Z')).nextAllowedAt)).toBe('2026-07-13T08:00:00.000Z');
    // Monday 13 July 20:00 -> Tuesday 14 July is Bastille Day -> Wednesday 15 July 10:00.
    expect(iso(sendWindow([fr], at('2026-07-13T18:00:00Z')).nextAllowedAt)).toBe('2026-07-15T08:00:00.000Z');
    // Lunch break.
    expect(iso(sendWindow([fr], at('2026-07-15T11:15:00Z')).nextAllowedAt)).toBe('2026-07-15T12:00:00.000Z');
    // Easter Monday 2026 is 6 April; Ascension 14 May; Whit Monday 25 May.
    expect(iso(sendWindow([fr], at('2026-04-03T18:30:00Z')).nextAllowedAt)).toBe('2026-04-07T08:00:00.000Z');
    expect(sendWindow([fr], at('2026-05-14T09:00:00Z')).allowed).toBe(false);
    expect(sendWindow([fr], at('2026-05-25T09:00:00Z')).allowed).toBe(false);
    expect(sendWindow([fr], at('2026-05-26T09:00:00Z')).allowed).toBe(true);
  });

  it('counts leap days: from Friday 28 February 2025 20:30 to Monday 3 March, and 29 February 2028 is a Tuesday like any other', () => {
    const fr = jurisdictionRule('fr-demarchage', 'Europe/Paris');
    expect(iso(sendWindow([fr], at('2025-02-28T19:30:00Z')).nextAllowedAt)).toBe('2025-03-03T09:00:00.000Z');
    expect(iso(sendWindow([fr], at('2028-02-28T19:30:00Z')).nextAllowedAt)).toBe('2028-02-29T09:00:00.000Z');
    expect(iso(sendWindow([quietHoursRule({ start: 22 * 60, end: 7 * 60 }, 'UTC')], at('2028-02-28T23:00:00Z')).nextAllowedAt)).toBe(
      '2028-02-29T07:00:00.000Z',
    );
  });

  it('combines with quiet hours: the first instant every rule allows', () => {
    const rules = [jurisdictionRule('fr-demarchage', 'Europe/Paris'), quietHoursRule({ start: 19 * 60, end: 11 * 60 }, 'Europe/Paris')];
    // Wednesday 2026-06-10 19:30 CEST: quiet until 11:00 Thursday, which fr allows.
    expect(iso(sendWindow(rules, at('2026-06-10T17:30:00Z')).nextAllowedAt)).toBe('2026-06-11T09:00:00.000Z');
  });

  it('answers no next instant when nothing is allowed within the horizon', () => {
    const always = quietHoursRule({ start: 0, end: 1440 }, 'UTC');
    expect(sendWindow([always], at('2026-06-10T12:00:00Z'))).toMatchObject({ allowed: false, nextAllowedAt: null });
  });
});

describe('public holidays (date-holidays)', () => {
  const days = (place: string, year: number) =>
    [...publicHolidays(place, year)].sort((a, b) => a - b).map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));

  it('holds the 11 French days off of 2026, Easter Monday, Ascension and Whit Monday included, and no observance', () => {
    expect(days('FR', 2026)).toEqual([
      '2026-01-01',
      '2026-04-06',
      '2026-05-01',
      '2026-05-08',
      '2026-05-14',
      '2026-05-25',
      '2026-07-14',
      '2026-08-15',
      '2026-11-01',
      '2026-11-11',
      '2026-12-25',
    ]);
  });

  it.each([
    [2024, '2024-04-01'],
    [2027, '2027-03-29'],
    [2038, '2038-04-26'],
  ])('moves Easter Monday with Easter: %d, %s', (year, monday) => {
    expect(days('FR', year)).toContain(monday);
  });

  it('keeps French demarchage shut all day on a holiday', () => {
    // Thursday 14 May 2026 (Ascension), 11:00 in Paris: closed until Friday 10:00.
    const answer = sendWindow([jurisdictionRule('fr-demarchage', 'Europe/Paris')], at('2026-05-14T09:00:00Z'));
    expect(iso(answer.nextAllowedAt)).toBe('2026-05-15T08:00:00.000Z');
  });
});

describe('recipient time zones', () => {
  it('uses the known zone, else the country when it has one, else every distinct clock of the country', () => {
    expect(recipientZones('Asia/Tokyo', 'US')).toEqual(['Asia/Tokyo']);
    expect(recipientZones(null, 'FR')).toEqual(['Europe/Paris']);
    const us = recipientZones(null, 'US');
    // One zone per clock (29 zones, 8 clocks): Eastern, Central, Mountain, Arizona, Pacific, Alaska, Aleutian, Hawaii.
    const noonUtc = new Date('2026-01-15T12:00:00Z');
    const clock = (zone: string) => new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' }).format(noonUtc);
    expect(us).toHaveLength(8);
    for (const zone of ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'Pacific/Honolulu'])
      expect(us.map(clock)).toContain(clock(zone));
    expect(recipientZones(null, undefined)).toEqual([]);
  });

  it('applies the strictest reading across a country: allowed only when every zone allows', () => {
    const rules = recipientZones(null, 'US').map((z) => jurisdictionRule('us-tcpa', z));
    // 13:00Z = 09:00 in New York but 03:00 in Honolulu: not yet.
    const answer = sendWindow(rules, at('2026-06-10T13:00:00Z'));
    expect(answer.allowed).toBe(false);
    // 08:00 in Honolulu (HST, UTC-10) = 18:00Z, when it is 14:00 in New York.
    expect(iso(answer.nextAllowedAt)).toBe('2026-06-10T18:00:00.000Z');
  });
});
