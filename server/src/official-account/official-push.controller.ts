import { Controller, Query, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Route } from '../access/route.decorator';
import { OfficialPushes, type PushQuery } from './official-pushes';

/** The official account's server URL, as set in the MP console: WeChat's URL check and its pushes (text/plain answers). */
@Controller()
export class OfficialPushController {
  constructor(private readonly pushes: OfficialPushes) {}

  @Route('wechatOfficialVerify')
  verify(@Query() query: PushQuery): string {
    return this.pushes.verify(query);
  }

  /** The body as WeChat sent it: XML (read by registerXmlBodies), or JSON/plain text with Nest's raw copy. */
  @Route('wechatOfficialPush')
  receive(@Query() query: PushQuery, @Req() request: RawBodyRequest<FastifyRequest>): Promise<string> {
    const body = request.rawBody?.toString('utf8') ?? (typeof request.body === 'string' ? request.body : '');
    return this.pushes.receive(query, body);
  }
}
