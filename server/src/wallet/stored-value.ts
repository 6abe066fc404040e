import { Injectable } from '@nestjs/common';
import { spendSplit, type StoredValueBalance, type WalletEntryKind } from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { Ledger, type LockedAccount, type Posting } from '../ledger/ledger';
import type { LockedMember } from '../ledger/member-lock';
import { balanceChanged } from '../notifications/notices';

/** The two stored-value accounts of a member, as read under the member's lock. */
export interface StoredValueAccounts {
  principal: LockedAccount<'stored_value_principal'>;
  bonus: LockedAccount<'stored_value_bonus'>;
}

/**
 * One movement of stored value: principal and bonus parts of one event, each posted to its own
 * account under keys `<key>:principal` and `<key>:bonus` (a part of 0 is not posted).
 */
export type StoredValueMovement = Omit<Posting, 'entryKind' | 'key'> & {
  /** The event's business key, e.g. `recharge:<orderNo>`, `order:<id>:balance`. */
  key: string;
  /** Entry kinds of the principal and the bonus part. */
  principalKind: WalletEntryKind;
  bonusKind: WalletEntryKind;
};

/**
 * Stored value in the ledger: principal (what the member paid in) and bonus (what the brand gave)
 * are two accounts, moved together through the Ledger's one write path. Callers hold the member's
 * lock (lockMember) and pass that transaction's manager; every movement is keyed, so a retried job or
 * a duplicate notification cannot move the balance twice.
 */
@Injectable()
export class StoredValue {
  constructor(private readonly ledger: Ledger) {}

  async accounts(m: EntityManager, member: LockedMember): Promise<StoredValueAccounts> {
    const principal = await this.ledger.account(m, member, 'stored_value_principal');
    const bonus = await this.ledger.account(m, member, 'stored_value_bonus');
    return { principal, bonus };
  }

  /** Principal + bonus as of the lock. */
  static total(accounts: StoredValueAccounts): number {
    return accounts.principal.balance + accounts.bonus.balance;
  }

  /** Adds principal and bonus (a paid recharge, a refund returning a purchase's balance payment). */
  async credit(m: EntityManager, accounts: StoredValueAccounts, amounts: StoredValueBalance, movement: StoredValueMovement): Promise<StoredValueBalance> {
    return this.move(m, accounts, amounts, 1, movement);
  }

  /** Pays `amountFen` from the balance, principal first; BALANCE_INSUFFICIENT (nothing written) when short. */
  async spend(m: EntityManager, accounts: StoredValueAccounts, amountFen: number, movement: StoredValueMovement): Promise<StoredValueBalance> {
    if (amountFen > StoredValue.total(accounts)) {
      throw new DomainError('BALANCE_INSUFFICIENT', `储值余额不足：可用 ${StoredValue.total(accounts)} 分`, [{ field: 'balanceFen', message: '储值余额不足' }]);
    }
    return this.move(m, accounts, spendSplit({ principalFen: accounts.principal.balance, bonusFen: accounts.bonus.balance }, amountFen), -1, movement);
  }

  /** Takes exact principal and bonus amounts out (a recharge refund's hold and its forfeited bonus). */
  async debit(m: EntityManager, accounts: StoredValueAccounts, amounts: StoredValueBalance, movement: StoredValueMovement): Promise<StoredValueBalance> {
    if (amounts.principalFen > accounts.principal.balance || amounts.bonusFen > accounts.bonus.balance) throw new DomainError('BALANCE_INSUFFICIENT');
    return this.move(m, accounts, amounts, -1, movement);
  }

  private async move(m: EntityManager, accounts: StoredValueAccounts, amounts: StoredValueBalance, sign: 1 | -1, movement: StoredValueMovement): Promise<StoredValueBalance> {
    const { key, principalKind, bonusKind, ...posting } = movement;
    if (amounts.principalFen > 0) await this.ledger.post(m, accounts.principal, sign * amounts.principalFen, { ...posting, entryKind: principalKind, key: `${key}:principal` });
    if (amounts.bonusFen > 0) await this.ledger.post(m, accounts.bonus, sign * amounts.bonusFen, { ...posting, entryKind: bonusKind, key: `${key}:bonus` });
    // Every movement of the balance is told to the member, keyed like the movement itself.
    const { brandId, memberId } = accounts.principal;
    await balanceChanged(m, { brandId, memberId, key: `balance:${key}`, changeFen: sign * (amounts.principalFen + amounts.bonusFen), balanceFen: StoredValue.total(accounts), reason: posting.reason, at: posting.at });
    return amounts;
  }
}
