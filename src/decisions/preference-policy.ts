/**
 * Rules 2 and 3 of "may I send?" (decision.rules.ts) beyond consent: a channel the customer
 * switched off, and the time rules of one recipient (quiet hours, jurisdiction windows) in
 * their local time. Pure, apart from reading a phone number's country.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Purpose } from '../campaigns/campaign.dto';
import type { StoredPreferences } from './decision-facts.repository';
import type { Decision } from './send-decision.policy';
import { parseClock } from '../jurisdictions/local-time';
import { jurisdictionRule, LAWS, Law } from '../jurisdictions/laws';
import { quietHoursRule, recipientZones, TimeRule } from '../jurisdictions/send-window';

export interface PreferenceFacts {
  purpose: Purpose;
  channel: string;
  /** The laws of the campaign's jurisdictions for this recipient (`us-states` resolved: laws.ts lawsFor). */
  laws: readonly Law[];
  preferences: Pick<StoredPreferences, 'channels' | 'quietHours'> | null;
  /** The customer's IANA time zone, if known. */
  timeZone: string | null;
  /** The address the message goes to: a phone number tells a country. */
  address: string | null;
  at: Date;
}

export interface PreferenceDecision extends Decision {
  /** Deferrals: the first instant every rule allows (null: none within 15 days). */
  nextAllowedAt?: string | null;
  /** Deferrals: the rules that hold the message back (quiet_hours, us-tcpa, ...). */
  blockedBy?: string[];
}

/** Florida's clocks, when nothing else tells the recipient's zone. */
const FLORIDA = ['America/New_York', 'America/Chicago'];

export function countryOf(address: string | null): string | undefined {
  if (!address || address[0] !== '+') return undefined;
  return parsePhoneNumberFromString(address)?.country;
}

/** The time rules for one recipient: quiet hours (marketing only) and the campaign's jurisdictions. */
export function timeRules(f: Omit<PreferenceFacts, 'at' | 'channel'>): TimeRule[] {
  const zones = recipientZones(f.timeZone, f.timeZone ? undefined : countryOf(f.address));
  const rules: TimeRule[] = [];
  const quiet = f.preferences?.quietHours;
  if (quiet && f.purpose === 'marketing') {
    // Quiet hours are the customer's: without a zone (no time zone, no phone number) they cannot be placed.
    const start = parseClock(quiet.start)!;
    const end = parseClock(quiet.end)!;
    for (const zone of zones) rules.push(quietHoursRule({ start, end, days: quiet.days }, zone));
  }
  for (const law of f.laws) {
    // Without the recipient's zone, every clock of the law's country (the strictest reading).
    const own = zones.length ? zones : law === 'us-fl' ? FLORIDA : recipientZones(null, LAWS[law].applies.slice(0, 2));
    for (const zone of own) rules.push(jurisdictionRule(law, zone));
  }
  return rules;
}

/** The customer switched this channel off (a channel not named is on). */
export function isChannelDisabled(preferences: PreferenceFacts['preferences'], channel: string): boolean {
  return preferences?.channels?.[channel]?.enabled === false;
}
