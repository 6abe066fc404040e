import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { API_ROUTES, apiErrorSchema, toFieldIssues, type ApiRoute, type ApiRouteName } from '@wemember/shared';
import type { z } from 'zod';
import { AVATAR_BODY_LIMIT_BYTES } from '../../server/src/app.factory';
import { DOMAIN_ERRORS, type DomainErrorCode } from '../../server/src/common/domain-error';
import { BrandRows, rowChanges } from '../support/brand-rows';
import { aTemplate, createTemplate } from '../support/coupons';
import { TINY_PNG_BASE64 } from '../support/images';
import { rawHttp, type RawAnswer } from '../support/raw-http';
import { Recharger } from '../support/recharge';
import { ACCEPTED_AGREEMENTS, aPhone, TestStack } from '../support/stack';
import { aReceiptNo, TestTill, type TestMember } from '../support/till';
import { aCouponCode } from '../support/till-coupons';
import { arbitraryFor, DELETE, fieldPaths, mutate, NASTY_KEYS, NASTY_STRINGS, NASTY_VALUES, withOwnKey } from '../support/zod-arbitrary';

/**
 * Bounded fuzzing of every route of API_ROUTES. Requests are generated from each route's zod schemas
 * (test/support/zod-arbitrary.ts), made by breaking a valid sample one field at a time (wrong types,
 * huge and negative-zero numbers, long and odd unicode strings, prototype keys, deep nesting, arrays
 * for objects, missing and unknown fields) and written by hand (invalid JSON, empty bodies, wrong or
 * no content type, duplicate keys, bad path parameters and query strings). Each is sent with every
 * kind of credential that passes the route's auth, and the answer must be:
 * - never a 5xx;
 * - when 4xx, the API error shape (statusCode, code, message; issues naming fields when validation
 *   failed), and when the test knows the schema refuses the request, a 400 naming exactly the fields
 *   the schema names;
 * - when refused, nothing written: the brand's row counts in every table with a brand_id are the
 *   same after as before (refusals the schema predicts are checked in batches, everything else one
 *   by one).
 * The cases come from FUZZ_SEED (printed; random unless set) and a fixed number per route, so a
 * failure is reproduced with FUZZ_SEED=<seed>.
 */

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
/** Generated from each schema (body or query) of each route. */
const GENERATED = Number(process.env.FUZZ_RUNS ?? 30);
/** Random single-field mutations of each route's valid sample, besides the exhaustive wrong-type ones. */
const MUTATED = 15;

interface Sample {
  params?: Record<string, string>;
  body?: unknown;
  query?: Record<string, string>;
}

type CaseBody =
  /** JSON.stringify(value) as application/json. */
  | { kind: 'json'; value: unknown }
  /** Sent as is; `exact` when the server must read it as JSON.parse does (plain application/json). */
  | { kind: 'raw'; data: string | Buffer; contentType?: string; exact?: boolean }
  /** A content-type header and no body at all. */
  | { kind: 'none'; contentType: string };

interface FuzzCase {
  label: string;
  method?: string;
  /** Path parameters as they go on the wire (already encoded, or deliberately not). */
  params: Record<string, string>;
  /** Whether the path parameters are the valid sample's. */
  paramsValid: boolean;
  query?: string;
  /** The query as the server parses it, when the test can tell (string values, no prototype keys). */
  queryValue?: Record<string, string>;
  body?: CaseBody;
}

interface Credential {
  name: string;
  headers: Record<string, string>;
}

type Expectation =
  /** The schema refuses it: these statuses/codes, and when VALIDATION_FAILED, exactly these fields. */
  | { kind: 'refused'; status: number; codes: string[]; fields?: string[] }
  /**
   * The service decides. When the schema accepted the request, a VALIDATION_FAILED from the service
   * (a rule the schema cannot express) must name fields the request has, not `(body)`.
   */
  | { kind: 'open'; fields?: string[] };

/** Lone surrogates cannot be percent-encoded: they become U+FFFD (String#toWellFormed, before ES2024). */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
/** A path parameter or query part as the wire carries it. */
const segment = (s: string) => encodeURIComponent(wellFormed(s));

const PATH_NASTIES: [string, string][] = [
  ['very long', 'x'.repeat(5_000)],
  ['..', '..'],
  ['%2e%2e', '%2e%2e'],
  ['../ encoded', '..%2F..%2F..%2Fetc%2Fpasswd'],
  ['%00', '%00'],
  ['a%00b', 'a%00b'],
  ['lone %', '%'],
  ['bad escape', '%zz'],
  ['overlong UTF-8', '%C0%AF'],
  ['invalid UTF-8', '%FF%FE'],
  ['UTF-8 surrogate', '%ED%A0%80'],
  ['RTL mark', '%E2%80%AEabc'],
  ['emoji', segment('😀👍🏽')],
  ['unknown uuid', '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a'],
  ['nil uuid', '00000000-0000-0000-0000-000000000000'],
  ['SQL', segment("' OR '1'='1")],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['-1', '-1'],
  ['1e308', '1e308'],
  ['empty', ''],
  ['space', '%20'],
  ['slash inside', segment('a/b')],
];

