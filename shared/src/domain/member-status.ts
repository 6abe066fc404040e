export const MEMBER_STATUSES = ['active', 'frozen', 'lost', 'closed'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export const MEMBER_STATUS_NAMES: Record<MemberStatus, string> = {
  active: '正常',
  frozen: '已冻结',
  lost: '已挂失',
  closed: '已注销',
};
