// Lint for every TypeScript package of the repo (type-checking is tsc's job, see `npm run typecheck`).
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // One unit of work is the only way to write (DESIGN.md, Invariants). Feature code gets the
    // UnitOfWork and passes its manager down; the DataSource, or a manager's way back to it
    // (`.connection`, a query runner of its own), would write outside the transaction — on SQLite,
    // into whichever transaction happens to be open. Only server/src/database/ holds it. Tests may:
    // they open databases for medium tests and read rows to check what a user would see.
    files: ['server/src/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['server/src/database/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'typeorm', importNames: ['DataSource', 'QueryRunner'], message: 'Write through UnitOfWork.transaction and read through uow.reader (server/src/database/unit-of-work.ts).' }] },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name=/^(connection|createQueryRunner|queryRunner)$/]", message: 'Use the manager the unit of work hands down, not its connection or a query runner of your own.' },
      ],
    },
  },
  {
    files: ['miniapp/**/*.{ts,tsx}'],
    languageOptions: { globals: { API_BASE: 'readonly', definePageConfig: 'readonly', defineAppConfig: 'readonly' } },
    rules: {
      // zod stays out of the mini-program bundle: the root entry of @wemember/shared (schemas, zod)
      // for types only, its zod-free modules through their subpath entries.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@wemember/shared', allowTypeImports: true, message: 'Import types only from the root entry; values from a subpath entry such as @wemember/shared/money.' },
            { name: 'zod', allowTypeImports: true, message: 'zod does not belong in the mini-program bundle.' },
          ],
          patterns: [{ group: ['@wemember/shared/dist/*', '@wemember/shared/src/*'], message: 'Use the subpath entries of @wemember/shared (see its package.json exports).' }],
        },
      ],
    },
  },
);
