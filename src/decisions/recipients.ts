import { CUSTOMER_ID_MAX, ID_MESSAGE, isId } from '../common/identifiers';
import { FieldError, Problem } from '../common/problem';

export interface Recipient {
  customerId: string | null;
  address: string | null;
}

const MAX_REPORTED_ERRORS = 20;
const ALLOWED_KEYS = new Set(['customerId', 'address']);

/**
 * Checks a batch's recipients by hand (see BatchDecisionRequestDto) with the same rules as a
 * single decision, naming each field at fault as `recipients.<index>.<field>`.
 */
export function parseRecipients(raw: unknown[], normaliseAddress: (address: string, field: string) => string): Recipient[] {
  const errors: FieldError[] = [];
  const out = new Array<Recipient>(raw.length);
  for (let i = 0; i < raw.length && errors.length < MAX_REPORTED_ERRORS; i++) {
    const item = raw[i];
    const at = `recipients.${i}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      errors.push({ field: at, message: 'must be an object with customerId and/or address' });
      continue;
    }
    const unknown = Object.keys(item).filter((k) => !ALLOWED_KEYS.has(k));
    if (unknown.length) {
      errors.push(...unknown.map((k) => ({ field: `${at}.${k}`, message: 'is not a known field' })));
      continue;
    }
    const { customerId, address } = item as { customerId?: unknown; address?: unknown };
    if (customerId !== undefined && !isId(customerId, CUSTOMER_ID_MAX)) {
      errors.push({ field: `${at}.customerId`, message: `must be a string of 1 to ${CUSTOMER_ID_MAX} characters that ${ID_MESSAGE.replace(/^must /, '')}` });
      continue;
    }
    if (address !== undefined && (typeof address !== 'string' || address.length < 1 || address.length > 512)) {
      errors.push({ field: `${at}.address`, message: 'must be a string of 1 to 512 characters' });
      continue;
    }
    if (customerId === undefined && address === undefined) {
      errors.push({ field: at, message: 'needs customerId or address' });
      continue;
    }
    try {
      out[i] = { customerId: customerId ?? null, address: address === undefined ? null : normaliseAddress(address, `${at}.address`) };
    } catch (error) {
      if (error instanceof Problem && error.errors) errors.push(...error.errors);
      else throw error;
    }
  }
  if (errors.length)
    throw Problem.validation(errors, `${errors.length === MAX_REPORTED_ERRORS ? 'At least ' : ''}${errors.length} recipient(s) are not valid.`);
  return out;
}
