// Shared by every Jest config of the repo: TypeScript through ts-jest, transpile-only because
// test/tsconfig.json sets isolatedModules (type-checking is `npm run typecheck`'s job), and
// @wemember/shared read from source so tests never need a build first.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'test/tsconfig.json') }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@wemember/shared$': path.join(__dirname, 'shared/src/index.ts'),
    // The miniapp imports single modules of the build (to keep zod out of its bundle).
    '^@wemember/shared/dist/(.*)$': path.join(__dirname, 'shared/src/$1'),
  },
};
