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