const QUERY_NASTIES: string[] = [
  'limit=1e308',
  'limit=NaN',
  'limit=-0',
  'limit=9007199254740993',
  'limit=0x10',
  'limit=%20%2012',
  'limit[]=1',
  'limit=1&limit=2',
  'limit=',
  'before=-1',
  'before=1e400',
  '__proto__[admin]=1',
  '__proto__=x',
  'constructor[prototype][admin]=1',
  `x=${'y'.repeat(8_000)}`,
  '%00=%00',
  'limit=%FF%FE',
  'a[b][c][d][e][f][g][h]=1',
  '&&&==&=',
  'limit=%E2%80%AE5',
  `externalNo=${segment("' OR 1=1 --")}`,
  'storeId=..%2F..%2Fx',
  'limit=5%00',
  '%',
];

function routeSeed(name: string): number {
  return (SEED ^ createHash('sha256').update(name).digest().readUInt32BE(0)) >>> 0;
}

/** The object as its JSON, which is what the server parses. */
function jsonOf(value: unknown): string {
  return JSON.stringify(value) ?? '';
}

/** A query string from string values (what a generated query object becomes on the wire). */
function queryOf(value: unknown): { query: string; queryValue?: Record<string, string> } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { query: segment(typeof value === 'string' ? value : jsonOf(value)) };
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? wellFormed(v) : wellFormed(jsonOf(v))] as const);
  const query = entries.map(([k, v]) => `${segment(k)}=${segment(v)}`).join('&');
  // Keys the query parser treats specially are sent but not predicted.
  const exact = entries.every(([k]) => k !== '' && !['__proto__', 'constructor', 'prototype'].includes(k));
  return { query, ...(exact && { queryValue: Object.fromEntries(entries) }) };
}

/** Both a request text and the parsed JSON that would make secure-json-parse refuse it. */
const mentionsPrototype = (text: string) => /__proto__|"prototype"|"constructor"/.test(text);

function casesFor(name: ApiRouteName, route: ApiRoute, sample: Sample): FuzzCase[] {
  const seed = routeSeed(name);
  const params = Object.fromEntries(Object.entries(sample.params ?? {}).map(([k, v]) => [k, segment(v)]));
  const base = { params, paramsValid: true };
  const sampleQuery = sample.query ? queryOf(sample.query) : {};
  const withBody = route.method !== 'GET';
  const cases: FuzzCase[] = [{ label: 'the valid sample', ...base, ...sampleQuery, ...(withBody && sample.body !== undefined && { body: { kind: 'json', value: sample.body } }) }];

  if (route.body) {
    fc.sample(arbitraryFor(route.body), { seed, numRuns: GENERATED }).forEach((value, i) =>
      cases.push({ label: `generated body #${i}`, ...base, ...sampleQuery, body: { kind: 'json', value } }),
    );
  }
  if (route.query) {
    fc.sample(arbitraryFor(route.query), { seed: seed + 1, numRuns: GENERATED }).forEach((value, i) =>
      cases.push({ label: `generated query #${i}`, ...base, ...queryOf(value) }),
    );
  }

  // The valid sample broken one field at a time: every field gets two wrong-typed values and goes missing.
  if (sample.body !== undefined && withBody) {
    const paths = fieldPaths(sample.body);
    paths.forEach((path, i) => {
      const at = path.join('.');
      for (const k of [0, 1]) {
        const nasty = NASTY_VALUES[(i * 2 + k) % NASTY_VALUES.length];
        cases.push({ label: `body ${at} := ${show(nasty)}`, ...base, ...sampleQuery, body: { kind: 'json', value: mutate(sample.body, path, nasty) } });
      }
      cases.push({ label: `body without ${at}`, ...base, ...sampleQuery, body: { kind: 'json', value: mutate(sample.body, path, DELETE) } });
    });
    for (const key of NASTY_KEYS) {
      cases.push({ label: `body with extra key ${JSON.stringify(key)}`, ...base, ...sampleQuery, body: { kind: 'json', value: withOwnKey(key, { admin: true }, sample.body as Record<string, unknown>) } });
    }
    if (paths.length) {
      const mutation = fc.tuple(fc.constantFrom(...paths), fc.oneof(fc.constantFrom(...NASTY_VALUES), fc.constantFrom(...NASTY_STRINGS), fc.string({ unit: 'binary', maxLength: 30 })));
      fc.sample(mutation, { seed: seed + 2, numRuns: MUTATED }).forEach(([path, value], i) =>
        cases.push({ label: `mutation #${i}: body ${path.join('.')} := ${show(value)}`, ...base, ...sampleQuery, body: { kind: 'json', value: mutate(sample.body, path, value) } }),
      );
    }
  }
  if (sample.query) {
    Object.keys(sample.query).forEach((key, i) => {
      for (const k of [0, 1, 2]) {
        const value = NASTY_STRINGS[(i * 3 + k) % NASTY_STRINGS.length];
        cases.push({ label: `query ${key} := ${show(value)}`, ...base, ...queryOf({ ...sample.query, [key]: value }) });
      }
    });
  }

  if (withBody) cases.push(...rawBodies(sample.body, base, sampleQuery));
  if (route.method === 'GET') QUERY_NASTIES.forEach((query) => cases.push({ label: `query ${show(query)}`, ...base, query }));
  else cases.push({ label: 'an odd query string', ...base, query: QUERY_NASTIES[(seed % QUERY_NASTIES.length) | 0] });

  for (const param of Object.keys(params)) {
    for (const [what, value] of PATH_NASTIES) {
      cases.push({ label: `path :${param} ${what}`, ...sampleQuery, params: { ...params, [param]: value }, paramsValid: false, ...(withBody && sample.body !== undefined && { body: { kind: 'json', value: sample.body } }) });
    }
  }
  cases.push({ label: 'method PATCH', method: 'PATCH', ...base });
  return cases;
}

