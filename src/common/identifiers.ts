/** Caller-chosen ids (campaigns, customers): printable, no spaces, safe in a URL path. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;
export const ID_MESSAGE = 'must start with a letter or digit and contain only letters, digits and . _ : @ -';
export const CAMPAIGN_ID_MAX = 64;
export const CUSTOMER_ID_MAX = 128;

/** An id as ID_PATTERN and the length limit say: the one test behind every hand-written check. */
export function isId(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= max && ID_PATTERN.test(value);
}
