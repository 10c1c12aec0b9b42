import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DecisionRequestDto, isPlainValidDecisionRequest } from './decision.dto';

/** What class-validator (the pipe's own rules: whitelist, no unknown fields) says of a body. */
function classValidatorAccepts(body: Record<string, unknown>): boolean {
  return validateSync(plainToInstance(DecisionRequestDto, body), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }).length === 0;
}

const base = { address: '+14155550100', channel: 'sms', campaignId: 'promo' };
const values: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  'sms',
  'fax',
  'promo',
  'bad id',
  '-x',
  'a'.repeat(64),
  'a'.repeat(65),
  'a'.repeat(128),
  'a'.repeat(129),
  'a'.repeat(512),
  'a'.repeat(513),
  0,
  1,
  true,
  false,
  [],
  ['sms'],
  {},
  { a: 1 },
  '2026-01-01T00:00:00Z',
  '2026-01-01',
  '2026-13-01T00:00:00Z',
  '__proto__',
  'constructor',
];

describe('the fast path of single decision requests', () => {
  it('accepts nothing that class-validator rejects, field by field, and the common bodies', () => {
    let accepted = 0;
    for (const field of ['customerId', 'address', 'channel', 'campaignId', 'at', 'reserve', 'unsubscribe', 'extra']) {
      for (const value of values) {
        const body = { ...base, [field]: value } as Record<string, unknown>;
        if (value === undefined) delete body[field];
        if (isPlainValidDecisionRequest(body)) {
          accepted++;
          expect({ body, classValidator: classValidatorAccepts(body) }).toEqual({ body, classValidator: true });
        }
      }
    }
    expect(accepted).toBeGreaterThan(20);
    expect(isPlainValidDecisionRequest(base)).toBe(true);
    expect(isPlainValidDecisionRequest({ customerId: 'c1', campaignId: 'promo' })).toBe(true);
  });
});
