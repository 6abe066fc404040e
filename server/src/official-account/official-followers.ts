import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { OfficialAccountClient } from '../wechat/official-account.client';

/**
 * Who follows the brand's official account, as its server learnt from WeChat's pushes
 * (oa_followers), and which member each follower is: the same unionid as one of the member's
 * mini-program identities (docs/wechat.md §D.2). Template messages go only to these openids.
 */
@Injectable()
export class OfficialFollowers {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly official: OfficialAccountClient,
  ) {}

  /** The member's openid in the official account while they follow it; null otherwise (or with no account). */
  async oaOpenidOf(memberId: string): Promise<string | null> {
    const appid = this.official.appid;
    if (!appid) return null;
    const [row] = (await this.uow.reader.query(
      `SELECT f.openid FROM oa_followers f
         JOIN wechat_identities i ON i.unionid = f.unionid
        WHERE i.member_id = ? AND f.appid = ? AND f.following = 1 AND f.unionid IS NOT NULL
        ORDER BY f.subscribed_at DESC LIMIT 1`,
      [memberId, appid],
    )) as { openid: string }[];
    return row?.openid ?? null;
  }
}
