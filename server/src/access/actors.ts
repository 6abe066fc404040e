import type { StaffRole } from '@wemember/shared';

/** The signed-in staff member and the scope they act in. */
export interface StaffActor {
  id: string;
  brandId: string;
  username: string;
  displayName: string;
  role: StaffRole;
  storeId: string | null;
  regionId: string | null;
}

/** A WeChat user of the mini-program, joined or not (the join endpoint). */
export interface WechatUserActor {
  /** The WeChat identity's id. */
  sub: string;
  brandId: string;
  memberId: string | null;
}

/** The member behind a member token: member routes serve this member and nobody else. */
export interface MemberActor {
  memberId: string;
  brandId: string;
}

/** A store's POS system, signed in with the store's API key. */
export interface PosActor {
  id: string;
  storeId: string;
}

/** Who records at a till: a signed-in staff member, or a store's POS system with its API key. */
export type TillActor = { brandId: string; staff: StaffActor; apiKey: null } | { brandId: string; staff: null; apiKey: PosActor };
