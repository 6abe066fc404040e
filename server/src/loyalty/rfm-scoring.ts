import { Injectable, Logger } from '@nestjs/common';
import {
  addDays,
  boundaryPositions,
  chinaDayStart,
  DEFAULT_RFM_SETTINGS,
  rfmSettingsSchema,
  stageCutoffs,
  valuesAtPositions,
  type RfmSettings,
} from '@wemember/shared';
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
  /** Brands whose run for this date (or a later one) had already finished: nothing done again. */
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
 * 1. shift: for each month that left the rolling 12 months since the last night, the rows of the
 *    members who bought in it subtract it (from member_months) and move their window past it, in
 *    one conditional UPDATE per batch (`window_start_month` compared and set together: a run twice
 *    shifts once);
 * 2. rows for members who joined but never bought (scored as having no purchase);
 * 3. the quintile boundaries of R, F and M among members who ever bought (R and F from one GROUP
 *    BY of their few distinct values; M by position, MariaDB with ROW_NUMBER() over the brand,
 *    SQLite with ORDER BY … LIMIT 1 OFFSET, portable and slower), then every row scored against them in batches with one UPDATE each: scores, class,
 *    stage — and a member_stage_changes row for each stage that changed, in the same transaction.
 * A finished run is recorded in rfm_runs; a repeated run for the same date (or an earlier one) finds it and stops.
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
      // This night, or a later one, already scored: a late or repeated run would only rewrite the stages backwards.
      const [done] = (await this.uow.reader.query('SELECT run_on FROM rfm_runs WHERE brand_id = ? AND run_on >= ? LIMIT 1', [brandId, today])) as unknown[];
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

  /**
   * Moves the rows' windows up to the rolling 12 months of `today`, a month at a time, from the
   * last finished night's window start (the first night: the oldest row's). Only members with a
   * member_months row for the month that leaves have anything to subtract, so only their rows are
   * touched (found through member_months' (brand_id, month) index); a row with nothing in that
   * month keeps its older window_start_month, which sums the same. Returns the rows shifted.
   */
  async shift(brandId: string, today: string): Promise<number> {
    const target = rollingStartMonth(today);
    const [last] = (await this.uow.reader.query('SELECT MAX(run_on) AS run_on FROM rfm_runs WHERE brand_id = ?', [brandId])) as { run_on: string | null }[];
    const [oldest] = last?.run_on
      ? [{ month: rollingStartMonth(last.run_on) }]
      : ((await this.uow.reader.query('SELECT MIN(window_start_month) AS month FROM member_rfm WHERE brand_id = ?', [brandId])) as { month: string | null }[]);
    let shifted = 0;
    for (let month = oldest?.month ?? target; month < target; month = nextMonth(month)) {
      for (let after: string | null = ''; after !== null; ) {
        const [edge] = (await this.uow.reader.query(
          `SELECT member_id FROM member_months WHERE brand_id = ? AND month = ? AND member_id > ? ORDER BY member_id LIMIT 1 OFFSET ${BATCH - 1}`,
          [brandId, month, after],
        )) as { member_id: string }[];
        const upTo: string | null = edge?.member_id ?? null;
        const range = `mm.brand_id = ? AND mm.month = ? AND mm.member_id > ?${upTo === null ? '' : ' AND mm.member_id <= ?'}`;
        const rangeParams = upTo === null ? [brandId, month, after] : [brandId, month, after, upTo];
        shifted += await this.uow.transaction(async (m) => {
          // The month's aggregates locked first (a refund of an order of that month moves them
          // before the row): a refund either committed before and is read here, or waits and then
          // finds the row's window past its month and leaves the row alone. The row's window is
          // compared and set in the same UPDATE: a second run finds it moved and subtracts nothing.
          if (isMysql(m)) {
            await m.query(`SELECT mm.member_id FROM member_months mm WHERE ${range}${forUpdate(m)}`, rangeParams);
            return execute(
              m,
              `UPDATE member_rfm r JOIN member_months mm ON mm.member_id = r.member_id
               SET r.purchases_12m = r.purchases_12m - mm.purchases, r.spend_12m_fen = r.spend_12m_fen - mm.spend_fen, r.window_start_month = ?
               WHERE ${range} AND r.window_start_month <= ?`,
              [nextMonth(month), ...rangeParams, month],
            );
          }
          // SQLite has no UPDATE … JOIN before 3.33: the month is read with a sub-select per column.
          const sub = (column: string) => `(SELECT mm.${column} FROM member_months mm WHERE mm.member_id = member_rfm.member_id AND mm.month = ?)`;
          return execute(
            m,
            `UPDATE member_rfm SET purchases_12m = purchases_12m - ${sub('purchases')}, spend_12m_fen = spend_12m_fen - ${sub('spend_fen')}, window_start_month = ?
             WHERE window_start_month <= ? AND member_id IN (SELECT mm.member_id FROM member_months mm WHERE ${range})`,
            [month, month, nextMonth(month), month, ...rangeParams],
          );
        });
        after = upTo;
      }
    }
    return shifted;
  }

  /**
   * Members who joined but never bought have no row yet: they get an empty one (their window starts
   * now). Only members who joined since two days before the last finished night are looked at
   * (members' (brand_id, joined_at) index), so a night does not read every card; the first night reads all.
   */
  private async addMissingRows(brandId: string, today: string): Promise<void> {
    const [last] = (await this.uow.reader.query('SELECT MAX(run_on) AS run_on FROM rfm_runs WHERE brand_id = ?', [brandId])) as { run_on: string | null }[];
    const since = last?.run_on ? dbTime(chinaDayStart(addDays(last.run_on, -2))) : null;
    await this.uow.transaction(async (m) => {
      await m.query(
        `${isMysql(m) ? 'INSERT IGNORE' : 'INSERT OR IGNORE'} INTO member_rfm (member_id, brand_id, joined_at, window_start_month, purchases_12m, spend_12m_fen)
         SELECT mb.id, mb.brand_id, mb.joined_at, ?, 0, 0 FROM members mb
         WHERE mb.brand_id = ?${since ? ' AND mb.joined_at >= ?' : ''} AND mb.status <> 'closed' AND NOT EXISTS (SELECT 1 FROM member_rfm r WHERE r.member_id = mb.id)`,
        [rollingStartMonth(today), brandId, ...(since ? [since] : [])],
      );
    });
  }

  /** The four cut points of each dimension among the brand's members who ever bought. */
  async boundaries(brandId: string): Promise<{ buyers: number; cuts: Boundaries }> {
    const reader = this.uow.reader;
    const [count] = (await reader.query('SELECT COUNT(*) AS n FROM member_rfm WHERE brand_id = ? AND last_purchase_on IS NOT NULL', [brandId])) as { n: unknown }[];
    const buyers = toInt(count?.n);
    const cuts = { r_score: [], f_score: [], m_score: [] } as Boundaries;
    if (buyers === 0) return { buyers, cuts };
    const positions = boundaryPositions(buyers);
    // R's dates and F's counts have few distinct values: one GROUP BY of the pairs gives both
    // histograms, and the cut points are read from them (portable, no sort of every member).
    const pairs = (await reader.query(
      'SELECT last_purchase_on AS r, purchases_12m AS f, COUNT(*) AS n FROM member_rfm WHERE brand_id = ? AND last_purchase_on IS NOT NULL GROUP BY last_purchase_on, purchases_12m',
      [brandId],
    )) as { r: string; f: unknown; n: unknown }[];
    const histogram = <T>(key: (row: { r: string; f: unknown }) => T) => {
      const counts = new Map<T, number>();
      for (const row of pairs) counts.set(key(row), (counts.get(key(row)) ?? 0) + toInt(row.n));
      return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    };
    cuts.r_score = valuesAtPositions(
      histogram((row) => row.r),
      positions,
    );
    cuts.f_score = valuesAtPositions(
      histogram((row) => toInt(row.f)),
      positions,
    );
    // M's spend is nearly unique per member: its four values by position, MariaDB with a window function.
    if (isMysql(reader)) {
      const rows = (await reader.query(
        `SELECT v, pos FROM (SELECT spend_12m_fen AS v, ROW_NUMBER() OVER (ORDER BY spend_12m_fen) AS pos FROM member_rfm WHERE brand_id = ? AND last_purchase_on IS NOT NULL) ranked
         WHERE pos IN (?, ?, ?, ?)`,
        [brandId, ...positions],
      )) as { v: unknown; pos: unknown }[];
      cuts.m_score = positions.map((p) => rows.find((r) => toInt(r.pos) === p)!.v as number);
    } else {
      for (const p of positions) {
        const [row] = (await reader.query('SELECT spend_12m_fen AS v FROM member_rfm WHERE brand_id = ? AND last_purchase_on IS NOT NULL ORDER BY spend_12m_fen LIMIT 1 OFFSET ?', [
          brandId,
          p - 1,
        ])) as { v: number }[];
        cuts.m_score.push(row.v);
      }
    }
    // mysql2 reads BIGINT as text: compare numbers as numbers.
    cuts.f_score = cuts.f_score.map((v) => toInt(v));
    cuts.m_score = cuts.m_score.map((v) => toInt(v));
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
    for (let after: string | null = ''; after !== null; ) {
      // The batch's last member (none: the rest of the brand), read from the index alone.
      const [edge] = (await this.uow.reader.query(`SELECT member_id FROM member_rfm WHERE brand_id = ? AND member_id > ? ORDER BY member_id LIMIT 1 OFFSET ${BATCH - 1}`, [
        brandId,
        after,
      ])) as { member_id: string }[];
      const last: string | null = edge?.member_id ?? null;
      const range = `brand_id = ? AND member_id > ?${last === null ? '' : ' AND member_id <= ?'}`;
      const rangeParams = last === null ? [brandId, after] : [brandId, after, last];
      const batch = await this.uow.transaction(async (m) => {
        // One pass over the batch. MySQL assigns left to right with the new values, SQLite with the
        // old: previous_stage and stage_since read the old stage first, the class is computed from
        // the values (not the score columns), and stage comes last.
        const scoredRows = await execute(
          m,
          `UPDATE member_rfm SET previous_stage = CASE WHEN stage <> ${stage} THEN stage ELSE previous_stage END,
             stage_since = CASE WHEN stage IS NULL OR stage <> ${stage} THEN ? ELSE stage_since END,
             r_score = ${scoreSql('last_purchase_on')}, f_score = ${scoreSql('purchases_12m')}, m_score = ${scoreSql('spend_12m_fen')},
             rfm_class = ${classSql}, stage = ${stage}
           WHERE ${range}`,
          [...stageParams, ...stageParams, today, ...scoreParams(0), ...scoreParams(1), ...scoreParams(2), ...classParams, ...stageParams, ...rangeParams],
        );
        // The stages that changed tonight, found through (brand_id, stage_since) and written from the
        // row as just updated, in the same transaction: the history says what the row says. A second
        // change the same day (a run repeated after a purchase) keeps the day's first from-stage.
        const mysql = isMysql(m);
        const changed = await execute(
          m,
          `INSERT INTO member_stage_changes (member_id, changed_on, brand_id, from_stage, to_stage)
           SELECT member_id, stage_since, brand_id, previous_stage, stage FROM member_rfm
           WHERE ${range.replace('brand_id = ?', 'brand_id = ? AND stage_since = ?')} AND previous_stage IS NOT NULL AND previous_stage <> stage
           ${mysql ? 'ON DUPLICATE KEY UPDATE to_stage = VALUES(to_stage)' : 'ON CONFLICT (member_id, changed_on) DO UPDATE SET to_stage = excluded.to_stage'}`,
          [rangeParams[0], today, ...rangeParams.slice(1)],
        );
        return { scoredRows, changed };
      });
      changes += batch.changed;
      total += batch.scoredRows;
      after = last;
    }
    return { scored: total, stageChanges: changes };
  }
}
