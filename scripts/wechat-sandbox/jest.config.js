/** Run from the repository root: npx jest --config scripts/wechat-sandbox/jest.config.js */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: {
    // isolatedModules (set in tsconfig.json, where ts-jest 29.4 wants it) = transpile only;
    // `npx tsc -p scripts/wechat-sandbox` does the type checking.
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
};
