/**
 * Twilio's request signature (docs/domain.md §4): base64(HMAC-SHA1(auth token, the full public
 * URL followed by every POST parameter's name and value, sorted by name)). Repeated parameters
 * contribute each distinct value, sorted, as the official helper does.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where Twilio posts inbound messages (the only route that takes form bodies). */
export const TWILIO_WEBHOOK_PATH = '/v1/inbound/twilio';
/** Twilio's bodies are small; anything larger is not Twilio. */
export const TWILIO_BODY_LIMIT = 64 * 1024;

export type FormParams = Record<string, string | string[]>;

export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (Array.isArray(value)) for (const v of [...new Set(value)].sort()) data += name + v;
    else data += name + value;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

/** Constant-time comparison of the signature received with the one expected. */
export function isValidTwilioSignature(authToken: string, url: string, params: FormParams, received: string): boolean {
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const actual = Buffer.from(received);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * An `application/x-www-form-urlencoded` body as a prototype-free object: `__proto__` and
 * `constructor` are plain keys, and a repeated name keeps all its values.
 */
export function parseForm(body: string): FormParams {
  const out = Object.create(null) as FormParams;
  for (const [name, value] of new URLSearchParams(body)) {
    const previous = out[name];
    if (previous === undefined) out[name] = value;
    else out[name] = Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return out;
}
