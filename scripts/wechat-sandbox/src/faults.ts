import { ControlError, isWechatErrcode, WECHAT_ERRMSG, type WechatErrcode } from './errors';
import { NOTIFY_MODES, type NotifyFault, type NotifyMode } from './pay-state';
import { injectSmsFault } from './sms';
import type { Fault, SandboxState } from './state';

/** What `GET /__sandbox/faults` lists: a pending fault with the errmsg it will answer. */
export interface FaultView {
  path: string;
  errcode: number;
  errmsg: string;
  remaining: number;
}

/** A `delay` fault holds a notification back past the first retry (15 s) by default. */
const DEFAULT_NOTIFY_DELAY_SECONDS = 60;

function view(fault: Fault): FaultView {
  return { path: fault.path, errcode: fault.errcode, errmsg: WECHAT_ERRMSG[fault.errcode], remaining: fault.remaining };
}

function positiveTimes(times: unknown): number {
  if (typeof times !== 'number' || !Number.isSafeInteger(times) || times < 1) {
    throw new ControlError(400, 'times must be a positive integer');
  }
  return times;
}

/**
 * `POST /__sandbox/faults {notify, times?, delaySeconds?}`: how the next `times` (default 1) WeChat
 * Pay notifications (a payment's or a refund's) are delivered — `drop`, `duplicate`, `delay`,
 * `signtest` or `normal`. One pending at a time: a new one replaces it.
 */
function injectNotifyFault(state: SandboxState, body: Record<string, unknown>): NotifyFault {
  const { notify } = body;
  if (typeof notify !== 'string' || !(NOTIFY_MODES as readonly string[]).includes(notify)) {
    throw new ControlError(400, `notify must be one of ${NOTIFY_MODES.join(', ')}`);
  }
  const delaySeconds = body.delaySeconds ?? DEFAULT_NOTIFY_DELAY_SECONDS;
  if (typeof delaySeconds !== 'number' || !Number.isFinite(delaySeconds) || delaySeconds < 0) {
    throw new ControlError(400, 'delaySeconds must be a number of seconds, 0 or more');
  }
  const fault: NotifyFault = { notify: notify as NotifyMode, remaining: positiveTimes(body.times ?? 1), delaySeconds };
  state.pay.notifyFault = fault;
  return { ...fault };
}

/**
 * `POST /__sandbox/faults {path, errcode, times?}`: the next `times` (default 1) calls to `path`
 * answer `errcode` with WeChat's errmsg, before any other check, and change nothing else (a faulted
 * code exchange does not spend the code). Tools and e2e tests rely on this body shape: keep it.
 * A new fault for a path replaces the pending one, so "the next `times` calls" stays literally true.
 */
export function injectFault(state: SandboxState, body: Record<string, unknown>): FaultView | NotifyFault | SmsFaultView {
  if ('notify' in body) return injectNotifyFault(state, body);
  if ('sms' in body) return injectSmsFault(state.sms, body);
  const { path, errcode } = body;
  if (typeof path !== 'string' || !state.endpoints.has(path)) {
    throw new ControlError(400, `path must be one of the WeChat APIs the sandbox serves: ${[...state.endpoints].sort().join(', ')}`);
  }
  if (!isWechatErrcode(errcode)) {
    throw new ControlError(400, `errcode must be one of the WeChat errcodes the sandbox knows: ${Object.keys(WECHAT_ERRMSG).join(', ')}`);
  }
  const fault: Fault = { path, errcode, remaining: positiveTimes(body.times ?? 1) };
  state.faults.set(path, fault);
  return view(fault);
}

/** A pending Tencent Cloud SMS fault: the next `remaining` SendSms calls answer this `Response.Error.Code`. */
export interface SmsFaultView {
  sms: string;
  remaining: number;
}

/** The pending faults: one per WeChat path, then the notify fault and the SMS fault if any. */
export function listFaults(state: SandboxState): Array<FaultView | NotifyFault | SmsFaultView> {
  const notify = state.pay.notifyFault;
  const sms = state.sms.fault;
  return [...[...state.faults.values()].map(view), ...(notify ? [{ ...notify }] : []), ...(sms ? [{ sms: sms.code, remaining: sms.remaining }] : [])];
}

/**
 * Clears every pending fault (both kinds), only the one on `path`, or with `notify` only the notify
 * fault; answers how many were cleared.
 */
export function clearFaults(state: SandboxState, which: { path?: string; notify?: string; sms?: string }): number {
  const { path, notify } = which;
  if (which.sms !== undefined) {
    const cleared = state.sms.fault ? 1 : 0;
    state.sms.fault = null;
    return cleared;
  }
  if (notify !== undefined) {
    const cleared = state.pay.notifyFault ? 1 : 0;
    state.pay.notifyFault = null;
    return cleared;
  }
  if (path === undefined || path === '') {
    const cleared = state.faults.size + (state.pay.notifyFault ? 1 : 0) + (state.sms.fault ? 1 : 0);
    state.faults.clear();
    state.pay.notifyFault = null;
    state.sms.fault = null;
    return cleared;
  }
  return state.faults.delete(path) ? 1 : 0;
}

/** Spends one call of the fault on `path`, if any: the errcode this call must answer. */
export function takeFault(state: SandboxState, path: string): WechatErrcode | undefined {
  const fault = state.faults.get(path);
  if (!fault) return undefined;
  fault.remaining -= 1;
  if (fault.remaining <= 0) state.faults.delete(path);
  return fault.errcode;
}
