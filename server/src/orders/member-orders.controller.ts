import { Controller } from '@nestjs/common';
import type { MemberOrders, MemberOrdersQuery } from '@wemember/shared';
import { CurrentMember } from '../access/actor.decorators';
import type { MemberActor } from '../access/actors';
import { Route, ValidQuery } from '../access/route.decorator';
import { MemberOrdersUseCase } from './member-orders.usecase';

/** The member's own purchases and refunds, as e-receipts. */
@Controller()
export class MemberOrdersController {
  constructor(private readonly orders: MemberOrdersUseCase) {}

  @Route('memberOrders')
  list(@CurrentMember() member: MemberActor, @ValidQuery() query: MemberOrdersQuery): Promise<MemberOrders> {
    return this.orders.page(member, query);
  }
}
