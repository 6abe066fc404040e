// Medium tests: repositories and use cases against the real databases — MariaDB (a database of
// their own, recreated per run) and SQLite (a file per test file) — below HTTP, with the real
// migrations. Fast enough for every change; the run ends by printing its wall time.
// MEDIUM_DATABASES=mysql or =sqlite runs one database only.
module.exports = {
  ...require('../jest.preset'),
  rootDir: __dirname,
  testMatch: ['<rootDir>/medium/**/*.medium-spec.ts'],
  globalSetup: '<rootDir>/medium/support/global-setup.ts',
  globalTeardown: '<rootDir>/medium/support/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: 2,
};
