import type { CouponTemplate } from '@wemember/shared';
import { BrandRows, rowChanges } from '../support/brand-rows';
import { aTemplate, createTemplate } from '../support/coupons';
import { TestStack } from '../support/stack';
import { aReceiptNo, TestTill, type TestMember } from '../support/till';

/** Coupons: every bad request gets a 4xx naming the field and the reason, and writes nothing. */
describe('bad input on the coupon endpoints', () => {
  let stack: TestStack;
  let till: TestTill;
  let marketer: string;
  let member: TestMember;
  let rows: BrandRows;
  let template: CouponTemplate;

  beforeAll(async () => {
    stack = await TestStack.start();
    stack.clock.travelTo('2026-06-02T02:00:00Z');
    till = await TestTill.open(stack);
    marketer = await stack.staffToken('marketer');
    member = await till.newMember();
    rows = await BrandRows.of(stack.db);
    template = await createTemplate(stack, marketer, { name: '坏输入测试', pointsPrice: 100 });
  });
  afterAll(() => stack?.close());

  /** The request is refused with `status`, the issues name exactly `fields`, and no row of the brand changed. */
  async function refused(method: string, path: string, options: { token: string; body?: unknown }, status: number, fields: string[]) {
    const before = await rows.count(stack.chain.brand.id);
    const result = await stack.api(method, path, options);
    expect({ status: result.status, fields: (result.body.issues ?? []).map((i: { field: string }) => i.field) }).toEqual({ status, fields });
    for (const issue of result.body.issues ?? []) expect(issue.message).toMatch(/\S/);
    expect(rowChanges(before, await rows.count(stack.chain.brand.id))).toEqual([]);
    return result.body;
  }

  it('templates: an end before the start, negative values, unknown stores and wrong types are named', async () => {
    const create = (body: unknown, status: number, fields: string[]) => refused('POST', '/staff/coupon-templates', { token: marketer, body }, status, fields);
    await create(aTemplate({ validity: { kind: 'fixed', from: '2026-07-01', to: '2026-06-30' } }), 400, ['validity.to']);
    await create(aTemplate({ valueFen: -100 }), 400, ['valueFen']);
    await create(aTemplate({ stock: -1 }), 400, ['stock']);
    await create(aTemplate({ perMemberLimit: 0 }), 400, ['perMemberLimit']);
    await create({ ...aTemplate(), stock: '100' }, 400, ['stock']);
    await create({ ...aTemplate(), claimable: 'yes' }, 400, ['claimable']);
    await create({ ...aTemplate(), validity: { kind: 'relative', days: 1.5 } }, 400, ['validity.days']);
    await create(aTemplate({ type: 'percent', valueFen: undefined, thresholdFen: undefined }), 400, ['percentOff']);
    await create(aTemplate({ thresholdFen: 1_000, valueFen: 2_000 }), 400, ['thresholdFen']);
    const store = await create(aTemplate({ storeIds: [stack.store('HZ001').id, 'no-such-store'] }), 400, ['storeIds.1']);
    expect(store.issues[0].message).toContain('no-such-store');
    await create(aTemplate({ regionIds: ['elsewhere'] }), 400, ['regionIds.0']);
    const ended = await create(aTemplate({ validity: { kind: 'fixed', from: '2026-05-01', to: '2026-06-01' } }), 409, ['validity.to']);
    expect(ended.code).toBe('COUPON_TEMPLATE_ENDED');
  });

  it('template updates: the stock never below what was issued, an ended template stays ended', async () => {
    const scarce = await createTemplate(stack, marketer, { name: '已发两张', stock: 5, perMemberLimit: 5 });
    for (let i = 0; i < 2; i++) expect((await stack.api('POST', `/coupons/${scarce.id}/claim`, { token: member.token })).status).toBe(201);
    const update = (body: unknown, status: number, fields: string[]) => refused('PUT', `/staff/coupon-templates/${scarce.id}`, { token: marketer, body }, status, fields);
    const below = await update({ ...aTemplate({ name: '已发两张', stock: 1, perMemberLimit: 5 }), status: 'active' }, 422, ['stock']);
    expect(below).toMatchObject({ code: 'COUPON_STOCK_BELOW_ISSUED', message: '已发放 2 张，库存不能少于 2' });
    await update({ ...aTemplate(), status: 'finished' }, 400, ['status']);
    await update(aTemplate(), 400, ['status']);
    expect((await stack.api('PUT', `/staff/coupon-templates/${scarce.id}`, { token: marketer, body: { ...aTemplate({ stock: 2 }), status: 'ended' } })).status).toBe(200);
    const reopen = await update({ ...aTemplate({ stock: 2 }), status: 'active' }, 409, ['status']);
    expect(reopen.code).toBe('COUPON_TEMPLATE_ENDED');
    await refused('PUT', '/staff/coupon-templates/no-such-template', { token: marketer, body: { ...aTemplate(), status: 'active' } }, 404, []);
  });

  it('gift settings: templates of another brand or none are named by their place', async () => {
    const body = (templateId: string) => ({
      version: 0,
      welcome: { points: 10, coupons: [{ templateId: template.id, quantity: 1 }] },
      tierPacks: [{ tier: 'silver', coupons: [{ templateId, quantity: 1 }] }],
    });
    await refused('PUT', '/staff/settings/gifts', { token: marketer, body: body('no-such-template') }, 400, ['tierPacks.0.coupons.0.templateId']);
    await refused('PUT', '/staff/settings/gifts', { token: marketer, body: { ...body(template.id), welcome: { points: -5, coupons: [] } } }, 400, ['welcome.points']);
    await refused('PUT', '/staff/settings/gifts', { token: marketer, body: { ...body(template.id), tierPacks: [{ tier: 'silver', coupons: [{ templateId: template.id, quantity: 0 }] }] } }, 400, [
      'tierPacks.0.coupons.0.quantity',
    ]);
    const stale = await refused('PUT', '/staff/settings/gifts', { token: marketer, body: { ...body(template.id), version: 7 } }, 409, []);
    expect(stale.code).toBe('SETTINGS_CONFLICT');
  });

  it('members: bad tabs, request ids and unknown templates or coupons change nothing', async () => {
    await refused('GET', '/member/coupons?status=old', { token: member.token }, 400, ['status']);
    await refused('GET', '/member/coupons?limit=0', { token: member.token }, 400, ['limit']);
    await refused('GET', '/member/coupons/not-a-coupon', { token: member.token }, 404, []);
    await refused('POST', '/coupons/not-a-template/claim', { token: member.token }, 404, []);
    await refused('POST', `/points-mall/${template.id}/exchange`, { token: member.token, body: { requestId: 'short' } }, 400, ['requestId']);
    await refused('POST', `/points-mall/${template.id}/exchange`, { token: member.token, body: {} }, 400, ['requestId']);
    const poor = await refused('POST', `/points-mall/${template.id}/exchange`, { token: member.token, body: { requestId: aReceiptNo('EX') } }, 422, []);
    expect(poor.code).toBe('POINTS_INSUFFICIENT');
  });

  it('staff grants and revocations: missing reasons and unknown members are named', async () => {
    await refused('POST', `/staff/coupon-templates/${template.id}/grants`, { token: marketer, body: { memberId: member.memberId } }, 400, ['requestId']);
    await refused('POST', `/staff/coupon-templates/${template.id}/grants`, { token: marketer, body: { memberId: 'ghost', requestId: aReceiptNo('GR') } }, 404, ['memberId']);
    const coupon = (await stack.api('POST', `/coupons/${template.id}/claim`, { token: member.token })).body;
    await refused('POST', `/staff/coupons/${coupon.id}/revoke`, { token: marketer, body: { reason: '' } }, 400, ['reason']);
    await refused('GET', `/staff/coupon-templates/${template.id}/stats?from=2026-02-30`, { token: marketer }, 400, ['from']);
  });
});
