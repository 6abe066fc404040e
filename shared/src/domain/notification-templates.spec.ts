// The sandbox's own 47003 checker: the layouts must pass what WeChat (as the sandbox plays it) accepts.
import { checkTemplateData } from '../../../scripts/wechat-sandbox/src/template-data';
import { notificationPage, templateData, thingValue } from './notification-templates';
import { NOTIFICATION_KINDS, type NotificationPayload } from './notifications';

const AT = '2026-06-02T02:05:00.000Z';
const LONG = '上海静安嘉里中心旗舰店（二期）南京西路一千五百五十一号店';

const ordinary: NotificationPayload[] = [
  { kind: 'points_changed', change: 120, balance: 1_520, reason: '静安店 消费 ¥120.00', at: AT },
  { kind: 'points_expiring', points: 300, expiresOn: '2026-12-31' },
  { kind: 'coupon_received', couponName: '满100减20', count: 1, source: '新会员礼', validTo: '2026-07-01' },
  { kind: 'coupon_expiring', couponName: '满100减20', count: 2, validTo: '2026-07-01' },
  { kind: 'balance_changed', changeFen: 50_000, balanceFen: 55_000, reason: '储值充值', at: AT },
  { kind: 'tier_changed', from: '普通会员', to: '银卡会员', at: AT },
  { kind: 'birthday', gift: '生日蛋糕券', at: AT },
];

const extreme: NotificationPayload[] = [
  { kind: 'points_changed', change: -9_876_543_210, balance: 0, reason: LONG, at: AT },
  { kind: 'points_changed', change: 0, balance: 123_456_789_012, reason: '   ', at: 'not a time' },
  { kind: 'points_expiring', points: 99_999_999, expiresOn: '2099-12-31' },
  { kind: 'coupon_received', couponName: `${LONG}🎂🎂🎂`, count: 500, source: LONG, validTo: null },
  { kind: 'coupon_received', couponName: '', count: 1, source: '', validTo: '2026-07-01T15:59:59.000Z' },
  { kind: 'coupon_expiring', couponName: LONG, count: 1, validTo: '2026-02-28' },
  { kind: 'balance_changed', changeFen: -100_000_000, balanceFen: 0, reason: LONG, at: AT },
  { kind: 'balance_changed', changeFen: -1, balanceFen: 999_999_999_999, reason: '', at: AT },
  { kind: 'tier_changed', from: '', to: LONG, at: AT },
  { kind: 'birthday', gift: null, at: AT },
  { kind: 'birthday', gift: LONG, at: AT },
];

describe('notification template data', () => {
  it.each([...ordinary, ...extreme].map((p) => [p.kind, p] as const))('%s passes WeChat’s key-type checks', (_kind, payload) => {
    const data = templateData(payload);
    expect(Object.keys(data).length).toBeGreaterThan(0);
    expect(() => checkTemplateData(data)).not.toThrow();
  });

  it('covers every kind, with a page of the mini-program', () => {
    expect(new Set(ordinary.map((p) => p.kind))).toEqual(new Set(NOTIFICATION_KINDS));
    for (const kind of NOTIFICATION_KINDS) expect(notificationPage(kind)).toMatch(/^[a-z-]+\/[a-z-]+\/index$/);
  });

  it('shows what happened: signs, balances and Shanghai times', () => {
    expect(templateData(ordinary[0])).toEqual({
      thing1: { value: '静安店 消费 ¥120.00' },
      number2: { value: '120' },
      number3: { value: '1520' },
      time4: { value: '2026-06-02 10:05' },
    });
    expect(templateData(extreme[0]).number2).toEqual({ value: '-9876543210' });
    expect(templateData(extreme[6])).toMatchObject({ phrase2: { value: '减少' }, amount3: { value: '1000000.00' }, amount4: { value: '0.00' } });
    expect(templateData(extreme[3]).thing4).toEqual({ value: '长期有效' });
  });

  it('cuts a long thing to 20 characters with an ellipsis, counting emoji as one', () => {
    const cut = thingValue(`${'券'.repeat(18)}🎂🎂🎂`);
    expect([...cut]).toHaveLength(20);
    expect(cut.endsWith('…')).toBe(true);
    expect(thingValue('满100减20')).toBe('满100减20');
    expect(thingValue('  ', '优惠券')).toBe('优惠券');
  });
});
