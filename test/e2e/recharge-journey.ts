import type { Wallet } from '@wemember/shared';
import { TestStack } from '../support/stack';
import { ledgerEntries, Recharger } from '../support/recharge';

/**
 * Recharging with WeChat Pay against the sandbox: order, pay in WeChat, the signed and encrypted
 * notification credits principal and bonus once, and the wallet shows it. Shared by the MariaDB and
 * the SQLite runs.
 */
export function describeRechargeJourney(database: 'mysql' | 'sqlite'): void {
  describe(`recharging with WeChat Pay (${database})`, () => {
    let stack: TestStack;

    beforeAll(async () => {
      stack = await TestStack.start({ database });
    });
    afterAll(() => stack?.close());

    it('orders 充500送50, pays in WeChat, and the notification credits ¥500 principal and ¥50 bonus once', async () => {
      const member = await Recharger.join(stack);

      const created = await member.order('充500送50');

      expect(created.status).toBe(201);
      expect(created.body.orderNo).toMatch(/^R\d{8}[0-9A-F]{16}$/);
      expect(created.body.order).toMatchObject({ status: 'paying', payFen: 50_000, bonusFen: 5_000, label: '充500送50', balanceFen: 0 });
      expect(created.body.payParams).toMatchObject({ signType: 'RSA', package: expect.stringMatching(/^prepay_id=wx/) });
      const atWechat = await stack.wechat(`/pay/orders/${created.body.orderNo}`);
      expect(atWechat).toMatchObject({ trade_state: 'NOTPAY', amount: { total: 50_000 }, payer: { openid: member.openid } });

      await stack.wechat('/pay', { prepay_id: created.body.payParams.package.replace('prepay_id=', '') });
      const paid = await member.waitFor(created.body.orderNo, (o) => o.status === 'paid');

      expect(paid).toMatchObject({ status: 'paid', transactionId: expect.stringMatching(/^4200\d{24}$/), balanceFen: 55_000, refundableFen: 50_000 });
      expect((await member.card()).balanceFen).toBe(55_000);
      const wallet = (await stack.api<Wallet>('GET', '/member/wallet', { token: member.token })).body;
      expect(wallet).toMatchObject({ balanceFen: 55_000, principalFen: 50_000, bonusFen: 5_000 });
      expect(wallet.entries).toEqual([expect.objectContaining({ kind: 'recharge', principalFen: 50_000, bonusFen: 5_000, totalFen: 55_000, balanceAfterFen: 55_000 })]);
      expect(await ledgerEntries(stack, `recharge:${created.body.orderNo}`)).toHaveLength(2);
      const view = await stack.wechat(`/pay/orders/${created.body.orderNo}`);
      expect(view.notifications[0]).toMatchObject({ event_type: 'TRANSACTION.SUCCESS', acknowledged: true });
      const orders = (await stack.api('GET', '/member/recharge-orders', { token: member.token })).body;
      expect(orders.orders.map((o: { orderNo: string }) => o.orderNo)).toEqual([created.body.orderNo]);
    });

    it('uploads the virtual-goods shipping info once the recharge is paid', async () => {
      const member = await Recharger.join(stack);
      const { orderNo } = await member.orderAndPay('充100元');
      await member.waitFor(orderNo, (o) => o.status === 'paid');

      const deadline = Date.now() + 8000;
      let shipping: Array<Record<string, any>> = [];
      while (Date.now() < deadline && shipping.length === 0) {
        shipping = (await stack.wechat(`/pay/orders/${orderNo}`)).shipping;
        await new Promise((r) => setTimeout(r, 50));
      }

      expect(shipping).toHaveLength(1);
      expect(shipping[0]).toMatchObject({ logistics_type: 3 });
      expect(JSON.stringify(shipping[0])).toContain('储值充值 充100');
      const [row] = await stack.db.query('SELECT shipping_uploaded_at FROM recharge_orders WHERE order_no = ?', [orderNo]);
      expect(row.shipping_uploaded_at).not.toBeNull();
    });

    it('keeps to the per-member limit: a third 充500送50 is refused naming packageId, and a member sees only their own orders', async () => {
      const member = await Recharger.join(stack);
      const other = await Recharger.join(stack);
      const first = await member.order('充500送50');
      expect((await member.order('充500送50')).status).toBe(201);

      const third = await member.order('充500送50');

      expect(third.status).toBe(409);
      expect(third.body).toMatchObject({ code: 'RECHARGE_LIMIT_REACHED', issues: [{ field: 'packageId' }] });
      expect((await other.get(first.body.orderNo)).status).toBe(404);
    });
  });
}
