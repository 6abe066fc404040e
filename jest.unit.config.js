// Unit tests: pure rules in shared/, services in server/, the WeChat sandbox's protocol tests.
module.exports = {
  ...require('./jest.preset'),
  rootDir: __dirname,
  roots: ['<rootDir>/shared/src', '<rootDir>/server/src', '<rootDir>/scripts/wechat-sandbox/src'],
  testMatch: ['**/*.spec.ts'],
};
