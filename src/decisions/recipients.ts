import { CUSTOMER_ID_MAX, ID_MESSAGE, isId } from '../common/identifiers';
import { FieldError, Problem } from '../common/problem';

export interface Recipient {
  customerId: string | null;
  address: string | null;
}

const MAX_REPORTED_ERRORS = 20;

/**
 * Checks a batch's recipients by hand (see BatchDecisionRequestDto) with the same rules as a
 * single decision, naming each field at fault as `recipients.<index>.<field>`. `normaliseAddress`
 * fails as a Problem naming the field `address`. Nothing is built per recipient but its answer
 * (no field names, no key lists) until one is at fault: a batch holds 10,000.
 */
export function parseRecipients(raw: unknown[], normaliseAddress: (address: string) => string): Recipient[] {
  const errors: FieldError[] = [];
  const out = new Array<Recipient>(raw.length);
  for (let i = 0; i < raw.length && errors.length < MAX_REPORTED_ERRORS; i++) {
    const item = raw[i];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      errors.push({ field: `recipients.${i}`, message: 'must be an object with customerId and/or address' });
      continue;
    }
    let unknown: string[] | undefined;
    for (const key in item) if (key !== 'customerId' && key !== 'address') (unknown ??= []).push(key);
    if (unknown) {
      errors.push(...unknown.map((k) => ({ field: `recipients.${i}.${k}`, message: 'is not a known field' })));
      continue;
    }
    const { customerId, address } = item as { customerId?: unknown; address?: unknown };
    if (customerId !== undefined && !isId(customerId, CUSTOMER_ID_MAX)) {
      errors.push({
        field: `recipients.${i}.customerId`,
        message: `must be a string of 1 to ${CUSTOMER_ID_MAX} characters that ${ID_MESSAGE.replace(/^must /, '')}`,
      });
      continue;
    }
    if (address !== undefined && (typeof address !== 'string' || address.length < 1 || address.length > 512)) {
      errors.push({ field: `recipients.${i}.address`, message: 'must be a string of 1 to 512 characters' });
      continue;
    }
    if (customerId === undefined && address === undefined) {
      errors.push({ field: `recipients.${i}`, message: 'needs customerId or address' });
      continue;
    }
    try {
      out[i] = { customerId: customerId ?? null, address: address === undefined ? null : normaliseAddress(address) };
    } catch (error) {
      if (error instanceof Problem && error.errors) errors.push(...error.errors.map((e) => ({ ...e, field: `recipients.${i}.${e.field}` })));
      else throw error;
    }
  }
  if (errors.length)
    throw Problem.validation(errors, `${errors.length === MAX_REPORTED_ERRORS ? 'At least ' : ''}${errors.length} recipient(s) are not valid.`);
  return out;
}
