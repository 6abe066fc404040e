/** The notification sender's queue: one `send` job per notification when it is due, and the sweeper. */
export const MESSAGES_QUEUE = 'messages';

export interface SendJob {
  id: string;
}
