/**
 * "May I send now?" beyond consent (issue 6, DOMAIN.md section 7): a channel the customer
 * switched off is a deny; quiet hours and jurisdiction windows are a defer with the next
 * allowed instant. Consent outranks preference: only an allowed decision is looked at here.
 * Pure, apart from reading a phone number's country.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Purpose } from '../campaigns/campaign.dto';
import type { StoredPreferences } from '../consents/consent-events.repository';
import type { Decision } from '../decisions/send-decision.policy';
import { parseClock } from './local-time';
import { Jurisdiction, jurisdictionRule, quietHoursRule, recipientZones, sendWindow, TimeRule } from './send-window';

export interface PreferenceFacts {
  purpose: Purpose;
  channel: string;
  jurisdictions: readonly string[];
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

/** Where a jurisdiction's rules apply when nothing tells the recipient's zone. */
const JURISDICTION_COUNTRY: Record<Jurisdiction, string> = { 'us-tcpa': 'US', 'us-fl': 'US', 'fr-demarchage': 'FR' };
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
  for (const j of f.jurisdictions as Jurisdiction[]) {
    const own = zones.length ? zones : j === 'us-fl' ? FLORIDA : recipientZones(null, JURISDICTION_COUNTRY[j]);
    for (const zone of own) rules.push(jurisdictionRule(j, zone));
  }
  return rules;
}

/** The customer switched this channel off (a channel not named is on). */
export function isChannelDisabled(preferences: PreferenceFacts['preferences'], channel: string): boolean {
  return preferences?.channels?.[channel]?.enabled === false;
}

export function applyPreferences(consent: Decision, f: PreferenceFacts, rules: TimeRule[] = timeRules(f)): PreferenceDecision {
  if (!consent.allowed) return consent;
  if (isChannelDisabled(f.preferences, f.channel)) {
    return { allowed: false, outcome: 'deny', reason: 'channel_disabled', basis: consent.basis };
  }
  if (!rules.length) return consent;
  const window = sendWindow(rules, f.at);
  if (window.allowed) return consent;
  return {
    allowed: false, outcome: 'defer', reason: 'quiet_hours', basis: consent.basis,
    nextAllowedAt: window.nextAllowedAt?.toISOString() ?? null, blockedBy: window.blockedBy,
  };
}

