import { TestStack } from '../support/stack';

/**
 * The store-code image route (GET /staff/stores/:id/wxacode) when WeChat's getwxacodeunlimit
 * fails: errors that configuration fixes are told apart from WeChat being down or busy.
 */
describe('store code image: getwxacodeunlimit errors', () => {
  let stack: TestStack;
  let staffToken: string;
  let imagePath: string;

  beforeAll(async () => {
    stack = await TestStack.start();
    staffToken = await stack.staffToken('admin');
    imagePath = `/staff/stores/${stack.store('SH001').id}/wxacode`;
  });
  afterAll(() => stack?.close());

  async function imageWhenWechatAnswers(errcode: number) {
    await stack.wechat('/faults', { path: '/wxa/getwxacodeunlimit', errcode, times: 1 });
    return stack.api('GET', imagePath, { token: staffToken });
  }

  it('works while WeChat is fine (a JPEG)', async () => {
    const image = await stack.api('GET', imagePath, { token: staffToken });

    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    expect([...(image.body as Buffer).subarray(0, 2)]).toEqual([0xff, 0xd8]);
  });

  it.each([
    [41030, 409, 'WXACODE_PAGE_NOT_RELEASED', '小程序页面尚未发布或不存在，请先发布小程序再生成小程序码'],
    [40129, 422, 'WXACODE_SCENE_INVALID', '小程序码场景值无效：最多 32 个字符，只能含字母、数字和部分符号'],
    [40169, 422, 'WXACODE_SCENE_INVALID', '小程序码场景值无效：最多 32 个字符，只能含字母、数字和部分符号'],
    [40097, 422, 'WXACODE_ARGS_INVALID', '小程序码参数无效（尺寸或版本）'],
  ])('errcode %d, which configuration fixes, answers %d %s in Chinese, not 503', async (errcode, status, code, message) => {
    const answer = await imageWhenWechatAnswers(errcode);

    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toEqual({ statusCode: status, code, message });
  });

  it('errcode -1 (WeChat busy) stays 503 WECHAT_UNAVAILABLE', async () => {
    const answer = await imageWhenWechatAnswers(-1);

    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ statusCode: 503, code: 'WECHAT_UNAVAILABLE', message: '微信服务暂时不可用，请稍后再试' });
  });

  it('errcode 45009 (the 5,000-a-minute limit) answers 429 WECHAT_RATE_LIMITED with Retry-After', async () => {
    const answer = await imageWhenWechatAnswers(45009);

    expect(answer.status).toBe(429);
    expect(answer.body.code).toBe('WECHAT_RATE_LIMITED');
    expect(answer.headers.get('retry-after')).toBe('60');
  });

  it('a later request succeeds once the fault is over', async () => {
    await imageWhenWechatAnswers(41030);

    const image = await stack.api('GET', imagePath, { token: staffToken });

    expect(image.status).toBe(200);
    expect([...(image.body as Buffer).subarray(0, 2)]).toEqual([0xff, 0xd8]);
  });
});
