import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/*
 * The package's subpath entries (`@wemember/shared/money`…) are what the miniapp imports to keep zod
 * out of its bundle. This checks the package.json that declares them: every entry is built from a
 * source file, TypeScript's `moduleResolution: node` finds its types (typesVersions), nothing it
 * loads at run time reaches zod or any other package, and the root entry still exports it all.
 */
const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
  typesVersions: Record<string, Record<string, string[]>>;
};

/** Subpath name → source file, from `./dist/x/y.js`. */
const subpaths = Object.entries(pkg.exports)
  .filter(([name]) => name !== '.' && name !== './package.json')
  .map(([name, target]) => {
    if (typeof target === 'string') throw new Error(`${name} should name its types and its code`);
    return { name: name.slice(2), target, source: join(root, target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')) };
  });

/** The specifiers a module loads at run time (`import type` and `export type` are erased). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm)) {
    if (!match[1]) found.push(match[2]);
  }
  for (const match of text.matchAll(/^import\s+'([^']+)'/gm)) found.push(match[1]);
  return found;
}

/** Every file a module loads at run time, itself included; throws on a package import. */
function runtimeClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const specifier of runtimeImports(file)) {
    if (!specifier.startsWith('.')) throw new Error(`${relative(root, file)} imports ${specifier}`);
    runtimeClosure(join(dirname(file), `${specifier}.ts`), seen);
  }
  return seen;
}

describe('the subpath entries of @wemember/shared', () => {
  it('include those the miniapp relies on', () => {
    expect(subpaths.map((s) => s.name)).toEqual(
      expect.arrayContaining(['money', 'china-time', 'phone', 'scene', 'tiers', 'member-status', 'member-code', 'errors', 'state-machines']),
    );
  });

  it.each(subpaths)('$name is built from a source file, with its types beside the code', ({ target, source }) => {
    expect(existsSync(source)).toBe(true);
    expect(target.types).toBe(target.default.replace(/\.js$/, '.d.ts'));
  });

  it.each(subpaths)('$name has the same types for moduleResolution node (typesVersions)', ({ name, target }) => {
    expect(pkg.typesVersions['*'][name]).toEqual([target.types.replace(/^\.\//, '')]);
  });

  it('typesVersions names no entry that exports lacks', () => {
    expect(Object.keys(pkg.typesVersions['*']).sort()).toEqual(subpaths.map((s) => s.name).sort());
  });

  it.each(subpaths)('$name loads no zod, and no other package, at run time', ({ source }) => {
    expect(() => runtimeClosure(source)).not.toThrow();
  });

  it.each(subpaths)('$name is also exported by the root entry', ({ source }) => {
    const index = readFileSync(join(root, 'src/index.ts'), 'utf8');
    const fromIndex = `./${relative(join(root, 'src'), source).replace(/\.ts$/, '')}`;
    expect(index).toContain(`export * from '${fromIndex}';`);
  });
});
