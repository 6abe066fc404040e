import fc from 'fast-check';
import type { z } from 'zod';

/**
 * fast-check arbitraries read from a zod 4 schema's `def`, for the fuzz test. zod-fast-check (0.10)
 * only knows zod 3 and fast-check < 4, so this covers what our route schemas use: objects (strict),
 * strings (length, regex, trim), numbers (int, bounds, coerced from the query string), booleans,
 * enums, arrays, optional / nullable / default, records and unknown. Every node answers a value that
 * its constraints accept most of the time and otherwise one just outside them or of the wrong type,
 * so a generated request is sometimes valid (and reaches the service) and often invalid somewhere
 * deep (and must be refused naming that field). Whether it is valid is the schema's to say: the
 * test asks `schema.safeParse`.
 */

interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  element?: z.ZodType;
  entries?: Record<string, string | number>;
  valueType?: z.ZodType;
  values?: unknown[];
  /** A union's (or discriminated union's) members. */
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
  coerce?: boolean;
}

interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  length?: number;
  value?: number;
  inclusive?: boolean;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (def: Def): CheckDef[] => (def.checks ?? []).map((c) => c._zod.def);

/** Deeply nested arrays / objects, built without recursion (JSON.stringify then recurses: keep it in the thousands). */
export function deepArray(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

export function deepObject(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** An object with an own `__proto__` / `constructor` key, as JSON.parse would build it. */
export function withOwnKey(key: string, value: unknown, base: Record<string, unknown> = {}): Record<string, unknown> {
  const object: Record<string, unknown> = { ...base };
  Object.defineProperty(object, key, { value, enumerable: true, configurable: true, writable: true });
  return object;
}

/** Strings that have broken parsers, databases and loggers before. */
export const NASTY_STRINGS: string[] = [
  '',
  ' ',
  '\t\n',
  'x'.repeat(70),
  'x'.repeat(10_000),
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202eRTL\u200f\u200e',
  '\ufeffBOM',
  '１２３４５６７８９０１２３４５６７８', // full-width digits
  '٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨', // Arabic-Indic digits
  '😀👍🏽🏳️‍🌈',
  'e\u0301\u0301\u0301',
  '<script>alert(1)</script>',
  "' OR '1'='1' -- ",
  '"; DROP TABLE members; --',
  '../../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  '9007199254740993',
  'null',
  'true',
  '000000000000000000',
  '999999999999999999',
  '-12345678901234567',
];

/** Values of every JSON type, and the numbers that break arithmetic. */
export const NASTY_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  -1,
  0.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  -(2 ** 53) - 1,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_VALUE,
  'NaN',
  'x'.repeat(300),
  '\u0000',
  '\ud800',
  [],
  [1, 'a', null],
  {},
  { a: 1 },
  withOwnKey('__proto__', { admin: true }),
  { constructor: { prototype: { admin: true } } },
  deepArray(2_000),
  deepObject(2_000),
];

/** Keys that must be refused as unknown, never merged into anything. */
export const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', 'admin', 'brandId', 'role', '', ' ', 'a.b', '\u0000'];

const nasty = fc.oneof(fc.constantFrom(...NASTY_VALUES), fc.constantFrom(...NASTY_STRINGS));

/** Sometimes (1 in `rarity`) a nasty value instead of what `arb` makes. */
function sometimesNasty(arb: fc.Arbitrary<unknown>, rarity = 8): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: arb, weight: rarity - 1 }, { arbitrary: nasty, weight: 1 });
}

function stringArb(def: Def): fc.Arbitrary<unknown> {
  const checks = checksOf(def);
  const min = Math.max(0, ...checks.filter((c) => c.check === 'min_length').map((c) => c.minimum!));
  const maxes = checks.filter((c) => c.check === 'max_length').map((c) => c.maximum!);
  const max = maxes.length ? Math.min(...maxes) : Math.max(min + 20, 40);
  const length = checks.find((c) => c.check === 'length_equals')?.length;
  const regex = checks.find((c) => c.check === 'string_format' && c.format === 'regex')?.pattern;
  const trims = checks.some((c) => c.check === 'overwrite');
  const lo = length ?? min;
  const hi = length ?? max;
  const fitting: fc.Arbitrary<string>[] = [
    fc.string({ minLength: lo, maxLength: Math.min(hi, 80) }),
    fc.string({ unit: 'grapheme', minLength: lo, maxLength: Math.min(hi, 40) }),
  ];
  if (regex) fitting.push(fc.stringMatching(regex), fc.stringMatching(regex), fc.stringMatching(regex));
  const outside: fc.Arbitrary<string>[] = [
    fc.constant('x'.repeat(hi + 1)),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom(...NASTY_STRINGS),
  ];
  if (lo > 0) outside.push(fc.constant('x'.repeat(lo - 1)));
  const padded = trims ? fc.oneof(...fitting).map((s) => `  ${s}\t`) : fc.oneof(...fitting);
  return fc.oneof(
    { arbitrary: fc.oneof(...fitting), weight: 6 },
    { arbitrary: padded, weight: 1 },
    { arbitrary: fc.oneof(...outside), weight: 2 },
    { arbitrary: nasty, weight: 1 },
  );
}

