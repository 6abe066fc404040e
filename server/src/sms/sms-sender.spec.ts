import { nextChinaMidnight, outcomeOf } from './sms-sender';

describe('outcomeOf: what a Tencent Cloud SMS code means for the caller', () => {
  const now = new Date('2026-06-02T15:30:00Z'); // 23:30 in Shanghai

  it('is sent for Ok', () => {
    expect(outcomeOf('13800000000', 'Ok', 'send success', now).status).toBe('sent');
  });

  it('waits out the per-number limits: 30 s, an hour, the next Shanghai day', () => {
    const retryAt = (code: string) => {
      const outcome = outcomeOf('13800000000', code, '', now);
      if (outcome.status !== 'rate_limited') throw new Error(`${code} is ${outcome.status}`);
      return outcome.retryAt.toISOString();
    };
    expect(retryAt('LimitExceeded.PhoneNumberThirtySecondLimit')).toBe('2026-06-02T15:30:30.000Z');
    expect(retryAt('LimitExceeded.PhoneNumberOneHourLimit')).toBe('2026-06-02T16:30:00.000Z');
    // Midnight of 3 June in Shanghai is 16:00 UTC on the 2nd.
    expect(retryAt('LimitExceeded.PhoneNumberDailyLimit')).toBe('2026-06-02T16:00:00.000Z');
    expect(nextChinaMidnight(new Date('2026-06-02T16:00:00Z')).toISOString()).toBe('2026-06-03T16:00:00.000Z');
  });

  it('retries the provider’s own failures and the network, never a refusal', () => {
    expect(outcomeOf('1', 'InternalError.Timeout', '', now).status).toBe('retry');
    expect(outcomeOf('1', 'NetworkError', '', now).status).toBe('retry');
    expect(outcomeOf('1', 'FailedOperation.PhoneNumberInBlacklist', '', now).status).toBe('final');
    expect(outcomeOf('1', 'InvalidParameterValue.IncorrectPhoneNumber', '', now).status).toBe('final');
    expect(outcomeOf('1', 'FailedOperation.SomethingNew', '', now).status).toBe('final');
  });

  it('halts on what only staff can fix: credentials, signature, template, balance', () => {
    for (const code of ['AuthFailure.SignatureFailure', 'AuthFailure.SecretIdNotFound', 'FailedOperation.SignatureIncorrectOrUnapproved', 'FailedOperation.TemplateIncorrectOrUnapproved', 'FailedOperation.InsufficientBalanceInSmsPackage', 'InvalidParameterValue.SdkAppIdNotExist']) {
      expect([code, outcomeOf('1', code, '', now).status]).toEqual([code, 'halt']);
    }
  });
});
