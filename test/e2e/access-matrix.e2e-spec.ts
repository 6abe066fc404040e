import { randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { API_ROUTES, chinaDate, DEFAULT_CHECKIN_RULES, type ApiRoute, type ApiRouteName, type StaffRole } from '@wemember/shared';
import { hashPassword } from '../../server/src/staff/password-hasher';
import { Staff } from '../../server/src/staff/staff.entity';
import { BrandSetup, demoBrandPlan, setUpBrand } from '../../server/src/seed/brand-setup';
import { aTemplate, createTemplate } from '../support/coupons';
import type { HttpResult } from '../support/http';
import { TINY_PNG_BASE64 } from '../support/images';
import { Recharger } from '../support/recharge';
import { ACCEPTED_AGREEMENTS, aPhone, STAFF_PASSWORD, TestStack } from '../support/stack';
import { aReceiptNo, TestTill, type TestMember } from '../support/till';
import { aCouponCode } from '../support/till-coupons';

/**
 * The role × route matrix, generated from API_ROUTES: every route is called by every kind of caller
 * — nobody, a WeChat user who has not joined, a member, each staff role, staff whose store or region
 * is elsewhere, another brand's HQ admin, the store's POS key and a revoked one — and the answer is
 * checked against the rule the route declares. Resources in paths and bodies are brand A's store
 * HZ001, an order there and a member who joined there. A route added to API_ROUTES without a sample
 * request below does not compile; one served without a declared rule is refused by the guard and
 * fails here.
 */

type ActorName =
  | 'anonymous'
  | 'wechat-unjoined'
  | 'member'
  | 'clerk'
  | 'store_manager'
  | 'region_manager'
  | 'marketer'
  | 'hq_admin'
  | 'clerk-of-SH001'
  | 'region-manager-of-south'
  | 'other-brand-hq_admin'
  | 'pos-key'
  | 'pos-key-revoked'
  | 'member-closed'
  | 'member-frozen'
  | 'member-token-tampered'
  | 'member-token-expired'
  | 'staff-disabled'
  | 'staff-token-tampered'
  | 'staff-token-expired';

interface Caller {
  name: ActorName;
  token?: string;
  headers?: Record<string, string>;
  /** The staff role behind the caller, if any. */
  role?: StaffRole;
  /** Whether brand A's store HZ001 (and so its orders) is within the caller's scope. */
  seesStoreA: boolean;
  /** Whether the caller belongs to brand A at all. */
  brandA: boolean;
  /** What the guard answers this caller before anything else (a bad token, a closed card, a disabled account). */
  refusedAs?: { member?: 401 | 403; staff?: 401 | 403 };
}

interface Sample {
  params?: Record<string, string>;
  body?: unknown;
  query?: Record<string, string>;
}

/** What a sample touches: a resource of store HZ001, a member of brand A, or only the caller's own brand. */
type Touches = 'store' | 'member' | 'brand';

interface RouteCase {
  touches: Touches;
  sample: (caller: Caller) => Promise<Sample>;
  /** Ids of brand A that must not appear in the answer of a caller outside their scope. */
  leaks?: { ids: () => string[]; hiddenFrom: (caller: Caller) => boolean };
  /** Answers that also count as success: the sample repeated by the next caller may conflict (409). */
  alsoOk?: number[];
  /** The exact refusal of a caller outside the scope, where the route promises one (else 403 or 404). */
  outside?: (caller: Caller) => { status: number; code: string };
}

describe('access: role × route matrix over every route of API_ROUTES', () => {
  let stack: TestStack;
  let till: TestTill;
  let otherBrand: BrandSetup;
  let member: TestMember;
  let orderId: string;
  let apiKeyId: string;
  /** Brand A's saved segment, and an HQ admin of brand A who reads its version before each update. */
  let segmentId: string;
  let adminA: string;
  /** Brand A's campaigns: a draft to edit, and one for each move (due in 2099, so none runs during the matrix). */
  const campaigns = { draft: '', toLaunch: '', toPause: '', toResume: '', toCancel: '', otherSegment: '' };
  const campaignNotFound = { status: 404, code: 'CAMPAIGN_NOT_FOUND' };
  const campaignBody = () => ({
    name: '矩阵活动',
    segmentId,
    holdoutPercent: 10,
    schedule: { type: 'at', at: '2099-01-01T10:00:00+08:00' },
    actions: [{ type: 'points', points: 1, reason: '权限矩阵测试' }],
  });
  /** Brand A's coupon template, the matrix member's coupon, and a coupon granted to them for revoking. */
  let templateId: string;
  let couponId: string;
  let revokableId: string;
  /** The matrix member's paid recharges: one asked about and refunded by the member, one with a refund to decide, one HQ refunds. */
  const recharges = { asked: '', refundId: '', direct: '', requestId: randomUUID() };
  const callers: Caller[] = [];
  const tried = { cases: 0, failures: 0 };

  const storeA = () => stack.store('HZ001');

  async function addStaff(username: string, role: StaffRole, store: string | null, regionId: string | null): Promise<string> {
    await stack.db.getRepository(Staff).insert({
      id: randomUUID(),
      brandId: stack.chain.brand.id,
      username: stack.usernamePrefix + username,
      passwordHash: await hashPassword(STAFF_PASSWORD),
      displayName: username,
      role,
      storeId: store ? stack.store(store).id : null,
      regionId: store ? stack.store(store).regionId : regionId,
      active: true,
      createdAt: new Date(),
    });
    const login = await stack.api('POST', '/staff/auth/login', { body: { username: stack.usernamePrefix + username, password: STAFF_PASSWORD } });
    return login.body.token;
  }

  let staffLogins = 0;
  const otherBrandOnly = { ids: () => [stack.chain.brand.id, storeA().id], hiddenFrom: (c: Caller) => !c.brandA };
  // Another store's order of the same brand is "another store's" (403); another brand's does not exist (404).
  const otherStore = (c: Caller) => (c.brandA ? { status: 403, code: 'OTHER_STORE' } : { status: 404, code: 'ORDER_NOT_FOUND' });
  const ROUTES: { [N in ApiRouteName]: RouteCase } = {
    apiDocs: { touches: 'brand', sample: async () => ({}) },
    platformConfig: { touches: 'brand', sample: async () => ({}) },
    storeScene: { touches: 'brand', sample: async () => ({ params: { scene: stack.chain.counterScenes.HZ001 } }) },
    memberLogin: { touches: 'brand', sample: async () => ({ body: { code: (await stack.loginCode()).code } }) },
    staffLogin: {
      touches: 'brand',
      // Rotates over the accounts so no account's login limit is reached by the matrix itself.
      sample: async () => {
        const roles = ['admin', 'marketer', 'region', 'manager', 'clerk'];
        return { body: { username: stack.usernamePrefix + roles[staffLogins++ % roles.length], password: STAFF_PASSWORD } };
      },
    },
    // A member's WeChat account already holds a card: joining with another phone is a 409, not an access refusal.
    // A closed card's account may join again with a new phone (member-centre.e2e-spec.ts); here it sends
    // outdated agreement versions (409) so it keeps its closed card for the routes after this one.
    memberJoin: {
      touches: 'brand',
      sample: async (caller) => ({
        body: { phoneCode: await stack.phoneCode(aPhone()), acceptedAgreements: caller.name === 'member-closed' ? { membership: 'old', privacy: 'old' } : ACCEPTED_AGREEMENTS },
      }),
      alsoOk: [409],
    },
    memberCard: { touches: 'brand', sample: async () => ({}) },
    memberCode: { touches: 'brand', sample: async () => ({}) },
    memberPoints: { touches: 'brand', sample: async () => ({ query: { limit: '5' } }) },
    memberSetBirthday: { touches: 'brand', sample: async () => ({ body: { birthday: '1990-05-20' } }), alsoOk: [409] },
    memberOrders: { touches: 'brand', sample: async () => ({ query: { limit: '5' } }), leaks: { ids: () => [orderId], hiddenFrom: (c) => c.name !== 'member' } },
    memberAgreements: { touches: 'brand', sample: async () => ({}) },
    memberProfile: { touches: 'brand', sample: async () => ({}) },
    memberUpdateProfile: { touches: 'brand', sample: async () => ({ body: { nickname: '矩阵测试', marketingConsent: true } }) },
    memberSetAvatar: { touches: 'brand', sample: async () => ({ body: { image: TINY_PNG_BASE64 } }) },
    // The matrix member's current avatar (public: anyone holding the random address sees the image).
    memberAvatarImage: {
      touches: 'brand',
      sample: async () => ({ params: { file: String((await stack.api('GET', '/member/profile', { token: member.token })).body.avatarUrl).split('/').pop()! } }),
    },
    // Unconfirmed, so the matrix's members keep their cards: the gate answers first, a passing caller
    // gets the 400; closing itself is tested in member-centre.e2e-spec.ts.
    memberClose: { touches: 'brand', sample: async () => ({ body: { confirm: false } }), alsoOk: [400] },
    memberTiers: { touches: 'brand', sample: async () => ({}) },
    memberHomeStore: { touches: 'brand', sample: async () => ({}) },
    staffMe: { touches: 'brand', sample: async () => ({}), leaks: otherBrandOnly },
    staffResolveMember: { touches: 'member', sample: async () => ({ body: { code: await till.code(member.token) } }) },
    staffStores: { touches: 'brand', sample: async () => ({}), leaks: { ids: () => [storeA().id], hiddenFrom: (c) => !c.seesStoreA } },
    staffStoreCode: { touches: 'store', sample: async () => ({ params: { id: storeA().id } }) },
    staffQuoteOrder: {
      touches: 'store',
      sample: async () => ({ body: { memberCode: await till.code(member.token), amountFen: 1_000, storeId: storeA().id } }),
    },
    staffCreateOrder: {
      touches: 'store',
      sample: async () => ({ body: { memberCode: await till.code(member.token), amountFen: 1_000, storeId: storeA().id, externalNo: aReceiptNo() } }),
    },
    staffListOrders: { touches: 'brand', sample: async () => ({ query: { limit: '100' } }), leaks: { ids: () => [orderId], hiddenFrom: (c) => !c.seesStoreA } },
    staffGetOrder: { touches: 'store', sample: async () => ({ params: { id: orderId } }), outside: otherStore },
    staffQuoteRefund: { touches: 'store', sample: async () => ({ params: { id: orderId }, body: { amountFen: 1 } }), outside: otherStore },
    staffRefundOrder: { touches: 'store', sample: async () => ({ params: { id: orderId }, body: { refundNo: aReceiptNo('T'), amountFen: 1 } }), outside: otherStore },
    staffAdjustPoints: {
      touches: 'member',
      sample: async () => ({ params: { memberId: member.memberId }, body: { delta: 1, reason: '权限矩阵测试', requestId: randomUUID() } }),
    },
    staffLoyaltySettings: { touches: 'brand', sample: async () => ({}), leaks: otherBrandOnly },
    staffUpdateLoyaltySettings: {
      touches: 'brand',
      // The caller's own brand's current rules, sent back unchanged with their version.
      sample: async (caller) => {
        const current = await stack.api('GET', '/staff/settings/loyalty', { token: caller.token });
        return { body: current.status === 200 ? { version: current.body.version, rules: current.body.rules } : { version: 1, rules: {} } };
      },
      leaks: otherBrandOnly,
    },
    staffReconcilePoints: { touches: 'brand', sample: async () => ({}) },
    staffCreateApiKey: { touches: 'store', sample: async () => ({ params: { storeId: storeA().id }, body: { label: '矩阵测试' } }) },
    staffRevokeApiKey: { touches: 'store', sample: async () => ({ params: { storeId: storeA().id, keyId: apiKeyId } }) },
    memberCoupons: { touches: 'brand', sample: async () => ({ query: { status: 'usable' } }), leaks: { ids: () => [couponId], hiddenFrom: (c) => c.name !== 'member' } },
    // Another member's coupon does not exist for them: the frozen card's member asks for the matrix member's (404).
    memberCoupon: { touches: 'brand', sample: async () => ({ params: { id: couponId } }), alsoOk: [404], leaks: { ids: () => [couponId], hiddenFrom: (c) => c.name !== 'member' } },
    couponCenter: { touches: 'brand', sample: async () => ({}) },
    // The first member claims; the next is over the limit (409); a frozen card takes nothing (403).
    couponClaim: { touches: 'brand', sample: async () => ({ params: { templateId } }), alsoOk: [403, 409] },
    pointsMall: { touches: 'brand', sample: async () => ({}) },
    pointsMallExchange: { touches: 'brand', sample: async () => ({ params: { templateId }, body: { requestId: aReceiptNo('EX') } }), alsoOk: [403, 409, 422] },
    memberExchanges: { touches: 'brand', sample: async () => ({}) },
    welcomeGift: { touches: 'brand', sample: async () => ({}) },
    staffCreateCouponTemplate: { touches: 'brand', sample: async () => ({ body: aTemplate({ name: '矩阵新建券' }) }) },
    staffListCouponTemplates: { touches: 'brand', sample: async () => ({ query: { limit: '200' } }), leaks: { ids: () => [templateId], hiddenFrom: (c) => !c.brandA } },
    // Brand A's template: another brand's staff find none (404).
    staffGetCouponTemplate: { touches: 'member', sample: async () => ({ params: { id: templateId } }) },
    staffUpdateCouponTemplate: {
      touches: 'member',
      sample: async () => ({ params: { id: templateId }, body: { ...aTemplate({ name: '矩阵测试券', stock: 1_000, pointsPrice: 100 }), status: 'active' } }),
    },
    staffCouponTemplateStats: { touches: 'member', sample: async () => ({ params: { id: templateId } }) },
    staffGrantCoupon: { touches: 'member', sample: async () => ({ params: { id: templateId }, body: { memberId: member.memberId, requestId: aReceiptNo('GR') } }) },
    // Revoking twice answers with the revoked coupon.
    staffRevokeCoupon: { touches: 'member', sample: async () => ({ params: { id: revokableId }, body: { reason: '矩阵测试作废' } }) },
    staffGiftSettings: { touches: 'brand', sample: async () => ({}) },
    staffUpdateGiftSettings: {
      touches: 'brand',
      // The caller's own brand's gifts, sent back unchanged with their version.
      sample: async (caller) => {
        const current = await stack.api('GET', '/staff/settings/gifts', { token: caller.token });
        return { body: current.status === 200 ? { version: current.body.version, welcome: current.body.welcome, tierPacks: current.body.tierPacks } : { version: 0, welcome: { points: 0, coupons: [] }, tierPacks: [] } };
      },
    },
    // A fresh coupon of the matrix member's for every caller, good at every store: HZ001's tills redeem it.
    staffLookupCoupon: { touches: 'store', sample: async () => ({ body: { code: await aCouponCode(stack, member.token), storeId: storeA().id } }) },
    staffRedeemCoupon: { touches: 'store', sample: async () => ({ body: { code: await aCouponCode(stack, member.token), storeId: storeA().id, externalNo: aReceiptNo('V') } }) },
    memberWallet: { touches: 'brand', sample: async () => ({ query: { limit: '5' } }) },
    // Each member caller checks in once (201); a frozen card earns nothing (403).
    memberCheckIn: { touches: 'brand', sample: async () => ({}), alsoOk: [403] },
    memberCheckins: { touches: 'brand', sample: async () => ({ query: { month: '2026-11' } }) },
    // Make-up is off by default: 409 CHECKIN_MAKEUP_DISABLED is the answer every member gets (a frozen card 403 first).
    memberCheckinMakeUp: { touches: 'brand', sample: async () => ({ body: { date: '2026-11-01' } }), alsoOk: [409, 403] },
    staffCheckinSettings: { touches: 'brand', sample: async () => ({}) },
    staffUpdateCheckinSettings: {
      touches: 'brand',
      // The caller's own brand's rules, sent back unchanged with their version.
      sample: async (caller) => {
        const current = await stack.api('GET', '/staff/settings/checkin', { token: caller.token });
        const { version, enabled, basePoints, ladder, cycle } = current.status === 200 ? current.body : { version: 0, ...DEFAULT_CHECKIN_RULES };
        return { body: { version, enabled, basePoints, ladder, cycle } };
      },
    },
    memberDay: { touches: 'brand', sample: async () => ({}) },
    // Not a member day (409), or taken already by this member (200): both are answers, not failures.
    memberDayClaim: { touches: 'brand', sample: async () => ({}), alsoOk: [409] },
    memberMessageSettings: { touches: 'brand', sample: async () => ({}) },
    memberUpdateMessageSettings: { touches: 'brand', sample: async () => ({ body: { kinds: { birthday: true } } }) },
    // Brand A has no subscribe templates configured here: any template named is 400 SUBSCRIBE_TEMPLATE_UNKNOWN.
    memberSubscribeResults: { touches: 'brand', sample: async () => ({ body: { results: { 'matrix-template': 'accept' } } }), alsoOk: [400] },
    staffMessageSettings: { touches: 'brand', sample: async () => ({}) },
    staffUpdateMessageSettings: {
      touches: 'brand',
      // The caller's own brand's settings, sent back unchanged with their version.
      sample: async (caller) => {
        const current = await stack.api('GET', '/staff/settings/messages', { token: caller.token });
        const { version, templates, quietHours, dailyCapPerMember } = current.status === 200 ? current.body : { version: 0, templates: [], quietHours: null, dailyCapPerMember: 5 };
        return { body: { version, templates, quietHours, dailyCapPerMember } };
      },
    },
    staffNotifications: { touches: 'brand', sample: async () => ({ query: { limit: '5' } }) },
    // The member joined at HZ001: managers outside it get "another store's", another brand's staff find no such member.
    staffCorrectBirthday: {
      touches: 'store',
      sample: async () => ({ params: { memberId: member.memberId }, body: { birthday: '1990-05-06', reason: '权限矩阵测试' } }),
      outside: (c) => (c.brandA ? { status: 403, code: 'OTHER_STORE' } : { status: 404, code: 'MEMBER_NOT_FOUND' }),
    },
    // The member joined at HZ001: managers outside it get "another store's", another brand's staff find no such member.
    staffMemberRfm: {
      touches: 'store',
      sample: async () => ({ params: { memberId: member.memberId } }),
      outside: (c) => (c.brandA ? { status: 403, code: 'OTHER_STORE' } : { status: 404, code: 'MEMBER_NOT_FOUND' }),
    },
    // Public, but nothing without WeChat's signature: 403.
    wechatOfficialVerify: { touches: 'brand', sample: async () => ({ query: { signature: 'matrix', timestamp: '1', nonce: '1', echostr: '1' } }), alsoOk: [403] },
    wechatOfficialPush: { touches: 'brand', sample: async () => ({ query: { signature: 'matrix', timestamp: '1', nonce: '1' }, body: { xml: 'matrix' } }), alsoOk: [403] },
    rechargePackages: { touches: 'brand', sample: async () => ({}) },
    staffCreateRechargePackage: { touches: 'brand', sample: async () => ({ body: { name: '矩阵充值套餐', payFen: 10_000, bonusFen: 500 } }) },
    staffListRechargePackages: {
      touches: 'brand',
      sample: async () => ({}),
      leaks: { ids: () => [stack.chain.rechargePackages[0].id], hiddenFrom: (c) => !c.brandA },
    },
    // Brand A's package: another brand's staff find none (404).
    staffUpdateRechargePackage: {
      touches: 'member',
      sample: async () => ({ params: { id: stack.chain.rechargePackages[0].id }, body: { name: '充100元', payFen: 10_000, bonusFen: 0, status: 'active' } }),
    },
    // A frozen card recharges nothing (403).
    rechargeCreateOrder: { touches: 'brand', sample: async () => ({ body: { packageId: stack.chain.rechargePackages[0].id } }), alsoOk: [403] },
    // The matrix member's recharge: anyone else's token finds no such order (404).
    rechargeGetOrder: { touches: 'brand', sample: async () => ({ params: { no: recharges.asked } }), alsoOk: [404], leaks: { ids: () => [recharges.asked], hiddenFrom: (c) => c.name !== 'member' } },
    memberRechargeOrders: { touches: 'brand', sample: async () => ({}), leaks: { ids: () => [recharges.asked], hiddenFrom: (c) => c.name !== 'member' } },
    // The first ask opens the refund; asking again while it is open is a 409; another member's order is a 404.
    rechargeRequestRefund: { touches: 'brand', sample: async () => ({ params: { no: recharges.asked }, body: { reason: '权限矩阵测试' } }), alsoOk: [404, 409] },
    // Public, and junk without WeChat Pay's signature is refused (401) to every caller.
    wechatPayNotify: { touches: 'brand', sample: async () => ({ body: { id: 'matrix', event_type: 'TRANSACTION.SUCCESS' } }), alsoOk: [401] },
    // Public: the callback URL's token is the credential, whoever else calls; a reply that is not an opt-out word changes nothing.
    smsReplies: {
      touches: 'brand',
      sample: async () => ({ query: { token: stack.config.sms?.replyToken ?? '' }, body: { mobile: '13800000000', nationcode: '86', text: '好的', sign: '微会员', time: 1_764_316_800 } }),
    },
    staffListRechargeRefunds: { touches: 'brand', sample: async () => ({ query: { limit: '100' } }), leaks: { ids: () => [recharges.refundId], hiddenFrom: (c) => !c.seesStoreA } },
    // The member joined at HZ001: managers elsewhere are refused (403), another brand finds nothing (404). The first decision rejects; later ones are 409.
    staffDecideRechargeRefund: {
      touches: 'store',
      sample: async () => ({ params: { id: recharges.refundId }, body: { approve: false, reason: '权限矩阵测试' } }),
      alsoOk: [409],
      outside: (c) => (c.brandA ? { status: 403, code: 'OTHER_STORE' } : { status: 404, code: 'RECHARGE_REFUND_NOT_FOUND' }),
    },
    // The same requestId answers the same refund (201, then 200).
    staffRefundRecharge: { touches: 'member', sample: async () => ({ params: { no: recharges.direct }, body: { requestId: recharges.requestId, reason: '权限矩阵测试' } }) },
    staffWalletReconciliation: { touches: 'brand', sample: async () => ({ query: { date: chinaDate(new Date()) } }) },
    staffPreviewSegment: { touches: 'brand', sample: async () => ({ body: { filter: { stages: ['active', 'new'], tiers: ['normal'] } } }) },
    staffCreateSegment: { touches: 'brand', sample: async () => ({ body: { name: '矩阵人群', filter: { marketingAllowed: false } } }) },
    staffListSegments: { touches: 'brand', sample: async () => ({}), leaks: { ids: () => [segmentId], hiddenFrom: (c) => !c.brandA } },
    // Brand A's segment: another brand finds none (404).
    staffGetSegment: { touches: 'member', sample: async () => ({ params: { id: segmentId } }), outside: () => ({ status: 404, code: 'SEGMENT_NOT_FOUND' }) },
    // Sent with the version brand A's admin reads just before, so each allowed caller saves.
    staffUpdateSegment: {
      touches: 'member',
      sample: async () => {
        const current = await stack.api('GET', `/staff/segments/${segmentId}`, { token: adminA });
        return { params: { id: segmentId }, body: { name: '矩阵人群（改）', filter: { classes: ['A'] }, version: current.body.version } };
      },
      outside: () => ({ status: 404, code: 'SEGMENT_NOT_FOUND' }),
    },
    // Each brand's admin names a segment of their own brand (another brand's segment is a 400 naming segmentId).
    staffCreateCampaign: { touches: 'brand', sample: async (c) => ({ body: { ...campaignBody(), segmentId: c.brandA ? segmentId : campaigns.otherSegment } }) },
    staffListCampaigns: { touches: 'brand', sample: async () => ({}), leaks: { ids: () => [campaigns.draft], hiddenFrom: (c) => !c.brandA } },
    // Brand A's campaigns: another brand finds none (404). Each move is made by the first allowed caller; the next ones find it moved (409).
    staffGetCampaign: { touches: 'member', sample: async () => ({ params: { id: campaigns.draft } }), outside: () => campaignNotFound },
    staffUpdateCampaign: {
      touches: 'member',
      sample: async () => {
        const current = await stack.api('GET', `/staff/campaigns/${campaigns.draft}`, { token: adminA });
        return { params: { id: campaigns.draft }, body: { ...campaignBody(), name: '矩阵活动（改）', version: current.body.version } };
      },
      outside: () => campaignNotFound,
    },
    staffLaunchCampaign: { touches: 'member', sample: async () => ({ params: { id: campaigns.toLaunch } }), alsoOk: [409], outside: () => campaignNotFound },
    staffPauseCampaign: { touches: 'member', sample: async () => ({ params: { id: campaigns.toPause } }), alsoOk: [409], outside: () => campaignNotFound },
    staffResumeCampaign: { touches: 'member', sample: async () => ({ params: { id: campaigns.toResume } }), alsoOk: [409], outside: () => campaignNotFound },
    staffCancelCampaign: { touches: 'member', sample: async () => ({ params: { id: campaigns.toCancel } }), alsoOk: [409], outside: () => campaignNotFound },
    staffCampaignProgress: { touches: 'member', sample: async () => ({ params: { id: campaigns.toPause } }), outside: () => campaignNotFound },
    staffCampaignResults: { touches: 'member', sample: async () => ({ params: { id: campaigns.toPause }, query: { days: '7' } }), outside: () => campaignNotFound },
    staffCampaignResultsExport: { touches: 'member', sample: async () => ({ params: { id: campaigns.toPause }, query: { days: '7' } }), outside: () => campaignNotFound },
  };

  beforeAll(async () => {
    stack = await TestStack.start();
    till = await TestTill.open(stack);
    member = await till.newMember();
    // The member joined at HZ001, so store managers there see them.
    await stack.db.query('UPDATE members SET join_store_id = ? WHERE id = ?', [storeA().id, member.memberId]);
    const order = await till.buy(member, { amountFen: 50_000 });
    orderId = order.body.id;
    await stack.api('PUT', '/member/avatar', { token: member.token, body: { image: TINY_PNG_BASE64 } });

    const admin = await stack.staffToken('admin');
    adminA = admin;
    segmentId = (await stack.api('POST', '/staff/segments', { token: admin, body: { name: '矩阵人群', filter: { stages: ['active'] } } })).body.id;
    for (const name of ['draft', 'toLaunch', 'toPause', 'toResume', 'toCancel'] as const) {
      campaigns[name] = (await stack.api('POST', '/staff/campaigns', { token: admin, body: campaignBody() })).body.id;
    }
    for (const id of [campaigns.toPause, campaigns.toResume]) await stack.api('POST', `/staff/campaigns/${id}/launch`, { token: admin });
    await stack.api('POST', `/staff/campaigns/${campaigns.toResume}/pause`, { token: admin });
    const key = await stack.api('POST', `/staff/stores/${storeA().id}/api-keys`, { token: admin, body: { label: 'POS 1' } });
    const revoked = await stack.api('POST', `/staff/stores/${storeA().id}/api-keys`, { token: admin, body: { label: 'POS 旧' } });
    await stack.api('DELETE', `/staff/stores/${storeA().id}/api-keys/${revoked.body.id}`, { token: admin });
    const spare = await stack.api('POST', `/staff/stores/${storeA().id}/api-keys`, { token: admin, body: { label: '待停用' } });
    apiKeyId = spare.body.id;

    otherBrand = await setUpBrand(stack.db, demoBrandPlan(`wxother${randomUUID().slice(0, 8)}`, STAFF_PASSWORD, `${stack.usernamePrefix}other-`));
    const otherLogin = await stack.api('POST', '/staff/auth/login', { body: { username: `${stack.usernamePrefix}other-admin`, password: STAFF_PASSWORD } });
    campaigns.otherSegment = (await stack.api('POST', '/staff/segments', { token: otherLogin.body.token, body: { name: '他牌人群', filter: {} } })).body.id;
    const south = stack.chain.regions.find((r) => r.name === '华南区')!;
    const unjoined = await stack.login();

    const a = (name: ActorName, token: string | undefined, role: StaffRole | undefined, seesStoreA: boolean, brandA = true): Caller => ({ name, token, role, seesStoreA, brandA });
    callers.push(
      a('anonymous', undefined, undefined, false),
      a('wechat-unjoined', unjoined.body.token, undefined, false),
      a('member', member.token, undefined, false),
      a('clerk', await stack.staffToken('clerk'), 'clerk', true),
      a('store_manager', await stack.staffToken('manager'), 'store_manager', true),
      a('region_manager', await stack.staffToken('region'), 'region_manager', true),
      a('marketer', await stack.staffToken('marketer'), 'marketer', true),
      a('hq_admin', admin, 'hq_admin', true),
      a('clerk-of-SH001', await addStaff('clerk-sh', 'clerk', 'SH001', null), 'clerk', false),
      a('region-manager-of-south', await addStaff('region-south', 'region_manager', null, south.id), 'region_manager', false),
      a('other-brand-hq_admin', otherLogin.body.token, 'hq_admin', false, false),
      { name: 'pos-key', headers: { 'x-api-key': key.body.key }, seesStoreA: true, brandA: true },
      { name: 'pos-key-revoked', headers: { 'x-api-key': revoked.body.key }, seesStoreA: false, brandA: true },
    );

    // Callers an attacker or time produces: a closed and a frozen card, a disabled account, tokens
    // with a changed signature and tokens past their expiry (signed with the real secret).
    const closed = await till.newMember();
    await stack.db.query("UPDATE members SET status = 'closed' WHERE id = ?", [closed.memberId]);
    const frozen = await till.newMember();
    await stack.db.query("UPDATE members SET status = 'frozen' WHERE id = ?", [frozen.memberId]);
    const leaverToken = await addStaff('leaver', 'hq_admin', null, null);
    await stack.db.query('UPDATE staff SET active = 0 WHERE username = ?', [stack.usernamePrefix + 'leaver']);
    const tamper = (token: string) => token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const memberClaims = JSON.parse(Buffer.from(member.token.split('.')[1], 'base64url').toString());
    const expired = (claims: Record<string, unknown>) => sign({ ...claims, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }, stack.config.secrets.jwt, { algorithm: 'HS256' });
    const adminClaims = JSON.parse(Buffer.from(admin.split('.')[1], 'base64url').toString());
    const bad = (name: ActorName, token: string, refusedAs: Caller['refusedAs']): Caller => ({ name, token, seesStoreA: false, brandA: true, refusedAs });
    callers.push(
      bad('member-closed', closed.token, { member: 403 }),
      { name: 'member-frozen', token: frozen.token, seesStoreA: false, brandA: true },
      bad('member-token-tampered', tamper(member.token), { member: 401 }),
      bad('member-token-expired', expired({ aud: memberClaims.aud, sub: memberClaims.sub, brandId: memberClaims.brandId, memberId: memberClaims.memberId }), { member: 401 }),
      bad('staff-disabled', leaverToken, { staff: 403 }),
      bad('staff-token-tampered', tamper(admin), { staff: 401 }),
      bad('staff-token-expired', expired({ aud: adminClaims.aud, sub: adminClaims.sub, brandId: adminClaims.brandId }), { staff: 401 }),
    );

    const marketer = await stack.staffToken('marketer');
    templateId = (await createTemplate(stack, marketer, { name: '矩阵测试券', stock: 1_000, pointsPrice: 100 })).id;
    couponId = (await stack.api('POST', `/coupons/${stack.chain.couponTemplates.claimable.id}/claim`, { token: member.token })).body.id;
    const recharger = Recharger.of(stack, member.token);
    recharges.asked = await recharger.paid('充100元');
    const toDecide = await recharger.paid('充100元');
    recharges.refundId = (await stack.api('POST', `/recharge/orders/${toDecide}/refund-request`, { token: member.token, body: { reason: '权限矩阵测试' } })).body.id;
    recharges.direct = await recharger.paid('充100元');
    revokableId = (await stack.api('POST', `/staff/coupon-templates/${templateId}/grants`, { token: marketer, body: { memberId: member.memberId, requestId: aReceiptNo('GR') } })).body.id;
  });
  afterAll(async () => {
    console.log(`access matrix: ${tried.cases} cases tried, ${tried.failures} failed`);
    await stack?.close();
  });

  /** What the route's rule says this caller gets, before any resource is looked at. */
  function gate(route: ApiRoute, caller: Caller): 'pass' | 401 | 403 {
    const isPos = caller.name.startsWith('pos-key');
    if (caller.refusedAs && route.auth !== 'public') {
      const asMember = caller.refusedAs.member;
      const asStaff = caller.refusedAs.staff;
      // A token that does not verify is a 401 wherever it is sent; a valid one of the wrong kind a 403.
      if (asMember === 401 || asStaff === 401) return 401;
      if (route.auth === 'member') return 403;
      // A closed card's WeChat identity may still sign in and join again.
      if (route.auth === 'wechat') return asMember === 403 ? 'pass' : 403;
      return 403;
    }
    switch (route.auth) {
      case 'public':
        return 'pass';
      case 'wechat':
      case 'member':
        if (!caller.token) return 401;
        if (caller.role) return 403; // a staff token is not a member token
        if (route.auth === 'member' && caller.name === 'wechat-unjoined') return 403;
        return 'pass';
      case 'staff':
      case 'till':
        if (route.auth === 'till' && isPos) return caller.name === 'pos-key' ? 'pass' : 401;
        if (!caller.token) return 401;
        if (!caller.role) return 403; // a member token is not a staff token
        return route.roles.includes(caller.role) ? 'pass' : 403;
    }
  }

  function inScope(touches: Touches, caller: Caller): boolean {
    if (touches === 'store') return caller.seesStoreA;
    if (touches === 'member') return caller.brandA;
    return true;
  }

  function call(name: ApiRouteName, caller: Caller, sample: Sample): Promise<HttpResult> {
    const route: ApiRoute = API_ROUTES[name];
    let path = route.path.replace(/:(\w+)/g, (_, p: string) => encodeURIComponent(sample.params?.[p] ?? 'missing'));
    if (sample.query) path += '?' + new URLSearchParams(sample.query).toString();
    return stack.api(route.method, path, { token: caller.token, headers: caller.headers, ...(sample.body !== undefined && { body: sample.body }) });
  }

  it.each(Object.keys(API_ROUTES) as ApiRouteName[])('%s answers each caller as its rule says', async (name) => {
    const route: ApiRoute = API_ROUTES[name];
    const routeCase = ROUTES[name];
    const failures: string[] = [];
    for (const caller of callers) {
      tried.cases += 1;
      const result = await call(name, caller, await routeCase.sample(caller));
      const expected = gate(route, caller);
      const seen = `${caller.name}: ${result.status} ${Buffer.isBuffer(result.body) ? '<binary>' : JSON.stringify(result.body).slice(0, 160)}`;
      const scoped = inScope(routeCase.touches, caller);
      let ok: boolean;
      if (result.status >= 500) ok = false;
      else if (expected !== 'pass') ok = result.status === expected;
      // Outside the caller's scope a resource is refused or does not exist for them; a member code of
      // another brand does not verify (400).
      else if (!scoped && routeCase.outside) {
        const refusal = routeCase.outside(caller);
        ok = result.status === refusal.status && result.body?.code === refusal.code;
      } else if (!scoped) ok = result.status === 403 || result.status === 404 || (routeCase.touches === 'member' && result.status === 400);
      else ok = result.status < 300 || (routeCase.alsoOk ?? []).includes(result.status);
      // What a list or profile shows a caller outside brand A's scope never names brand A's resources.
      if (ok && result.status < 300 && routeCase.leaks?.hiddenFrom(caller)) {
        const text = Buffer.isBuffer(result.body) ? '' : JSON.stringify(result.body);
        if (routeCase.leaks.ids().some((id) => text.includes(id))) ok = false;
      }
      // The answer is what the route's response schema promises (the contract the miniapp is typed by).
      if (ok && result.status < 300 && !route.produces) {
        const parsed = route.response.safeParse(result.body);
        if (!parsed.success) {
          failures.push(`answer does not match the response schema — ${caller.name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
          tried.failures += 1;
        }
      }
      if (!ok) {
        const outside = routeCase.outside?.(caller);
        failures.push(`expected ${expected === 'pass' ? (scoped ? 'success' : outside ? `${outside.status} ${outside.code}` : '403/404') : expected} — ${seen}`);
        tried.failures += 1;
      }
    }
    expect(failures).toEqual([]);
  });

  it('every staff and till route names its roles, and every route has a sample above', () => {
    for (const [name, route] of Object.entries(API_ROUTES) as [ApiRouteName, ApiRoute][]) {
      if (route.auth === 'staff' || route.auth === 'till') expect({ name, roles: route.roles.length > 0 }).toEqual({ name, roles: true });
      expect(ROUTES[name]).toBeDefined();
    }
    expect(otherBrand.stores).toHaveLength(3);
  });

  it('what moves value or changes rules stays with HQ, and marketers never work a till', () => {
    // Written out here as well as in API_ROUTES on purpose: widening one of these is a decision,
    // not a side effect of editing the route table.
    const hqOnly: ApiRouteName[] = ['staffAdjustPoints', 'staffUpdateLoyaltySettings', 'staffReconcilePoints', 'staffCreateApiKey', 'staffRevokeApiKey'];
    for (const name of hqOnly) expect({ name, roles: 'roles' in API_ROUTES[name] ? API_ROUTES[name].roles : [] }).toEqual({ name, roles: ['hq_admin'] });
    for (const [name, route] of Object.entries(API_ROUTES) as [ApiRouteName, ApiRoute][]) {
      if (route.auth === 'till') expect({ name, marketer: route.roles.includes('marketer') }).toEqual({ name, marketer: false });
    }
  });
});
