// The weapp build (miniapp/dist/weapp) run by WeChat's template compiler and j-component in jsdom,
// against the real server, MariaDB, Redis and the WeChat sandbox. One file at a time: each loads
// the whole build and starts its own stack.
module.exports = {
  ...require('../../jest.preset'),
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.weapp-spec.ts'],
  globalSetup: '<rootDir>/../support/e2e-global-setup.ts',
  testTimeout: 120_000,
  maxWorkers: 1,
};
