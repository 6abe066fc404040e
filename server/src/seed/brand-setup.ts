import { randomBytes, randomUUID } from 'node:crypto';
import { NOTIFICATION_KINDS, type CreateCouponTemplateRequest, type CreateRechargePackageRequest, type GiftSettingsBody, type MessageSettingsBody, type StaffRole } from '@wemember/shared';
import { Brand } from '../brands/brand.entity';
import { CouponTemplate } from '../coupons/coupon.entity';
import { templateColumns } from '../coupons/coupon-templates.service';
import { dbTime } from '../database/sql';
import type { UnitOfWork } from '../database/unit-of-work';
import { hashPassword } from '../staff/password-hasher';
import { Staff } from '../staff/staff.entity';
import { Region } from '../stores/region.entity';
import { StoreScene } from '../stores/store-scene.entity';
import { Store } from '../stores/store.entity';
import { RechargePackage } from '../wallet/recharge-package.entity';
import { packageColumns } from '../wallet/recharge-packages';

/** Letters and digits that cannot be misread on a printed code. */
const SCENE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

export function newScene(length = 8): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => SCENE_ALPHABET[b % SCENE_ALPHABET.length]).join('');
}

export interface BrandPlan {
  name: string;
  appid: string;
  regions: { name: string; stores: { code: string; name: string; address?: string; phone?: string; hours?: string }[] }[];
  staff: { username: string; displayName: string; role: StaffRole; store?: string; region?: string }[];
  password: string;
  /** Coupon templates by a key of the plan's own (gift settings name them by it). */
  couponTemplates?: Record<string, CreateCouponTemplateRequest>;
  /** The welcome gift and tier packs, naming templates by their plan keys. */
  gifts?: GiftSettingsBody;
  /** Recharge packages (充500送50), on offer from the start. */
  rechargePackages?: CreateRechargePackageRequest[];
  /** The message templates, quiet hours and daily cap (消息通知); none = nothing is sent. */
  messages?: MessageSettingsBody;
}

export interface BrandSetup {
  brand: Brand;
  regions: Region[];
  stores: Store[];
  staff: Staff[];
  /** Counter code scene per store code. */
  counterScenes: Record<string, string>;
  /** Personal code scene per staff username (clerks and store managers). */
  staffScenes: Record<string, string>;
  /** The plan's coupon templates by their plan keys. */
  couponTemplates: Record<string, CouponTemplate>;
  /** The plan's recharge packages, in the plan's order. */
  rechargePackages: RechargePackage[];
}

/**
 * Creates a brand with its regions, stores, counter codes and staff in one unit of work. The demo
 * starter and the tests both build their chains with it (a test may pass its DataSource while the
 * server is idle: anything that runs a transaction and hands down its manager will do).
 */
