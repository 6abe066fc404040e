import { NOTIFICATION_KINDS, type MessageSettings, type NotificationKind } from '@wemember/shared';
import type { TestStack } from './stack';

/** The subscribe-message template id a test brand registers for `kind`. */
export const subscribeTemplateOf = (kind: NotificationKind) => `TPL-${kind.replace(/_/g, '-')}`;

/**
 * What a marketer does in the console before members can subscribe: a subscribe template for each
 * kind (no official-account templates: the mini-program channel alone), no quiet hours, so a send
 * goes out at once whatever the test's clock says.
 */
export async function configureSubscribeTemplates(stack: TestStack, kinds: readonly NotificationKind[] = NOTIFICATION_KINDS): Promise<MessageSettings> {
  const token = await stack.staffToken('marketer');
  const current = await stack.api<MessageSettings>('GET', '/staff/settings/messages', { token });
  if (current.status !== 200) throw new Error(`GET /staff/settings/messages: ${current.status} ${JSON.stringify(current.body)}`);
  const saved = await stack.api<MessageSettings>('PUT', '/staff/settings/messages', {
    token,
    body: {
      version: current.body.version,
      templates: kinds.map((kind) => ({ kind, officialTemplateId: null, subscribeTemplateId: subscribeTemplateOf(kind) })),
      quietHours: null,
      dailyCapPerMember: 50,
    },
  });
  if (saved.status !== 200) throw new Error(`PUT /staff/settings/messages: ${saved.status} ${JSON.stringify(saved.body)}`);
  return saved.body;
}
