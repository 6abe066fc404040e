/** The stored-value jobs' queue: the sweeper, the shipping uploads and the daily reconciliation. */
export const WALLET_QUEUE = 'wallet';

export interface ShippingJob {
  orderNo: string;
}