export async function setUpBrand(db: Pick<UnitOfWork, 'transaction'>, plan: BrandPlan): Promise<BrandSetup> {
  const now = new Date();
  const passwordHash = await hashPassword(plan.password);
  return db.transaction(async (m) => {
    const brand = m.create(Brand, { id: randomUUID(), name: plan.name, wechatAppid: plan.appid, createdAt: now });
    await m.insert(Brand, brand);
    const regions: Region[] = [];
    const stores: Store[] = [];
    const counterScenes: Record<string, string> = {};
    for (const r of plan.regions) {
      const region = m.create(Region, { id: randomUUID(), brandId: brand.id, name: r.name });
      await m.insert(Region, region);
      regions.push(region);
      for (const s of r.stores) {
        const store = m.create(Store, {
          id: randomUUID(),
          brandId: brand.id,
          regionId: region.id,
          code: s.code,
          name: s.name,
          address: s.address ?? null,
          phone: s.phone ?? null,
          hours: s.hours ?? null,
          createdAt: now,
        });
        await m.insert(Store, store);
        stores.push(store);
        const scene = newScene();
        await m.insert(StoreScene, { scene, brandId: brand.id, storeId: store.id, staffId: null, channel: 'counter', active: true, createdAt: now });
        counterScenes[s.code] = scene;
      }
    }
    const staff: Staff[] = [];
    const staffScenes: Record<string, string> = {};
    for (const p of plan.staff) {
      const store = p.store ? stores.find((s) => s.code === p.store) : undefined;
      const region = p.region ? regions.find((r) => r.name === p.region) : undefined;
      const member = m.create(Staff, {
        id: randomUUID(),
        brandId: brand.id,
        username: p.username,
        passwordHash,
        displayName: p.displayName,
        role: p.role,
        storeId: store?.id ?? null,
        regionId: region?.id ?? store?.regionId ?? null,
        active: true,
        createdAt: now,
      });
      await m.insert(Staff, member);
      staff.push(member);
      if (store) {
        const scene = newScene();
        await m.insert(StoreScene, { scene, brandId: brand.id, storeId: store.id, staffId: member.id, channel: 'staff', active: true, createdAt: now });
        staffScenes[p.username] = scene;
      }
    }
    const couponTemplates: Record<string, CouponTemplate> = {};
    for (const [key, request] of Object.entries(plan.couponTemplates ?? {})) {
      const template = Object.assign(new CouponTemplate(), {
        id: randomUUID(),
        brandId: brand.id,
        ...templateColumns(request),
        issued: 0,
        status: 'active' as const,
        createdBy: null,
        createdAt: now,
        updatedAt: now,
      });
      await m.insert(CouponTemplate, template);
      couponTemplates[key] = template;
    }
    if (plan.gifts) {
      const byKey = (line: { templateId: string; quantity: number }) => ({ ...line, templateId: couponTemplates[line.templateId].id });
      const gifts: GiftSettingsBody = {
        welcome: { points: plan.gifts.welcome.points, coupons: plan.gifts.welcome.coupons.map(byKey) },
        tierPacks: plan.gifts.tierPacks.map((pack) => ({ tier: pack.tier, coupons: pack.coupons.map(byKey) })),
        birthday: {
          grantOn: plan.gifts.birthday.grantOn,
          tierCoupons: plan.gifts.birthday.tierCoupons.map((pack) => ({ tier: pack.tier, coupons: pack.coupons.map(byKey) })),
        },
        memberDay: { coupons: plan.gifts.memberDay.coupons.map(byKey) },
      };
      await m.query('INSERT INTO gift_settings (brand_id, settings, version, updated_at, updated_by) VALUES (?, ?, 1, ?, NULL)', [brand.id, JSON.stringify(gifts), dbTime(now)]);
    }
    if (plan.messages) {
      await m.query('INSERT INTO message_settings (brand_id, settings, version, updated_at, updated_by) VALUES (?, ?, 1, ?, NULL)', [brand.id, JSON.stringify(plan.messages), dbTime(now)]);
    }
    const rechargePackages: RechargePackage[] = [];
    for (const request of plan.rechargePackages ?? []) {
      const created = Object.assign(new RechargePackage(), {
        id: randomUUID(),
        brandId: brand.id,
        ...packageColumns(request),
        status: 'active' as const,
        createdBy: null,
        createdAt: now,
        updatedAt: now,
      });
      await m.insert(RechargePackage, created);
      rechargePackages.push(created);
    }
    return { brand, regions, stores, staff, counterScenes, staffScenes, couponTemplates, rechargePackages };
  });
}

/**
 * The demo chain's coupons: a claimable 满100减20, a grant-only 无门槛减5 for the welcome gift, a
 * gift priced in points in the mall, and a 9折 coupon for 银卡's monthly pack.
 */
export const DEMO_COUPON_TEMPLATES: Record<string, CreateCouponTemplateRequest> = {
  claimable: {
    name: '满100减20',
    description: '烟草、彩票、购物卡除外',
    type: 'cash',
    valueFen: 2_000,
    thresholdFen: 10_000,
    stock: 100,
    perMemberLimit: 1,
    validity: { kind: 'relative', days: 30 },
    claimable: true,
  },
  welcome: { name: '入会礼 无门槛减5元', type: 'cash', valueFen: 500, stock: 1_000_000, perMemberLimit: 1, validity: { kind: 'relative', days: 30 }, claimable: false },
  tissues: {
    name: '抽纸一提',
    description: '到店出示券码领取',
    type: 'gift',
    giftName: '抽纸一提',
    stock: 500,
    perMemberLimit: 5,
    validity: { kind: 'relative', days: 60 },
    claimable: false,
    pointsPrice: 500,
  },
  silverMonthly: {
    name: '银卡月礼 9折券',
    type: 'percent',
    percentOff: 10,
    capFen: 5_000,
    stock: 1_000_000,
    perMemberLimit: 1,
    validity: { kind: 'relative', days: 30 },
    claimable: false,
  },
  goldMonthly: { name: '金卡月礼 满50减10', type: 'cash', valueFen: 1_000, thresholdFen: 5_000, stock: 1_000_000, perMemberLimit: 1, validity: { kind: 'relative', days: 30 }, claimable: false },
};

