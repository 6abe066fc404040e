import { Injectable } from '@nestjs/common';
import { ROLES_THAT_SEARCH_MEMBERS, ROLES_THAT_SEE_FULL_PHONE, type ApiRoute, type StaffRole } from '@wemember/shared';
import type { StaffActor, TillActor } from './actors';

/** A store as far as access is concerned: whose it is and where it sits. */
export interface StoreRef {
  id: string;
  brandId: string;
  regionId: string;
}

/** The stores an actor's scope covers, as a filter a repository can apply. `none` matches nothing. */
export type StoreScope = { kind: 'brand' } | { kind: 'region'; regionId: string } | { kind: 'store'; storeId: string } | { kind: 'none' };

/** What an actor wants to do with a store's data: look at it, or record value at its till. */
export type StoreAction = 'see' | 'till';

/** How staff find a member: the code the member shows, or a phone / member number typed in. */
export type MemberFinding = 'member_code' | 'phone' | 'member_no';

/**
 * The one place that decides who may see and do what. Routes declare which roles may call them
 * (API_ROUTES, checked by the AccessGuard before anything runs); services ask this policy about the
 * resource in hand — a store, a member, an order (by its store), a report (by its stores) — and
 * never compare roles themselves. Pure: it reads nothing, so every rule is a unit test away.
 *
 * Scopes: a clerk and a store manager have their store; a region manager the stores of their region;
 * a marketer and an HQ admin the whole brand (a marketer never works a till); a POS key its store.
 * Another brand's resources are outside every scope.
 */
@Injectable()
export class AccessPolicy {
  /** The route's own rule: may a staff member of this role call it at all? */
  allowsRole(route: ApiRoute, role: StaffRole): boolean {
    return 'roles' in route && route.roles.includes(role);
  }

  scope(actor: StaffActor | TillActor, action: StoreAction = 'see'): StoreScope {
    if ('apiKey' in actor && actor.apiKey) return { kind: 'store', storeId: actor.apiKey.storeId };
    const staff = 'role' in actor ? actor : actor.staff;
    if (!staff) return { kind: 'none' };
    switch (staff.role) {
      case 'clerk':
      case 'store_manager':
        return staff.storeId ? { kind: 'store', storeId: staff.storeId } : { kind: 'none' };
      case 'region_manager':
        return staff.regionId ? { kind: 'region', regionId: staff.regionId } : { kind: 'none' };
      case 'marketer':
        return action === 'till' ? { kind: 'none' } : { kind: 'brand' };
      case 'hq_admin':
        return { kind: 'brand' };
    }
  }

  /** The scope as the filter `StoresRepository.storesOfBrand` and the order list take. */
  storeFilter(actor: StaffActor | TillActor, action: StoreAction = 'see'): { storeId?: string; regionId?: string } {
    const scope = this.scope(actor, action);
    switch (scope.kind) {
      case 'brand':
        return {};
      case 'region':
        return { regionId: scope.regionId };
      case 'store':
        return { storeId: scope.storeId };
      case 'none':
        return { storeId: '-' };
    }
  }

  /** May the actor see (or record at the till of) this store — and so its orders and refunds? */
  mayActAt(actor: StaffActor | TillActor, store: StoreRef, action: StoreAction = 'see'): boolean {
    if (store.brandId !== actor.brandId) return false;
    const scope = this.scope(actor, action);
    switch (scope.kind) {
      case 'brand':
        return true;
      case 'region':
        return store.regionId === scope.regionId;
      case 'store':
        return store.id === scope.storeId;
      case 'none':
        return false;
    }
  }

  /**
   * The one store a till operation can be for without naming it: the actor's own (store staff, a
   * POS key), or null when the actor spans several stores and must name one.
   */
  ownTillStore(actor: TillActor): string | null {
    const scope = this.scope(actor, 'till');
    return scope.kind === 'store' ? scope.storeId : null;
  }

  /** May staff look a member up this way? The code the member shows works for every role. */
  mayFindMemberBy(actor: StaffActor, by: MemberFinding): boolean {
    return by === 'member_code' || ROLES_THAT_SEARCH_MEMBERS.includes(actor.role);
  }

  /**
   * May staff see a member found by phone or number? Members belong to the store they joined at:
   * store managers see their store's, region managers their region's, HQ and marketers all.
   */
  mayViewMember(actor: StaffActor, member: { brandId: string }, homeStore: StoreRef | null): boolean {
    if (member.brandId !== actor.brandId) return false;
    const scope = this.scope(actor, 'see');
    if (scope.kind === 'brand') return true;
    if (actor.role === 'clerk') return false;
    return !!homeStore && this.mayActAt(actor, homeStore, 'see');
  }

  /** Full phone numbers are for HQ admins; everyone else sees 138****1234. */
  seesFullPhone(actor: StaffActor): boolean {
    return ROLES_THAT_SEE_FULL_PHONE.includes(actor.role);
  }
}
