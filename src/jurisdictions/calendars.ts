/**
 * Public holidays and countries' time zones, from maintained libraries rather than tables of
 * our own: `date-holidays` (holiday rules per country and region, Easter included, updated when
 * governments change them) and `countries-and-timezones` (the IANA tz database's zone.tab).
 * Both answer from memory; results are cached per country and year.
 */
import Holidays from 'date-holidays';
import { getCountry } from 'countries-and-timezones';
import { dayNumber } from './local-time';

const holidayCache = new Map<string, Set<number>>();
const calendars = new Map<string, Holidays>();

/** The public holidays (days off by law, not observances) of a country or region (`FR`, `US-TX`) in a year, as dayNumbers. */
export function publicHolidays(place: string, year: number): Set<number> {
  const key = `${place}:${year}`;
  let days = holidayCache.get(key);
  if (days) return days;
  let calendar = calendars.get(place);
  if (!calendar) {
    const [country, state] = place.split('-');
    calendars.set(place, (calendar = new Holidays(country, state)));
  }
  days = new Set(
    (calendar.getHolidays(year) || [])
      .filter((h) => h.type === 'public')
      .map((h) => {
        const [y, m, d] = h.date.slice(0, 10).split('-').map(Number);
        return dayNumber(y, m, d);
      }),
  );
  holidayCache.set(key, days);
  return days;
}

/** The IANA zones of a country (ISO 3166 alpha-2); empty when unknown. */
export function countryZones(country: string): readonly string[] {
  return getCountry(country)?.timezones ?? [];
}
