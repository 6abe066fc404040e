// Browser tests: the H5 build in Debian's Chromium, driven by playwright-core.
module.exports = {
  ...require('../jest.preset'),
  rootDir: __dirname,
  testMatch: ['<rootDir>/browser/**/*.browser-spec.ts'],
  globalSetup: '<rootDir>/support/e2e-global-setup.ts',
  testTimeout: 120_000,
  maxWorkers: 1,
};
