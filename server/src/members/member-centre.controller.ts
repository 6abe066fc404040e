import { Controller, Param, Res, StreamableFile } from '@nestjs/common';
import type {
  Agreements,
  CloseMembership,
  CloseMembershipRequest,
  HomeStore,
  MemberProfile,
  MemberTiers,
  SetAvatarRequest,
  UpdateProfileRequest,
} from '@wemember/shared';
import type { FastifyReply } from 'fastify';
import { CurrentMember, CurrentWechatUser } from '../access/actor.decorators';
import type { MemberActor, WechatUserActor } from '../access/actors';
import { Route, ValidBody } from '../access/route.decorator';
import { MemberCentre } from './member-centre.service';

/** 我的: the agreements, the profile and avatar, closing the card, the home store and the tier page. */
@Controller()
export class MemberCentreController {
  constructor(private readonly centre: MemberCentre) {}

  @Route('memberAgreements')
  agreements(): Agreements {
    return this.centre.agreements();
  }

  @Route('memberProfile')
  profile(@CurrentMember() member: MemberActor): Promise<MemberProfile> {
    return this.centre.profile(member);
  }

  @Route('memberUpdateProfile')
  updateProfile(@CurrentMember() member: MemberActor, @ValidBody() body: UpdateProfileRequest): Promise<MemberProfile> {
    return this.centre.updateProfile(member, body);
  }

  @Route('memberSetAvatar')
  setAvatar(@CurrentMember() member: MemberActor, @ValidBody() body: SetAvatarRequest): Promise<MemberProfile> {
    return this.centre.setAvatar(member, body.image);
  }

  /** Public and cacheable forever: the file name is random and changes with every new avatar. */
  @Route('memberAvatarImage')
  async avatar(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    const image = await this.centre.avatarImage(file);
    reply.header('Content-Type', image.contentType);
    reply.header('Cache-Control', 'public, max-age=31536000, immutable');
    reply.header('X-Content-Type-Options', 'nosniff');
    return new StreamableFile(image.bytes);
  }

  @Route('memberClose')
  close(@CurrentMember() member: MemberActor, @CurrentWechatUser() user: WechatUserActor, @ValidBody() body: CloseMembershipRequest): Promise<CloseMembership> {
    return this.centre.close({ ...member, sub: user.sub }, body);
  }

  @Route('memberHomeStore')
  homeStore(@CurrentMember() member: MemberActor): Promise<HomeStore> {
    return this.centre.homeStore(member);
  }

  @Route('memberTiers')
  tiers(@CurrentMember() member: MemberActor): Promise<MemberTiers> {
    return this.centre.tiers(member);
  }
}