function numberArb(def: Def): fc.Arbitrary<unknown> {
  const checks = checksOf(def);
  const int = checks.some((c) => c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32'));
  const lower = checks.find((c) => c.check === 'greater_than');
  const upper = checks.find((c) => c.check === 'less_than');
  const min = lower ? lower.value! + (lower.inclusive ? 0 : 1) : -1_000_000;
  const max = upper ? upper.value! - (upper.inclusive ? 0 : 1) : 1_000_000;
  const edges = [min, max, min - 1, max + 1, 0, -0, 0.5, min + 0.5, 2 ** 53 + 1, 1e308, -1e308, Number.MIN_VALUE];
  const inRange = int ? fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) }) : fc.double({ min, max, noNaN: true });
  const wrongType = fc.constantFrom<unknown>(String(min), 'NaN', '1e308', '0x10', ' 12 ', true, null, [], {});
  // A coerced number (query string) is generated as text, as it arrives.
  const value = fc.oneof({ arbitrary: inRange, weight: 6 }, { arbitrary: fc.constantFrom(...edges), weight: 3 }, { arbitrary: wrongType, weight: 1 });
  return def.coerce ? value.map((v) => (typeof v === 'number' ? String(v) : v)) : value;
}

function arrayArb(def: Def, depth: number): fc.Arbitrary<unknown> {
  const checks = checksOf(def);
  const min = Math.max(0, ...checks.filter((c) => c.check === 'min_length').map((c) => c.minimum!));
  const maxes = checks.filter((c) => c.check === 'max_length').map((c) => c.maximum!);
  const exact = checks.find((c) => c.check === 'length_equals')?.length;
  const max = exact ?? (maxes.length ? Math.min(...maxes) : min + 4);
  const element = arbitraryFor(def.element!, depth + 1);
  const lo = exact ?? min;
  const hi = Math.min(exact ?? max, lo + 4);
  const variants: fc.Arbitrary<unknown>[] = [fc.array(element, { minLength: lo, maxLength: hi })];
  if (lo > 0) variants.push(fc.array(element, { minLength: 0, maxLength: lo - 1 }));
  // Just over the limit, when that is small enough to send.
  if (max < 1_000) variants.push(fc.array(element, { minLength: max + 1, maxLength: max + 1 }));
  return fc.oneof({ arbitrary: variants[0], weight: 4 }, ...variants.slice(1).map((arbitrary) => ({ arbitrary, weight: 1 })), { arbitrary: nasty, weight: 1 });
}

function objectArb(def: Def, depth: number): fc.Arbitrary<unknown> {
  const shape = def.shape ?? {};
  const keys = Object.keys(shape);
  const fields = Object.fromEntries(keys.map((k) => [k, arbitraryFor(shape[k], depth + 1)]));
  const record = fc.record(fields, { requiredKeys: keys }).map((value) => {
    // fc.record keeps a key whose value is undefined: drop it, as JSON would.
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
    return out;
  });
  const withExtra = fc.tuple(record, fc.constantFrom(...NASTY_KEYS), nasty).map(([value, key, extra]) => withOwnKey(key, extra, value));
  const missing =
    keys.length === 0
      ? record
      : fc.tuple(record, fc.constantFrom(...keys)).map(([value, key]) => {
          const out = { ...value };
          delete out[key];
          return out;
        });
  return fc.oneof({ arbitrary: record, weight: 8 }, { arbitrary: withExtra, weight: 1 }, { arbitrary: missing, weight: 1 }, { arbitrary: nasty, weight: 1 });
}

/** An arbitrary for values near `schema`: mostly valid, sometimes not, in every way we could think of. */
export function arbitraryFor(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return objectArb(def, depth);
    case 'string':
      return stringArb(def);
    case 'number':
      return numberArb(def);
    case 'boolean':
      return sometimesNasty(fc.boolean());
    case 'enum':
      return sometimesNasty(fc.constantFrom(...Object.values(def.entries!)), 5);
    case 'literal':
      return sometimesNasty(fc.constantFrom(...(def.values as (string | number)[])), 5);
    case 'array':
      return arrayArb(def, depth);
    case 'optional':
      return fc.oneof(fc.constant(undefined), arbitraryFor(def.innerType!, depth));
    case 'nullable':
      return fc.oneof(fc.constant(null), arbitraryFor(def.innerType!, depth));
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
      return fc.oneof(fc.constant(undefined), arbitraryFor(def.innerType!, depth));
    case 'pipe':
      return arbitraryFor(def.in!, depth);
    // Each member in turn, so a discriminated union gets every variant (and its discriminator) exercised.
    case 'union':
      return fc.oneof(...def.options!.map((option) => arbitraryFor(option, depth)));
    case 'record':
      return sometimesNasty(fc.dictionary(fc.string({ maxLength: 8 }), arbitraryFor(def.valueType!, depth + 1), { maxKeys: 3 }));
    case 'unknown':
    case 'any':
      return depth > 3 ? fc.jsonValue({ maxDepth: 1 }) : fc.jsonValue({ maxDepth: 3 });
    default:
      throw new Error(`zod-arbitrary: no generator for zod type "${def.type}": add one`);
  }
}

/** Every field path of a JSON value (object keys and array indices, at every depth), for mutating a valid sample. */
export function fieldPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const children: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : value !== null && typeof value === 'object'
      ? Object.entries(value)
      : [];
  return children.flatMap(([key, child]) => [[...prefix, key], ...fieldPaths(child, [...prefix, key])]);
}

/** A deep copy of `value` with the thing at `path` replaced (or deleted when `replacement` is DELETE). */
export const DELETE = Symbol('delete');
export function mutate(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement === DELETE ? undefined : replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === DELETE) copy.splice(Number(head), 1);
    else copy[Number(head)] = mutate(copy[Number(head)], rest, replacement);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && replacement === DELETE) delete copy[head];
  else copy[head] = mutate(copy[head], rest, replacement);
  return copy;
}
