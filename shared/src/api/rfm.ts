import { z } from 'zod';
import { LIFECYCLE_STAGES, RFM_CLASSES } from '../domain/rfm';

const score = z.number().int().min(1).max(5).nullable();
const stage = z.enum(LIFECYCLE_STAGES);

/**
 * A member's RFM as last night scored it (docs/domain.md, *RFM, lifecycle stages and classes*):
 * the inputs as they are now (moved by every purchase and refund), the scores, class and stage of
 * the last night (`scoredOn`, null before the brand's first), and the latest stage changes.
 */
export const memberRfmSchema = z.object({
  memberId: z.string(),
  scoredOn: z.string().nullable(),
  lastPurchaseOn: z.string().nullable(),
  purchases12m: z.number().int(),
  spend12mFen: z.number().int(),
  scores: z.object({ r: score, f: score, m: score }),
  rfmClass: z.enum(RFM_CLASSES).nullable(),
  stage: stage.nullable(),
  stageName: z.string().nullable(),
  stageSince: z.string().nullable(),
  stageChanges: z.array(z.object({ changedOn: z.string(), from: stage, fromName: z.string(), to: stage, toName: z.string() })),
});
export type MemberRfm = z.infer<typeof memberRfmSchema>;
