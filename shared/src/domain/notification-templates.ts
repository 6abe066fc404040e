import { chinaDateTime } from '../china-time';
import type { NotificationKind, NotificationPayload } from './notifications';

/*
 * How each kind of notification is laid out as WeChat template data (docs/messages.md lists the
 * layouts a brand registers, for the official account's 模板消息 and the mini-program's 订阅消息
 * alike). WeChat checks every value against its key's type (47003, docs/wechat.md §D/§E): `thing`
 * at most 20 characters, `number` digits with an optional minus, `amount` a non-negative yuan
 * amount, `date`/`time` dates and clock times, `phrase` at most 5 Chinese characters. A payload
 * that would break a rule is shaped here (names shortened, signs moved into a phrase), because a
 * refused send is lost: WeChat keeps no draft.
 */

export type TemplateValues = Record<string, { value: string }>;

/** Characters as WeChat counts them: code points, so an emoji or a rare Han character is one. */
function chars(value: string): string[] {
  return [...value];
}

/** A `thing` value: trimmed, at most 20 characters (the last one an ellipsis when cut), never empty. */
export function thingValue(value: string, fallback = '—'): string {
  const text = chars(value.replace(/\s+/g, ' ').trim());
  if (text.length === 0) return fallback;
  return text.length <= 20 ? text.join('') : `${text.slice(0, 19).join('')}…`;
}

/** A `number` value: an integer, with its minus sign when negative. */
function numberValue(value: number): string {
  return String(Number.isFinite(value) ? Math.trunc(value) : 0);
}

/** An `amount` value in yuan ("12.30"): WeChat allows no sign and at most 10 integer digits. */
function amountValue(fen: number): string {
  const abs = Math.min(Math.abs(Math.trunc(Number.isFinite(fen) ? fen : 0)), 9_999_999_999_99);
  return `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A `time` value: the instant as Shanghai wall-clock time, "2026-06-02 10:05". */
function timeValue(iso: string): string {
  const at = new Date(iso);
  return chinaDateTime(Number.isNaN(at.getTime()) ? new Date(0) : at);
}

/** A `date` value from a Shanghai YYYY-MM-DD (or an ISO instant). */
function dateValue(date: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : timeValue(date).slice(0, 10);
}

/** The `{key: {value}}` WeChat is sent for `payload`: the same keys on both channels. */
export function templateData(payload: NotificationPayload): TemplateValues {
  const v = (value: string) => ({ value });
  switch (payload.kind) {
    case 'points_changed':
      return {
        thing1: v(thingValue(payload.reason, '积分变动')),
        number2: v(numberValue(payload.change)),
        number3: v(numberValue(payload.balance)),
        time4: v(timeValue(payload.at)),
      };
    case 'points_expiring':
      return {
        number1: v(numberValue(payload.points)),
        date2: v(dateValue(payload.expiresOn)),
        thing3: v('积分即将过期，请尽快使用'),
      };
    case 'coupon_received':
      return {
        thing1: v(thingValue(payload.couponName, '优惠券')),
        number2: v(numberValue(payload.count)),
        thing3: v(thingValue(payload.source, '品牌赠送')),
        thing4: v(payload.validTo ? `${dateValue(payload.validTo)} 前有效` : '长期有效'),
      };
    case 'coupon_expiring':
      return {
        thing1: v(thingValue(payload.couponName, '优惠券')),
        number2: v(numberValue(payload.count)),
        date3: v(dateValue(payload.validTo)),
        thing4: v('优惠券即将过期，请尽快使用'),
      };
    case 'balance_changed':
      return {
        thing1: v(thingValue(payload.reason, '储值余额变动')),
        phrase2: v(payload.changeFen < 0 ? '减少' : '增加'),
        amount3: v(amountValue(payload.changeFen)),
        amount4: v(amountValue(payload.balanceFen)),
        time5: v(timeValue(payload.at)),
      };
    case 'tier_changed':
      return {
        thing1: v(thingValue(payload.from, '普通会员')),
        thing2: v(thingValue(payload.to, '普通会员')),
        time3: v(timeValue(payload.at)),
      };
    case 'birthday':
      return {
        thing1: v('生日快乐，感谢您一路相伴'),
        thing2: v(thingValue(payload.gift ?? '', '生日当月专属礼遇')),
        date3: v(timeValue(payload.at).slice(0, 10)),
      };
  }
}

/** The mini-program page a message opens (a tab page or a subpackage page of miniapp/src/app.config.ts). */
export function notificationPage(kind: NotificationKind): string {
  switch (kind) {
    case 'points_changed':
    case 'points_expiring':
      return 'pages/points/index';
    case 'coupon_received':
    case 'coupon_expiring':
      return 'coupons/mine/index';
    case 'balance_changed':
      return 'wallet/balance/index';
    case 'tier_changed':
      return 'pages/tiers/index';
    case 'birthday':
      return 'pages/card/index';
  }
}
