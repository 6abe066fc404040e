import { API_ERROR_CODES, API_ERRORS, isApiErrorCode } from './error-codes';
import { apiErrorSchema } from './errors';

describe('the API error table', () => {
  it('gives every code an error status and a Chinese sentence', () => {
    for (const [code, { status, message }] of Object.entries(API_ERRORS)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(status >= 400 && status <= 599).toBe(true);
      expect(message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('lists the codes in the table order and types the code of an error answer', () => {
    expect(API_ERROR_CODES).toEqual(Object.keys(API_ERRORS));
    expect(apiErrorSchema.safeParse({ statusCode: 404, code: 'ORDER_NOT_FOUND', message: '未找到该消费记录' }).success).toBe(true);
    expect(apiErrorSchema.safeParse({ statusCode: 500, code: 'SOMETHING_ELSE', message: 'x' }).success).toBe(false);
  });

  it('recognises its own codes only, not names every object has', () => {
    expect(isApiErrorCode('MEMBER_CODE_EXPIRED')).toBe(true);
    expect(isApiErrorCode('INTERNAL')).toBe(true);
    expect(isApiErrorCode('toString')).toBe(false);
    expect(isApiErrorCode('NETWORK')).toBe(false);
    expect(isApiErrorCode(404)).toBe(false);
    expect(isApiErrorCode(undefined)).toBe(false);
  });
});