/** The demo's gifts: 100 points and the 减5 coupon on joining; 银卡 and 金卡 monthly packs. */
export const DEMO_GIFTS: GiftSettingsBody = {
  welcome: { points: 100, coupons: [{ templateId: 'welcome', quantity: 1 }] },
  tierPacks: [
    { tier: 'silver', coupons: [{ templateId: 'silverMonthly', quantity: 1 }] },
    { tier: 'gold', coupons: [{ templateId: 'silverMonthly', quantity: 1 }, { templateId: 'goldMonthly', quantity: 2 }] },
  ],
  birthday: { grantOn: 'month_start', tierCoupons: [] },
  memberDay: { coupons: [] },
};

/**
 * The demo's message templates: one official-account template and one subscribe template per kind,
 * so purchases in the demo reach the sandbox's WeChat (which takes any template id; a real brand
 * registers the layouts of docs/messages.md and enters WeChat's ids here).
 */
export const DEMO_MESSAGE_SETTINGS: MessageSettingsBody = {
  templates: NOTIFICATION_KINDS.map((kind) => ({ kind, officialTemplateId: `demo-oa-${kind.replace(/_/g, '-')}`, subscribeTemplateId: `demo-sub-${kind.replace(/_/g, '-')}` })),
  quietHours: { start: '21:30', end: '08:30' },
  dailyCapPerMember: 5,
};

/** The demo chain's recharge packages: 充100, 充300送20 and 充500送50 (that one twice per member). */
export const DEMO_RECHARGE_PACKAGES: CreateRechargePackageRequest[] = [
  { name: '充100元', payFen: 10_000, bonusFen: 0 },
  { name: '充300送20', payFen: 30_000, bonusFen: 2_000 },
  { name: '充500送50', payFen: 50_000, bonusFen: 5_000, perMemberLimit: 2, description: '赠送金额不可退；消费时先扣本金再扣赠送金' },
];

/**
 * The demo chain `npm start` seeds: a brand, 2 regions, 3 stores, one account per role and the demo
 * coupon templates and recharge packages. Its gifts (welcome points, tier packs) and message templates only with
 * `withGifts` (what `npm start` seeds): the tests build their brands from this plan and count points from zero, and
 * send no messages until a test configures templates.
 */
export function demoBrandPlan(appid: string, password: string, usernamePrefix = '', withGifts = false): BrandPlan {
  const u = (name: string) => usernamePrefix + name;
  return {
    couponTemplates: DEMO_COUPON_TEMPLATES,
    rechargePackages: DEMO_RECHARGE_PACKAGES,
    ...(withGifts && { gifts: DEMO_GIFTS, messages: DEMO_MESSAGE_SETTINGS }),
    name: '禾木生活超市',
    appid,
    password,
    regions: [
      {
        name: '华东区',
        stores: [
          { code: 'HZ001', name: '杭州西湖店', address: '浙江省杭州市西湖区文三路 259 号', phone: '0571-8823 6601', hours: '周一至周日 08:00–22:00' },
          { code: 'SH001', name: '上海静安店', address: '上海市静安区南京西路 1618 号 B1 层', phone: '021-6288 3190', hours: '周一至周日 09:00–22:30' },
        ],
      },
      {
        name: '华南区',
        stores: [{ code: 'GZ001', name: '广州天河店', address: '广东省广州市天河区天河路 208 号', phone: '020-3868 5512', hours: '周一至周五 09:00–22:00，周六日 08:30–22:30' }],
      },
    ],
    staff: [
      { username: u('admin'), displayName: '总部管理员', role: 'hq_admin' },
      { username: u('marketer'), displayName: '营销专员小周', role: 'marketer' },
      { username: u('region'), displayName: '华东区经理王磊', role: 'region_manager', region: '华东区' },
      { username: u('manager'), displayName: '西湖店店长李娜', role: 'store_manager', store: 'HZ001' },
      { username: u('clerk'), displayName: '西湖店店员小陈', role: 'clerk', store: 'HZ001' },
    ],
  };
}
