import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { API_ROUTES, type CreateOrderRequest, type ListOrdersQuery, type Order, type OrderQuote, type OrderQuoteRequest, type Refund, type RefundRequest } from '@wemember/shared';
import type { FastifyReply } from 'fastify';
import { ZodPipe } from '../common/zod-body.pipe';
import { OrdersUseCase } from './orders.usecase';
import { RefundsUseCase } from './refunds.usecase';
import { CurrentTill, TillGuard, type TillActor } from './till';

/** The till: staff (or a store's POS system with its API key) record purchases and refunds. */
@Controller('staff/orders')
@UseGuards(TillGuard)
export class OrdersController {
  constructor(
    private readonly orders: OrdersUseCase,
    private readonly refunds: RefundsUseCase,
  ) {}

  @Post('quote')
  @HttpCode(200)
  quote(@CurrentTill() till: TillActor, @Body(new ZodPipe(API_ROUTES.staffQuoteOrder.body)) body: OrderQuoteRequest): Promise<OrderQuote> {
    return this.orders.quote(till, body);
  }

  /** 201 for a new purchase, 200 for the replay of one already recorded. */
  @Post()
  async create(
    @CurrentTill() till: TillActor,
    @Body(new ZodPipe(API_ROUTES.staffCreateOrder.body)) body: CreateOrderRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Order> {
    const order = await this.orders.create(till, body);
    reply.status(order.replayed ? 200 : 201);
    return order;
  }

  @Get()
  list(@CurrentTill() till: TillActor, @Query(new ZodPipe(API_ROUTES.staffListOrders.query)) query: ListOrdersQuery): Promise<Order[]> {
    return this.orders.list(till, query);
  }

  @Get(':id')
  get(@CurrentTill() till: TillActor, @Param('id') id: string): Promise<Order> {
    return this.orders.get(till, id);
  }

  @Post(':id/refund')
  async refund(
    @CurrentTill() till: TillActor,
    @Param('id') id: string,
    @Body(new ZodPipe(API_ROUTES.staffRefundOrder.body)) body: RefundRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Refund> {
    const refund = await this.refunds.refund(till, id, body);
    reply.status(refund.replayed ? 200 : 201);
    return refund;
  }
}
