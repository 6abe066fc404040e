import { Injectable, Logger } from '@nestjs/common';
import {
  boundaryPositions,
  chinaDayStart,
  DEFAULT_RFM_SETTINGS,
  rfmSettingsSchema,
  stageCutoffs,
  type RfmSettings,
} from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { dbTime, execute, forUpdate, insertOnce, isMysql, toInt } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { readVersioned } from '../database/versioned-settings';
import { rollingStartMonth } from './member-growth';

const BATCH = 20_000;

export interface RfmRun {
  date: string;
  brands: number;
  /** Rows that left a month behind (one per member and month shifted). */
  shifted: number;
  scored: number;
  stageChanges: number;
  /** Brands whose run for this date had already finished: nothing done again. */
  alreadyRun: number;
}

/** The R, F and M columns, and which way is better: all three "higher is better" (R ranks the last purchase date). */
const DIMENSIONS = [
  { score: 'r_score', value: 'last_purchase_on' },
  { score: 'f_score', value: 'purchases_12m' },
  { score: 'm_score', value: 'spend_12m_fen' },
] as const;

type Boundaries = Record<(typeof DIMENSIONS)[number]['score'], (string | number)[]>;

function nextMonth(month: string): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * The nightly RFM job (docs/domain.md, *RFM and classes*), per brand, on member_rfm alone so its
 * cost grows with members, not orders:
 * 1. shift: each row whose window starts before this month's rolling start subtracts its first
 *    month (from member_months) and moves on a month, in one conditional UPDATE per batch
 *    (`window_start_month = ?` compared and set together: a run twice shifts once);
 * 2. rows for members who joined but never bought (scored as having no purchase);
 * 3. the quintile boundaries of R, F and M among members who ever bought (MariaDB: ROW_NUMBER()
 *    over the brand; SQLite: ORDER BY … LIMIT 1 OFFSET, portable and slower), then every row scored
 *    against them in batches with one UPDATE each: scores, class, stage — and a member_stage_changes
 *    row for each stage that changed, in the same transaction.
 * A finished run is recorded in rfm_runs; a repeated run for the same date finds it and stops.
 * Unfinished, it is simply done again: every statement gives the same result twice.
 */
@Injectable()
export class RfmScoring {
  private readonly logger = new Logger('RfmScoring');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  settings(brandId: string): Promise<RfmSettings> {
    return readVersioned(this.uow.reader, 'rfm_settings', brandId, (json) => rfmSettingsSchema.parse(json), DEFAULT_RFM_SETTINGS);
  }

  async run(today: string, onlyBrand?: string): Promise<RfmRun> {
    const brands = onlyBrand ? [{ id: onlyBrand }] : ((await this.uow.reader.query('SELECT id FROM brands ORDER BY id')) as { id: string }[]);
    const run: RfmRun = { date: today, brands: brands.length, shifted: 0, scored: 0, stageChanges: 0, alreadyRun: 0 };
    for (const { id: brandId } of brands) {
      const [done] = (await this.uow.reader.query('SELECT members FROM rfm_runs WHERE brand_id = ? AND run_on = ?', [brandId, today])) as unknown[];
      if (done) {
        run.alreadyRun++;
        continue;
      }
      run.shifted += await this.shift(brandId, today);
      await this.addMissingRows(brandId, today);
      const { scored, stageChanges } = await this.score(brandId, today);
      run.scored += scored;
      run.stageChanges += stageChanges;
      await this.uow.transaction((m) =>
        insertOnce(m, 'rfm_runs', { brand_id: brandId, run_on: today, members: scored, stage_changes: stageChanges, finished_at: dbTime(this.clock.now()) }),
      );
    }
    this.logger.log(`rfm ${today}: ${run.scored} scored, ${run.stageChanges} stage changes, ${run.shifted} shifted`);
    return run;
  }

