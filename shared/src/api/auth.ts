import { z } from 'zod';
import { SCENE_CHARSET, SCENE_MAX_LENGTH } from '../scene';
import { welcomeGiftSchema } from './coupons';
import { memberCardSchema } from './member';
import { acceptedAgreementsSchema } from './member-centre';

/** A wx.login / phone-button code: opaque, short, printable. */
const wechatCode = (what: string) =>
  z
    .string({ error: `缺少${what}` })
    .min(1, `${what}不能为空`)
    .max(128, `${what}过长`)
    .regex(/^[\x21-\x7e]+$/, `${what}格式不正确`);

export const memberLoginRequestSchema = z
  .object({
    code: wechatCode('登录凭证 code'),
    scene: z
      .string()
      .max(SCENE_MAX_LENGTH, `scene 不能超过 ${SCENE_MAX_LENGTH} 个字符`)
      .regex(SCENE_CHARSET, 'scene 含有不允许的字符')
      .optional(),
  })
  .strict();
export type MemberLoginRequest = z.infer<typeof memberLoginRequestSchema>;

export const memberPhoneRequestSchema = z
  .object({
    phoneCode: wechatCode('手机号授权凭证 phoneCode'),
    /** The 会员协议 and 隐私政策 versions the shopper ticked; nothing is stored without them. */
    acceptedAgreements: acceptedAgreementsSchema,
  })
  .strict();
export type MemberPhoneRequest = z.infer<typeof memberPhoneRequestSchema>;

/** `member` is null until the shopper has joined; such a token only allows joining. */
export const memberAuthResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  member: memberCardSchema.nullable(),
});
export type MemberAuthResponse = z.infer<typeof memberAuthResponseSchema>;

/** The answer to joining: `welcomeBack` is true when the phone already had a card (欢迎回来, not 入会成功). */
export const memberJoinResponseSchema = memberAuthResponseSchema.extend({
  member: memberCardSchema,
  welcomeBack: z.boolean(),
  /** What joining gave (welcome points and coupons), shown right after joining; null on a welcome back or when nothing is configured. */
  welcomeGift: welcomeGiftSchema,
});
export type MemberJoinResponse = z.infer<typeof memberJoinResponseSchema>;
