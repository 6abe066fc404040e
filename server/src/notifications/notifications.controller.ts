import { Controller } from '@nestjs/common';
import type { MemberMessageSettings, MessageSettings, StaffNotifications, StaffNotificationsQuery, SubscribeResultsRequest, UpdateMemberMessageSettingsRequest, UpdateMessageSettingsRequest } from '@wemember/shared';
import { CurrentMember, CurrentStaff } from '../access/actor.decorators';
import type { MemberActor, StaffActor } from '../access/actors';
import { Route, ValidBody, ValidQuery } from '../access/route.decorator';
import { MemberMessages } from './member-messages.service';
import { MessageSettingsService } from './message-settings.service';
import { NotificationLog } from './notification-log';

@Controller()
export class NotificationsController {
  constructor(
    private readonly settings: MessageSettingsService,
    private readonly member: MemberMessages,
    private readonly log: NotificationLog,
  ) {}

  @Route('memberMessageSettings')
  memberSettings(@CurrentMember() member: MemberActor): Promise<MemberMessageSettings> {
    return this.member.view(member);
  }

  @Route('memberUpdateMessageSettings')
  memberUpdate(@CurrentMember() member: MemberActor, @ValidBody() body: UpdateMemberMessageSettingsRequest): Promise<MemberMessageSettings> {
    return this.member.update(member, body);
  }

  @Route('memberSubscribeResults')
  subscribed(@CurrentMember() member: MemberActor, @ValidBody() body: SubscribeResultsRequest): Promise<MemberMessageSettings> {
    return this.member.report(member, body);
  }

  @Route('staffMessageSettings')
  staffSettings(@CurrentStaff() staff: StaffActor): Promise<MessageSettings> {
    return this.settings.settings(staff.brandId);
  }

  @Route('staffUpdateMessageSettings')
  staffUpdate(@CurrentStaff() staff: StaffActor, @ValidBody() body: UpdateMessageSettingsRequest): Promise<MessageSettings> {
    return this.settings.update(staff, body);
  }

  @Route('staffNotifications')
  notifications(@CurrentStaff() staff: StaffActor, @ValidQuery() query: StaffNotificationsQuery): Promise<StaffNotifications> {
    return this.log.list(staff, query);
  }
}
