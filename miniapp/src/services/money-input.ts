import { MAX_FEN } from '@wemember/shared/money'

/** Yuan as a clerk types them: whole yuan, optionally with one or two decimal places. */
const YUAN_TEXT = /^(\d+)(?:\.(\d{1,2}))?$/

/**
 * "12" → 1200, "12.3" → 1230, "12.34" → 1234: the typed yuan amount in integer fen, worked out on
 * the digits themselves so no float ever rounds it. Null for anything that is not a plain amount
 * of at most ¥1,000,000.00 with at most two decimals (empty, negative, "1.234", "1e3", "¥5").
 */
export function parseYuanToFen(text: string): number | null {
  const match = YUAN_TEXT.exec(text.trim())
  if (!match) return null
  const yuan = match[1].replace(/^0+(?=\d)/, '')
  // Longer than the cap's 7 digits: too large, and past what Number holds exactly anyway.
  if (yuan.length > String(MAX_FEN / 100).length) return null
  const fen = Number(yuan) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  return fen <= MAX_FEN ? fen : null
}

/** 12345 → "123.45": fen as the text a yuan field starts with (no ¥, no thousands separators). */
export function fenToYuanText(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`
}

/** The most points one purchase may redeem, as the field takes them (9 digits). */
const MAX_POINTS_DIGITS = 9

/**
 * Points as a clerk types them: a whole number, or the sentence to show beside the field. "1.5" is
 * refused as a decimal (never read as 15 or 1), and so is anything that is not plain digits.
 */
export function parsePointsInput(text: string): { points: number } | { error: string } {
  const typed = text.trim()
  if (!typed) return { error: '请输入要抵扣的积分' }
  if (/^\d*[.,。．]\d*$/.test(typed)) return { error: '积分只能是整数，不能有小数' }
  if (!/^\d+$/.test(typed)) return { error: '请输入整数积分' }
  const digits = typed.replace(/^0+(?=\d)/, '')
  if (digits.length > MAX_POINTS_DIGITS) return { error: '积分数过大' }
  return { points: Number(digits) }
}
