/**
 * The tokens of signed links (the preference centre, one-click unsubscribe): opaque, and
 * unforgeable. A token is what it grants (a customer's preference centre until a date; an
 * opt-out from one campaign or channel), sealed with AES-256-GCM: encrypted, so that the
 * address or customer id it names is not readable in a URL, a mail log or a browser history;
 * and authenticated, so that a changed byte, or a token made without the key, opens to nothing.
 * Keys come from LINK_KEYS: the first seals, every one opens (rotation keeps old links working).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { CHANNELS, type Channel } from '../common/channels';

export const LOCALES = ['en', 'fr', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

export interface PreferenceGrant {
  kind: 'preferences';
  customerId: string;
  /** The language the pages open in (a choice on the page wins). */
  locale: Locale | null;
  expiresAt: Date;
}

/** An opt-out from `campaignId` (null: the whole channel), of the customer or address named (or both). */
export interface UnsubscribeGrant {
  kind: 'unsubscribe';
  customerId: string | null;
  address: string | null;
  channel: Channel;
  campaignId: string | null;
  /** The message the link came in (evidence). */
  messageId: string | null;
  locale: Locale | null;
}

export type LinkGrant = PreferenceGrant | UnsubscribeGrant;

const VERSION = 1;
const NONCE = 12;
const TAG = 16;

/** The keys derived from the configured secrets (HKDF: any secret of 32+ characters makes a good AES key). */
export class LinkKeys {
  private readonly sealing: Buffer[];
  private readonly forms: Buffer[];

  constructor(secrets: readonly string[]) {
    if (!secrets.length) throw new Error('LinkKeys needs at least one secret');
    const derive = (secret: string, use: string) => Buffer.from(hkdfSync('sha256', secret, 'consent-service links', use, 32));
    this.sealing = secrets.map((s) => derive(s, 'token v1'));
    this.forms = secrets.map((s) => derive(s, 'form v1'));
  }

  seal(grant: LinkGrant): string {
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv('aes-256-gcm', this.sealing[0], nonce);
    cipher.setAAD(Buffer.of(VERSION));
    const body = Buffer.concat([cipher.update(JSON.stringify(encode(grant)), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), nonce, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** What the token grants, or null: forged, altered, truncated, or sealed with no key known here. Expiry is the caller's to judge. */
  open(token: string): LinkGrant | null {
    if (!/^[A-Za-z0-9_-]{40,1500}$/.test(token)) return null;
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length < 1 + NONCE + TAG + 2 || bytes[0] !== VERSION) return null;
    const nonce = bytes.subarray(1, 1 + NONCE);
    const body = bytes.subarray(1 + NONCE, bytes.length - TAG);
    const tag = bytes.subarray(bytes.length - TAG);
    for (const key of this.sealing) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, nonce);
        decipher.setAAD(Buffer.of(VERSION));
        decipher.setAuthTag(tag);
        const text = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
        return decode(JSON.parse(text) as Encoded);
      } catch {
        // not this key (or not a token at all): try the next
      }
    }
    return null;
  }

  /**
   * A form's proof that it was served by this service for this link, at `issuedAt`: a POST
   * carrying another (a page elsewhere submitting to ours) is refused.
   */
  formToken(linkToken: string, issuedAt: Date): string {
    const seconds = Math.floor(issuedAt.getTime() / 1000);
    return `${seconds}.${this.formMac(this.forms[0], linkToken, seconds)}`;
  }

  /** Whether `value` is a form token of this link, issued within `maxAgeMs` before `now`. */
  checkFormToken(linkToken: string, value: string, now: Date, maxAgeMs: number): boolean {
    const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!m) return false;
    const seconds = Number(m[1]);
    const age = now.getTime() - seconds * 1000;
    if (age < -60_000 || age > maxAgeMs) return false;
    const given = Buffer.from(m[2], 'base64url');
    return this.forms.some((key) => timingSafeEqual(Buffer.from(this.formMac(key, linkToken, seconds), 'base64url'), given));
  }

  private formMac(key: Buffer, linkToken: string, seconds: number): string {
    return createHmac('sha256', key).update(`${seconds}\u0000${linkToken}`).digest('base64url');
  }
}

/** The sealed form: short names, absent when empty (a link in a mail header should be short). */
interface Encoded {
  k: 'p' | 'u';
  c?: string;
  a?: string;
  ch?: string;
  cp?: string;
  m?: string;
  l?: string;
  x?: number;
}

function encode(g: LinkGrant): Encoded {
  const out: Encoded = { k: g.kind === 'preferences' ? 'p' : 'u' };
  if (g.customerId !== null) out.c = g.customerId;
  if (g.locale !== null) out.l = g.locale;
  if (g.kind === 'preferences') out.x = Math.floor(g.expiresAt.getTime() / 1000);
  else {
    out.ch = g.channel;
    if (g.address !== null) out.a = g.address;
    if (g.campaignId !== null) out.cp = g.campaignId;
    if (g.messageId !== null) out.m = g.messageId;
  }
  return out;
}

const isLocale = (v: unknown): v is Locale => (LOCALES as readonly unknown[]).includes(v);
const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** A sealed grant is ours (the key proves it), but it is still read field by field. */
function decode(e: Encoded): LinkGrant | null {
  const locale = isLocale(e.l) ? e.l : null;
  if (e.k === 'p') {
    const customerId = text(e.c);
    if (customerId === null || typeof e.x !== 'number') return null;
    return { kind: 'preferences', customerId, locale, expiresAt: new Date(e.x * 1000) };
  }
  if (e.k === 'u') {
    const channel = CHANNELS.find((c) => c === e.ch);
    const customerId = text(e.c);
    const address = text(e.a);
    if (!channel || (customerId === null && address === null)) return null;
    return { kind: 'unsubscribe', customerId, address, channel, campaignId: text(e.cp), messageId: text(e.m), locale };
  }
  return null;
}
