// Shared by every Jest config of the repo: TypeScript through ts-jest, transpile-only because
// test/tsconfig.json sets isolatedModules (type-checking is `npm run typecheck`'s job), and
// @wemember/shared read from source so tests never need a build first.
const path = require('node:path');
const { exports: sharedExports } = require('./shared/package.json');

/**
 * `@wemember/shared` and each of its subpath entries (`@wemember/shared/money`, which the miniapp
 * imports to keep zod out of its bundle) mapped to the source file its `exports` entry is built
 * from: ./dist/domain/tiers.js ← shared/src/domain/tiers.ts.
 */
function sharedSourceMap() {
  const map = {};
  for (const [subpath, target] of Object.entries(sharedExports)) {
    const built = typeof target === 'string' ? target : target.default;
    const match = /^\.\/dist\/(.+)\.js$/.exec(built);
    if (!match) continue; // ./package.json
    const specifier = subpath === '.' ? '@wemember/shared' : `@wemember/shared/${subpath.slice(2)}`;
    map[`^${specifier}$`] = path.join(__dirname, 'shared/src', `${match[1]}.ts`);
  }
  return map;
}

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'test/tsconfig.json') }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: sharedSourceMap(),
};
