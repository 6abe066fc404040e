import type { FastifyInstance } from 'fastify';
import { ControlError, WechatError } from './errors';
import { renderQrCodeJpeg } from './qr-image';
import type { AppState, GeneratedWxacode, SandboxState } from './state';
import { authenticate } from './tokens';
import { jsonObjectBody, queryOf, wechatRoute } from './wechat-http';

/** §F: at most 32 visible chars from this set; `%` is not allowed. */
const SCENE_MAX_LENGTH = 32;
const SCENE_CHARACTERS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]*$/;
const ENV_VERSIONS = ['release', 'trial', 'develop'];
const DEFAULT_WIDTH = 430;
const MIN_WIDTH = 280;
const MAX_WIDTH = 1280;
const DEFAULT_HOME_PAGE = 'pages/index/index';
/** What the drawn QR code holds; `.invalid` can never resolve to a real host. */
const CODE_CONTENT_BASE = 'https://sandbox.wemember.invalid/wxacode';
/** Launch scene id of "scan a mini-program code" (§F). */
const SCAN_LAUNCH_SCENE = 1047;

interface WxacodeSpec {
  scene: string;
  page: string | null;
  envVersion: string;
  width: number;
}

function sceneOf(value: unknown): string {
  const scene = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof scene !== 'string' || scene.length === 0 || scene.length > SCENE_MAX_LENGTH) throw new WechatError(40169);
  if (!SCENE_CHARACTERS.test(scene)) throw new WechatError(40129);
  return scene;
}

/** `page` has no leading `/` and no query; with check_path it must exist in the release (§F). */
function pageOf(state: SandboxState, value: unknown, checkPath: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.startsWith('/') || value.includes('?')) throw new WechatError(41030);
  if (checkPath !== false && state.pages.length > 0 && !state.pages.includes(value)) throw new WechatError(41030);
  return value;
}

function widthOf(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_WIDTH;
  const width = typeof value === 'string' ? Number(value) : value;
  if (typeof width !== 'number' || !Number.isFinite(width) || width < MIN_WIDTH || width > MAX_WIDTH) {
    throw new WechatError(40097, `width must be ${MIN_WIDTH}-${MAX_WIDTH}`);
  }
  return Math.round(width);
}

function envVersionOf(value: unknown): string {
  if (value === undefined || value === null) return 'release';
  if (typeof value !== 'string' || !ENV_VERSIONS.includes(value)) throw new WechatError(40097, 'invalid env_version');
  return value;
}

export function readWxacodeSpec(state: SandboxState, body: Record<string, unknown>): WxacodeSpec {
  return {
    scene: sceneOf(body.scene),
    page: pageOf(state, body.page, body.check_path),
    envVersion: envVersionOf(body.env_version),
    width: widthOf(body.width),
  };
}

function homePage(state: SandboxState): string {
  return state.pages[0] ?? DEFAULT_HOME_PAGE;
}

/** Draws the code and records it so that `/__sandbox/scan` can find it. */
export function generateWxacode(state: SandboxState, appState: AppState, spec: WxacodeSpec): Buffer {
  const path = spec.page ?? homePage(state);
  const content =
    `${CODE_CONTENT_BASE}?appid=${encodeURIComponent(appState.app.appid)}` +
    `&page=${encodeURIComponent(path)}&scene=${encodeURIComponent(spec.scene)}`;
  const image = renderQrCodeJpeg(content, spec.width);
  state.recordWxacode({ appid: appState.app.appid, ...spec, path, content, at: state.isoNow() });
  return image;
}

/**
 * What the mini-program receives when a user scans a generated code: the page opens with the
 * scene URL-encoded in `query.scene`, and the launch scene id is 1047 (§F).
 */
export function scanWxacode(
  state: SandboxState,
  scene: unknown,
  appid?: unknown,
): { path: string; query: { scene: string }; scene: number; appid: string } {
  if (typeof scene !== 'string' || scene === '') throw new ControlError(400, 'scene is required');
  const code = [...state.wxacodes]
    .reverse()
    .find((candidate: GeneratedWxacode) => candidate.scene === scene && (!appid || candidate.appid === appid));
  if (!code) throw new ControlError(404, `no mini-program code was generated for scene ${scene}`);
  return { path: code.path, query: { scene: encodeURIComponent(code.scene) }, scene: SCAN_LAUNCH_SCENE, appid: code.appid };
}

export function registerWxacodeRoutes(scope: FastifyInstance, state: SandboxState): void {
  wechatRoute(scope, state, 'POST', '/wxa/getwxacodeunlimit', (request) => {
    const appState = authenticate(state, queryOf(request), 'miniprogram');
    // A body that is not JSON is 40169 here, like an invalid scene (§F).
    const spec = readWxacodeSpec(state, jsonObjectBody(request, 40169, 40169));
    return { image: generateWxacode(state, appState, spec), contentType: 'image/jpeg' };
  });
}
