import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isPlainValidConsent, RecordConsentDto } from './consent.dto';

/** What class-validator (the pipe's own rules: whitelist, no unknown fields) says of a body. */
function classValidatorAccepts(body: Record<string, unknown>): boolean {
  return validateSync(plainToInstance(RecordConsentDto, body), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }).length === 0;
}

const base = { customerId: 'c-1', address: '+14155550100', channel: 'sms', campaignId: 'promo', action: 'opt_in', source: 'web_form' };
const values: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  'sms',
  'fax',
  'opt_in',
  'opt_out',
  'confirm',
  'import',
  'web_form',
  'bad id',
  '-x',
  'a'.repeat(64),
  'a'.repeat(65),
  'a'.repeat(128),
  'a'.repeat(129),
  'a'.repeat(512),
  'a'.repeat(513),
  'a'.repeat(2000),
  'a'.repeat(2001),
  '😀'.repeat(1500),
  0,
  1,
  true,
  [],
  ['sms'],
  {},
  { a: 1 },
  '2026-01-01T00:00:00Z',
  '2026-01-01',
  '2026-13-01T00:00:00Z',
  'en',
  'fr-CA',
  'xx-yy-zz-1234567',
  'US',
  'US-FL',
  'us',
  '203.0.113.9',
  '256.1.1.1',
  '01.2.3.4',
  '::1',
  'ab'.repeat(16),
  'ab'.repeat(65),
  'https://example.com/x',
  '__proto__',
  'constructor',
];
const evidenceKeys = ['noticeVersion', 'noticeTextHash', 'pageUrl', 'ip', 'userAgent', 'messageId', 'agentId', 'text', 'recordingRef', 'other', '__proto__'];

describe('the fast path of consent writes', () => {
  it('accepts nothing that class-validator rejects, field by field and evidence key by key', () => {
    let accepted = 0;
    const tryBody = (body: Record<string, unknown>) => {
      if (!isPlainValidConsent(body)) return;
      accepted++;
      expect({ body, classValidator: classValidatorAccepts(body) }).toEqual({ body, classValidator: true });
    };
    for (const field of ['customerId', 'address', 'channel', 'campaignId', 'action', 'source', 'language', 'jurisdiction', 'occurredAt', 'evidence', 'extra']) {
      for (const value of values) {
        const body = { ...base, [field]: value } as Record<string, unknown>;
        if (value === undefined) delete body[field];
        tryBody(body);
      }
    }
    for (const key of evidenceKeys) for (const value of values) tryBody({ ...base, evidence: JSON.parse(JSON.stringify({ [key]: value ?? null })) });
    expect(accepted).toBeGreaterThan(60);
    expect(isPlainValidConsent({ ...base, evidence: { ip: '203.0.113.8', noticeVersion: 'v3', text: 'Oui' } })).toBe(true);
    expect(isPlainValidConsent({ ...base, evidence: { pageUrl: 'https://example.com/x' } })).toBe(false); // left to class-validator
  });
});
