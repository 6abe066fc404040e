/**
 * The idempotency key of one action that moves value: a purchase's externalNo or a refund's
 * refundNo at the till, a coupon redemption's externalNo, a points-mall exchange's requestId. The
 * server records an action once per key, so a key must survive every retry of a send that may
 * have been recorded, and a new action must get a new key.
 */
export class AttemptKey {
  private key: string | null = null
  /** A send with the current key got no certain answer: it may have been recorded. */
  private maybeRecorded = false

  constructor(
    /** Starts every key: "T" for a purchase, "R" for a refund, "C" for a coupon redemption, "X" for an exchange. */
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** The key to send: the current one, or a new one when there is none. */
  get(): string {
    if (!this.key) {
      const suffix = Math.floor(this.random() * 36 ** 4)
        .toString(36)
        .toUpperCase()
        .padStart(4, '0')
      this.key = `${this.prefix}${this.now()}${suffix}`
    }
    return this.key
  }

  /**
   * A send failed. With no certain answer (network, timeout, 5xx) the key is kept, so the retry
   * replays the first send instead of recording a second one. A definite refusal recorded nothing,
   * so the next send may take a fresh key, unless an earlier send with this one is unaccounted for.
   */
  failed(outcomeUnknown: boolean): void {
    if (outcomeUnknown) this.maybeRecorded = true
    else if (!this.maybeRecorded) this.key = null
  }

  /** Whether a send with the current key may have been recorded: a retry must reuse it. */
  get pending(): boolean {
    return this.maybeRecorded
  }

  /** The action was recorded or given up: the next one gets a new key. */
  reset(): void {
    this.key = null
    this.maybeRecorded = false
  }
}
