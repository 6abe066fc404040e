/*
 * The campaign engine's pure rules (issue 13, docs/campaigns.md): the status machine, the holdout
 * arm, merge fields and the lift of a treated arm over its holdout. No zod and no IO.
 */

export const CAMPAIGN_ARMS = ['treated', 'holdout'] as const;
export type CampaignArm = (typeof CAMPAIGN_ARMS)[number];

/** FNV-1a over the UTF-16 code units: the same everywhere (server, tests), no crypto needed. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * The member's arm in one run: a deterministic hash of campaign, run and member into 0..9999, held
 * out when below holdoutPercent × 100. A retried batch or a second instance draws the same arm, and
 * each run draws afresh (a member held out in May may be treated in June).
 */
export function campaignArm(campaignId: string, runNo: number, memberId: string, holdoutPercent: number): CampaignArm {
  return fnv1a(`${campaignId}:${runNo}:${memberId}`) % 10_000 < Math.round(holdoutPercent * 100) ? 'holdout' : 'treated';
}

/** The merge fields a message's data may use, resolved per member when the run reaches them. */
export const CAMPAIGN_MERGE_FIELDS = ['memberNo', 'points', 'tierName'] as const;
export type CampaignMergeField = (typeof CAMPAIGN_MERGE_FIELDS)[number];

const MERGE = /\{([A-Za-z]+)\}/g;

/** The `{field}` names in a value that are not merge fields (empty when all are known). */
export function unknownMergeFields(value: string): string[] {
  return [...value.matchAll(MERGE)].map((m) => m[1]).filter((f) => !(CAMPAIGN_MERGE_FIELDS as readonly string[]).includes(f));
}

/** `value` with each `{field}` replaced by the member's value. */
export function resolveMergeFields(value: string, fields: Record<CampaignMergeField, string>): string {
  return value.replace(MERGE, (whole, name: string) => ((CAMPAIGN_MERGE_FIELDS as readonly string[]).includes(name) ? fields[name as CampaignMergeField] : whole));
}

/**
 * What WeChat accepts for a template key (47003, docs/wechat.md §D/§E), by the key's type prefix
 * (`thing3` → thing): null when `value` is fine, else why not. Checked at save with the merge
 * fields' longest values and again per member after resolving, so a send is never refused for it.
 */
export function templateValueProblem(key: string, value: string): string | null {
  const type = /^([a-z_]+?)\d+$/.exec(key)?.[1];
  const length = [...value].length;
  switch (type) {
    case 'thing':
      return length === 0 || length > 20 ? '应为 1 到 20 个字' : null;
    case 'number':
    case 'character_string':
      return /^-?\d{1,32}$/.test(value) || (type === 'character_string' && /^[A-Za-z0-9_-]{1,32}$/.test(value)) ? null : '应为数字或字母，最多 32 位';
    case 'amount':
      return /^\d{1,10}(\.\d{1,2})?$/.test(value) ? null : '应为金额，如 12.30';
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : '应为日期 YYYY-MM-DD';
    case 'time':
      return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(value) ? null : '应为时间 YYYY-MM-DD HH:mm';
    case 'phrase':
      return /^[\u4e00-\u9fa5]{1,5}$/.test(value) ? null : '应为 1 到 5 个汉字';
    case 'name':
      return length === 0 || length > 10 ? '应为 1 到 10 个字' : null;
    default:
      return '键名应为 thing1、number2、amount3、date4、time5、phrase6、name7 或 character_string8 这类 WeChat 模板键';
  }
}

/** What the SMS provider accepts for one template variable (1–20 字, no brackets that mimic the signature): null when fine. */
export function smsParamProblem(value: string): string | null {
  const length = [...value].length;
  if (length === 0 || length > 20) return '应为 1 到 20 个字';
  if (/[【】[\]]/.test(value)) return '不能含有方括号';
  return null;
}

/** A stand-in for each merge field at its longest, to check a template value before any member is met. */
export const LONGEST_MERGE_VALUES: Record<CampaignMergeField, string> = { memberNo: '0000000000000000', points: '1000000000', tierName: '钻石会员' };

export interface ArmOutcome {
  members: number;
  /** Members who purchased within the window. */
  converted: number;
}

export interface Lift {
  treatedRate: number;
  holdoutRate: number;
  /** treatedRate − holdoutRate. */
  lift: number;
  /** The 95% interval of the lift (normal approximation); null when an arm is empty. */
  low: number | null;
  high: number | null;
}

/** The lift of the treated arm over the holdout with a 95% confidence interval (difference of two proportions, Wald). */
export function campaignLift(treated: ArmOutcome, holdout: ArmOutcome): Lift {
  const rate = (a: ArmOutcome) => (a.members > 0 ? a.converted / a.members : 0);
  const pt = rate(treated);
  const ph = rate(holdout);
  const lift = pt - ph;
  if (treated.members === 0 || holdout.members === 0) return { treatedRate: pt, holdoutRate: ph, lift, low: null, high: null };
  const se = Math.sqrt((pt * (1 - pt)) / treated.members + (ph * (1 - ph)) / holdout.members);
  return { treatedRate: pt, holdoutRate: ph, lift, low: lift - 1.96 * se, high: lift + 1.96 * se };
}
