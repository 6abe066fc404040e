import { Body, Controller, Query } from '@nestjs/common';
import { Route } from '../access/route.decorator';
import { SmsOptOuts } from './sms-opt-outs';

/** Tencent Cloud SMS's 短信回复 callback URL, as set in the SMS console: https://<host>/api/sms/replies?token=<SMS_REPLY_TOKEN>. */
@Controller()
export class SmsRepliesController {
  constructor(private readonly optOuts: SmsOptOuts) {}

  /** The token is checked before the body, so a caller without it learns nothing about the schema. */
  @Route('smsReplies')
  receive(@Query() query: Record<string, unknown>, @Body() body: unknown): Promise<{ result: number; errmsg: string }> {
    return this.optOuts.receiveReply(query?.token, body);
  }
}
