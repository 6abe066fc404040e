import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { MemberActor, StaffActor, TillActor, WechatUserActor } from './actors';

/** A request after the AccessGuard: the caller it authenticated, by kind. */
export type AccessRequest = FastifyRequest & { wechatUser?: WechatUserActor; member?: MemberActor; staff?: StaffActor; till?: TillActor };

const fromRequest = <K extends 'wechatUser' | 'member' | 'staff' | 'till'>(key: K) =>
  createParamDecorator((_: unknown, context: ExecutionContext): NonNullable<AccessRequest[K]> => {
    const value = context.switchToHttp().getRequest<AccessRequest>()[key];
    if (!value) throw new Error(`no ${key} on this request: the route's auth does not provide one`);
    return value;
  });

/** The WeChat user of a 'wechat' or 'member' route. */
export const CurrentWechatUser = fromRequest('wechatUser');
/** The member of a 'member' route: the only member whose data the handler may touch. */
export const CurrentMember = fromRequest('member');
/** The staff member of a 'staff' route (or a 'till' route called with a staff token). */
export const CurrentStaff = fromRequest('staff');
/** The staff member or POS key of a 'till' route. */
export const CurrentTill = fromRequest('till');

/** The caller's address, for rate limits. */
export const ClientIp = createParamDecorator((_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<FastifyRequest>().ip);
