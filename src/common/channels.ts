/**
 * Owns the list of channels and how a contact point's address is written down.
 * Two contact points are the same when their channel group and normalised address are.
 */
import { parsePhoneNumberFromString, CountryCode } from 'libphonenumber-js/max';

export const CHANNELS = ['sms', 'mms', 'rcs', 'whatsapp', 'voice', 'email', 'push', 'messenger'] as const;
export type Channel = (typeof CHANNELS)[number];

/** SMS, MMS and RCS to the same number share one consent state (CTIA; docs/domain.md §4). */
export function channelGroup(channel: Channel): string {
  return channel === 'mms' || channel === 'rcs' ? 'sms' : channel;
}

const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS);
const PHONE_CHANNELS: ReadonlySet<Channel> = new Set(['sms', 'mms', 'rcs', 'whatsapp', 'voice']);

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && CHANNEL_SET.has(value);
}
const EMAIL = /^[^\s@"(),:;<>[\\\]]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
export const MAX_ADDRESS_LENGTH = 512;

export class InvalidAddressError extends Error {}

export function normaliseAddress(channel: Channel, raw: string, defaultRegion?: string): string {
  const input = raw.trim();
  if (input.length === 0 || input.length > MAX_ADDRESS_LENGTH) {
    throw new InvalidAddressError(`must be 1 to ${MAX_ADDRESS_LENGTH} characters`);
  }
  if (PHONE_CHANNELS.has(channel)) {
    // WhatsApp ids are sometimes written "whatsapp:+1..." (Twilio): the number is what counts.
    const number = input.replace(/^(whatsapp|tel|sms):/i, '');
    const parsed = parsePhoneNumberFromString(number, defaultRegion as CountryCode | undefined);
    if (!parsed || !parsed.isValid()) {
      throw new InvalidAddressError(`must be a valid phone number in E.164 form (such as +14155550100) for channel ${channel}`);
    }
    return parsed.number;
  }
  if (channel === 'email') {
    const lower = input.toLowerCase();
    if (lower.length > 254 || !EMAIL.test(lower)) throw new InvalidAddressError('must be a valid email address');
    return lower;
  }
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\u0000-\u001f\u007f]/.test(input)) throw new InvalidAddressError('must not contain control characters');
  return input;
}

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * For lookups only (decisions): an address already in E.164 is taken as written, skipping
 * the full parse, which dominates the cost of a 10,000-recipient batch. A well-formed but
 * unassigned number can never have been recorded, so it simply matches no event.
 */
export function normaliseAddressForLookup(channel: Channel, raw: string, defaultRegion?: string): string {
  if (PHONE_CHANNELS.has(channel) && E164.test(raw)) return raw;
  return normaliseAddress(channel, raw, defaultRegion);
}

const SHORT_CODE = /^\d{3,8}$/;
const PHONE_LIKE = /^\+?[\d\s().-]{7,}$/;

/** Whether `channel` can carry a message to `address` as written: phones, emails, or ids of the other channels. */
export function channelReaches(channel: Channel, address: string): boolean {
  const input = address.trim();
  if (PHONE_LIKE.test(input)) return PHONE_CHANNELS.has(channel);
  if (input.includes('@')) return channel === 'email';
  return !PHONE_CHANNELS.has(channel) && channel !== 'email';
}
const SENDER_ID = /^[A-Za-z0-9][A-Za-z0-9 ._&'-]{0,63}$/;

/**
 * A brand's sender as providers write it: an E.164 number (`whatsapp:` and similar prefixes
 * dropped), a short code (3 to 8 digits), or an alphanumeric sender id taken as written.
 */
export function normaliseSenderAddress(raw: string, defaultRegion?: string): string {
  const input = raw.trim().replace(/^(whatsapp|sms|mms|rcs|tel|messenger):/i, '');
  if (SHORT_CODE.test(input)) return input;
  if (PHONE_LIKE.test(input)) return normaliseAddress('sms', input, defaultRegion);
  if (SENDER_ID.test(input)) return input;
  throw new InvalidAddressError("must be a phone number in E.164 form, a short code of 3 to 8 digits, or a sender id of letters, digits and . _ & ' -");
}
