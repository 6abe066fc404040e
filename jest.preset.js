// Shared by every Jest config of the repo: TypeScript through ts-jest (type-checking is `tsc -b`'s
// job), and @wemember/shared read from source so tests never need a build first.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: path.join(__dirname, 'test/tsconfig.json') }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^@wemember/shared$': path.join(__dirname, 'shared/src/index.ts') },
};
