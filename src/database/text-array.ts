/**
 * A PostgreSQL array literal of text, nulls as NULL, for a `text[]` parameter: what node-postgres
 * would send for the array, built by one join where it appends to a string and runs two regular
 * expressions per element (the two arrays of a 10,000-recipient batch were 8% of all it allocated).
 */
export function textArray(values: readonly (string | null)[]): string {
  let plain = true;
  for (let i = 0; i < values.length && plain; i++) {
    const v = values[i];
    plain = v !== null && v.indexOf('"') < 0 && v.indexOf('\\') < 0;
  }
  if (values.length === 0) return '{}';
  if (plain) return `{"${values.join('","')}"}`;
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}
