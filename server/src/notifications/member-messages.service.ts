import { Injectable } from '@nestjs/common';
import {
  MAX_TEMPLATES_PER_REQUEST,
  NOTIFICATION_KIND_LABELS,
  NOTIFICATION_KINDS,
  type MemberMessageSettings,
  type SubscribeResultsRequest,
  type UpdateMemberMessageSettingsRequest,
} from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import type { MemberActor } from '../access/actors';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { dbTime, isMysql, toInt, upsertAdd } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { OfficialFollowers } from '../official-account/official-followers';
import { MessageSettingsService, templateOf } from './message-settings.service';

/** The member's switched-off kinds (message_prefs holds only what they changed; absent = on). */
export async function disabledKinds(reader: EntityManager, memberId: string): Promise<Set<string>> {
  const rows = (await reader.query('SELECT kind, enabled FROM message_prefs WHERE member_id = ?', [memberId])) as { kind: string; enabled: unknown }[];
  return new Set(rows.filter((r) => !Number(r.enabled)).map((r) => r.kind));
}

/**
 * The member's message settings (消息设置): which kinds they want, how each would reach them now,
 * and the subscribe-message credits their accepts in wx.requestSubscribeMessage earned.
 */
@Injectable()
export class MemberMessages {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly settings: MessageSettingsService,
    private readonly followers: OfficialFollowers,
    private readonly clock: Clock,
  ) {}

  async view(member: MemberActor): Promise<MemberMessageSettings> {
    const reader = this.uow.reader;
    const [settings, off, oaOpenid, creditRows] = await Promise.all([
      this.settings.settings(member.brandId),
      disabledKinds(reader, member.memberId),
      this.followers.oaOpenidOf(member.memberId),
      reader.query('SELECT template_id, credits FROM subscribe_credits WHERE member_id = ?', [member.memberId]) as Promise<{ template_id: string; credits: unknown }[]>,
    ]);
    const credits = new Map(creditRows.map((r) => [r.template_id, toInt(r.credits)]));
    return {
      kinds: NOTIFICATION_KINDS.map((kind) => {
        const template = templateOf(settings, kind);
        const subscribeTemplateId = template?.subscribeTemplateId ?? null;
        const left = subscribeTemplateId ? (credits.get(subscribeTemplateId) ?? 0) : 0;
        const channel = oaOpenid && template?.officialTemplateId ? 'official_account' : left > 0 ? 'subscribe' : null;
        return { kind, label: NOTIFICATION_KIND_LABELS[kind], enabled: !off.has(kind), channel, subscribeTemplateId, credits: left };
      }),
      followsOfficialAccount: oaOpenid !== null,
      quietHours: settings.quietHours,
      maxTemplatesPerRequest: MAX_TEMPLATES_PER_REQUEST,
    };
  }

  async update(member: MemberActor, request: UpdateMemberMessageSettingsRequest): Promise<MemberMessageSettings> {
    const at = dbTime(this.clock.now());
    await this.uow.transaction(async (m) => {
      for (const [kind, enabled] of Object.entries(request.kinds)) {
        // The latest choice wins: a plain upsert, nothing is counted.
        const sql = isMysql(m)
          ? 'INSERT INTO message_prefs (member_id, kind, enabled, updated_at) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE enabled = VALUES(enabled), updated_at = VALUES(updated_at)'
          : 'INSERT INTO message_prefs (member_id, kind, enabled, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (member_id, kind) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at';
        await m.query(sql, [member.memberId, kind, enabled ? 1 : 0, at]);
      }
    });
    return this.view(member);
  }

  /**
   * What wx.requestSubscribeMessage answered: each accept of one of the brand's subscribe templates
   * is one more send of it (WeChat counts the same way, docs/wechat.md §E). A template that is not
   * the brand's refuses the whole report, naming it, before anything is counted. Reject, ban and
   * filter change nothing: the next request asks again, and WeChat itself stops showing a banned one.
   */
  async report(member: MemberActor, request: SubscribeResultsRequest): Promise<MemberMessageSettings> {
    const settings = await this.settings.settings(member.brandId);
    const ours = new Set(settings.templates.map((t) => t.subscribeTemplateId).filter((id): id is string => id !== null));
    const unknown = Object.keys(request.results).filter((id) => !ours.has(id));
    if (unknown.length > 0) {
      const issues = unknown.map((id) => ({ field: `results.${id}`, message: '不是本品牌的订阅消息模板' }));
      throw new DomainError('SUBSCRIBE_TEMPLATE_UNKNOWN', undefined, issues);
    }
    const accepted = Object.entries(request.results).filter(([, decision]) => decision === 'accept');
    if (accepted.length > 0) {
      const at = dbTime(this.clock.now());
      await this.uow.transaction(async (m) => {
        for (const [templateId] of accepted) {
          await upsertAdd(m, 'subscribe_credits', { member_id: member.memberId, template_id: templateId }, { credits: 1, updated_at: at }, ['credits']);
        }
      });
    }
    return this.view(member);
  }
}

/** The credits the member holds for one subscribe template. */
export async function creditsOf(reader: EntityManager, memberId: string, templateId: string): Promise<number> {
  const [row] = (await reader.query('SELECT credits FROM subscribe_credits WHERE member_id = ? AND template_id = ?', [memberId, templateId])) as { credits: unknown }[];
  return toInt(row?.credits);
}