  /** Moves every row's window up to the rolling 12 months of `today`, a month at a time. */
  async shift(brandId: string, today: string): Promise<number> {
    const target = rollingStartMonth(today);
    let shifted = 0;
    for (;;) {
      const [row] = (await this.uow.reader.query('SELECT MIN(window_start_month) AS month FROM member_rfm WHERE brand_id = ? AND window_start_month < ?', [brandId, target])) as {
        month: string | null;
      }[];
      if (!row?.month) return shifted;
      const month = row.month;
      for (let after = ''; ; ) {
        const ids = (await this.uow.reader.query(
          `SELECT member_id FROM member_rfm WHERE brand_id = ? AND window_start_month = ? AND member_id > ? ORDER BY member_id LIMIT ${BATCH}`,
          [brandId, month, after],
        )) as { member_id: string }[];
        if (ids.length === 0) break;
        const last = ids[ids.length - 1].member_id;
        shifted += await this.uow.transaction(async (m) => {
          // The month's aggregates locked first (a refund of an order of that month moves them
          // before the row): a refund either committed before and is read here, or waits and then
          // finds the row's window past its month and leaves the row alone.
          if (isMysql(m)) await m.query(`SELECT member_id FROM member_months WHERE member_id > ? AND member_id <= ? AND month = ?${forUpdate(m)}`, [after, last, month]);
          // MariaDB joins the month in (no assignment reads another); SQLite, without UPDATE … JOIN
          // before 3.33, reads it with a sub-select per column.
          if (isMysql(m)) {
            return execute(
              m,
              `UPDATE member_rfm r LEFT JOIN member_months mm ON mm.member_id = r.member_id AND mm.month = ?
               SET r.purchases_12m = r.purchases_12m - COALESCE(mm.purchases, 0), r.spend_12m_fen = r.spend_12m_fen - COALESCE(mm.spend_fen, 0), r.window_start_month = ?
               WHERE r.brand_id = ? AND r.window_start_month = ? AND r.member_id > ? AND r.member_id <= ?`,
              [month, nextMonth(month), brandId, month, after, last],
            );
          }
          const sub = (column: string) => `COALESCE((SELECT mm.${column} FROM member_months mm WHERE mm.member_id = member_rfm.member_id AND mm.month = ?), 0)`;
          return execute(
            m,
            `UPDATE member_rfm SET purchases_12m = purchases_12m - ${sub('purchases')}, spend_12m_fen = spend_12m_fen - ${sub('spend_fen')}, window_start_month = ?
             WHERE brand_id = ? AND window_start_month = ? AND member_id > ? AND member_id <= ?`,
            [month, month, nextMonth(month), brandId, month, after, last],
          );
        });
        after = last;
      }
    }
  }

  /** Members who joined but never bought have no row yet: they get an empty one (their window starts now). */
  private async addMissingRows(brandId: string, today: string): Promise<void> {
    const ignore = (m: EntityManager) => (isMysql(m) ? 'INSERT IGNORE' : 'INSERT OR IGNORE');
    await this.uow.transaction((m) =>
      m.query(
        `${ignore(m)} INTO member_rfm (member_id, brand_id, joined_at, window_start_month, purchases_12m, spend_12m_fen)
         SELECT mb.id, mb.brand_id, mb.joined_at, ?, 0, 0 FROM members mb
         WHERE mb.brand_id = ? AND mb.status <> 'closed' AND NOT EXISTS (SELECT 1 FROM member_rfm r WHERE r.member_id = mb.id)`,
        [rollingStartMonth(today), brandId],
      ),
    );
  }

  /** The four cut points of each dimension among the brand's members who ever bought. */
  async boundaries(brandId: string): Promise<{ buyers: number; cuts: Boundaries }> {
    const reader = this.uow.reader;
    const [count] = (await reader.query('SELECT COUNT(*) AS n FROM member_rfm WHERE brand_id = ? AND last_purchase_on IS NOT NULL', [brandId])) as { n: unknown }[];
    const buyers = toInt(count?.n);
    const cuts = { r_score: [], f_score: [], m_score: [] } as Boundaries;
    if (buyers === 0) return { buyers, cuts };
    const positions = boundaryPositions(buyers);
    for (const { score, value } of DIMENSIONS) {
      if (isMysql(reader)) {
        // One pass per dimension: the values at the four positions of the brand's sorted values.
        const rows = (await reader.query(
          `SELECT v FROM (SELECT ${value} AS v, ROW_NUMBER() OVER (ORDER BY ${value}) AS pos FROM member_rfm WHERE brand_id = ? AND last_purchase_on IS NOT NULL) ranked
           WHERE pos IN (?, ?, ?, ?) ORDER BY pos`,
          [brandId, ...positions],
        )) as { v: string | number }[];
        const byPosition = new Map([...new Set(positions)].map((p, i) => [p, rows[i].v]));
        cuts[score] = positions.map((p) => byPosition.get(p)!);
      } else {
        for (const p of positions) {
          const [row] = (await reader.query(`SELECT ${value} AS v FROM member_rfm WHERE brand_id = ? AND last_purchase_on IS NOT NULL ORDER BY ${value} LIMIT 1 OFFSET ?`, [
            brandId,
            p - 1,
          ])) as { v: string | number }[];
          cuts[score].push(row.v);
        }
      }
      // mysql2 reads BIGINT as text: compare numbers as numbers.
      if (value !== 'last_purchase_on') cuts[score] = cuts[score].map((v) => toInt(v));
    }
    return { buyers, cuts };
  }

