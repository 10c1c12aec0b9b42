/**
 * The send-time laws the service enforces, as data: each with where it applies, its hours in
 * the recipient's local time, its frequency cap, its source and the day it took effect.
 * `GET /v1/jurisdictions` returns this list, and the README lists it, so compliance staff can
 * see what is enforced and since when. A law applies to instants on or after its effective
 * day (replays with `at` before it answer as the law then stood).
 */
import { publicHolidays } from './calendars';
import type { Interval, LocalDay, TimeRule } from './send-window';
import areaCodeData from './nanp-area-codes.json';

export const JURISDICTIONS = ['us-tcpa', 'us-fl', 'us-tx', 'us-or', 'us-ok', 'us-md', 'us-states', 'fr-demarchage'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];
/** The laws themselves: every jurisdiction but `us-states`, which stands for the recipient's state's law. */
export type Law = Exclude<Jurisdiction, 'us-states'>;

export interface FrequencyCap {
  count: number;
  perHours: number;
  /** `campaign`: messages on the same subject; `purpose`: every marketing message of the brand. */
  scope: 'campaign' | 'purpose';
  /** The cap does not apply to a customer who bought from the brand within this many months. */
  unlessPurchasedWithinMonths?: number;
}

export interface LawInfo {
  id: Law;
  name: string;
  /** Country, or ISO 3166-2 region, where it applies. */
  applies: string;
  /** Its hours, in words. */
  hours: string;
  cap: FrequencyCap | null;
  source: string;
  /** The first day it applies (YYYY-MM-DD, in the recipient's local time). */
  effectiveFrom: string;
  /** Forbidden minutes of a local day (before effectiveFrom: none). */
  forbidden(day: LocalDay): readonly Interval[];
}

const outside = (from: number, to: number): readonly Interval[] => [
  [0, from],
  [to, 1440],
];
const H = 60;
/** What Florida, Oregon, Oklahoma and Maryland share: 8:00-20:00. */
const EIGHT_TO_EIGHT = { hours: '8:00-20:00', forbidden: () => outside(8 * H, 20 * H) };
/** Florida, Oklahoma and Maryland: 3 messages per 24 hours on the same subject. */
const THREE_A_DAY_ON_A_SUBJECT: FrequencyCap = { count: 3, perHours: 24, scope: 'campaign' };

export const LAWS: Readonly<Record<Law, Omit<LawInfo, 'id'>>> = {
  'us-tcpa': {
    name: 'US federal baseline (TCPA)',
    applies: 'US',
    hours: '8:00-21:00',
    cap: null,
    source: '47 CFR 64.1200(c)(1)',
    effectiveFrom: '1992-12-20',
    forbidden: () => outside(8 * H, 21 * H),
  },
  'us-fl': {
    ...EIGHT_TO_EIGHT,
    name: 'Florida Telephone Solicitation Act',
    applies: 'US-FL',
    cap: THREE_A_DAY_ON_A_SUBJECT,
    source: 'Fla. Stat. 501.059(8)(a) (FTSA, as amended 2021)',
    effectiveFrom: '2021-07-01',
  },
  'us-tx': {
    name: 'Texas telephone solicitation (texts included by SB 140)',
    applies: 'US-TX',
    hours: 'Monday-Saturday 9:00-21:00, Sunday 12:00-21:00',
    cap: null,
    source: 'Tex. Bus. & Com. Code 301.051, extended to texts by SB 140 (2025)',
    effectiveFrom: '2025-09-01',
    forbidden: (day) => (day.weekday === 7 ? outside(12 * H, 21 * H) : outside(9 * H, 21 * H)),
  },
  'us-or': {
    ...EIGHT_TO_EIGHT,
    name: 'Oregon telephone solicitation (HB 3865)',
    applies: 'US-OR',
    cap: { count: 3, perHours: 24, scope: 'purpose', unlessPurchasedWithinMonths: 18 },
    source: 'Oregon HB 3865 (2025)',
    effectiveFrom: '2026-01-01',
  },
  'us-ok': {
    ...EIGHT_TO_EIGHT,
    name: 'Oklahoma Telephone Solicitation Act',
    applies: 'US-OK',
    cap: THREE_A_DAY_ON_A_SUBJECT,
    source: 'Okla. Stat. tit. 15, 775C.1 et seq. (OTSA, 2022)',
    effectiveFrom: '2022-11-01',
  },
  'us-md': {
    ...EIGHT_TO_EIGHT,
    name: 'Maryland Stop the Spam Calls Act',
    applies: 'US-MD',
    cap: THREE_A_DAY_ON_A_SUBJECT,
    source: 'Md. Code, Com. Law 14-4501 et seq. (2023)',
    effectiveFrom: '2023-01-01',
  },
  'fr-demarchage': {
    name: 'French telephone canvassing (démarchage téléphonique)',
    applies: 'FR',
    hours: 'weekdays 10:00-13:00 and 14:00-20:00; never on weekends or public holidays',
    cap: null,
    source: 'Code de la consommation L. 221-16 and décret n° 2022-1313',
    effectiveFrom: '2023-03-01',
    forbidden: (day) => (day.weekday >= 6 || publicHolidays('FR', day.year).has(day.dayNumber) ? [[0, 1440]] : [...outside(10 * H, 20 * H), [13 * H, 14 * H]]),
  },
};

