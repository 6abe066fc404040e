import { decryptMessage, encryptMessage, isEncodingAESKey, msgSignature, newEncodingAESKey } from './oa-crypto';

/**
 * Safe-mode vectors (§G.4): WeChat's own sample code (WXBizMsgCrypt's test, fixed random
 * "aaaabbbbccccdddd") and the protocol doc's verified push vector.
 */
const SAMPLE = {
  encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appid: 'wxb11529c136998cb6',
  random: Buffer.from('aaaabbbbccccdddd'),
};

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

describe('safe-mode crypto (§G.4)', () => {
  it("encrypts WeChat's sample messages byte for byte (PKCS#7 to 32 bytes, network-order length, appid)", () => {
    const { encodingAESKey, appid, random } = SAMPLE;
    expect(encryptMessage(encodingAESKey, appid, '我是中文abcd123', random)).toBe(
      'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
    );
    expect(encryptMessage(encodingAESKey, appid, SAMPLE_XML, random)).toBe(SAMPLE_XML_ENCRYPTED);
  });

  it("decrypts WeChat's sample back to the message and the appid", () => {
    expect(decryptMessage(SAMPLE.encodingAESKey, SAMPLE_XML_ENCRYPTED)).toEqual({ message: SAMPLE_XML, appid: SAMPLE.appid });
  });

  it("matches the protocol doc's verified push: msg_signature and plaintext", () => {
    const encrypt = '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==';
    expect(msgSignature('123456', '1411443780', '437374425', encrypt)).toBe('dd6b9c95b495b3f7e2901bfbc76c664930ffdb96');
    expect(decryptMessage('kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR', encrypt)).toEqual({
      message: '5927782489442352469',
      appid: 'wx49f0ab532d5d035a',
    });
  });

  it('pads to whole 32-byte blocks: a full block of padding when the plaintext is already aligned', () => {
    const key = newEncodingAESKey();
    // 16 random + 4 length + 8 message + 4 appid = 32 bytes: 32 more bytes of padding, 64 in all.
    const encrypted = encryptMessage(key, 'wxab', '12345678');
    expect(Buffer.from(encrypted, 'base64')).toHaveLength(64);
    expect(decryptMessage(key, encrypted)).toEqual({ message: '12345678', appid: 'wxab' });
  });

  it('accepts only 43-character EncodingAESKeys', () => {
    expect(isEncodingAESKey(newEncodingAESKey())).toBe(true);
    expect(isEncodingAESKey(SAMPLE.encodingAESKey + '=')).toBe(false);
    expect(isEncodingAESKey('short')).toBe(false);
  });
});
