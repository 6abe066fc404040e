import type { Campaign, CouponTemplate } from '@wemember/shared';
import { DEMO_COUPON_TEMPLATES } from '../../server/src/seed/brand-setup';

/**
 * A campaign over many members, for the 100k-member fault test and the 1M-member benchmark: the
 * members, their mini-program identities and their official-account follows written straight into
 * the database with MariaDB's sequence engine (joining 100k shoppers through the sandbox would take
 * hours and test the join), then the campaign made and launched over HTTP as a marketer would.
 *
 * The i-th member (from 0) has member number i + 1 and unionid `${unionidPrefix}${i}`, the ids the
 * sandbox's `POST /__sandbox/bulk {followers}` gives its i-th follower, so both sides know the same
 * people without listing them.
 */

export type Query = (sql: string, params?: unknown[]) => Promise<any>;
export type Api = (method: string, path: string, options: { token?: string; body?: unknown }) => Promise<{ status: number; body: any }>;

export const SCALE_OA_TEMPLATE = 'oa-scale-campaign';
/** What the campaign gives a treated member. */
export const SCALE_POINTS = 20;

export interface ScaleSeed {
  brandId: string;
  /** The mini-program's appid (wechat_identities). */
  appid: string;
  /** The official account's appid (oa_followers). */
  oaAppid: string;
  count: number;
  unionidPrefix: string;
}

/** The openid the sandbox gives `unionid` in `appid`: openidForUnionid (scripts/wechat-sandbox/src/ids.ts) in SQL. */
const openidSql = (unionid: string) =>
  `CONCAT('o', SUBSTRING(REPLACE(REPLACE(TO_BASE64(UNHEX(SHA2(CONCAT('openid:', ?, ':', ${unionid}), 256))), '+', '-'), '/', '_'), 1, 27))`;

const SEED_CHUNK = 50_000;

/** `count` members who accepted offers, each with a mini-program identity and following the official account. */
export async function seedScaleMembers(query: Query, seed: ScaleSeed): Promise<void> {
  const joined = '2026-01-05 02:00:00';
  for (let from = 1; from <= seed.count; from += SEED_CHUNK) {
    const to = Math.min(seed.count, from + SEED_CHUNK - 1);
    const seq = `seq_${from}_to_${to}`;
    await query(
      `INSERT INTO members (id, brand_id, member_no, phone_hash, phone_cipher, phone_masked, joined_at, marketing_consent, marketing_consent_at)
       SELECT UUID(), ?, LPAD(seq, 10, '0'), SHA2(CONCAT('scale-', ?, '-', seq), 256), 'scale', '139****0000', ?, 1, ? FROM ${seq}`,
      [seed.brandId, seed.unionidPrefix, joined, joined],
    );
    await query(
      `INSERT INTO wechat_identities (id, brand_id, appid, openid, unionid, member_id, first_seen_at, last_login_at)
       SELECT UUID(), m.brand_id, ?, ${openidSql('u.unionid')}, u.unionid, m.id, m.joined_at, m.joined_at
       FROM (SELECT seq, CONCAT(?, seq - 1) AS unionid FROM ${seq}) u JOIN members m ON m.brand_id = ? AND m.member_no = LPAD(u.seq, 10, '0')`,
      [seed.appid, seed.appid, seed.unionidPrefix, seed.brandId],
    );
    await query(
      `INSERT INTO oa_followers (appid, openid, unionid, following, store_id, scene, subscribed_at, unsubscribed_at, updated_at)
       SELECT ?, ${openidSql('u.unionid')}, u.unionid, 1, NULL, NULL, ?, NULL, ? FROM (SELECT CONCAT(?, seq - 1) AS unionid FROM ${seq}) u`,
      [seed.oaAppid, seed.oaAppid, joined, joined, seed.unionidPrefix],
    );
  }
  await query('ANALYZE TABLE members, wechat_identities, oa_followers');
}

export interface ScaleCampaign {
  campaign: Campaign;
  template: CouponTemplate;
}

/**
 * As the marketer: no quiet hours (the run is at whatever hour the suite runs), a coupon template
 * with stock for everyone, a segment of every member, and a campaign giving a coupon, points and an
 * official-account message with `holdoutPercent` held out and a budget larger than the audience;
 * launched to run now.
 */
export async function launchScaleCampaign(api: Api, token: string, options: { count: number; holdoutPercent: number }): Promise<ScaleCampaign> {
  const ok = (what: string, answer: { status: number; body: any }, status: number) => {
    if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const settings = ok('message settings', await api('GET', '/staff/settings/messages', { token }), 200);
  ok(
    'message settings saved',
    await api('PUT', '/staff/settings/messages', {
      token,
      body: { templates: settings.templates, quietHours: null, dailyCapPerMember: settings.dailyCapPerMember, version: settings.version },
    }),
    200,
  );
  const template: CouponTemplate = ok(
    'coupon template',
    await api('POST', '/staff/coupon-templates', {
      token,
      body: { ...DEMO_COUPON_TEMPLATES.claimable, name: '老友回馈券', stock: options.count * 2, claimable: false },
    }),
    201,
  );
  const segment = ok('segment', await api('POST', '/staff/segments', { token, body: { name: '全体会员', filter: {} } }), 201);
  const created: Campaign = ok(
    'campaign',
    await api('POST', '/staff/campaigns', {
      token,
      body: {
        name: '老友回馈',
        segmentId: segment.id,
        holdoutPercent: options.holdoutPercent,
        maxCoupons: options.count * 2,
        schedule: { type: 'now' },
        actions: [
          { type: 'coupon', templateId: template.id, quantity: 1 },
          { type: 'points', points: SCALE_POINTS, reason: '老友回馈积分' },
          { type: 'message', channel: 'official_account', templateId: SCALE_OA_TEMPLATE, data: { thing1: '送您一张满100减20券', number2: '{points}' } },
        ],
      },
    }),
    201,
  );
  const campaign: Campaign = ok('launch', await api('POST', `/staff/campaigns/${created.id}/launch`, { token }), 200);
  return { campaign, template };
}