export const US_STATES_INFO = {
  id: 'us-states' as const,
  name: "The recipient's US state's law",
  applies: 'US',
  hours: "as the state's law (us-fl, us-tx, us-or, us-ok, us-md); none for other states",
  cap: null,
  source: "The customer's region (ISO 3166-2, e.g. US-TX), else the phone number's area code (NANP table below)",
  effectiveFrom: '2026-11-30',
};

/** Every law as the API lists it. */
export function lawList(): (Omit<LawInfo, 'forbidden'> | typeof US_STATES_INFO)[] {
  return [
    ...(Object.keys(LAWS) as Law[]).map((id) => {
      const { name, applies, hours, cap, source, effectiveFrom } = LAWS[id];
      return { id, name, applies, hours, cap, source, effectiveFrom };
    }),
    US_STATES_INFO,
  ];
}

/** Where the area codes come from, and when they were taken. */
export const AREA_CODES = { source: areaCodeData.source, retrieved: areaCodeData.retrieved, count: Object.keys(areaCodeData.areaCodes).length };
const AREA_CODE_REGION: Readonly<Record<string, string>> = areaCodeData.areaCodes;
const STATE_LAW: Readonly<Record<string, Law>> = { 'US-FL': 'us-fl', 'US-TX': 'us-tx', 'US-OR': 'us-or', 'US-OK': 'us-ok', 'US-MD': 'us-md' };

/** The recipient's region: the customer's own, else a North American number's area code. */
export function regionOf(customerRegion: string | null | undefined, address: string | null | undefined): string | null {
  if (customerRegion) return customerRegion;
  if (!address?.startsWith('+1') || address.length !== 12) return null;
  return AREA_CODE_REGION[address.slice(2, 5)] ?? null;
}

/** The laws a campaign's jurisdictions come to for one recipient: `us-states` becomes their state's, if it has one. */
export function lawsFor(jurisdictions: readonly string[], region: string | null): Law[] {
  const out = new Set<Law>();
  for (const j of jurisdictions) {
    if (j !== 'us-states') out.add(j as Law);
    else if (region && STATE_LAW[region]) out.add(STATE_LAW[region]);
  }
  return [...out];
}

/** Whether the law applies on this local day (YYYY-MM-DD compares as text). */
export function inForce(law: Law, day: { year: number; month: number; day: number }): boolean {
  const text = `${String(day.year).padStart(4, '0')}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
  return text >= LAWS[law].effectiveFrom;
}

/** A law's hours as a time rule in one zone: nothing forbidden on days before it took effect. */
export function jurisdictionRule(law: Law, timeZone: string): TimeRule {
  const { forbidden } = LAWS[law];
  return { name: law, timeZone, forbidden: (day) => (inForce(law, day) ? forbidden(day) : []) };
}
