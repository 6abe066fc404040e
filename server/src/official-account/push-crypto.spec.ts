import { decryptPush, msgSignature, pushSignature, PushDecryptError, sameSignature } from './push-crypto';

/**
 * WeChat's own vectors (§G.4, see docs/official-account.md): the WXBizMsgCrypt sample (EncodingAESKey
 * "abc…EFG", appid wxb11529c136998cb6, random "aaaabbbbccccdddd") and the protocol doc's verified push.
 * The sandbox's encryptMessage is checked against the same vectors, and the e2e spec decrypts what it writes.
 */
const SAMPLE_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const SAMPLE_APPID = 'wxb11529c136998cb6';
const SAMPLE_XML =
  '<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_' +
  '7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType' +
  '><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></Media' +
  'Id><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]><' +
  '/Description></Video></xml>';
const SAMPLE_XML_ENCRYPTED =
  'jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQ' +
  'weImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTea' +
  'yNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTc' +
  'cjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+' +
  'oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH' +
  '/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eX' +
  'p3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb';

describe('official-account push crypto (§G)', () => {
  it('signs plain pushes as sha1 of the sorted token, timestamp and nonce', () => {
    // Sorted: "123456789" < "1700000000" < "wemember-sandbox-push-token" (a string sort, not a numeric one).
    expect(pushSignature('wemember-sandbox-push-token', '1700000000', '123456789')).toBe('4aa19f34b4eb82d896982ffc7ba6f85de5255f86');
  });

  it("matches the protocol doc's verified safe-mode push: msg_signature and plaintext", () => {
    const encrypt = '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==';
    expect(msgSignature('123456', '1411443780', '437374425', encrypt)).toBe('dd6b9c95b495b3f7e2901bfbc76c664930ffdb96');
    expect(decryptPush('kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR', encrypt)).toEqual({ message: '5927782489442352469', appid: 'wx49f0ab532d5d035a' });
  });

  it("decrypts WeChat's WXBizMsgCrypt samples, Chinese text and all", () => {
    expect(decryptPush(SAMPLE_KEY, 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==')).toEqual({
      message: '我是中文abcd123',
      appid: SAMPLE_APPID,
    });
    expect(decryptPush(SAMPLE_KEY, SAMPLE_XML_ENCRYPTED)).toEqual({ message: SAMPLE_XML, appid: SAMPLE_APPID });
  });

  it('refuses ciphertexts that are not whole blocks, do not decrypt, or decrypt with the wrong key', () => {
    expect(() => decryptPush(SAMPLE_KEY, '')).toThrow(PushDecryptError);
    expect(() => decryptPush(SAMPLE_KEY, Buffer.from('short').toString('base64'))).toThrow(PushDecryptError);
    expect(() => decryptPush(SAMPLE_KEY, Buffer.alloc(48).toString('base64'))).toThrow(PushDecryptError);
    // Another account's key: the padding or the length no longer makes sense.
    expect(() => decryptPush('kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR', SAMPLE_XML_ENCRYPTED)).toThrow(PushDecryptError);
  });

  it('compares signatures whole, whatever their length or type', () => {
    const expected = pushSignature('t', '1', '2');
    expect(sameSignature(expected, expected)).toBe(true);
    expect(sameSignature(expected.toUpperCase(), expected)).toBe(true);
    expect(sameSignature(expected.slice(0, 39), expected)).toBe(false);
    expect(sameSignature(expected.slice(0, 39) + (expected.endsWith('0') ? '1' : '0'), expected)).toBe(false);
    expect(sameSignature(undefined, expected)).toBe(false);
    expect(sameSignature([expected, expected], expected)).toBe(false);
  });
});
