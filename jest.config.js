// Unit specs sit beside the code (src/, *.spec.ts); integration and e2e specs in test/ (*.e2e-spec.ts).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

// The browser suite needs Chromium: without it, the suite is left out and the run says so at
// its start and end (test/support/global-*.ts); with REQUIRE_BROWSER=1 (CI) the run fails.
const { hasChromium, BROWSER_SPECS, missingBrowser } = require('./test/support/browser.js');
const browser = hasChromium();
if (!browser && process.env.REQUIRE_BROWSER === '1') throw new Error(missingBrowser());
if (!browser) process.env.BROWSER_SUITE_MISSING = '1';

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/clients/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: 2,
  testTimeout: 30_000,
  testPathIgnorePatterns: ['/node_modules/', ...(browser ? [] : [BROWSER_SPECS])],
};
