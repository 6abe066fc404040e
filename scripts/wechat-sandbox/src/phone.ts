import type { FastifyInstance } from 'fastify';
import { ControlError, WechatError } from './errors';
import { newPhoneCode } from './ids';
import { CODE_LIFETIME_MS } from './login';
import type { AppState, SandboxState } from './state';
import { authenticate } from './tokens';
import { jsonObjectBody, queryOf, wechatRoute } from './wechat-http';

/** What the `<button open-type="getPhoneNumber">` tap yields: a code for one mainland number. */
export function mintPhoneCode(state: SandboxState, appState: AppState, phone: unknown): { code: string } {
  const digits = typeof phone === 'number' ? String(phone) : phone;
  if (typeof digits !== 'string' || !/^\d{11}$/.test(digits)) {
    throw new ControlError(400, 'phone must be an 11-digit mainland China mobile number');
  }
  const code = newPhoneCode();
  appState.phoneCodes.set(code, { phone: digits, issuedAt: state.now() });
  return { code };
}

/**
 * `phonenumber.getPhoneNumber` (§B.1): single-use, 5-minute codes; a reused, expired or unknown
 * code, one minted for another appid, or a wx.login code all answer 40029.
 */
export function redeemPhoneCode(state: SandboxState, appState: AppState, code: unknown): string {
  const phoneCode = typeof code === 'string' ? appState.phoneCodes.get(code) : undefined;
  if (!phoneCode) throw new WechatError(40029);
  if (phoneCode.usedAt !== undefined) throw new WechatError(40029, 'code been used');
  if (state.now() - phoneCode.issuedAt > CODE_LIFETIME_MS) throw new WechatError(40029, 'code expired');
  phoneCode.usedAt = state.now();
  return phoneCode.phone;
}

export function registerPhoneRoutes(scope: FastifyInstance, state: SandboxState): void {
  wechatRoute(scope, state, 'POST', '/wxa/business/getuserphonenumber', (request) => {
    const appState = authenticate(state, queryOf(request), 'miniprogram');
    const phone = redeemPhoneCode(state, appState, jsonObjectBody(request).code);
    return {
      json: {
        errcode: 0,
        errmsg: 'ok',
        phone_info: {
          phoneNumber: phone,
          purePhoneNumber: phone,
          countryCode: '86',
          watermark: { timestamp: Math.floor(state.now() / 1000), appid: appState.app.appid },
        },
      },
    };
  });
}
