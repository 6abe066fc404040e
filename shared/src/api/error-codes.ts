/*
 * Every error code the API answers with, its HTTP status and the sentence a person reads. The server
 * throws these codes (DomainError) and never picks a status itself; the miniapp imports this module
 * on its own (`@wemember/shared/errors`, no zod) to type its error handling and to have a Chinese
 * sentence for every code even when an answer arrives without one.
 */

export interface ApiErrorEntry {
  status: number;
  message: string;
}

export const API_ERRORS = {
  VALIDATION_FAILED: { status: 400, message: '请求参数有误' },
  MALFORMED_BODY: { status: 400, message: '请求内容不是有效的 JSON' },
  BODY_TOO_LARGE: { status: 413, message: '请求内容过大' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '请求内容类型不支持，请使用 application/json' },
  URL_INVALID: { status: 400, message: '请求地址无效' },
  URL_TOO_LONG: { status: 414, message: '请求地址过长' },
  HEADERS_TOO_LARGE: { status: 431, message: '请求头过大' },
  ROUTE_NOT_FOUND: { status: 404, message: '接口不存在' },
  METHOD_NOT_ALLOWED: { status: 405, message: '请求方法不支持' },
  RATE_LIMITED: { status: 429, message: '操作太频繁，请稍后再试' },
  /** Anything unexpected: logged on the server, answered without details. */
  INTERNAL: { status: 500, message: '服务器开小差了，请稍后再试' },

  UNAUTHENTICATED: { status: 401, message: '请先登录' },
  TOKEN_INVALID: { status: 401, message: '登录已失效，请重新登录' },
  NOT_JOINED: { status: 403, message: '请先授权手机号成为会员' },
  WRONG_AUDIENCE: { status: 403, message: '此账号无权访问该接口' },
  FORBIDDEN: { status: 403, message: '无权执行此操作' },

  WECHAT_CODE_INVALID: { status: 400, message: '微信登录凭证无效或已过期，请重新进入小程序' },
  WECHAT_CODE_USED: { status: 400, message: '微信登录凭证已使用，请重新进入小程序' },
  PHONE_CODE_INVALID: { status: 400, message: '手机号授权已失效，请重新授权' },
  PHONE_NOT_SUPPORTED: { status: 400, message: '暂只支持中国大陆手机号入会' },
  WECHAT_RATE_LIMITED: { status: 429, message: '操作太频繁，请稍后再试' },
  WECHAT_UNAVAILABLE: { status: 503, message: '微信服务暂时不可用，请稍后再试' },
  WECHAT_ALREADY_BOUND: { status: 409, message: '该微信已绑定其他手机号的会员' },
  APP_NOT_CONFIGURED: { status: 503, message: '小程序尚未配置品牌' },

  // WeChat edge cases: a token WeChat refuses, and mini-program-code errors that configuration fixes.
  WECHAT_TOKEN_REFUSED: { status: 503, message: '微信服务暂时不可用（接口凭证获取失败），请稍后再试' },
  WXACODE_PAGE_NOT_RELEASED: { status: 409, message: '小程序页面尚未发布或不存在，请先发布小程序再生成小程序码' },
  WXACODE_SCENE_INVALID: { status: 422, message: '小程序码场景值无效：最多 32 个字符，只能含字母、数字和部分符号' },
  WXACODE_ARGS_INVALID: { status: 422, message: '小程序码参数无效（尺寸或版本）' },

  SCENE_UNKNOWN: { status: 404, message: '门店码不存在或已停用' },
  STORE_NOT_FOUND: { status: 404, message: '门店不存在' },

  MEMBER_NOT_FOUND: { status: 404, message: '未找到该会员' },
  MEMBER_CLOSED: { status: 403, message: '会员卡已注销' },
  MEMBER_CODE_INVALID: { status: 400, message: '会员码无效，请让顾客刷新会员码' },
  MEMBER_CODE_EXPIRED: { status: 400, message: '会员码已过期，请让顾客刷新会员码' },
  MEMBER_CODE_LOCKED: { status: 429, message: '该会员码错误次数过多，请稍后再试，或用手机号查找会员' },
  LOOKUP_NOT_ALLOWED: { status: 403, message: '店员请扫描顾客出示的会员码' },

  MEMBER_FROZEN: { status: 403, message: '会员卡已冻结或挂失，暂不能积分或使用积分' },
  AGREEMENT_OUTDATED: { status: 409, message: '协议已更新，请重新阅读并同意后再入会' },
  AVATAR_INVALID: { status: 400, message: '头像应为 JPEG 或 PNG 图片，且不超过 256 KB' },
  AVATAR_NOT_FOUND: { status: 404, message: '头像不存在' },
  MEMBER_CODE_USED: { status: 409, message: '该会员码已用于一次积分抵扣，请让顾客刷新会员码' },
  OTHER_STORE: { status: 403, message: '这是其他门店的记录，请到所属门店办理' },
  BIRTHDAY_ALREADY_SET: { status: 409, message: '生日已设置，如需修改请联系门店' },
  BIRTHDAY_IN_FUTURE: { status: 400, message: '生日不能晚于今天' },

  STORE_REQUIRED: { status: 400, message: '请选择门店（storeId）' },
  ORDER_NOT_FOUND: { status: 404, message: '未找到该消费记录' },
  ORDER_CONFLICT: { status: 409, message: '该小票号已记录过另一笔内容不同的消费' },
  ITEMS_TOTAL_MISMATCH: { status: 400, message: '商品金额合计与订单金额不一致' },
  POINTS_INSUFFICIENT: { status: 422, message: '积分不足' },
  BALANCE_INSUFFICIENT: { status: 422, message: '储值余额不足' },
  REDEEM_OVER_LIMIT: { status: 422, message: '抵扣积分超过本单上限' },
  REDEEM_NOT_WHOLE_FEN: { status: 400, message: '抵扣积分应能折算成整分钱' },
  REFUND_CONFLICT: { status: 409, message: '该退款单号已用于另一笔内容不同的退款' },
  REFUND_EXCEEDS_ORDER: { status: 422, message: '退款金额超过可退金额' },
  ADJUSTMENT_CONFLICT: { status: 409, message: '该 requestId 已用于另一笔内容不同的调整' },
  SETTINGS_CONFLICT: { status: 409, message: '规则已被他人修改，请刷新后再改' },
  API_KEY_INVALID: { status: 401, message: '接口密钥无效或已停用' },
  API_KEY_NOT_FOUND: { status: 404, message: '未找到该接口密钥' },
  BUSY_RETRY: { status: 503, message: '系统繁忙，请稍后重试' },

  COUPON_TEMPLATE_NOT_FOUND: { status: 404, message: '未找到该券' },
  COUPON_NOT_FOUND: { status: 404, message: '券码不存在，请核对后重新输入' },
  COUPON_CODE_INVALID: { status: 400, message: '券码格式不正确，请核对后重新输入' },
  COUPON_LOOKUP_LOCKED: { status: 429, message: '查券错误次数过多，请稍后再试' },
  COUPON_SOLD_OUT: { status: 409, message: '券已领完' },
  COUPON_LIMIT_REACHED: { status: 409, message: '已达到每人限领张数' },
  COUPON_NOT_CLAIMABLE: { status: 409, message: '该券暂不可领取' },
  COUPON_NOT_EXCHANGEABLE: { status: 409, message: '该券暂不可兑换' },
  COUPON_TIER_REQUIRED: { status: 403, message: '您的会员等级暂不能领取该券' },
  COUPON_TEMPLATE_ENDED: { status: 409, message: '该券的有效期已结束' },
  COUPON_ALREADY_REDEEMED: { status: 409, message: '该券已核销' },
  COUPON_IN_USE: { status: 409, message: '该券正在另一笔收银中使用，请稍后再试' },
  COUPON_REVOKED: { status: 409, message: '该券已作废' },
  COUPON_EXPIRED: { status: 422, message: '该券已过期' },
  COUPON_NOT_YET_VALID: { status: 422, message: '该券尚未到使用日期' },
  COUPON_WRONG_STORE: { status: 422, message: '该券不适用于本门店' },
  COUPON_BELOW_THRESHOLD: { status: 422, message: '未达到该券的使用门槛' },
  COUPON_NOT_MEMBERS: { status: 422, message: '该券不属于本单会员' },
  COUPON_NOT_STACKABLE: { status: 422, message: '每单只能使用一张满减或折扣券' },
  COUPON_STOCK_BELOW_ISSUED: { status: 422, message: '库存不能少于已发放的张数' },
  EXCHANGE_CONFLICT: { status: 409, message: '该 requestId 已用于另一笔兑换' },
  GRANT_CONFLICT: { status: 409, message: '该 requestId 已用于另一次发券' },

  RECHARGE_PACKAGE_NOT_FOUND: { status: 404, message: '未找到该充值套餐' },
  RECHARGE_PACKAGE_UNAVAILABLE: { status: 409, message: '该充值套餐暂不可购买' },
  RECHARGE_LIMIT_REACHED: { status: 409, message: '已达到该套餐的限购次数' },
  RECHARGE_ORDER_NOT_FOUND: { status: 404, message: '未找到该充值订单' },
  RECHARGE_NOT_REFUNDABLE: { status: 422, message: '该笔充值没有可退的本金' },
  RECHARGE_REFUND_PENDING: { status: 409, message: '该笔充值已有退款在处理中' },
  RECHARGE_REFUND_NOT_FOUND: { status: 404, message: '未找到该退款申请' },
  RECHARGE_REFUND_DECIDED: { status: 409, message: '该退款申请已处理' },
  RECHARGE_REFUND_CONFLICT: { status: 409, message: '该 requestId 已用于另一笔退款' },
  BALANCE_OVER_PAYABLE: { status: 422, message: '储值支付金额超过应付金额' },
  WECHAT_PAY_UNAVAILABLE: { status: 503, message: '微信支付暂时不可用，请稍后再试' },
  PAY_SIGNATURE_INVALID: { status: 401, message: '微信支付通知验签失败' },
  PAY_NOTIFY_INVALID: { status: 400, message: '微信支付通知内容无效' },

  CHECKIN_DISABLED: { status: 409, message: '本品牌暂未开放签到' },
  CHECKIN_MAKEUP_DISABLED: { status: 409, message: '本品牌暂未开放补签' },
  CHECKIN_MAKEUP_LIMIT: { status: 409, message: '本月补签次数已用完' },
  CHECKIN_ALREADY: { status: 409, message: '这一天已经签到过了' },
  NOT_MEMBER_DAY: { status: 409, message: '今天不是会员日' },
  MEMBER_DAY_NO_COUPONS: { status: 409, message: '本次会员日没有可领的礼券' },
  SUBSCRIBE_TEMPLATE_UNKNOWN: { status: 400, message: '不是本品牌的订阅消息模板' },
  OFFICIAL_SIGNATURE_INVALID: { status: 403, message: '公众号推送验签失败' },
  OFFICIAL_PUSH_INVALID: { status: 400, message: '公众号推送内容无效' },
  OFFICIAL_ACCOUNT_DISABLED: { status: 404, message: '未配置公众号' },
  SMS_DISABLED: { status: 404, message: '未开通短信' },
  SMS_CALLBACK_TOKEN_INVALID: { status: 401, message: '短信回调地址的令牌不正确' },
  SEGMENT_NOT_FOUND: { status: 404, message: '未找到该人群' },
  SEGMENT_CONFLICT: { status: 409, message: '该人群已被他人修改，请刷新后再改' },
  CAMPAIGN_NOT_FOUND: { status: 404, message: '未找到该营销活动' },
  CAMPAIGN_CONFLICT: { status: 409, message: '该营销活动已被他人修改，请刷新后再改' },
  CAMPAIGN_NOT_DRAFT: { status: 409, message: '活动已启动，不能再修改' },
  CAMPAIGN_STATE: { status: 409, message: '活动当前状态不能进行此操作' },

  STAFF_LOGIN_FAILED: { status: 401, message: '账号或密码错误' },
  STAFF_DISABLED: { status: 403, message: '账号已停用，请联系管理员' },
} as const satisfies Record<string, ApiErrorEntry>;

/** The `code` of every error answer: adding a code means adding its status and message above. */
export type ApiErrorCode = keyof typeof API_ERRORS;

/** The codes as a list, in the table's order (for z.enum and documentation). */
export const API_ERROR_CODES = Object.keys(API_ERRORS) as [ApiErrorCode, ...ApiErrorCode[]];

/** True for a code of the table (not for inherited names such as `toString`). */
export function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(API_ERRORS, value);
}
