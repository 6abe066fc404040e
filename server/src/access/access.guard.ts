import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { API_ROUTES } from '@wemember/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthTokens, type StaffClaims, type WechatUserClaims } from '../auth/auth-tokens.service';
import { DomainError } from '../common/domain-error';
import { MembersRepository } from '../members/members.repository';
import { StoreApiKeys } from '../orders/store-api-keys';
import { StaffDirectory } from '../staff/staff-directory.service';
import { AccessPolicy } from './access-policy';
import type { AccessRequest } from './actor.decorators';
import { routeNameOf } from './route.decorator';

const API_KEY_HEADER = 'x-api-key';

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) throw new DomainError('UNAUTHENTICATED');
  return match[1];
}

/**
 * The one gate every request passes (registered as the global guard): it finds the route's entry
 * in API_ROUTES, authenticates the caller the way the entry says (member token, staff token, or a
 * store's POS key) and applies the entry's role rule. What the caller may do with a particular
 * store, member or order is the AccessPolicy's to say, in the service. A handler not bound to an
 * entry is refused, so nothing is served without a declared rule.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly tokens: AuthTokens,
    private readonly directory: StaffDirectory,
    private readonly apiKeys: StoreApiKeys,
    private readonly members: MembersRepository,
    private readonly policy: AccessPolicy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const name = routeNameOf(context.getHandler());
    if (!name) throw new DomainError('FORBIDDEN');
    const route = API_ROUTES[name];
    const http = context.switchToHttp();
    const request = http.getRequest<AccessRequest>();
    // Whatever a signed-in caller gets back is theirs: no cache keeps it.
    if (route.auth !== 'public') http.getResponse<FastifyReply>().header('Cache-Control', 'no-store');

    switch (route.auth) {
      case 'public':
        return true;
      case 'wechat': {
        const claims = this.tokens.verify<WechatUserClaims>(bearer(request), 'member');
        request.wechatUser = { sub: claims.sub, brandId: claims.brandId, memberId: claims.memberId };
        return true;
      }
      case 'member': {
        const claims = this.tokens.verify<WechatUserClaims>(bearer(request), 'member');
        if (!claims.memberId) throw new DomainError('NOT_JOINED');
        // The card behind the token, as it is now: a closed card is refused on every member route
        // alike, and a token whose WeChat identity no longer holds the card stops working.
        const status = await this.members.sessionStatus(claims.sub, claims.memberId);
        if (status === null) throw new DomainError('TOKEN_INVALID');
        if (status === 'closed') throw new DomainError('MEMBER_CLOSED');
        request.wechatUser = { sub: claims.sub, brandId: claims.brandId, memberId: claims.memberId };
        request.member = { memberId: claims.memberId, brandId: claims.brandId };
        return true;
      }
      case 'till': {
        const key = request.headers[API_KEY_HEADER];
        if (typeof key === 'string' && key.length > 0) {
          const pos = await this.apiKeys.verify(key);
          request.till = { brandId: pos.brandId, staff: null, apiKey: { id: pos.id, storeId: pos.storeId } };
          return true;
        }
        const staff = await this.staff(request);
        if (!this.policy.allowsRole(route, staff.role)) throw new DomainError('FORBIDDEN');
        request.till = { brandId: staff.brandId, staff, apiKey: null };
        return true;
      }
      case 'staff': {
        const staff = await this.staff(request);
        if (!this.policy.allowsRole(route, staff.role)) throw new DomainError('FORBIDDEN');
        return true;
      }
    }
  }

  /** Staff are re-read on every request, so a disabled account or a changed role takes effect at once. */
  private async staff(request: AccessRequest) {
    const claims = this.tokens.verify<StaffClaims>(bearer(request), 'staff');
    request.staff = await this.directory.actor(claims.sub);
    return request.staff;
  }
}
