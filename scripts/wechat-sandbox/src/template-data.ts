import { WechatError } from './errors';

/**
 * Key-type rules of template and subscribe message data (§D, §E): a key is its type plus a number
 * (`thing1`, `amount12`, `character_string3`). A value that breaks its type's rule, or is empty, is
 * 47003 naming the key, as WeChat's `argument invalid! data.thing18.value invalid`. Keys of other
 * shapes (old-style `keyword1`, the dropped `first`/`remark`) are not checked.
 */
const DATE = String.raw`\d{4}(?:-\d{1,2}-\d{1,2}|/\d{1,2}/\d{1,2}|年\d{1,2}月\d{1,2}日)`;
const CLOCK = String.raw`\d{1,2}:\d{2}(?::\d{2})?`;
const DATE_TIME = `${DATE}(?:\\s*${CLOCK})?`;
const TIME = `(?:${DATE}\\s*)?${CLOCK}`;

function ranged(pattern: string): RegExp {
  return new RegExp(`^${pattern}(?:\\s*~\\s*${pattern})?$`);
}

const chars = (value: string): number => [...value].length;

const RULES: Record<string, (value: string) => boolean> = {
  thing: (value) => chars(value) <= 20,
  number: (value) => /^-?\d+(?:\.\d+)?$/.test(value) && value.replace(/\D/g, '').length <= 32,
  letter: (value) => /^[A-Za-z]{1,32}$/.test(value),
  symbol: (value) => /^[^\p{L}\p{N}\s]{1,5}$/u.test(value),
  character_string: (value) => /^[\x21-\x7e]{1,32}$/.test(value),
  time: (value) => ranged(TIME).test(value),
  date: (value) => ranged(DATE_TIME).test(value),
  amount: (value) => /^[¥￥$]?\d{1,10}(?:\.\d{1,2})?元?$/.test(value),
  phone_number: (value) => /^[\d+\-() ]{1,17}$/.test(value),
  car_number: (value) => chars(value) <= 8,
  name: (value) => /^[\p{Script=Han}·]{1,10}$/u.test(value) || /^[A-Za-z][A-Za-z .'-]{0,19}$/.test(value),
  phrase: (value) => /^\p{Script=Han}{1,5}$/u.test(value),
};

const TYPED_KEY = new RegExp(`^(${Object.keys(RULES).join('|')}|const|enum)\\d+$`);

function invalid(detail: string): never {
  throw new WechatError(47003, detail);
}

/** Checks `data` of a send; absent data is left to the caller (WeChat sends the template bare). */
export function checkTemplateData(data: unknown): void {
  if (data === undefined || data === null) return;
  if (typeof data !== 'object' || Array.isArray(data)) invalid('data must be an object of {key: {value}}');
  for (const [key, entry] of Object.entries(data)) {
    const type = TYPED_KEY.exec(key)?.[1];
    if (!type) continue;
    const value: unknown = (entry as { value?: unknown } | null)?.value;
    if (typeof value !== 'string' && typeof value !== 'number') invalid(`data.${key}.value is empty`);
    const text = String(value).trim();
    if (text === '') invalid(`data.${key}.value is empty`);
    const rule = RULES[type];
    // const/enum accept only values approved with the template: the sandbox has no registry of them.
    if (rule && !rule(text)) invalid(`data.${key}.value invalid`);
  }
}
