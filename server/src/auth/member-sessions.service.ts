import { Inject, Injectable } from '@nestjs/common';
import type { MemberAuthResponse, MemberJoinResponse, MemberLoginRequest, MemberPhoneRequest, WelcomeGift } from '@wemember/shared';
import type { WechatUserActor } from '../access/actors';
import { Brand } from '../brands/brand.entity';
import { BrandsRepository } from '../brands/brands.repository';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { WelcomeGifts } from '../coupons/welcome-gifts';
import { RateLimiter } from '../redis/rate-limiter.service';
import { StoresRepository } from '../stores/stores.repository';
import { MiniProgramClient } from '../wechat/mini-program.client';
import { MemberCardService } from '../members/member-card.service';
import type { Member } from '../members/member.entity';
import { MemberJoin } from '../members/member-join.usecase';
import { MembersRepository } from '../members/members.repository';
import { PhoneVault } from '../members/phone-vault.service';
import { AuthTokens } from './auth-tokens.service';

/** How long after a card was made a join coming back may still finish its welcome gift. */
const WELCOME_GIFT_RETRY_MS = 24 * 60 * 60 * 1000;

/**
 * A shopper's session: wx.login → our token, and the phone-number button → a card and a token for
 * it. The store code's scene is checked before the login code is spent, so a bad scene burns
 * nothing; the first scene an identity arrives with is kept for attribution.
 */
@Injectable()
export class MemberSessions {
  constructor(
    private readonly cards: MemberCardService,
    private readonly brands: BrandsRepository,
    private readonly stores: StoresRepository,
    private readonly members: MembersRepository,
    private readonly joining: MemberJoin,
    private readonly wechat: MiniProgramClient,
    private readonly vault: PhoneVault,
    private readonly tokens: AuthTokens,
    private readonly limiter: RateLimiter,
    private readonly welcomeGifts: WelcomeGifts,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(request: MemberLoginRequest, ip: string): Promise<MemberAuthResponse> {
    await this.limiter.hit('member-login', ip, this.config.rateLimits.memberLoginPerMinute);
    const brand = await this.currentBrand();
    if (request.scene) {
      const scene = await this.stores.activeScene(request.scene);
      if (!scene || scene.brandId !== brand.id) {
        throw new DomainError('SCENE_UNKNOWN', undefined, [{ field: 'scene', message: '门店码不存在或已停用' }]);
      }
    }
    const session = await this.wechat.code2Session(request.code);
    const identity = await this.members.recordLogin({
      brandId: brand.id,
      appid: this.wechat.appid,
      openid: session.openid,
      unionid: session.unionid,
      sessionKeyCipher: this.vault.encrypt(session.sessionKey),
      scene: request.scene ?? null,
    });
    const member = identity.memberId ? await this.members.byId(brand.id, identity.memberId) : null;
    return {
      ...this.tokens.issueMember({ sub: identity.id, brandId: brand.id, memberId: member?.id ?? null }),
      member: member ? await this.cards.view(member, brand.name) : null,
    };
  }

  async join(user: WechatUserActor, request: MemberPhoneRequest, ip: string): Promise<MemberJoinResponse> {
    await this.limiter.hit('member-login', ip, this.config.rateLimits.memberLoginPerMinute);
    const { member, brand, welcomeBack } = await this.joining.execute(user, request);
    return {
      ...this.tokens.issueMember({ sub: user.sub, brandId: brand.id, memberId: member.id }),
      member: await this.cards.view(member, brand.name),
      welcomeBack,
      welcomeGift: await this.welcomeGift(member, welcomeBack),
    };
  }

  /**
   * A new card gets the welcome gift. The card and the gift are two units of work: should the
   * server stop between them, the shopper's retry finds the card (a welcome back) and, while the
   * card is less than a day old, finishes the gift — its keys give nothing twice, and only what
   * this call gave is shown. Older cards coming back get nothing.
   */
  private async welcomeGift(member: Member, welcomeBack: boolean): Promise<WelcomeGift> {
    if (!welcomeBack) return this.welcomeGifts.give(member);
    if (this.clock.nowMs() - member.joinedAt.getTime() > WELCOME_GIFT_RETRY_MS) return null;
    const gift = await this.welcomeGifts.give(member);
    return gift.points > 0 || gift.coupons.length > 0 ? gift : null;
  }

  async currentBrand(): Promise<Brand> {
    const brand = await this.brands.byAppid(this.wechat.appid);
    if (!brand) throw new DomainError('APP_NOT_CONFIGURED');
    return brand;
  }
}