function rawBodies(body: unknown, base: Pick<FuzzCase, 'params' | 'paramsValid'>, query: Partial<FuzzCase>): FuzzCase[] {
  const text = jsonOf(body ?? {});
  const json = (label: string, data: string | Buffer, exact = true): FuzzCase => ({ label, ...base, ...query, body: { kind: 'raw', data, contentType: 'application/json', exact } });
  const typed = (label: string, contentType: string | undefined, data: string | Buffer): FuzzCase => ({ label, ...base, ...query, body: { kind: 'raw', data, contentType } });
  const object = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const keys = Object.keys(object);
  const numberKey = keys.find((k) => typeof object[k] === 'number');
  const withNumber = (literal: string) => text.replace(new RegExp(`"${numberKey}":-?\\d+`), `"${numberKey}":${literal}`);
  const form = new URLSearchParams(Object.entries(object).map(([k, v]) => [k, typeof v === 'string' ? v : jsonOf(v)])).toString();
  const cases: FuzzCase[] = [
    json('invalid JSON: cut short', text.slice(0, Math.max(1, text.length - 3))),
    json('invalid JSON: {', '{'),
    json('invalid JSON: nul', 'nul'),
    json('invalid JSON: single quotes', "{'a':1}"),
    json('invalid JSON: trailing comma', '{"a":1,}'),
    json('invalid JSON: NaN', '{"a":NaN}'),
    json('invalid JSON: NUL byte', '\u0000'),
    json('empty body', ''),
    json('whitespace body', ' \n\t '),
    json('null', 'null'),
    json('[]', '[]'),
    json('a string', '"string"'),
    json('a number', '123'),
    json('true', 'true'),
    json('the sample in an array', `[${text}]`),
    json('a lone surrogate escaped', '{"a":"\\ud800"}'),
    json('deep arrays (100,000 levels)', '['.repeat(100_000) + ']'.repeat(100_000)),
    json('deep objects (40,000 levels)', '{"a":'.repeat(40_000) + '1' + '}'.repeat(40_000)),
    json('deep objects hiding __proto__', '{"a":'.repeat(20_000) + '{"__proto__":{"admin":true}}' + '}'.repeat(20_000), false),
    json('over the body limit', jsonOf({ ...object, pad: 'x'.repeat(300 * 1024) })),
    json('invalid UTF-8 bytes', Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"}')]), false),
    json('a byte-order mark first', `\ufeff${text}`, false),
    { label: 'content-type json, no body', ...base, ...query, body: { kind: 'none', contentType: 'application/json' } },
    typed('text/plain', 'text/plain', text),
    typed('form-encoded', 'application/x-www-form-urlencoded', form),
    typed('multipart', 'multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n`),
    typed('xml', 'application/xml', '<a>1</a>'),
    typed('no content type', undefined, Buffer.from(text)),
    typed('json, latin1 charset', 'application/json; charset=latin1', text),
    typed('JSON in capitals', 'APPLICATION/JSON', text),
    typed('a broken content type', 'application/json;;;=', text),
    typed('json+suffix', 'application/vnd.api+json', text),
  ];
  if (keys.length) {
    const [first] = keys;
    cases.push(json(`duplicate key ${first}: wrong value last`, `${text.slice(0, -1)},"${first}":123}`));
    cases.push(json(`duplicate key ${first}: valid value last`, `{"${first}":123,${text.slice(1)}`));
  }
  if (numberKey) {
    for (const literal of ['9007199254740993', '1e309', '-1e309', '-0', '1e-400', '1.0', '1E2', '0.1e1']) cases.push(json(`${numberKey} as ${literal}`, withNumber(literal)));
  }
  return cases;
}

function show(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `"${value.slice(0, 20)}…" (${value.length} chars)` : JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (Object.is(value, -0)) return '-0';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 30)}… (${text.length} chars)` : text;
}

describe('fuzz: every route of API_ROUTES with generated and hostile requests', () => {
  let stack: TestStack;
  let till: TestTill;
  let rows: BrandRows;
  let member: TestMember;
  let segmentId: string;
  /** A draft campaign and a launched one (due in 2099, so it never runs during the fuzz). */
  const campaigns = { draft: '', launched: '' };
  const campaignBody = () => ({
    name: '模糊测试活动',
    segmentId,
    holdoutPercent: 10,
    maxCoupons: 100,
    schedule: { type: 'at', at: '2099-01-01T10:00:00+08:00' },
    actions: [
      { type: 'coupon', templateId, quantity: 1 },
      { type: 'points', points: 10, reason: '模糊测试' },
      { type: 'message', channel: 'subscribe', templateId: 'sub-fuzz', data: { thing1: '会员{memberNo}', number2: '{points}' } },
    ],
  });
  let orderId: string;
  let spareKeyId: string;
  /** A coupon template of the brand, and a coupon of the fuzz member's. */
  let templateId: string;
  let couponId: string;
  /** The fuzz member's paid recharge, and a refund request on another one. */
  let rechargeNo: string;
  let refundId: string;
  const credentials: Record<'anonymous' | 'unjoined' | 'member' | 'hqAdmin' | 'clerk' | 'posKey' | 'closer', Credential> = {} as never;
  /** memberClose closes the card it is sent for: each close that succeeds gets the next case a new member. */
  const newCloser = async (): Promise<Credential> => ({ name: 'member-to-close', headers: { authorization: `Bearer ${(await stack.join(aPhone())).token}` } });
  const tried = { cases: 0, failures: 0, refusedBatched: 0, counted: 0, statuses: new Map<number, number>() };
  const started = Date.now();

  const storeA = () => stack.store('HZ001');
  const brandId = () => stack.chain.brand.id;

  const SAMPLES: { [N in ApiRouteName]: () => Promise<Sample> } = {
    apiDocs: async () => ({}),
    platformConfig: async () => ({}),
    storeScene: async () => ({ params: { scene: stack.chain.counterScenes.HZ001 } }),
    memberLogin: async () => ({ body: { code: (await stack.loginCode()).code } }),
    staffLogin: async () => ({ body: { username: stack.usernamePrefix + 'marketer', password: 'not-the-password' } }),
    memberJoin: async () => ({ body: { phoneCode: await stack.phoneCode('13912345678'), acceptedAgreements: ACCEPTED_AGREEMENTS } }),
    memberCard: async () => ({}),
    memberCode: async () => ({}),
    memberPoints: async () => ({ query: { limit: '5', before: '1000' } }),
    memberSetBirthday: async () => ({ body: { birthday: '1990-05-20' } }),
    // A cursor of the shape the server hands out ("<epoch ms>.<order id>", base64url), for the mutations to break.
    memberOrders: async () => ({ query: { limit: '5', cursor: Buffer.from(`${Date.now()}.${orderId}`).toString('base64url') } }),
    memberAgreements: async () => ({}),
    memberProfile: async () => ({}),
    memberUpdateProfile: async () => ({ body: { nickname: '模糊测试', gender: 'female', marketingConsent: false } }),
    memberSetAvatar: async () => ({ body: { image: TINY_PNG_BASE64 } }),
    memberAvatarImage: async () => ({ params: { file: String((await stack.api('GET', '/member/profile', { token: member.token })).body.avatarUrl).split('/').pop()! } }),
    memberClose: async () => ({ body: { confirm: true, reason: '模糊测试' } }),
    memberTiers: async () => ({}),
    memberHomeStore: async () => ({}),
    staffMe: async () => ({}),
    staffResolveMember: async () => ({ body: { code: await till.code(member.token) } }),
    staffStores: async () => ({}),
    staffStoreCode: async () => ({ params: { id: storeA().id } }),
    staffQuoteOrder: async () => ({
      body: { memberCode: await till.code(member.token), amountFen: 1_000, storeId: storeA().id, pointsToRedeem: 0, items: [{ sku: 'A1', name: '牛奶', category: 'dairy', quantity: 1, amountFen: 1_000 }] },
    }),
    staffCreateOrder: async () => ({
      body: { memberCode: await till.code(member.token), amountFen: 1_000, storeId: storeA().id, externalNo: aReceiptNo(), items: [{ sku: 'A1', name: '牛奶', quantity: 1, amountFen: 1_000 }] },
    }),
    staffListOrders: async () => ({ query: { limit: '10', storeId: storeA().id, externalNo: 'R1' } }),
    staffGetOrder: async () => ({ params: { id: orderId } }),
    staffQuoteRefund: async () => ({ params: { id: orderId }, body: { amountFen: 1 } }),
    staffRefundOrder: async () => ({ params: { id: orderId }, body: { refundNo: aReceiptNo('T'), amountFen: 1, reason: '模糊测试' } }),
    staffAdjustPoints: async () => ({ params: { memberId: member.memberId }, body: { delta: 1, reason: '模糊测试', requestId: aReceiptNo('ADJ') } }),
    staffLoyaltySettings: async () => ({}),
    staffUpdateLoyaltySettings: async () => {
      const current = await stack.api('GET', '/staff/settings/loyalty', { token: till.adminToken });
      return { body: { version: current.body.version, rules: current.body.rules } };
    },
    staffReconcilePoints: async () => ({}),
    staffCreateApiKey: async () => ({ params: { storeId: storeA().id }, body: { label: '模糊测试' } }),
    staffRevokeApiKey: async () => ({ params: { storeId: storeA().id, keyId: spareKeyId } }),
    memberCoupons: async () => ({ query: { status: 'usable', limit: '20' } }),
    memberCoupon: async () => ({ params: { id: couponId } }),
    couponCenter: async () => ({}),
    couponClaim: async () => ({ params: { templateId } }),
    pointsMall: async () => ({}),
    pointsMallExchange: async () => ({ params: { templateId }, body: { requestId: aReceiptNo('EX') } }),
    memberExchanges: async () => ({}),
    welcomeGift: async () => ({}),
    staffCreateCouponTemplate: async () => ({
      body: aTemplate({ name: '模糊测试券', description: '测试', storeIds: [storeA().id], regionIds: [storeA().regionId], tiers: ['silver'], pointsPrice: 100 }),
    }),
    staffListCouponTemplates: async () => ({ query: { status: 'active', limit: '20' } }),
    staffGetCouponTemplate: async () => ({ params: { id: templateId } }),
    staffUpdateCouponTemplate: async () => ({ params: { id: templateId }, body: { ...aTemplate({ name: '模糊测试券', stock: 100_000, perMemberLimit: 100, pointsPrice: 1 }), status: 'active' } }),
    staffCouponTemplateStats: async () => ({ params: { id: templateId }, query: { from: '2026-01-01', to: '2026-12-31' } }),
    staffGrantCoupon: async () => ({ params: { id: templateId }, body: { memberId: member.memberId, requestId: aReceiptNo('GR'), note: '模糊测试' } }),
    staffRevokeCoupon: async () => ({ params: { id: couponId }, body: { reason: '模糊测试作废' } }),
    staffGiftSettings: async () => ({}),
    staffUpdateGiftSettings: async () => {
      const current = await stack.api('GET', '/staff/settings/gifts', { token: till.adminToken });
      return { body: { version: current.body.version, welcome: { points: 0, coupons: [{ templateId, quantity: 1 }] }, tierPacks: [{ tier: 'gold', coupons: [{ templateId, quantity: 2 }] }] } };
    },
    staffLookupCoupon: async () => ({ body: { code: await aCouponCode(stack, member.token), storeId: storeA().id } }),
    staffRedeemCoupon: async () => ({ body: { code: await aCouponCode(stack, member.token), storeId: storeA().id, externalNo: aReceiptNo('V') } }),
    memberWallet: async () => ({ query: { limit: '5' } }),
    memberCheckIn: async () => ({}),
    memberCheckins: async () => ({ query: { month: '2026-11' } }),
    memberCheckinMakeUp: async () => ({ body: { date: '2026-11-01' } }),
    staffCheckinSettings: async () => ({}),
    staffUpdateCheckinSettings: async () => {
      const current = await stack.api('GET', '/staff/settings/checkin', { token: till.adminToken });
      return { body: { version: current.body.version, enabled: true, basePoints: 5, ladder: [{ day: 3, points: 5, templateId }, { day: 7, points: 20, templateId: null }], cycle: true } };
    },
    memberDay: async () => ({}),
    memberDayClaim: async () => ({}),
    memberMessageSettings: async () => ({}),
    memberUpdateMessageSettings: async () => ({ body: { kinds: { points_changed: false, birthday: true } } }),
    memberSubscribeResults: async () => ({ body: { results: { 'fuzz-template': 'accept' } } }),
    staffMessageSettings: async () => ({}),
    staffUpdateMessageSettings: async () => {
      const current = await stack.api('GET', '/staff/settings/messages', { token: till.adminToken });
      return {
        body: {
          version: current.body.version,
          // The campaigns' subscribe template stays registered: they are refused without it.
          templates: [
            { kind: 'points_changed', officialTemplateId: 'fuzz-oa-points', subscribeTemplateId: 'fuzz-sub-points' },
            { kind: 'birthday', officialTemplateId: null, subscribeTemplateId: 'sub-fuzz' },
          ],
          quietHours: { start: '22:00', end: '08:00' },
          dailyCapPerMember: 5,
        },
      };
    },
    staffNotifications: async () => ({ query: { memberId: member.memberId, status: 'pending', limit: '10' } }),
    staffCorrectBirthday: async () => ({ params: { memberId: member.memberId }, body: { birthday: '1991-02-28', reason: '模糊测试更正' } }),
    staffMemberRfm: async () => ({ params: { memberId: member.memberId } }),
    // Whatever is sent, nothing verifies without the official account's signature: 4xx, never 5xx.
    wechatOfficialVerify: async () => ({ query: { signature: 'fuzz', timestamp: '1', nonce: '1', echostr: '1' } }),
    wechatOfficialPush: async () => ({ query: { signature: 'fuzz', timestamp: '1', nonce: '1' }, body: { xml: 'fuzz' } }),
    rechargePackages: async () => ({}),
    staffCreateRechargePackage: async () => ({
      body: { name: '模糊测试套餐', payFen: 20_000, bonusFen: 1_000, validFrom: '2026-01-01', validTo: '2099-12-31', perMemberLimit: 3, description: '测试' },
    }),
    staffListRechargePackages: async () => ({}),
    staffUpdateRechargePackage: async () => ({
      params: { id: stack.chain.rechargePackages[1].id },
      body: { name: '模糊测试套餐', payFen: 30_000, bonusFen: 2_000, perMemberLimit: 5, status: 'active' },
    }),
    rechargeCreateOrder: async () => ({ body: { packageId: stack.chain.rechargePackages[0].id } }),
    rechargeGetOrder: async () => ({ params: { no: rechargeNo } }),
    memberRechargeOrders: async () => ({}),
    rechargeRequestRefund: async () => ({ params: { no: rechargeNo }, body: { reason: '模糊测试退款' } }),
    // Whatever is sent, nothing verifies without WeChat Pay's signature: 4xx, never 5xx.
    wechatPayNotify: async () => ({ body: { id: 'fuzz', event_type: 'TRANSACTION.SUCCESS', resource: { ciphertext: 'AAAA', nonce: 'n', algorithm: 'AEAD_AES_256_GCM' } } }),
    // With the callback URL's token, so the body's schema is what gets fuzzed.
    smsReplies: async () => ({ query: { token: stack.config.sms?.replyToken ?? '' }, body: { mobile: '13800000000', nationcode: '86', text: '好的', sign: '微会员', time: 1_764_316_800 } }),
    staffListRechargeRefunds: async () => ({ query: { status: 'requested', limit: '20' } }),
    staffDecideRechargeRefund: async () => ({ params: { id: refundId }, body: { approve: false, reason: '模糊测试拒绝' } }),
    staffRefundRecharge: async () => ({ params: { no: rechargeNo }, body: { requestId: aReceiptNo('RR'), reason: '模糊测试退款' } }),
    staffWalletReconciliation: async () => ({ query: { date: '2026-01-01' } }),
    staffPreviewSegment: async () => ({
      body: {
        filter: {
          stages: ['lapsed'],
          stageChangedFrom: 'active',
          stageChangedTo: 'recently_lapsed',
          stageChangedWithinDays: 7,
          rScores: [1, 2],
          classes: ['B'],
          tiers: ['gold'],
          storeIds: [storeA().id],
          lastPurchaseDaysMin: 30,
          lastPurchaseDaysMax: 90,
          joinedFrom: '2026-01-01',
          joinedTo: '2026-12-31',
          birthdayMonths: [5],
          pointsMin: 0,
          pointsMax: 1000,
          usedCoupon: true,
          couponsUsedWithinDays: 30,
          hasUsableCoupon: false,
          followsOfficialAccount: true,
          hasSubscribeCredits: true,
          marketingAllowed: true,
        },
      },
    }),
    staffCreateSegment: async () => ({ body: { name: '模糊测试人群', filter: { stages: ['dormant'], regionIds: [storeA().regionId] } } }),
    staffListSegments: async () => ({}),
    staffGetSegment: async () => ({ params: { id: segmentId } }),
    staffUpdateSegment: async () => {
      const current = await stack.api('GET', `/staff/segments/${segmentId}`, { token: till.adminToken });
      return { params: { id: segmentId }, body: { name: '模糊测试人群', filter: { tiers: ['silver'], hasSubscribeCredits: false }, version: current.body.version } };
    },
    staffCreateCampaign: async () => ({ body: campaignBody() }),
    staffListCampaigns: async () => ({}),
    staffGetCampaign: async () => ({ params: { id: campaigns.draft } }),
    staffUpdateCampaign: async () => {
      const current = await stack.api('GET', `/staff/campaigns/${campaigns.draft}`, { token: till.adminToken });
      return { params: { id: campaigns.draft }, body: { ...campaignBody(), version: current.body.version } };
    },
    staffLaunchCampaign: async () => ({ params: { id: campaigns.draft } }),
    staffPauseCampaign: async () => ({ params: { id: campaigns.launched } }),
    staffResumeCampaign: async () => ({ params: { id: campaigns.launched } }),
    staffCancelCampaign: async () => ({ params: { id: campaigns.launched } }),
    staffCampaignProgress: async () => ({ params: { id: campaigns.launched } }),
    staffCampaignResults: async () => ({ params: { id: campaigns.launched }, query: { days: '14' } }),
    staffCampaignResultsExport: async () => ({ params: { id: campaigns.launched }, query: { days: '14' } }),
  };

  beforeAll(async () => {
    const plenty = '1000000';
    stack = await TestStack.start({
      env: { RATE_LIMIT_MEMBER_LOGIN_PER_MINUTE: plenty, RATE_LIMIT_STAFF_LOGIN_PER_MINUTE: plenty, RATE_LIMIT_RESOLVE_PER_MINUTE: plenty },
    });
    till = await TestTill.open(stack);
    member = await till.newMember();
    await stack.db.query('UPDATE members SET join_store_id = ? WHERE id = ?', [storeA().id, member.memberId]);
    orderId = (await till.bought(member, { amountFen: 50_000 })).id;
    const key = await stack.api('POST', `/staff/stores/${storeA().id}/api-keys`, { token: till.adminToken, body: { label: 'POS 1' } });
    const spare = await stack.api('POST', `/staff/stores/${storeA().id}/api-keys`, { token: till.adminToken, body: { label: '待停用' } });
    spareKeyId = spare.body.id;
    segmentId = (await stack.api('POST', '/staff/segments', { token: till.adminToken, body: { name: '模糊测试人群', filter: {} } })).body.id;
    const unjoined = await stack.login();
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    Object.assign(credentials, {
      anonymous: { name: 'anonymous', headers: {} },
      unjoined: { name: 'wechat-unjoined', headers: bearer(unjoined.body.token) },
      member: { name: 'member', headers: bearer(member.token) },
      hqAdmin: { name: 'hq_admin', headers: bearer(till.adminToken) },
      clerk: { name: 'clerk', headers: bearer(till.clerkToken) },
      posKey: { name: 'pos-key', headers: { 'x-api-key': key.body.key } },
      closer: await newCloser(),
    });
    await stack.api('PUT', '/member/avatar', { token: member.token, body: { image: TINY_PNG_BASE64 } });
    templateId = (await createTemplate(stack, till.adminToken, { name: '模糊测试券', stock: 100_000, perMemberLimit: 100, pointsPrice: 1 })).id;
    // The campaign's subscribe message uses a template the brand registered (campaigns refuse any other).
    const messageSettings = (await stack.api('GET', '/staff/settings/messages', { token: till.adminToken })).body;
    await stack.api('PUT', '/staff/settings/messages', {
      token: till.adminToken,
      body: { templates: [{ kind: 'birthday', officialTemplateId: null, subscribeTemplateId: 'sub-fuzz' }], quietHours: messageSettings.quietHours, dailyCapPerMember: messageSettings.dailyCapPerMember, version: messageSettings.version },
    });
    campaigns.draft = (await stack.api('POST', '/staff/campaigns', { token: till.adminToken, body: campaignBody() })).body.id;
    campaigns.launched = (await stack.api('POST', '/staff/campaigns', { token: till.adminToken, body: campaignBody() })).body.id;
    await stack.api('POST', `/staff/campaigns/${campaigns.launched}/launch`, { token: till.adminToken });
    couponId = (await stack.api('POST', `/coupons/${templateId}/claim`, { token: member.token })).body.id;
    const recharger = Recharger.of(stack, member.token);
    rechargeNo = await recharger.paid('充100元');
    refundId = (await stack.api('POST', `/recharge/orders/${await recharger.paid('充100元')}/refund-request`, { token: member.token, body: { reason: '模糊测试' } })).body.id;
    rows = await BrandRows.of(stack.db);
    console.log(`fuzz: FUZZ_SEED=${SEED}, ${GENERATED} generated per schema, ${MUTATED} random mutations per sample; counting ${rows.tables.join(', ')}`);
  });

  afterAll(async () => {
    const statuses = [...tried.statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
    console.log(
      `fuzz: ${tried.cases} cases tried, ${tried.failures} failed (FUZZ_SEED=${SEED}); ${tried.refusedBatched} predicted refusals checked in batches, ` +
        `${tried.counted} others counted one by one; answers ${statuses}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    await stack?.close();
  });

  it('counts the tables a refused request could touch', () => {
    const ledger = rows.tables.filter((t) => /ledger/.test(t));
    expect(rows.tables).toEqual(expect.arrayContaining(['members', 'wechat_identities', 'orders', 'order_refunds', 'audit_log', 'point_lots']));
    expect(ledger.length).toBeGreaterThan(0);
  });

  /** The credentials that pass the route's auth: each case is sent with every one of them. */
  function credentialsFor(route: ApiRoute): Credential[] {
    switch (route.auth) {
      case 'public':
        return [credentials.anonymous];
      case 'wechat':
        return [credentials.unjoined, credentials.member];
      case 'member':
        return route === API_ROUTES.memberClose ? [credentials.closer] : [credentials.member];
      case 'staff':
        return [credentials.hqAdmin];
      case 'till':
        return [credentials.clerk, credentials.posKey];
    }
  }

  function expectationFor(route: ApiRoute, c: FuzzCase): Expectation {
    if (!c.paramsValid || c.method) return { kind: 'open' };
    const limit = route === API_ROUTES.memberSetAvatar ? AVATAR_BODY_LIMIT_BYTES : stack.config.bodyLimitBytes;
    if (route.method !== 'GET' && route.body && c.body && c.body.kind !== 'none') {
      let text: string | Buffer;
      if (c.body.kind === 'json') text = jsonOf(c.body.value);
      else if (c.body.exact) text = c.body.data;
      else return { kind: 'open' };
      if (Buffer.byteLength(text) > limit) return { kind: 'refused', status: 413, codes: ['BODY_TOO_LARGE'] };
      let parsed: unknown;
      try {
        parsed = JSON.parse(text.toString());
      } catch {
        return { kind: 'refused', status: 400, codes: ['MALFORMED_BODY'] };
      }
      return fromSchema(route.body, parsed ?? {}, mentionsPrototype(text.toString()));
    }
    if (route.method === 'GET' && route.query && c.queryValue) return fromSchema(route.query, c.queryValue, false);
    return { kind: 'open' };
  }

  function fromSchema(schema: z.ZodType, value: unknown, prototypeKeys: boolean): Expectation {
    const result = schema.safeParse(value);
    if (result.success) return prototypeKeys ? { kind: 'open' } : { kind: 'open', fields: fieldPaths(value).map((p) => p.join('.')) };
    const fields = toFieldIssues(result.error).map((i) => i.field).sort();
    return { kind: 'refused', status: 400, codes: prototypeKeys ? ['VALIDATION_FAILED', 'MALFORMED_BODY'] : ['VALIDATION_FAILED'], fields };
  }

  /** A connection the server closed after refusing the previous request (a 431) is not an answer lost: tried once more on a fresh one. */
  function send(route: ApiRoute, c: FuzzCase, credential: Credential, freshConnection = false): Promise<RawAnswer> {
    const path = `/api${route.path.replace(/:(\w+)/g, (_, p: string) => c.params[p] ?? 'missing')}${c.query !== undefined ? `?${c.query}` : ''}`;
    const headers = { ...credential.headers };
    let body: string | Buffer | undefined;
    if (c.body?.kind === 'json') {
      body = jsonOf(c.body.value);
      headers['content-type'] = 'application/json';
    } else if (c.body?.kind === 'raw') {
      body = c.body.data;
      if (c.body.contentType) headers['content-type'] = c.body.contentType;
    } else if (c.body?.kind === 'none') {
      headers['content-type'] = c.body.contentType;
    }
    return rawHttp(stack.url, { method: c.method ?? route.method, path, headers, body, freshConnection });
  }

  /** What is wrong with the answer, if anything. */
  function problemsWith(route: ApiRoute, expected: Expectation, answer: RawAnswer): string[] {
    const problems: string[] = [];
    if (answer.status >= 500) problems.push(`a ${answer.status}`);
    if (answer.status >= 400) {
      const shape = apiErrorSchema.strict().safeParse(answer.json);
      if (!shape.success) problems.push('not the API error shape');
      else {
        const known = DOMAIN_ERRORS[shape.data.code as DomainErrorCode] as { status: number } | undefined;
        if (shape.data.statusCode !== answer.status) problems.push(`statusCode ${shape.data.statusCode} ≠ HTTP ${answer.status}`);
        if (!known) problems.push(`code ${shape.data.code} is not one of the API's error codes`);
        else if (known.status !== answer.status) problems.push(`code ${shape.data.code} is a ${known.status}, answered ${answer.status}`);
        if (shape.data.code === 'VALIDATION_FAILED' && !shape.data.issues?.length) problems.push('VALIDATION_FAILED without issues');
      }
    } else if (answer.status >= 200 && answer.status < 300 && !route.produces) {
      const parsed = route.response.safeParse(answer.json);
      if (!parsed.success) problems.push(`answer does not match the response schema: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    }
    const error = answer.json as { code?: string; issues?: { field: string }[] } | undefined;
    // A request line or URL the server refuses before routing (too long, not valid percent-encoding)
    // is refused as such, in the API's shape, whatever the route would have said about its content.
    const refusedBeforeRouting = ['HEADERS_TOO_LARGE', 'URL_TOO_LONG', 'URL_INVALID'].includes(error?.code ?? '');
    if (expected.kind === 'refused' && !refusedBeforeRouting) {
      if (answer.status !== expected.status || !expected.codes.includes(error?.code ?? '')) problems.push(`expected ${expected.status} ${expected.codes.join('/')}`);
      else if (error?.code === 'VALIDATION_FAILED' && expected.fields) {
        const fields = (error.issues ?? []).map((i) => i.field).sort();
        if (JSON.stringify(fields) !== JSON.stringify(expected.fields)) problems.push(`issues name ${JSON.stringify(fields)}, the schema names ${JSON.stringify(expected.fields)}`);
      }
    } else if (expected.fields && error?.code === 'VALIDATION_FAILED') {
      const strange = (error.issues ?? []).map((i) => i.field).filter((f) => !expected.fields!.includes(f));
      if (strange.length) problems.push(`the schema accepts the request, yet issues name ${JSON.stringify(strange)}`);
    }
    return problems;
  }

  it.each(Object.keys(API_ROUTES) as ApiRouteName[])('%s: no 5xx, refusals in the API error shape, and a refusal writes nothing', async (name) => {
    const route: ApiRoute = API_ROUTES[name];
    const cases = casesFor(name, route, await SAMPLES[name]());
    const failures: string[] = [];
    let known = await rows.count(brandId());
    let batch: string[] = [];
    // The requests the schema refuses are counted around as a batch: none of them may have written.
    const flush = async () => {
      if (!batch.length) return;
      const now = await rows.count(brandId());
      const changes = rowChanges(known, now);
      if (changes.length) {
        tried.failures += 1;
        failures.push(`refused requests wrote (${changes.join(', ')}); one of: ${batch.join(' | ')}`);
      }
      known = now;
      batch = [];
    };

    for (const c of cases) {
      for (const credential of credentialsFor(route)) {
        tried.cases += 1;
        const what = `${c.label} as ${credential.name}`;
        const expected = expectationFor(route, c);
        if (expected.kind !== 'refused') await flush();
        let answer: RawAnswer;
        try {
          answer = await send(route, c, credential).catch(() => send(route, c, credential, true));
        } catch (error) {
          tried.failures += 1;
          failures.push(`${what}: no answer (${(error as Error).message})`);
          continue;
        }
        if (route === API_ROUTES.memberClose && answer.status < 300) credentials.closer = await newCloser();
        tried.statuses.set(answer.status, (tried.statuses.get(answer.status) ?? 0) + 1);
        const problems = problemsWith(route, expected, answer);
        if (expected.kind === 'refused') {
          tried.refusedBatched += 1;
          batch.push(what);
        } else {
          tried.counted += 1;
          const now = await rows.count(brandId());
          const changes = rowChanges(known, now);
          if (answer.status >= 400 && changes.length) problems.push(`refused but wrote (${changes.join(', ')})`);
          known = now;
        }
        if (problems.length) {
          tried.failures += 1;
          failures.push(`${what}: ${problems.join('; ')} — got ${answer.status} ${answer.text.slice(0, 300)}`);
        }
      }
    }
    await flush();
    if (failures.length) console.log(`fuzz ${name} (FUZZ_SEED=${SEED}):\n  ${failures.slice(0, 40).join('\n  ')}`);
    expect(failures).toEqual([]);
  });
});
