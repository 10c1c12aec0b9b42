import { LinkKeys, PreferenceGrant, UnsubscribeGrant } from './link-token';

const OLD = 'old-secret-0123456789abcdef0123456789';
const NEW = 'new-secret-0123456789abcdef0123456789';

const unsubscribe: UnsubscribeGrant = {
  kind: 'unsubscribe',
  customerId: 'cust-42',
  address: 'jane.doe@example.com',
  channel: 'email',
  campaignId: 'weekly-deals',
  messageId: 'msg-2026-11-30-001',
  locale: 'fr',
};
const preferences: PreferenceGrant = { kind: 'preferences', customerId: 'cust-42', locale: null, expiresAt: new Date('2026-12-07T10:00:00.000Z') };

describe('signed link tokens', () => {
  const keys = new LinkKeys([NEW, OLD]);

  it('open to exactly what they were sealed with', () => {
    expect(keys.open(keys.seal(unsubscribe))).toEqual(unsubscribe);
    expect(keys.open(keys.seal(preferences))).toEqual(preferences);
    const channelWide: UnsubscribeGrant = { ...unsubscribe, customerId: null, campaignId: null, messageId: null, locale: null };
    expect(keys.open(keys.seal(channelWide))).toEqual(channelWide);
  });

  it('carry no personal data in clear: neither the address nor the customer id can be read from the token', () => {
    const token = keys.seal(unsubscribe);
    const bytes = Buffer.from(token, 'base64url').toString('latin1');
    for (const secret of ['jane.doe', 'example.com', 'cust-42', 'weekly-deals', 'msg-2026']) {
      expect(token).not.toContain(secret);
      expect(bytes).not.toContain(secret);
    }
  });

  it('are different each time, even for the same grant (nothing to correlate across messages)', () => {
    expect(keys.seal(unsubscribe)).not.toBe(keys.seal(unsubscribe));
  });

  it('open to nothing when any byte is changed, cut or added', () => {
    const token = keys.seal(unsubscribe);
    const bytes = Buffer.from(token, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes);
      altered[i] ^= 0x01;
      expect(keys.open(altered.toString('base64url'))).toBeNull();
    }
    expect(keys.open(token.slice(0, -4))).toBeNull();
    expect(keys.open(`${token}AAAA`)).toBeNull();
  });

  it('made without the key open to nothing', () => {
    expect(new LinkKeys(['someone-else-0123456789abcdef0123456']).open(keys.seal(unsubscribe))).toBeNull();
    expect(keys.open('not-a-token')).toBeNull();
    expect(keys.open('A'.repeat(80))).toBeNull();
    expect(keys.open('')).toBeNull();
  });

  it('survive a key rotation: a link sealed with the old key opens while the old key is still listed, and not after', () => {
    const before = new LinkKeys([OLD]).seal(unsubscribe);
    expect(new LinkKeys([NEW, OLD]).open(before)).toEqual(unsubscribe);
    expect(new LinkKeys([NEW]).open(before)).toBeNull();
    // New links are sealed with the first key.
    expect(new LinkKeys([OLD]).open(new LinkKeys([NEW, OLD]).seal(unsubscribe))).toBeNull();
  });

  describe('form tokens', () => {
    const link = keys.seal(preferences);
    const issued = new Date('2026-11-30T10:00:00Z');
    const day = 24 * 3600 * 1000;

    it('are accepted for the link and the time they were issued for, within their age', () => {
      const form = keys.formToken(link, issued);
      expect(keys.checkFormToken(link, form, new Date(issued.getTime() + 3600_000), day)).toBe(true);
      expect(keys.checkFormToken(link, form, new Date(issued.getTime() + day + 1000), day)).toBe(false);
    });

    it('are refused for another link, altered, or from another key', () => {
      const form = keys.formToken(link, issued);
      expect(keys.checkFormToken(keys.seal(preferences), form, issued, day)).toBe(false);
      const [seconds, mac] = form.split('.');
      expect(keys.checkFormToken(link, `${Number(seconds) + 1}.${mac}`, issued, day)).toBe(false);
      expect(keys.checkFormToken(link, new LinkKeys(['someone-else-0123456789abcdef0123456']).formToken(link, issued), issued, day)).toBe(false);
      expect(keys.checkFormToken(link, 'garbage', issued, day)).toBe(false);
    });
  });
});
