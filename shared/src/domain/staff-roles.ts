export const STAFF_ROLES = ['clerk', 'store_manager', 'region_manager', 'marketer', 'hq_admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const STAFF_ROLE_NAMES: Record<StaffRole, string> = {
  clerk: '店员',
  store_manager: '店长',
  region_manager: '区域经理',
  marketer: '营销专员',
  hq_admin: '总部管理员',
};

/** Roles that may look a member up by phone or member number (not only by the code the member shows). */
export const ROLES_THAT_SEARCH_MEMBERS: readonly StaffRole[] = ['store_manager', 'region_manager', 'marketer', 'hq_admin'];

/** Roles that may see a member's full phone number. Everyone else sees 138****1234. */
export const ROLES_THAT_SEE_FULL_PHONE: readonly StaffRole[] = ['hq_admin'];
