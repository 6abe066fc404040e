import { randomUUID } from 'node:crypto';
import { rechargeLabel, type StoredValueBalance, type Wallet } from '@wemember/shared';
import { DomainError } from '../../server/src/common/domain-error';
import { UnitOfWork } from '../../server/src/database/unit-of-work';
import { lockMember } from '../../server/src/ledger/member-lock';
import { StoredValue } from '../../server/src/wallet/stored-value';
import type { TestStack } from './stack';

/**
 * Puts stored value on a member's card the way a paid recharge does: StoredValue.credit in a unit of
 * work under the member's lock, principal and bonus under one key. Recharging over WeChat Pay (the
 * order, the payment, its notification) is the payment module's and tested there; these tests need
 * only a balance to pay with.
 */
export async function creditStoredValue(stack: TestStack, memberId: string, amounts: StoredValueBalance, key = `test-recharge:${randomUUID()}`): Promise<void> {
  const storedValue = stack.app.get(StoredValue);
  await stack.app.get(UnitOfWork).transaction(async (m) => {
    const member = await lockMember(m, memberId);
    if (!member) throw new Error(`no member ${memberId}`);
    await storedValue.credit(m, await storedValue.accounts(m, member), amounts, {
      key,
      principalKind: 'recharge',
      bonusKind: 'recharge_bonus',
      reason: rechargeLabel(amounts.principalFen, amounts.bonusFen),
      sourceType: 'test_recharge',
      sourceId: key,
      at: new Date(stack.clock.now()),
    });
  });
}

/**
 * Spends from a member's stored value in-process, as the till's purchase does inside its unit of
 * work (same service, same lock, same conditional UPDATEs): what the till's member code allows only
 * twice at once (a code pays once; two are live), this can do a hundred times at once. Answers the
 * refusal's code, or 'ok'.
 */
export async function spendStoredValue(stack: TestStack, memberId: string, amountFen: number): Promise<string> {
  const storedValue = stack.app.get(StoredValue);
  const id = randomUUID();
  try {
    await stack.app.get(UnitOfWork).transaction(async (m) => {
      const member = await lockMember(m, memberId);
      if (!member) throw new Error(`no member ${memberId}`);
      await storedValue.spend(m, await storedValue.accounts(m, member), amountFen, {
        key: `test-spend:${id}`,
        principalKind: 'pay',
        bonusKind: 'pay',
        reason: '测试消费',
        sourceType: 'test_spend',
        sourceId: id,
        at: new Date(stack.clock.now()),
      });
    });
    return 'ok';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

export async function wallet(stack: TestStack, token: string, query = ''): Promise<Wallet> {
  const result = await stack.api<Wallet>('GET', `/member/wallet${query}`, { token });
  if (result.status !== 200) throw new Error(`wallet failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}
