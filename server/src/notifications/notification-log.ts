import { Injectable } from '@nestjs/common';
import type { NotificationView, StaffNotifications, StaffNotificationsQuery } from '@wemember/shared';
import type { StaffActor } from '../access/actors';
import { fromDbTime, toInt } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';

interface LogRow {
  id: string;
  member_id: string;
  kind: NotificationView['kind'];
  status: NotificationView['status'];
  channel: NotificationView['channel'];
  template_id: string | null;
  data: string | null;
  attempts: unknown;
  last_errcode: unknown;
  last_error: string | null;
  not_before: Date | string;
  finish_status: string | null;
  created_at: Date | string;
  sent_at: Date | string | null;
}

/** The record of sends (通知发送记录) for marketing: the brand's notifications, newest first. */
@Injectable()
export class NotificationLog {
  constructor(private readonly uow: UnitOfWork) {}

  async list(actor: StaffActor, query: StaffNotificationsQuery): Promise<StaffNotifications> {
    // Campaign messages are the campaign's (its progress counts them); this log is of the notices of NOTIFICATION_KINDS.
    const where = ['brand_id = ?', "kind <> 'campaign'"];
    const params: unknown[] = [actor.brandId];
    if (query.memberId) {
      where.push('member_id = ?');
      params.push(query.memberId);
    }
    if (query.status) {
      where.push('status = ?');
      params.push(query.status);
    }
    const rows = (await this.uow.reader.query(
      `SELECT id, member_id, kind, status, channel, template_id, data, attempts, last_errcode, last_error, not_before, finish_status, created_at, sent_at
         FROM notifications WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${query.limit}`,
      params,
    )) as LogRow[];
    return {
      notifications: rows.map((r) => ({
        id: r.id,
        memberId: r.member_id,
        kind: r.kind,
        status: r.status,
        channel: r.channel,
        templateId: r.template_id,
        data: r.data ? (JSON.parse(r.data) as NotificationView['data']) : null,
        attempts: toInt(r.attempts),
        lastErrcode: r.last_errcode === null ? null : toInt(r.last_errcode),
        lastError: r.last_error,
        notBefore: fromDbTime(r.not_before).toISOString(),
        finishStatus: r.finish_status,
        createdAt: fromDbTime(r.created_at).toISOString(),
        sentAt: r.sent_at ? fromDbTime(r.sent_at).toISOString() : null,
      })),
    };
  }
}
