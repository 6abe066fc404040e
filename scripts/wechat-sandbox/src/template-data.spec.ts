import { WechatError } from './errors';
import { checkTemplateData } from './template-data';

function errcodeFor(data: unknown): number | null {
  try {
    checkTemplateData(data);
    return null;
  } catch (error) {
    return (error as WechatError).errcode;
  }
}

function messageFor(data: unknown): string {
  try {
    checkTemplateData(data);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('template data key types (§D, §E)', () => {
  it.each([
    ['thing1', '积分到账，请查收'],
    ['thing1', '一二三四五六七八九十一二三四五六七八九十'], // exactly 20
    ['number2', '120'],
    ['number2', '3.5'],
    ['amount3', '39.80元'],
    ['amount3', '¥100'],
    ['amount3', '50'],
    ['date4', '2026-11-29'],
    ['date4', '2026年11月29日'],
    ['date4', '2026-11-29 20:15'],
    ['date4', '2026年11月29日 ~ 2026年12月29日'],
    ['time5', '20:15'],
    ['time5', '2026-11-29 20:15:00'],
    ['time5', '09:00~21:00'],
    ['phrase6', '已到账'],
    ['character_string7', 'WM20261129-0001'],
    ['letter8', 'VIP'],
    ['symbol9', '★'],
    ['phone_number10', '+86 138-0013-8000'],
    ['car_number11', '粤B12345'],
    ['name12', '张三'],
    ['name12', 'Li Lei'],
    ['const13', '金卡'],
    ['keyword1', '旧模板的字段不按类型检查，多长都行'],
  ])('accepts %s = %j', (key, value) => {
    expect(errcodeFor({ [key]: { value } })).toBeNull();
  });

  it.each([
    ['thing1', '一二三四五六七八九十一二三四五六七八九十一'], // 21
    ['thing1', ''],
    ['thing1', '   '],
    ['number2', '一百'],
    ['number2', '1'.repeat(33)],
    ['amount3', '39.8元元'],
    ['amount3', '12345678901'], // 11 digits
    ['amount3', '约50元'],
    ['date4', '昨天'],
    ['date4', '29/11/2026'],
    ['time5', '晚上八点'],
    ['phrase6', '积分已经到账'], // 6
    ['phrase6', 'OK'],
    ['character_string7', '订单123'],
    ['character_string7', 'A'.repeat(33)],
    ['letter8', 'VIP1'],
    ['symbol9', '★★★★★★'],
    ['phone_number10', '1'.repeat(18)],
    ['car_number11', '粤B123456789'],
    ['name12', '一二三四五六七八九十一'],
  ])('refuses %s = %j with 47003', (key, value) => {
    expect(errcodeFor({ [key]: { value } })).toBe(47003);
  });

  it('names the key, as WeChat does', () => {
    expect(messageFor({ thing1: { value: '好' }, phrase2: { value: '不是一个短语' } })).toContain('data.phrase2.value invalid');
    expect(messageFor({ thing1: {} })).toContain('data.thing1.value is empty');
  });

  it('refuses data that is not an object of keys, and leaves absent data alone', () => {
    expect(errcodeFor(['积分'])).toBe(47003);
    expect(errcodeFor('积分')).toBe(47003);
    expect(errcodeFor(undefined)).toBeNull();
  });
});
