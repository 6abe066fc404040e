import {
  CAMPAIGN_STATUSES,
  CAMPAIGN_TRANSITIONS,
  COUPON_STATUSES,
  COUPON_TRANSITIONS,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  RECHARGE_REFUND_STATUSES,
  RECHARGE_REFUND_TRANSITIONS,
  RECHARGE_STATUSES,
  RECHARGE_TRANSITIONS,
  TransitionError,
  type Transitions,
  assertTransition,
  canTransition,
  isFinalState,
  statesLeadingTo,
} from './state-machines';

/** Every (from, to) pair a machine allows, as "from → to". */
function moves(machine: Transitions): string[] {
  return Object.entries(machine).flatMap(([from, targets]) => targets.map((to) => `${from} → ${to}`));
}

describe('state machines as data', () => {
  const machines: [string, Transitions, readonly string[]][] = [
    ['order', ORDER_TRANSITIONS, ORDER_STATUSES],
    ['coupon', COUPON_TRANSITIONS, COUPON_STATUSES],
    ['recharge', RECHARGE_TRANSITIONS, RECHARGE_STATUSES],
    ['recharge refund', RECHARGE_REFUND_TRANSITIONS, RECHARGE_REFUND_STATUSES],
    ['campaign', CAMPAIGN_TRANSITIONS, CAMPAIGN_STATUSES],
  ];

  it.each(machines)('the %s machine lists every status once, and moves only between its statuses', (_, machine, statuses) => {
    expect(Object.keys(machine)).toEqual([...statuses]);
    for (const targets of Object.values(machine)) {
      for (const to of targets) expect(statuses).toContain(to);
      expect(new Set(targets).size).toBe(targets.length);
    }
  });

  it.each(machines)('every %s status can be reached from the first one', (_, machine, statuses) => {
    const reached = new Set([statuses[0]]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const from of reached) {
        for (const to of machine[from]) {
          if (!reached.has(to)) {
            reached.add(to);
            grew = true;
          }
        }
      }
    }
    expect([...reached].sort()).toEqual([...statuses].sort());
  });
});

describe('orders', () => {
  it('move on with each refund, as the refund use case sets them, and stay refunded', () => {
    expect(moves(ORDER_TRANSITIONS)).toEqual([
      'completed → partially_refunded',
      'completed → refunded',
      'partially_refunded → partially_refunded',
      'partially_refunded → refunded',
    ]);
    expect(isFinalState(ORDER_TRANSITIONS, 'refunded')).toBe(true);
    expect(canTransition(ORDER_TRANSITIONS, 'refunded', 'partially_refunded')).toBe(false);
    expect(canTransition(ORDER_TRANSITIONS, 'partially_refunded', 'completed')).toBe(false);
  });

  it('name the statuses a refund may start from', () => {
    expect(statesLeadingTo(ORDER_TRANSITIONS, 'refunded')).toEqual(['completed', 'partially_refunded']);
    expect(statesLeadingTo(ORDER_TRANSITIONS, 'completed')).toEqual([]);
  });
});

describe('coupons', () => {
  it('are locked during a purchase, then redeemed or released', () => {
    expect(canTransition(COUPON_TRANSITIONS, 'issued', 'locked')).toBe(true);
    expect(canTransition(COUPON_TRANSITIONS, 'locked', 'redeemed')).toBe(true);
    expect(canTransition(COUPON_TRANSITIONS, 'locked', 'issued')).toBe(true);
    // A redeem needs the lock first, so a coupon cannot be used twice by two tills at once.
    expect(canTransition(COUPON_TRANSITIONS, 'issued', 'redeemed')).toBe(false);
    expect(canTransition(COUPON_TRANSITIONS, 'locked', 'locked')).toBe(false);
  });

  it('come back to issued when released (again harmlessly) or given back by a refund', () => {
    expect(statesLeadingTo(COUPON_TRANSITIONS, 'issued')).toEqual(['issued', 'locked', 'redeemed']);
  });

  it('expire or are revoked only while unused, and never come back', () => {
    expect(statesLeadingTo(COUPON_TRANSITIONS, 'expired')).toEqual(['issued']);
    expect(statesLeadingTo(COUPON_TRANSITIONS, 'revoked')).toEqual(['issued']);
    for (const status of ['expired', 'revoked'] as const) expect(isFinalState(COUPON_TRANSITIONS, status)).toBe(true);
    // A purchase refunded in full gives its coupons back; nothing else leaves `redeemed`.
    expect(COUPON_TRANSITIONS.redeemed).toEqual(['issued']);
  });
});

