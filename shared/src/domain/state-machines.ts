/*
 * States as data: for each state, the states it may move to. The server applies a move as
 * `UPDATE … SET status = :to WHERE id = ? AND status IN (:from…)` and checks the affected-row
 * count, so two requests racing for one row cannot both move it; these tables say which moves exist
 * at all, and the guards below check one in code (before writing, or in a test). No zod and no IO
 * here: the miniapp may import this module on its own (`@wemember/shared/state-machines`).
 */

/** A state machine: every state of `S` lists the states it may move to (none for a final state). */
export type Transitions<S extends string = string> = { readonly [From in S]: readonly S[] };

/** The states of a machine. */
export type StateOf<M extends Transitions> = keyof M & string;

/** The states `from` may move to in machine `M`. */
export type NextStateOf<M extends Transitions, From extends StateOf<M>> = M[From][number];

/** A move that the machine does not allow: a bug or a lost race, for the log (not shown to people). */
export class TransitionError extends Error {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`no transition from ${from} to ${to}`);
    this.name = 'TransitionError';
  }
}

const own = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/**
 * True when `machine` allows moving from `from` to `to`. A state the machine does not know (a value
 * read from an old row, say) allows nothing.
 */
export function canTransition<M extends Transitions>(machine: M, from: StateOf<M>, to: StateOf<M>): boolean {
  return own(machine, from) && own(machine, to) && (machine[from] as readonly string[]).includes(to);
}

/** Throws a TransitionError unless `machine` allows moving from `from` to `to`. */
export function assertTransition<M extends Transitions>(machine: M, from: StateOf<M>, to: StateOf<M>): void {
  if (!canTransition(machine, from, to)) throw new TransitionError(from, to);
}

/** The states that may move to `to`, in the machine's order: the `:from` list of the conditional UPDATE. */
export function statesLeadingTo<M extends Transitions>(machine: M, to: StateOf<M>): StateOf<M>[] {
  return (Object.keys(machine) as StateOf<M>[]).filter((from) => canTransition(machine, from, to));
}

/** True for a state nothing leaves. */
export function isFinalState<M extends Transitions>(machine: M, state: StateOf<M>): boolean {
  return own(machine, state) && machine[state].length === 0;
}

// Orders -------------------------------------------------------------------------------------------

export const ORDER_STATUSES = ['completed', 'partially_refunded', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * A purchase is recorded `completed`. Each refund moves it on: `refunded` once the refunds add up to
 * its amount, `partially_refunded` before that (so a second partial refund moves
 * partially_refunded → partially_refunded). Nothing leaves `refunded`.
 */
export const ORDER_TRANSITIONS = {
  completed: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  refunded: [],
} as const satisfies Transitions<OrderStatus>;

// Coupons ------------------------------------------------------------------------------------------

export const COUPON_STATUSES = ['issued', 'locked', 'redeemed', 'expired', 'revoked'] as const;
export type CouponStatus = (typeof COUPON_STATUSES)[number];

/**
 * A coupon is `issued` to a member; a purchase that uses it `locked`s it, then `redeemed` it when the
 * purchase is recorded, or releases it back to `issued` when the purchase is abandoned (releasing an
 * `issued` coupon again leaves it `issued`, so a repeated release is harmless). A purchase refunded
 * in full gives its coupons back (`redeemed` → `issued`) while they are still valid. An unused coupon
 * `expired`s at the end of its validity or is `revoked` by the brand; expired and revoked are final.
 */
export const COUPON_TRANSITIONS = {
  issued: ['locked', 'issued', 'expired', 'revoked'],
  locked: ['redeemed', 'issued'],
  redeemed: ['issued'],
  expired: [],
  revoked: [],
} as const satisfies Transitions<CouponStatus>;

// Recharges (stored value bought with WeChat Pay) --------------------------------------------------

export const RECHARGE_STATUSES = ['created', 'paying', 'paid', 'partially_refunded', 'closed', 'refunded'] as const;
export type RechargeStatus = (typeof RECHARGE_STATUSES)[number];

/**
 * A recharge order is `created` locally, `paying` once WeChat Pay gave it a prepay_id, and `paid` when
 * the payment notification (or an active query when none arrives) says so: that move, made once by
 * a conditional UPDATE, is what credits principal and bonus, so however many notifications come the
 * balance is credited exactly once. An unpaid order is `closed` (closed at WeChat Pay, or expired
 * there). Refunds of unused principal move a paid order to `partially_refunded` or `refunded`.
 */
export const RECHARGE_TRANSITIONS = {
  created: ['paying', 'closed'],
  paying: ['paid', 'closed'],
  paid: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  closed: [],
  refunded: [],
} as const satisfies Transitions<RechargeStatus>;

export const RECHARGE_REFUND_STATUSES = ['requested', 'processing', 'rejected', 'succeeded', 'failed'] as const;
export type RechargeRefundStatus = (typeof RECHARGE_REFUND_STATUSES)[number];

/**
 * A member's request to get unused principal back is `requested` until a manager approves it
 * (`processing`: the principal and forfeited bonus are held out of the balance and the refund is
 * sent to WeChat Pay) or rejects it; HQ may refund directly, starting at `processing`. WeChat Pay's
 * refund notification (or a query) finalises it: `succeeded`, or `failed`, which gives the hold back.
 */
export const RECHARGE_REFUND_TRANSITIONS = {
  requested: ['processing', 'rejected'],
  processing: ['succeeded', 'failed'],
  rejected: [],
  succeeded: [],
  failed: [],
} as const satisfies Transitions<RechargeRefundStatus>;

// Campaigns ----------------------------------------------------------------------------------------

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/**
 * draft → scheduled (launch) → running (its run is due) → completed; a recurring campaign goes back
 * to scheduled after each run. Running and scheduled pause (a marketer, or WeChat's 45009) and
 * resume to running; anything not final may be cancelled.
 */
export const CAMPAIGN_TRANSITIONS = {
  draft: ['scheduled', 'cancelled'],
  scheduled: ['running', 'paused', 'cancelled'],
  running: ['paused', 'scheduled', 'completed', 'cancelled'],
  paused: ['running', 'scheduled', 'cancelled'],
  completed: [],
  cancelled: [],
} as const satisfies Transitions<CampaignStatus>;
