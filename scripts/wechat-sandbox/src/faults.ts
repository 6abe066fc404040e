import { ControlError, isWechatErrcode, WECHAT_ERRMSG, type WechatErrcode } from './errors';
import type { Fault, SandboxState } from './state';

/** What `GET /__sandbox/faults` lists: a pending fault with the errmsg it will answer. */
export interface FaultView {
  path: string;
  errcode: number;
  errmsg: string;
  remaining: number;
}

function view(fault: Fault): FaultView {
  return { path: fault.path, errcode: fault.errcode, errmsg: WECHAT_ERRMSG[fault.errcode], remaining: fault.remaining };
}

/**
 * `POST /__sandbox/faults {path, errcode, times?}`: the next `times` (default 1) calls to `path`
 * answer `errcode` with WeChat's errmsg, before any other check, and change nothing else (a faulted
 * code exchange does not spend the code). Tools and e2e tests rely on this body shape: keep it.
 * A new fault for a path replaces the pending one, so "the next `times` calls" stays literally true.
 */
export function injectFault(state: SandboxState, body: Record<string, unknown>): FaultView {
  const { path, errcode } = body;
  const times = body.times ?? 1;
  if (typeof path !== 'string' || !state.endpoints.has(path)) {
    throw new ControlError(400, `path must be one of the WeChat APIs the sandbox serves: ${[...state.endpoints].sort().join(', ')}`);
  }
  if (!isWechatErrcode(errcode)) {
    throw new ControlError(400, `errcode must be one of the WeChat errcodes the sandbox knows: ${Object.keys(WECHAT_ERRMSG).join(', ')}`);
  }
  if (typeof times !== 'number' || !Number.isSafeInteger(times) || times < 1) {
    throw new ControlError(400, 'times must be a positive integer');
  }
  const fault: Fault = { path, errcode, remaining: times };
  state.faults.set(path, fault);
  return view(fault);
}

export function listFaults(state: SandboxState): FaultView[] {
  return [...state.faults.values()].map(view);
}

/** Clears every pending fault, or only the one on `path`; answers how many were cleared. */
export function clearFaults(state: SandboxState, path?: string): number {
  if (path === undefined || path === '') {
    const cleared = state.faults.size;
    state.faults.clear();
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
