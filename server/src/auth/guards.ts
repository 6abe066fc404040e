import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../common/domain-error';
import { StaffDirectory } from '../staff/staff-directory.service';
import type { StaffActor } from '../staff/staff-actor';
import { AuthTokens, WechatUserClaims } from './auth-tokens.service';

type AuthedRequest = FastifyRequest & { wechatUser?: WechatUserClaims; staff?: StaffActor };

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) throw new DomainError('UNAUTHENTICATED');
  return match[1];
}

/** Any signed-in WeChat user, joined or not (the join endpoint). */
@Injectable()
export class WechatUserGuard implements CanActivate {
  constructor(private readonly tokens: AuthTokens) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    request.wechatUser = this.tokens.verify<WechatUserClaims>(bearer(request), 'member');
    return true;
  }
}

/** A WeChat user who has joined: the member endpoints. */
@Injectable()
export class MemberGuard implements CanActivate {
  constructor(private readonly tokens: AuthTokens) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const claims = this.tokens.verify<WechatUserClaims>(bearer(request), 'member');
    if (!claims.memberId) throw new DomainError('NOT_JOINED');
    request.wechatUser = claims;
    return true;
  }
}

/** Staff, re-read on every request so a disabled account or a changed role takes effect at once. */
@Injectable()
export class StaffGuard implements CanActivate {
  constructor(
    private readonly tokens: AuthTokens,
    private readonly directory: StaffDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const claims = this.tokens.verify(bearer(request), 'staff');
    request.staff = await this.directory.actor(claims.sub);
    return true;
  }
}

export const CurrentWechatUser = createParamDecorator(
  (_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<AuthedRequest>().wechatUser!,
);

/** The member behind a MemberGuard-ed request. */
export interface MemberActor {
  memberId: string;
  brandId: string;
}

export const CurrentMember = createParamDecorator((_: unknown, context: ExecutionContext): MemberActor => {
  const claims = context.switchToHttp().getRequest<AuthedRequest>().wechatUser!;
  return { memberId: claims.memberId!, brandId: claims.brandId };
});

export const CurrentStaff = createParamDecorator(
  (_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<AuthedRequest>().staff!,
);

/** The caller's address, for rate limits. */
export const ClientIp = createParamDecorator((_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<FastifyRequest>().ip);
