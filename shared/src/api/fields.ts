import { z } from 'zod';
import { MAX_FEN } from '../money';

/** Field schemas several API modules share. */

export const amountFenSchema = (what: string, min = 1) =>
  z
    .number({ error: `${what}应为整数（单位：分）` })
    .int(`${what}应为整数（单位：分）`)
    .min(min, min === 1 ? `${what}应大于 0` : `${what}不能为负数`)
    .max(MAX_FEN, `${what}不能超过 1,000,000 元`);

