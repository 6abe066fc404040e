/*
 * The numbers a member shows or reads out at the till. No zod here: the miniapp imports this module
 * on its own (`@wemember/shared/member-code`) to check what a clerk typed before sending it.
 */

/** 10 digits, not starting with 0: what a member reads out at the till. */
export const MEMBER_NO = /^[1-9]\d{9}$/;
/**
 * The dynamic member code: member number (10) + time window (2) + signature (8). The member number
 * is no secret (staff see it), so the signature is what a guesser must hit: 10^8 values, while the
 * server allows a handful of failed verifications per member number every few minutes (see the
 * server's MemberCodes) — decades of guessing per member at that rate.
 */
export const MEMBER_CODE_LENGTH = 20;
export const MEMBER_CODE = /^\d{20}$/;
/** How long one dynamic code is shown before the card fetches a new one. */
export const MEMBER_CODE_ROTATE_SECONDS = 60;
