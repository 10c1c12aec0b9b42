import twilio from 'twilio';
import { isValidTwilioSignature, parseForm, twilioSignature } from './twilio-signature';

const token = '12345678901234567890123456789012';
const url = 'https://consent.example.com/v1/inbound/twilio?tenant=a';

describe('twilioSignature', () => {
  it.each([
    [{ From: '+14155550100', To: '+14155550199', Body: 'STOP', MessageSid: 'SM1' }],
    [{ Body: 'Arrêt 🛑 & co = ok', From: 'whatsapp:+33612345678', NewParam: '' }],
    [{ MediaUrl: ['b', 'a', 'a'], Body: 'x' }],
    [{}],
  ])('agrees with the official twilio helper for %j', (params) => {
    const official = twilio.getExpectedTwilioSignature(token, url, params);
    expect(twilioSignature(token, url, params)).toBe(official);
    expect(twilio.validateRequest(token, twilioSignature(token, url, params), url, params)).toBe(true);
    expect(isValidTwilioSignature(token, url, params, official)).toBe(true);
  });

  it('fails on any change of token, URL, name or value, and on garbage', () => {
    const params = { From: '+14155550100', Body: 'STOP' };
    const good = twilioSignature(token, url, params);
    expect(isValidTwilioSignature('x'.repeat(32), url, params, good)).toBe(false);
    expect(isValidTwilioSignature(token, `${url}&b=1`, params, good)).toBe(false);
    expect(isValidTwilioSignature(token, url, { ...params, Body: 'START' }, good)).toBe(false);
    expect(isValidTwilioSignature(token, url, { ...params, Extra: '' }, good)).toBe(false);
    expect(isValidTwilioSignature(token, url, params, '')).toBe(false);
    expect(isValidTwilioSignature(token, url, params, 'é'.repeat(28))).toBe(false);
  });
});

describe('parseForm', () => {
  it('decodes values and keeps repeated names', () => {
    expect({ ...parseForm('Body=Arr%C3%AAt+svp&A=1&A=2&Empty=') }).toEqual({ Body: 'Arrêt svp', A: ['1', '2'], Empty: '' });
  });

  it('treats prototype keys as plain data', () => {
    const form = parseForm('__proto__=x&constructor=y&toString=z');
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect(form.__proto__).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
