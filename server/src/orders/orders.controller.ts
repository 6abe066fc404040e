import { Controller, Param, Res } from '@nestjs/common';
import type { CreateOrderRequest, ListOrdersQuery, Order, OrderQuote, OrderQuoteRequest, Refund, RefundQuote, RefundQuoteRequest, RefundRequest } from '@wemember/shared';
import type { FastifyReply } from 'fastify';
import { CurrentTill } from '../access/actor.decorators';
import type { TillActor } from '../access/actors';
import { Route, ValidBody, ValidQuery } from '../access/route.decorator';
import { OrdersUseCase } from './orders.usecase';
import { RefundsUseCase } from './refunds.usecase';

/** The till: staff (or a store's POS system with its API key) record purchases and refunds. */
@Controller()
export class OrdersController {
  constructor(
    private readonly orders: OrdersUseCase,
    private readonly refunds: RefundsUseCase,
  ) {}

  @Route('staffQuoteOrder')
  quote(@CurrentTill() till: TillActor, @ValidBody() body: OrderQuoteRequest): Promise<OrderQuote> {
    return this.orders.quote(till, body);
  }

  /** 201 for a new purchase, 200 for the replay of one already recorded. */
  @Route('staffCreateOrder')
  async create(@CurrentTill() till: TillActor, @ValidBody() body: CreateOrderRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Order> {
    const order = await this.orders.create(till, body);
    reply.status(order.replayed ? 200 : 201);
    return order;
  }

  @Route('staffListOrders')
  list(@CurrentTill() till: TillActor, @ValidQuery() query: ListOrdersQuery): Promise<Order[]> {
    return this.orders.list(till, query);
  }

  @Route('staffGetOrder')
  get(@CurrentTill() till: TillActor, @Param('id') id: string): Promise<Order> {
    return this.orders.get(till, id);
  }

  @Route('staffQuoteRefund')
  quoteRefund(@CurrentTill() till: TillActor, @Param('id') id: string, @ValidBody() body: RefundQuoteRequest): Promise<RefundQuote> {
    return this.refunds.quote(till, id, body);
  }

  @Route('staffRefundOrder')
  async refund(@CurrentTill() till: TillActor, @Param('id') id: string, @ValidBody() body: RefundRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Refund> {
    const refund = await this.refunds.refund(till, id, body);
    reply.status(refund.replayed ? 200 : 201);
    return refund;
  }
}
