// Unit tests: pure rules in shared/, services in server/, the WeChat sandbox's protocol tests, the
// miniapp's pure helpers (money input, retry keys).
module.exports = {
  ...require('./jest.preset'),
  rootDir: __dirname,
  roots: ['<rootDir>/shared/src', '<rootDir>/server/src', '<rootDir>/scripts/wechat-sandbox/src', '<rootDir>/miniapp/src'],
  testMatch: ['**/*.spec.ts'],
};
