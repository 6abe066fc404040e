import type { AgreementKind, Agreements } from '@wemember/shared';
import { MEMBERSHIP_AGREEMENT } from './membership';
import { PRIVACY_POLICY } from './privacy';

/** The versions in force: what GET /api/member/agreements serves and what joining must accept. */
export const CURRENT_AGREEMENTS: Agreements = { membership: MEMBERSHIP_AGREEMENT, privacy: PRIVACY_POLICY };

/** The kinds whose accepted version is not the one in force (in the order of AGREEMENT_KINDS). */
export function outdatedAgreements(accepted: Record<AgreementKind, string>): AgreementKind[] {
  return (['membership', 'privacy'] as const).filter((kind) => accepted[kind] !== CURRENT_AGREEMENTS[kind].version);
}
