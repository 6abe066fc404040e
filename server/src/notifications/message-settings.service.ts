import { Injectable } from '@nestjs/common';
import { messageSettingsBodySchema, type MessageSettings, type MessageSettingsBody, type MessageTemplate, type NotificationKind, type UpdateMessageSettingsRequest } from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import type { StaffActor } from '../access/actors';
import { Clock } from '../common/clock';
import { UnitOfWork } from '../database/unit-of-work';
import { readVersioned, saveVersioned } from '../database/versioned-settings';

/**
 * Until a brand saves its own: no templates (so nothing is sent — a brand must register its
 * templates with WeChat first), quiet from 21:30 to 08:30 Shanghai time, at most 5 a day per member.
 */
export const DEFAULT_MESSAGE_SETTINGS: MessageSettingsBody = { templates: [], quietHours: { start: '21:30', end: '08:30' }, dailyCapPerMember: 5 };

/**
 * A brand's message settings (消息通知): the WeChat templates of each kind, quiet hours and the
 * daily cap. Versioned like the gift and check-in settings, audited on every save.
 */
@Injectable()
export class MessageSettingsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  settings(brandId: string, reader: EntityManager = this.uow.reader): Promise<MessageSettings> {
    return readVersioned(reader, 'message_settings', brandId, (json) => messageSettingsBodySchema.parse(json), DEFAULT_MESSAGE_SETTINGS);
  }

  async update(actor: StaffActor, request: UpdateMessageSettingsRequest): Promise<MessageSettings> {
    const { version, ...body } = request;
    const { version: _version, updatedAt: _at, updatedBy: _by, ...before } = await this.settings(actor.brandId);
    await saveVersioned(this.uow, 'message_settings', actor, { version, body, before, action: 'message_settings.update', at: this.clock.now() });
    return this.settings(actor.brandId);
  }
}

/** The templates of one kind; null when the brand has none for it (it is then not sent). */
export function templateOf(settings: MessageSettingsBody, kind: NotificationKind): MessageTemplate | null {
  return settings.templates.find((t) => t.kind === kind) ?? null;
}
