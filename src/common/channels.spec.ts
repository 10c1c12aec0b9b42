import { channelGroup, normaliseAddress, normaliseSenderAddress, InvalidAddressError } from './channels';

describe('normaliseAddress', () => {
  it.each([
    ['sms', '+1 (415) 555-0100', '+14155550100'],
    ['rcs', '+14155550100', '+14155550100'],
    ['whatsapp', 'whatsapp:+33 6 12 34 56 78', '+33612345678'],
    ['voice', ' +44 20 7946 0958 ', '+442079460958'],
    ['email', '  Ana.Lopez@Example.COM ', 'ana.lopez@example.com'],
    ['push', 'fcm-token:abc', 'fcm-token:abc'],
  ] as const)('%s %s becomes %s', (channel, raw, expected) => {
    expect(normaliseAddress(channel, raw)).toBe(expected);
  });

  it('uses the default region for national numbers only when one is configured', () => {
    expect(() => normaliseAddress('sms', '(415) 555-0100')).toThrow(InvalidAddressError);
    expect(normaliseAddress('sms', '(415) 555-0100', 'US')).toBe('+14155550100');
  });

  it.each([
    ['sms', '12345'],
    ['sms', 'not a number'],
    ['sms', '+1 555 0100'],
    ['email', 'ana@'],
    ['email', 'ana example.com'],
    ['push', ''],
    ['push', 'x'.repeat(513)],
    ['push', 'a\u0000b'],
  ] as const)('%s rejects %j', (channel, raw) => {
    expect(() => normaliseAddress(channel, raw)).toThrow(InvalidAddressError);
  });
});

describe('channelGroup', () => {
  it('puts SMS, MMS and RCS in one group and keeps the others apart', () => {
    expect(channelGroup('sms')).toBe('sms');
    expect(channelGroup('mms')).toBe('sms');
    expect(channelGroup('rcs')).toBe('sms');
    expect(channelGroup('whatsapp')).toBe('whatsapp');
    expect(channelGroup('voice')).toBe('voice');
    expect(channelGroup('email')).toBe('email');
  });
});

describe('normaliseAddressForLookup', () => {
  const { normaliseAddressForLookup } = jest.requireActual<typeof import('./channels')>('./channels');
  it('takes E.164 as written and normalises anything else like a write would', () => {
    expect(normaliseAddressForLookup('sms', '+14155550100')).toBe('+14155550100');
    expect(normaliseAddressForLookup('sms', '+1 415 555 0100')).toBe('+14155550100');
    expect(normaliseAddressForLookup('email', 'A@B.CO')).toBe('a@b.co');
    expect(() => normaliseAddressForLookup('sms', 'garbage')).toThrow(InvalidAddressError);
  });
});

describe('normaliseSenderAddress', () => {
  it.each([
    ['+14155550100', '+14155550100'],
    ['whatsapp:+14155550100', '+14155550100'],
    ['+1 (415) 555-0100', '+14155550100'],
    ['12345', '12345'],
    ['ACME Shop', 'ACME Shop'],
    ['MG0123456789abcdef0123456789abcdef', 'MG0123456789abcdef0123456789abcdef'],
  ])('%j is written %j', (raw, expected) => {
    expect(normaliseSenderAddress(raw)).toBe(expected);
  });

  it.each(['', '+1555', '<script>', 'a'.repeat(65), '+999 1234 5678 999'])('rejects %j', (raw) => {
    expect(() => normaliseSenderAddress(raw)).toThrow(InvalidAddressError);
  });
});
