import { chinaDate } from '@wemember/shared';

/**
 * One text to several numbers with one approved template (docs/sms.md). `phones` are mainland
 * mobile numbers (11 digits); `params` fill the template's {1}…{n} in order. `sessionContext` comes
 * back in the provider's records: the campaign engine puts its send key there.
 */
export interface SmsRequest {
  phones: string[];
  templateId: string;
  params: string[];
  sessionContext?: string;
}

/**
 * What became of one number, as the caller must act on it:
 * - `sent`: the provider accepted it (delivery itself is asynchronous);
 * - `rate_limited`: the provider's per-number limit (30 s, 1 hour, a day): try again at `retryAt`;
 * - `retry`: the provider or the network failed this time; a later attempt may succeed;
 * - `final`: this number will not get this text (bad number, opted out at the provider, params that
 *   do not fit the template): record it, never retry;
 * - `halt`: nothing will be sent until staff fix the account (credentials, signature, template,
 *   balance): the campaign pauses and says why.
 */
export type SmsOutcome =
  | { phone: string; status: 'sent'; serialNo: string; fee: number }
  | { phone: string; status: 'rate_limited'; code: string; message: string; retryAt: Date }
  | { phone: string; status: 'retry' | 'final' | 'halt'; code: string; message: string };

/** The SMS channel: the Tencent Cloud adapter in the app, whatever provider comes next behind the same shape. */
export interface SmsSender {
  /** The signature (签名) every text carries, e.g. 【微会员】. */
  readonly signName: string;
  /** One outcome per number of the request, in its order; never throws for a provider answer. */
  send(request: SmsRequest): Promise<SmsOutcome[]>;
}

/** Injection token of the SmsSender; null when SMS is off (production without SMS_ENABLED). */
export const SMS_SENDER = Symbol('SMS_SENDER');

/** Codes after which no later send succeeds until the account is fixed. */
const HALT_CODES = new Set([
  'InvalidParameterValue.SdkAppIdNotExist',
  'FailedOperation.SignatureIncorrectOrUnapproved',
  'FailedOperation.TemplateIncorrectOrUnapproved',
  'FailedOperation.InsufficientBalanceInSmsPackage',
  'FailedOperation.MissingSignature',
  'FailedOperation.MissingTemplateToModify',
  'LimitExceeded.AppDailyLimit',
  'LimitExceeded.AppCountryOrRegionDailyLimit',
]);

/** Codes that say this number (or this text for it) will never go through (listed for the reader: unknown codes are final too). */
export const FINAL_CODES = new Set([
  'InvalidParameterValue.IncorrectPhoneNumber',
  'FailedOperation.PhoneNumberInBlacklist',
  'FailedOperation.PhoneNumberOnBlacklist',
  'FailedOperation.ContainSensitiveWord',
  'FailedOperation.TemplateParamSetNotMatchApprovedTemplate',
  'InvalidParameterValue.TemplateParameterFormatError',
  'InvalidParameterValue.ContentLengthLimit',
  'InvalidParameterValue.TemplateParameterLengthLimit',
  'LimitExceeded.PhoneNumberCountLimit',
  'UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber',
]);

const HOUR_MS = 3600_000;

/** Midnight at the start of the next Shanghai day: when a daily per-number limit lifts. */
export function nextChinaMidnight(now: Date): Date {
  const today = chinaDate(now);
  const midnight = new Date(`${today}T00:00:00+08:00`);
  return new Date(midnight.getTime() + 24 * HOUR_MS);
}

/**
 * The outcome a provider code means (Tencent Cloud SMS API 3.0 error codes, both the request's
 * `Response.Error.Code` and a number's `SendStatus.Code`). An unknown code is `final`: retrying a
 * text the provider refused for a reason we cannot read risks sending a shopper the same offer twice.
 */
export function outcomeOf(phone: string, code: string, message: string, now: Date): SmsOutcome {
  if (code === 'Ok') return { phone, status: 'sent', serialNo: '', fee: 0 };
  const limited = (retryAt: Date): SmsOutcome => ({ phone, status: 'rate_limited', code, message, retryAt });
  switch (code) {
    case 'LimitExceeded.PhoneNumberThirtySecondLimit':
      return limited(new Date(now.getTime() + 30_000));
    case 'LimitExceeded.PhoneNumberOneHourLimit':
      return limited(new Date(now.getTime() + HOUR_MS));
    case 'LimitExceeded.PhoneNumberDailyLimit':
    case 'LimitExceeded.PhoneNumberSameContentDailyLimit':
      return limited(nextChinaMidnight(now));
    case 'LimitExceeded.DeliveryFrequencyLimit':
      return limited(new Date(now.getTime() + 60_000));
  }
  if (code.startsWith('RequestLimitExceeded')) return limited(new Date(now.getTime() + 1000));
  if (code.startsWith('AuthFailure') || code.startsWith('UnauthorizedOperation') || HALT_CODES.has(code)) return { phone, status: 'halt', code, message };
  if (code.startsWith('InternalError') || code === 'FailedOperation.FailResolvePacket' || code === 'NetworkError') {
    return { phone, status: 'retry', code, message };
  }
  // FINAL_CODES, every other InvalidParameter*/MissingParameter, and codes we do not know.
  return { phone, status: 'final', code, message };
}
