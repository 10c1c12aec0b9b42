// Where the browser suite finds Chromium (Debian's package, or CHROMIUM_PATH), shared by
// jest.config.js, which leaves the suite out (saying so) when there is none, and the suite.
const { existsSync } = require('node:fs');

const chromiumPath = () => process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const BROWSER_SPECS = '\\.browser\\.e2e-spec\\.ts$';

/** The message npm test prints when the browser suite cannot run. */
const missingBrowser = () =>
  `THE BROWSER SUITE DID NOT RUN: no Chromium at ${chromiumPath()}. ` +
  'Install it (apt-get install chromium) or set CHROMIUM_PATH, then run npm test again. ' +
  'CI sets REQUIRE_BROWSER=1, which makes a missing browser a failure.';

module.exports = { chromiumPath, hasChromium: () => existsSync(chromiumPath()), BROWSER_SPECS, missingBrowser };
