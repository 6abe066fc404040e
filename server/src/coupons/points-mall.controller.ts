import { Controller, Param, Res } from '@nestjs/common';
import type { ExchangeRequest, ExchangeResult, MemberExchanges, PointsMall as PointsMallView } from '@wemember/shared';
import type { FastifyReply } from 'fastify';
import { CurrentMember } from '../access/actor.decorators';
import type { MemberActor } from '../access/actors';
import { Route, ValidBody } from '../access/route.decorator';
import { PointsMall } from './points-mall.service';

/** The points mall and the member's exchange records. */
@Controller()
export class PointsMallController {
  constructor(private readonly mall: PointsMall) {}

  @Route('pointsMall')
  offers(@CurrentMember() member: MemberActor): Promise<PointsMallView> {
    return this.mall.mall(member);
  }

  /** 201 for a new exchange, 200 for the replay of the same requestId. */
  @Route('pointsMallExchange')
  async exchange(
    @CurrentMember() member: MemberActor,
    @Param('templateId') templateId: string,
    @ValidBody() body: ExchangeRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ExchangeResult> {
    const result = await this.mall.exchange(member, templateId, body);
    reply.status(result.replayed ? 200 : 201);
    return result;
  }

  @Route('memberExchanges')
  history(@CurrentMember() member: MemberActor): Promise<MemberExchanges> {
    return this.mall.history(member);
  }
}
