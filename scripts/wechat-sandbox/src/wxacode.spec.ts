import { decode as decodeJpeg } from 'jpeg-js';
import jsQR from 'jsqr';
import type { RunningSandbox } from './index';
import { aMiniProgram, control, errcodeOf, postWithToken, startTestSandbox, wechatClient, type WechatApiClient } from './spec-support';

const PAGES = ['pages/index/index', 'pages/store/index', 'pages/member/card'];

function readQrCode(jpeg: Buffer): { text: string; width: number } {
  const image = decodeJpeg(jpeg, { useTArray: true, formatAsRGBA: true });
  const rgba = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length);
  const code = jsQR(rgba, image.width, image.height);
  if (!code) throw new Error('no QR code found in the image');
  return { text: code.data, width: image.width };
}

describe('getwxacodeunlimit (§F)', () => {
  const miniProgram = aMiniProgram();
  let sandbox: RunningSandbox;
  let api: WechatApiClient;

  beforeAll(async () => {
    ({ sandbox } = await startTestSandbox({ apps: [miniProgram], pages: PAGES }));
    api = wechatClient(sandbox, miniProgram);
  });
  afterAll(() => sandbox.close());

  function getCode(body: object): Promise<unknown> {
    return postWithToken(api, `${api.wxaPrefix}getwxacodeunlimit`, body);
  }

  it('returns a real JPEG of a QR code that carries the scene and page', async () => {
    const scene = "s=shop9&m=12345!*'()";

    const jpeg = await api.getWXACodeUnlimit(scene, 'pages/store/index', 430);

    expect(Buffer.isBuffer(jpeg)).toBe(true);
    expect([...jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    const qr = readQrCode(jpeg);
    expect(qr.width).toBe(430);
    const content = new URL(qr.text);
    expect(content.searchParams.get('scene')).toBe(scene);
    expect(content.searchParams.get('page')).toBe('pages/store/index');
    expect(content.searchParams.get('appid')).toBe(miniProgram.appid);
  });

  it('draws at the requested width, the extremes included', async () => {
    expect(readQrCode(await api.getWXACodeUnlimit('w=280', 'pages/index/index', 280)).width).toBe(280);
    expect(readQrCode(await api.getWXACodeUnlimit('w=1280', 'pages/index/index', 1280)).width).toBe(1280);
  });

  it('lets the scan open the page with the scene URL-encoded in query.scene, launch scene 1047', async () => {
    await api.getWXACodeUnlimit('m=42&s=7', 'pages/member/card');

    const launch = await control(sandbox, 'POST', '/scan', { scene: 'm=42&s=7' });

    expect(launch.body).toEqual({
      path: 'pages/member/card',
      query: { scene: encodeURIComponent('m=42&s=7') },
      scene: 1047,
      appid: miniProgram.appid,
    });
    const listed = await control<{ wxacodes: Array<{ scene: string; page: string }> }>(sandbox, 'GET', '/wxacodes?scene=m%3D42%26s%3D7');
    expect(listed.body.wxacodes).toEqual([expect.objectContaining({ scene: 'm=42&s=7', page: 'pages/member/card' })]);
  });

  it('opens the home page (the first configured page) when no page was given', async () => {
    await api.getWXACodeUnlimit('home=1');

    expect((await control(sandbox, 'POST', '/scan', { scene: 'home=1' })).body.path).toBe('pages/index/index');
  });

  it('answers 404 to a scan of a scene never generated', async () => {
    expect((await control(sandbox, 'POST', '/scan', { scene: 'never=1' })).status).toBe(404);
  });

  it('answers 40169 for an empty or over-long scene, or a body that is not JSON', async () => {
    const { accessToken } = await api.ensureAccessToken();
    const notJson = await fetch(`${sandbox.url}/wxa/getwxacodeunlimit?access_token=${accessToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'scene=a%3D1',
    });

    expect(await errcodeOf(api.getWXACodeUnlimit(''))).toBe(40169);
    expect(await errcodeOf(api.getWXACodeUnlimit('x'.repeat(33)))).toBe(40169);
    expect(((await notJson.json()) as { errcode: number }).errcode).toBe(40169);
    expect(notJson.headers.get('content-type')).toBe('application/json; encoding=utf-8');
  });

  it('answers 40129 for characters outside the allowed set', async () => {
    expect(await errcodeOf(api.getWXACodeUnlimit('a%3D1'))).toBe(40129);
    expect(await errcodeOf(api.getWXACodeUnlimit('门店=9'))).toBe(40129);
    expect(await errcodeOf(api.getWXACodeUnlimit('a b'))).toBe(40129);
  });

  it('answers 41030 for a page with a leading slash, a query, or not released', async () => {
    expect(await errcodeOf(getCode({ scene: 'a=1', page: '/pages/index/index' }))).toBe(41030);
    expect(await errcodeOf(getCode({ scene: 'a=1', page: 'pages/index/index?x=1' }))).toBe(41030);
    expect(await errcodeOf(getCode({ scene: 'a=1', page: 'pages/unreleased/index' }))).toBe(41030);
    expect(Buffer.isBuffer(await getCode({ scene: 'a=1', page: 'pages/unreleased/index', check_path: false }))).toBe(true);
  });

  it('answers 40097 for a width outside 280-1280 or an unknown env_version', async () => {
    expect(await errcodeOf(api.getWXACodeUnlimit('a=1', 'pages/index/index', 279))).toBe(40097);
    expect(await errcodeOf(api.getWXACodeUnlimit('a=1', 'pages/index/index', 1281))).toBe(40097);
    expect(await errcodeOf(getCode({ scene: 'a=1', env_version: 'beta' }))).toBe(40097);
  });
});
