// Fault tests: the server, Redis and MariaDB as real processes the tests kill -9 and start again
// (test/support/fault-stack.ts). Each file starts its own; one file at a time, as they are heavy and
// time-sensitive. `npm run test:faults`.
module.exports = {
  ...require('../../jest.preset'),
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.fault-spec.ts'],
  testTimeout: 240_000,
  maxWorkers: 1,
};
