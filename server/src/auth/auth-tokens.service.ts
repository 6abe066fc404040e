import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';

/** A WeChat user of the mini-program; `memberId` is set once they have joined. */
export interface WechatUserClaims {
  aud: 'member';
  sub: string; // wechat identity id
  brandId: string;
  memberId: string | null;
}

export interface StaffClaims {
  aud: 'staff';
  sub: string; // staff id
  brandId: string;
}

export interface IssuedToken {
  token: string;
  expiresAt: string;
}

/** Signs and verifies the two kinds of bearer token. A member token never passes as a staff token, nor the reverse. */
@Injectable()
export class AuthTokens {
  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  issueMember(claims: Omit<WechatUserClaims, 'aud'>): IssuedToken {
    return this.issue({ ...claims, aud: 'member' }, this.config.tokens.memberTtlSeconds);
  }

  issueStaff(claims: Omit<StaffClaims, 'aud'>): IssuedToken {
    return this.issue({ ...claims, aud: 'staff' }, this.config.tokens.staffTtlSeconds);
  }

  verify<T extends WechatUserClaims | StaffClaims>(token: string, audience: T['aud']): T {
    let claims: (WechatUserClaims | StaffClaims) & { exp?: number };
    try {
      claims = this.jwt.verify(token, { algorithms: ['HS256'] });
    } catch {
      throw new DomainError('TOKEN_INVALID');
    }
    if (claims.aud !== audience) throw new DomainError('WRONG_AUDIENCE');
    return claims as T;
  }

  private issue(claims: WechatUserClaims | StaffClaims, ttlSeconds: number): IssuedToken {
    const token = this.jwt.sign({ ...claims }, { expiresIn: ttlSeconds, algorithm: 'HS256' });
    return { token, expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString() };
  }
}
