import { redactWechatSecrets, wechatErrcode } from './wechat-api-error';

describe('redactWechatSecrets', () => {
  it('masks the AppSecret, access token and codes that co-wechat-api and httpx put in error messages', () => {
    const httpxMessage =
      'connect ECONNREFUSED 127.0.0.1:9. GET http://127.0.0.1:9/sns/jscode2session?appid=wx1234&secret=s3cr3t-value&js_code=0a1b2c&grant_type=authorization_code failed.';
    const statusMessage = 'url: http://127.0.0.1:9/wxa/getwxacodeunlimit?access_token=81_AbC-dEf, status code: 502';
    const parseMessage = 'JSON.parse error. buffer is {"access_token":"81_AbC-dEf","session_key":"tiihtNczf5v6AKRyjwEUhQ==",';

    expect(redactWechatSecrets(httpxMessage)).toBe(
      'connect ECONNREFUSED 127.0.0.1:9. GET http://127.0.0.1:9/sns/jscode2session?appid=wx1234&secret=***&js_code=***&grant_type=authorization_code failed.',
    );
    expect(redactWechatSecrets(statusMessage)).toBe('url: http://127.0.0.1:9/wxa/getwxacodeunlimit?access_token=***, status code: 502');
    expect(redactWechatSecrets(parseMessage)).toBe('JSON.parse error. buffer is {"access_token":"***","session_key":"***",');
  });

  it('leaves a message without secrets alone', () => {
    expect(redactWechatSecrets('invalid page rid: 1-2-3')).toBe('invalid page rid: 1-2-3');
  });
});

describe('wechatErrcode', () => {
  it('reads the errcode of a WeChatAPIError only', () => {
    expect(wechatErrcode(Object.assign(new Error('invalid page'), { name: 'WeChatAPIError', code: 41030 }))).toBe(41030);
    expect(wechatErrcode(Object.assign(new Error('refused'), { name: 'WechatTokenError', code: 40001 }))).toBeUndefined();
    expect(wechatErrcode(new Error('ECONNREFUSED'))).toBeUndefined();
  });
});
