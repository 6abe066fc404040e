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