describe('recharges', () => {
  it('are paid only after WeChat Pay took them, and an unpaid one may be closed', () => {
    expect(canTransition(RECHARGE_TRANSITIONS, 'created', 'paid')).toBe(false);
    expect(canTransition(RECHARGE_TRANSITIONS, 'paying', 'paid')).toBe(true);
    expect(canTransition(RECHARGE_TRANSITIONS, 'paying', 'closed')).toBe(true);
    // Paid once: the move that credits the balance cannot happen twice.
    expect(canTransition(RECHARGE_TRANSITIONS, 'paid', 'paid')).toBe(false);
    expect(canTransition(RECHARGE_TRANSITIONS, 'closed', 'paid')).toBe(false);
    expect(statesLeadingTo(RECHARGE_TRANSITIONS, 'refunded')).toEqual(['paid', 'partially_refunded']);
  });

  it('refunds are approved or rejected, then succeed or fail once', () => {
    expect(statesLeadingTo(RECHARGE_REFUND_TRANSITIONS, 'processing')).toEqual(['requested']);
    for (const status of ['rejected', 'succeeded', 'failed'] as const) expect(isFinalState(RECHARGE_REFUND_TRANSITIONS, status)).toBe(true);
  });
});

describe('the guards', () => {
  it('assertTransition passes an allowed move and throws a TransitionError naming a refused one', () => {
    expect(() => assertTransition(ORDER_TRANSITIONS, 'completed', 'refunded')).not.toThrow();
    expect(() => assertTransition(ORDER_TRANSITIONS, 'refunded', 'completed')).toThrow(TransitionError);
    expect(() => assertTransition(ORDER_TRANSITIONS, 'refunded', 'completed')).toThrow(
      expect.objectContaining({ from: 'refunded', to: 'completed' }),
    );
  });

  it('allow nothing for a status the machine does not know, such as a value read from an old row', () => {
    const unknown = 'cancelled' as (typeof ORDER_STATUSES)[number];
    expect(canTransition(ORDER_TRANSITIONS, unknown, 'refunded')).toBe(false);
    expect(canTransition(ORDER_TRANSITIONS, 'completed', unknown)).toBe(false);
    // Names every object has are not statuses either.
    const inherited = 'constructor' as (typeof ORDER_STATUSES)[number];
    expect(canTransition(ORDER_TRANSITIONS, inherited, 'refunded')).toBe(false);
    expect(isFinalState(ORDER_TRANSITIONS, inherited)).toBe(false);
  });
});

describe('campaigns', () => {
  it('launch from a draft, run, pause and resume, and end completed or cancelled', () => {
    expect(canTransition(CAMPAIGN_TRANSITIONS, 'draft', 'scheduled')).toBe(true);
    expect(canTransition(CAMPAIGN_TRANSITIONS, 'scheduled', 'running')).toBe(true);
    expect(canTransition(CAMPAIGN_TRANSITIONS, 'running', 'paused')).toBe(true);
    expect(canTransition(CAMPAIGN_TRANSITIONS, 'paused', 'running')).toBe(true);
    expect(canTransition(CAMPAIGN_TRANSITIONS, 'running', 'completed')).toBe(true);
    // A recurring campaign waits for its next run between runs.
    expect(canTransition(CAMPAIGN_TRANSITIONS, 'running', 'scheduled')).toBe(true);
    expect(isFinalState(CAMPAIGN_TRANSITIONS, 'completed')).toBe(true);
    expect(isFinalState(CAMPAIGN_TRANSITIONS, 'cancelled')).toBe(true);
  });

  it('never run a draft straight away, nor restart a finished campaign', () => {
    expect(canTransition(CAMPAIGN_TRANSITIONS, 'draft', 'running')).toBe(false);
    expect(canTransition(CAMPAIGN_TRANSITIONS, 'completed', 'running')).toBe(false);
    expect(canTransition(CAMPAIGN_TRANSITIONS, 'cancelled', 'scheduled')).toBe(false);
    expect(() => assertTransition(CAMPAIGN_TRANSITIONS, 'paused', 'completed')).toThrow(TransitionError);
  });

  it('name the statuses pause, resume and cancel start from', () => {
    expect(statesLeadingTo(CAMPAIGN_TRANSITIONS, 'paused')).toEqual(['scheduled', 'running']);
    expect(statesLeadingTo(CAMPAIGN_TRANSITIONS, 'cancelled')).toEqual(['draft', 'scheduled', 'running', 'paused']);
  });
});