  /** Scores every row of the brand against the boundaries and records the stages that changed. */
  private async score(brandId: string, today: string): Promise<{ scored: number; stageChanges: number }> {
    const settings = await this.settings(brandId);
    const { cuts } = await this.boundaries(brandId);
    const cut = stageCutoffs(settings, today);
    const newSinceAt = dbTime(chinaDayStart(cut.newSince));
    // The stage (lifecycleStage in shared, as SQL): its parameters follow the expression's order.
    const stage = `CASE WHEN joined_at >= ? AND purchases_12m <= 1 THEN 'new' WHEN last_purchase_on IS NULL THEN 'dormant'
      WHEN last_purchase_on >= ? THEN 'active' WHEN last_purchase_on >= ? THEN 'recently_lapsed' WHEN last_purchase_on >= ? THEN 'lapsed' ELSE 'dormant' END`;
    const stageParams = [newSinceAt, cut.activeSince, cut.recentlyLapsedSince, cut.lapsedSince];
    // A score: NULL without a purchase, else 1 + the boundaries the value is above.
    const scoreSql = (value: string) =>
      `CASE WHEN last_purchase_on IS NULL THEN NULL ELSE 1 + (CASE WHEN ${value} > ? THEN 1 ELSE 0 END) + (CASE WHEN ${value} > ? THEN 1 ELSE 0 END) + (CASE WHEN ${value} > ? THEN 1 ELSE 0 END) + (CASE WHEN ${value} > ? THEN 1 ELSE 0 END) END`;
    // 4 or 5 means above the third boundary; the class counts those (rfmClass in shared).
    const high = (value: string) => `(CASE WHEN ${value} > ? THEN 1 ELSE 0 END)`;
    const classSql = `CASE WHEN last_purchase_on IS NULL THEN 'D' ELSE (CASE ${high('last_purchase_on')} + ${high('purchases_12m')} + ${high('spend_12m_fen')} WHEN 3 THEN 'A' WHEN 2 THEN 'B' WHEN 1 THEN 'C' ELSE 'D' END) END`;
    const scored = DIMENSIONS.map((d) => cuts[d.score]);
    const hasBuyers = scored[0].length === 4;
    const scoreParams = (i: number) => (hasBuyers ? scored[i] : ['', '', '', '']);
    const classParams = hasBuyers ? scored.map((c) => c[2]) : ['', '', ''];

    let total = 0;
    let changes = 0;
    for (let after = ''; ; ) {
      const ids = (await this.uow.reader.query(`SELECT member_id FROM member_rfm WHERE brand_id = ? AND member_id > ? ORDER BY member_id LIMIT ${BATCH}`, [brandId, after])) as {
        member_id: string;
      }[];
      if (ids.length === 0) break;
      const last = ids[ids.length - 1].member_id;
      const range = [brandId, after, last];
      changes += await this.uow.transaction(async (m) => {
        // The batch's rows held until commit: a purchase meanwhile waits, so the history and the
        // stage below are computed from the same values.
        if (isMysql(m)) await m.query(`SELECT member_id FROM member_rfm WHERE brand_id = ? AND member_id > ? AND member_id <= ?${forUpdate(m)}`, range);
        const insert = isMysql(m) ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
        const changed = await execute(
          m,
          `${insert} INTO member_stage_changes (member_id, changed_on, brand_id, from_stage, to_stage)
           SELECT member_id, ?, brand_id, stage, ${stage} FROM member_rfm
           WHERE brand_id = ? AND member_id > ? AND member_id <= ? AND stage IS NOT NULL AND stage <> ${stage}`,
          [today, ...stageParams, ...range, ...stageParams],
        );
        // MySQL assigns left to right with the new values, SQLite with the old: stage_since reads
        // the old stage first, the class is computed from the values (not the score columns), stage comes last.
        await m.query(
          `UPDATE member_rfm SET stage_since = CASE WHEN stage IS NULL OR stage <> ${stage} THEN ? ELSE stage_since END,
             r_score = ${scoreSql('last_purchase_on')}, f_score = ${scoreSql('purchases_12m')}, m_score = ${scoreSql('spend_12m_fen')},
             rfm_class = ${classSql}, stage = ${stage}
           WHERE brand_id = ? AND member_id > ? AND member_id <= ?`,
          [...stageParams, today, ...scoreParams(0), ...scoreParams(1), ...scoreParams(2), ...classParams, ...stageParams, ...range],
        );
        return changed;
      });
      total += ids.length;
      after = last;
    }
    return { scored: total, stageChanges: changes };
  }
}
