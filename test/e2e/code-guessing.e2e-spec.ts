import { TestStack } from '../support/stack';
import { aReceiptNo, TestTill } from '../support/till';

/** Fixed one-minute rate windows: start a sequence of attempts well inside one, so it cannot straddle two. */
async function awayFromMinuteEnd(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 8_000) await new Promise((r) => setTimeout(r, left + 50));
}

/** A member code with the member's number and a wrong signature: what a guesser sends. */
const guessed = (code: string, i: number) => code.slice(0, 12) + String((Number(code.slice(12)) + 1 + i) % 100_000_000).padStart(8, '0');

describe('guessing member codes at the till', () => {
  let stack: TestStack;
  let till: TestTill;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { RATE_LIMIT_CODE_CHECKS_PER_MINUTE: '40', RATE_LIMIT_CODE_FAILURES_PER_MEMBER: '3', RATE_LIMIT_CODE_FAILURES_PER_CALLER: '5' } });
    till = await TestTill.open(stack);
  });
  afterAll(() => stack?.close());

  it('codes are 20 digits: 10 of member number, 2 of time, 8 of signature', async () => {
    const member = await till.newMember();
    expect(await till.code(member.token)).toMatch(new RegExp(`^${member.memberNo}\\d{10}$`));
  });

  it('a member number with too many wrong codes is locked, even for the right code; others are not', async () => {
    const [target, bystander] = [await till.newMember(), await till.newMember()];
    const admin = await stack.staffToken('admin');
    const manager = await stack.staffToken('manager');
    const store = stack.store('HZ001').id;
    const right = await till.code(target.token);
    const [before] = await stack.db.query('SELECT COUNT(*) AS n FROM orders WHERE member_id = ?', [target.memberId]);
    // Three guesses from different accounts: the limit is per member number, from everywhere.
    const guesses = [
      await stack.api('POST', '/staff/orders', { token: admin, body: { memberCode: guessed(right, 0), amountFen: 1_000, externalNo: aReceiptNo(), storeId: store } }),
      await stack.api('POST', '/staff/orders/quote', { token: manager, body: { memberCode: guessed(right, 1), amountFen: 1_000 } }),
      await stack.api('POST', '/staff/members/resolve', { token: admin, body: { code: guessed(right, 2) } }),
    ];
    expect(guesses.map((g) => [g.status, g.body.code])).toEqual([
      [400, 'MEMBER_CODE_INVALID'],
      [400, 'MEMBER_CODE_INVALID'],
      [400, 'MEMBER_CODE_INVALID'],
    ]);
    const locked = await stack.api('POST', '/staff/orders', { token: manager, body: { memberCode: await till.code(target.token), amountFen: 1_000, externalNo: aReceiptNo() } });
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: 'MEMBER_CODE_LOCKED', message: '该会员码错误次数过多，请稍后再试，或用手机号查找会员' });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const [after] = await stack.db.query('SELECT COUNT(*) AS n FROM orders WHERE member_id = ?', [target.memberId]);
    expect(Number(after.n)).toBe(Number(before.n));
    // HQ can still find the member by phone, and another member's code still works.
    expect((await stack.api('POST', '/staff/members/resolve', { token: admin, body: { code: target.phone } })).status).toBe(200);
    expect((await stack.api('POST', '/staff/orders/quote', { token: admin, body: { memberCode: await till.code(bystander.token), amountFen: 1_000, storeId: store } })).status).toBe(200);
  });

  it('quote, purchase and look-up share one limit per staff account', async () => {
    const member = await till.newMember();
    await awayFromMinuteEnd();
    // The region manager has not checked a code yet this run: 40 a minute, whichever route asks.
    const region = await stack.staffToken('region');
    const storeId = stack.store('HZ001').id;
    const code = () => till.code(member.token);
    const quote = async () => stack.api('POST', '/staff/orders/quote', { token: region, body: { memberCode: await code(), amountFen: 1_000, storeId } });
    const resolve = async () => stack.api('POST', '/staff/members/resolve', { token: region, body: { code: await code() } });
    const buy = async () => stack.api('POST', '/staff/orders', { token: region, body: { memberCode: await code(), amountFen: 1_000, externalNo: aReceiptNo(), storeId } });
    const statuses: number[] = [];
    for (let round = 0; round < 13; round++) for (const call of [quote, resolve, buy]) statuses.push((await call()).status);
    statuses.push((await quote()).status);
    expect(statuses).toEqual([...Array(13).fill([200, 200, 201]).flat(), 200]);
    const limited = await buy();
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account is not held up by this one.
    const admin = await stack.staffToken('admin');
    expect((await stack.api('POST', '/staff/members/resolve', { token: admin, body: { code: await code() } })).status).toBe(200);
  });

  it('one account guessing across many members is stopped too', async () => {
    const members = [];
    for (let i = 0; i < 6; i++) members.push(await till.newMember());
    const clerk = await stack.staffToken('clerk');
    const tries = [];
    for (const [i, member] of members.entries()) {
      tries.push(await stack.api('POST', '/staff/orders/quote', { token: clerk, body: { memberCode: guessed(await till.code(member.token), i), amountFen: 1_000 } }));
    }
    // Five wrong codes, one per member, then the account is held whatever it sends.
    expect(tries.map((t) => t.body.code)).toEqual([...Array(5).fill('MEMBER_CODE_INVALID'), 'RATE_LIMITED']);
    const right = await stack.api('POST', '/staff/orders/quote', { token: clerk, body: { memberCode: await till.code(members[5].token), amountFen: 1_000 } });
    expect(right.status).toBe(429);
    expect(right.body.message).toMatch(/^会员码错误次数过多，请 \d+ 秒后再试$/);
  });
});
