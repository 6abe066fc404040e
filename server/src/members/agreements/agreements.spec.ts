import { acceptedAgreementsSchema, agreementsSchema } from '@wemember/shared';
import { CURRENT_AGREEMENTS, outdatedAgreements } from '.';

describe('the agreements in force', () => {
  it('fit the contract, and their versions are ones a shopper can send back', () => {
    expect(agreementsSchema.parse(CURRENT_AGREEMENTS)).toEqual(CURRENT_AGREEMENTS);
    const current = { membership: CURRENT_AGREEMENTS.membership.version, privacy: CURRENT_AGREEMENTS.privacy.version };
    expect(acceptedAgreementsSchema.parse(current)).toEqual(current);
    for (const agreement of Object.values(CURRENT_AGREEMENTS)) {
      expect(agreement.effectiveDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(new Date(`${agreement.effectiveDate}T00:00:00+08:00`).toString()).not.toBe('Invalid Date');
    }
  });

  it('the privacy policy says what is collected, why, for how long, and the rights under PIPL', () => {
    const text = CURRENT_AGREEMENTS.privacy.text;
    for (const words of ['手机号', 'openid', '消费记录', '生日', '保存', '个人信息保护法', '查阅', '更正', '删除', '注销', '联系我们']) expect(text).toContain(words);
  });

  it('names each kind whose accepted version is not the one in force', () => {
    const current = { membership: CURRENT_AGREEMENTS.membership.version, privacy: CURRENT_AGREEMENTS.privacy.version };
    expect(outdatedAgreements(current)).toEqual([]);
    expect(outdatedAgreements({ ...current, privacy: '2020-01-01' })).toEqual(['privacy']);
    expect(outdatedAgreements({ membership: 'x', privacy: 'y' })).toEqual(['membership', 'privacy']);
  });
});
