import { readPushBody } from './push-body';
import { PushFormatError, readPushXml } from './push-xml';

describe('reading official-account pushes', () => {
  it('reads CDATA strings and bare numbers as strings, keeping MsgID past 2^53', () => {
    const xml =
      '<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><FromUserName><![CDATA[oia2TjuEGTNoeX76QEjQNrcURxG8]]></FromUserName>' +
      '<CreateTime>1395658920</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event>' +
      '<MsgID>200163836</MsgID><Status><![CDATA[failed: system failed]]></Status><MsgId>9223372036854775807</MsgId></xml>';
    expect(readPushBody(xml)).toEqual({
      ToUserName: 'gh_7f083739789a',
      FromUserName: 'oia2TjuEGTNoeX76QEjQNrcURxG8',
      CreateTime: '1395658920',
      MsgType: 'event',
      Event: 'TEMPLATESENDJOBFINISH',
      MsgID: '200163836',
      Status: 'failed: system failed',
      MsgId: '9223372036854775807',
    });
  });

  it('joins CDATA split around "]]>", decodes entities, and skips the declaration, comments and nested elements', () => {
    const xml = '<?xml version="1.0"?>\n<!-- pushed --><xml>\n  <Content><![CDATA[a ]]]]><![CDATA[> b]]></Content>\n  <Title>R&amp;D &#x4E2D;&#25991;</Title>\n  <Video><MediaId><![CDATA[m1]]></MediaId></Video><Empty/>\n</xml>\n';
    expect(readPushXml(xml)).toEqual({ Content: 'a ]]> b', Title: 'R&D 中文', Video: { MediaId: 'm1' }, Empty: '' });
    expect(readPushBody(xml)).toEqual({ Content: 'a ]]> b', Title: 'R&D 中文', Empty: '' });
  });

  it('keeps a JSON push MsgID digit for digit', () => {
    expect(readPushBody('{"FromUserName":"o1","CreateTime":1700000000,"MsgType":"event","Event":"TEMPLATESENDJOBFINISH","MsgID":9223372036854775807,"Nested":{"a":1}}')).toEqual({
      FromUserName: 'o1',
      CreateTime: '1700000000',
      MsgType: 'event',
      Event: 'TEMPLATESENDJOBFINISH',
      MsgID: '9223372036854775807',
    });
  });

  it.each([
    ['', 'empty'],
    ['hello', 'neither XML nor JSON'],
    ['<xml><A>1</B></xml>', 'mismatched close'],
    ['<xml><A><![CDATA[open</A></xml>', 'unclosed CDATA'],
    ['<xml><A x="1">1</A></xml>', 'attributes'],
    ['<root><A>1</A></root>', 'another root'],
    ['<xml>text</xml>', 'no elements'],
    ['<xml><A>1</A></xml><xml/>', 'two roots'],
    ['<xml><A>&bogus;</A></xml>', 'unknown entity'],
    ['<!DOCTYPE xml [<!ENTITY e "x">]><xml><A>&e;</A></xml>', 'a DTD'],
    [`<xml>${'<A>'.repeat(50)}${'</A>'.repeat(50)}</xml>`, 'nested too deep'],
    ['{"a":', 'malformed JSON'],
    ['[1,2]', 'a JSON array'],
  ])('refuses %j (%s) with a PushFormatError', (body) => {
    expect(() => readPushBody(body)).toThrow(PushFormatError);
  });
});
