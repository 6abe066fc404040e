// End to end: the real server over HTTP, the WeChat sandbox, MariaDB and Redis (and SQLite for the
// embedded default). Each test file builds its own brand, so files may run side by side.
module.exports = {
  ...require('../jest.preset'),
  rootDir: __dirname,
  testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/support/e2e-global-setup.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
