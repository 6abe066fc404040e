import { Controller, Param, Req, Res } from '@nestjs/common';
import type {
  CreatedRechargeOrder,
  DecideRechargeRefund,
  HqRechargeRefund,
  ListRechargeRefundsQuery,
  MemberRechargeOrders,
  RechargeOrder,
  RechargeRefund,
  RequestRechargeRefund,
  WalletReconciliation,
  WalletReconciliationQuery,
  CreateRechargeOrderRequest,
} from '@wemember/shared';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentMember, CurrentStaff, CurrentWechatUser } from '../access/actor.decorators';
import type { MemberActor, StaffActor, WechatUserActor } from '../access/actors';
import { Route, ValidBody, ValidQuery } from '../access/route.decorator';
import { PayNotifications } from './pay-notifications';
import { RechargeOrders } from './recharge-orders';
import { RechargeRefunds } from './recharge-refunds';
import { WalletReconciliationService } from './wallet-reconciliation';

/** Recharging with WeChat Pay, its notifications, refunds of unused principal and the reconciliation. */
@Controller()
export class RechargeOrdersController {
  constructor(
    private readonly orders: RechargeOrders,
    private readonly refunds: RechargeRefunds,
    private readonly notifications: PayNotifications,
    private readonly reconciliation: WalletReconciliationService,
  ) {}

  @Route('rechargeCreateOrder')
  create(@CurrentMember() member: MemberActor, @CurrentWechatUser() user: WechatUserActor, @ValidBody() body: CreateRechargeOrderRequest): Promise<CreatedRechargeOrder> {
    return this.orders.create(member, user, body.packageId);
  }

  @Route('rechargeGetOrder')
  get(@CurrentMember() member: MemberActor, @Param('no') no: string): Promise<RechargeOrder> {
    return this.orders.get(member, no);
  }

  @Route('memberRechargeOrders')
  list(@CurrentMember() member: MemberActor): Promise<MemberRechargeOrders> {
    return this.orders.list(member);
  }

  @Route('rechargeRequestRefund')
  requestRefund(@CurrentMember() member: MemberActor, @Param('no') no: string, @ValidBody() body: RequestRechargeRefund): Promise<RechargeRefund> {
    return this.refunds.request(member, no, body.reason);
  }

  /** The signature is over the bytes WeChat Pay sent: the raw body, never the parsed object. 204 once handled. */
  @Route('wechatPayNotify')
  async notify(@Req() request: RawBodyRequest<FastifyRequest>, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.notifications.receive(request.headers, request.rawBody?.toString('utf8') ?? '');
    reply.status(204);
  }

  @Route('staffListRechargeRefunds')
  listRefunds(@CurrentStaff() staff: StaffActor, @ValidQuery() query: ListRechargeRefundsQuery): Promise<RechargeRefund[]> {
    return this.refunds.list(staff, query);
  }

  @Route('staffDecideRechargeRefund')
  decide(@CurrentStaff() staff: StaffActor, @Param('id') id: string, @ValidBody() body: DecideRechargeRefund): Promise<RechargeRefund> {
    return this.refunds.decide(staff, id, body);
  }

  /** 201 for a new refund, 200 for the replay of one already made (same requestId). */
  @Route('staffRefundRecharge')
  async refund(@CurrentStaff() staff: StaffActor, @Param('no') no: string, @ValidBody() body: HqRechargeRefund, @Res({ passthrough: true }) reply: FastifyReply): Promise<RechargeRefund> {
    const { refund, replayed } = await this.refunds.direct(staff, no, body);
    reply.status(replayed ? 200 : 201);
    return refund;
  }

  @Route('staffWalletReconciliation')
  reconcile(@CurrentStaff() staff: StaffActor, @ValidQuery() query: WalletReconciliationQuery): Promise<WalletReconciliation> {
    return this.reconciliation.forDay(staff.brandId, query.date);
  }
}
