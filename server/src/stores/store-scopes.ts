import type { StaffActor } from '../staff/staff-actor';

/** Which stores a staff member may see: their store, their region's stores, or the whole brand. */
export function storeFilterFor(actor: StaffActor): { storeId?: string; regionId?: string } {
  switch (actor.role) {
    case 'clerk':
    case 'store_manager':
      return { storeId: actor.storeId ?? '-' };
    case 'region_manager':
      return { regionId: actor.regionId ?? '-' };
    case 'marketer':
    case 'hq_admin':
      return {};
  }
}
