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
/** Rows per UPDATE when the night writes only some rows, by their ids. */
const ID_BATCH = 2_000;
/** Below this many rows to write, by their ids whatever the brand's size: a pass over every row never pays. */
const ONE_PASS_FROM = 50_000;
/** Such UPDATEs at once (two cores here: a second lane nearly halves the night's writing). */
const WRITE_LANES = 2;
/** member_rfm's indexes on the inputs (the RfmTargeted migration). */
const INPUT_INDEXES = ['ix_member_rfm_last', 'ix_member_rfm_f', 'ix_member_rfm_m'];

export interface RfmRun {
  date: string;
  brands: number;
  /** Rows whose shift was staged this night (one per member and month): the months that left since the last night, not staged ahead, and part of the month that leaves next. */
  shifted: number;
  scored: number;
  stageChanges: number;
  /** Brands whose run for this date (or a later one) had already finished: nothing done again. */
  alreadyRun: number;
  /** Milliseconds spent per step, over all brands: what the log line reports and the bench prints. */
  ms: { shift: number; newRows: number; cutPoints: number; selecting: number; scoring: number; staging: number };
}

/** The cut points of R (the last purchase date: later is better), F and M (more is better). */
type Boundaries = Record<'r_score' | 'f_score' | 'm_score', (string | number)[]>;

/** What a night scored with (rfm_runs.basis): the next night compares its own with it to find the rows that can have changed. */
interface Basis {
  cuts: Boundaries;
  settings: RfmSettings;
}

/** The month (YYYY-MM) after `month`. */
export function nextMonth(month: string): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * The months whose staged sums can leave tonight: those the window moved past since the last night
 * (none within its month). Every staged month is one a night since the last finished one staged,
 * so no other row can hold a pending month before tonight's window. Null without a last night: unknown.
 */
function leavingMonths(today: string, lastRun: string | undefined): string[] | null {
  if (!lastRun) return null;
  const months: string[] = [];
  for (let month = rollingStartMonth(lastRun); month < rollingStartMonth(today); month = nextMonth(month)) months.push(month);
  return months;
}

/** How far the nights have staged a month: its member_months rows up to `upto` (''= none yet, null = all). */
interface Staged {
  month: string;
  upto: string | null;
}

/** The nights left to stage the month that leaves at the next 1st: `today` to the month's last day. */
function nightsLeftInMonth(today: string): number {
  const [year, month, day] = today.split('-').map(Number);
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return lastDay - day + 1;
}

/** A piece of SQL and its parameters, in order. */
class Sql {
  constructor(
    readonly text: string,
    readonly params: unknown[],
  ) {}
}

/** SQL from a template: a nested Sql is spliced in with its parameters, any other value becomes a placeholder. */
function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  let text = strings[0];
  const params: unknown[] = [];
  values.forEach((value, i) => {
    if (value instanceof Sql) {
      text += value.text;
      params.push(...value.params);
    } else {
      text += '?';
      params.push(value);
    }
    text += strings[i + 1];
  });
  return new Sql(text, params);
}

/**
 * F and M as they are once the staged months before `target` (the window's first month) have left:
 * the row's sums less its pending ones when pending_month is before the target. `leaves` is that condition.
 */
function netOfLeaving(target: string) {
  const leaves = sql`pending_month < ${target}`;
  return {
    leaves,
    f: sql`(purchases_12m - CASE WHEN ${leaves} THEN pending_purchases ELSE 0 END)`,
    m: sql`(spend_12m_fen - CASE WHEN ${leaves} THEN pending_spend_fen ELSE 0 END)`,
  };
}

/**
 * The nightly RFM job (docs/domain.md, *RFM and classes*), per brand, on member_rfm alone so its
 * cost grows with members, not orders:
 * 1. catch up: each month that left the rolling 12 months since the last night and was not staged
 *    ahead (a missed night, the first night) is staged now — see 5;
 * 2. rows for members who joined but never bought (scored as having no purchase);
 * 3. the quintile boundaries of R, F and M among members who ever bought: from the indexes on the
 *    inputs alone when no staged month leaves tonight, else net of the staged months that leave
 *    (R and F from one GROUP BY of their few distinct values; M by position, MariaDB with
 *    ROW_NUMBER() over the brand, SQLite with ORDER BY … LIMIT 1 OFFSET);
 * 4. the rows whose result can have changed since the last finished night (rowsToScore; the first
 *    night, other settings or an unfinished night: every row) scored against them in batches with
 *    one UPDATE each: scores, class, stage — and the staged months that have left subtracted and
 *    the window moved, in the same write — and a member_stage_changes row for each stage that
 *    changed, in the same transaction;
 * 5. part of the month that leaves at the next 1st staged: for the members who bought in it, its
 *    member_months sums copied onto their rows (pending_*), so the 1st itself reads every row once.
 *    Each night takes the rest divided by the nights left in the month; the last night all of it.
 * A finished run is recorded in rfm_runs with how far 5 got and what 3 found (basis); a repeated
 * run for the same date (or an earlier one) finds it and stops. Unfinished, it is simply done
 * again: every statement gives the same result twice (and the next night scores every row, as
 * rfm_started tells it).
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
    const run: RfmRun = { date: today, brands: brands.length, shifted: 0, scored: 0, stageChanges: 0, alreadyRun: 0, ms: { shift: 0, newRows: 0, cutPoints: 0, selecting: 0, scoring: 0, staging: 0 } };
    let started = Date.now();
    const lap = (step: keyof RfmRun['ms']) => {
      const now = Date.now();
      run.ms[step] += now - started;
      started = now;
    };
    for (const { id: brandId } of brands) {
      // This night, or a later one, already scored: a late or repeated run would only rewrite the stages backwards.
      const [done] = (await this.uow.reader.query('SELECT run_on FROM rfm_runs WHERE brand_id = ? AND run_on >= ? LIMIT 1', [brandId, today])) as unknown[];
      if (done) {
        run.alreadyRun++;
        continue;
      }
      const [last] = (await this.uow.reader.query('SELECT run_on, staged_month, staged_upto, basis FROM rfm_runs WHERE brand_id = ? ORDER BY run_on DESC LIMIT 1', [brandId])) as {
        run_on: string;
        staged_month: string | null;
        staged_upto: string | null;
        basis: string | null;
      }[];
      const since = await this.lastNightToCompare(brandId, today, last);
      const staged: Staged | undefined = last?.staged_month ? { month: last.staged_month, upto: last.staged_upto } : undefined;
      started = Date.now();
      run.shifted += await this.shift(brandId, today, last?.run_on, staged);
      lap('shift');
      await this.addMissingRows(brandId, today, last?.run_on);
      lap('newRows');
      const { scored, stageChanges, basis } = await this.score(brandId, today, last?.run_on, since, lap);
      lap('scoring');
      const ahead = await this.stageAhead(brandId, today, staged);
      lap('staging');
      run.shifted += ahead.rows;
      run.scored += scored;
      run.stageChanges += stageChanges;
      await this.uow.transaction((m) =>
        insertOnce(m, 'rfm_runs', {
          brand_id: brandId,
          run_on: today,
          members: scored,
          stage_changes: stageChanges,
          finished_at: dbTime(this.clock.now()),
          staged_month: ahead.month,
          staged_upto: ahead.upto,
          basis: JSON.stringify(basis),
        }),
      );
    }
    const ms = Object.entries(run.ms)
      .map(([step, spent]) => `${step} ${spent} ms`)
      .join(', ');
    this.logger.log(`rfm ${today}: ${run.scored} scored, ${run.stageChanges} stage changes, ${run.shifted} shifts staged (${ms})`);
    return run;
  }

  /**
   * Stages every month that has left the rolling 12 months of `today` since the last finished
   * night (`lastRun`; the first night: from the oldest row's window start) and was not staged
   * ahead — `staged` says how far the nights got with the month they were staging — so that the
   * scoring can subtract them. Returns the rows staged. Nothing to do on a night within the month
   * of the last one, or on a 1st whose leaving month the nights before staged in full.
   */
  async shift(brandId: string, today: string, lastRun?: string, staged?: Staged): Promise<number> {
    const target = rollingStartMonth(today);
    const [oldest] = lastRun
      ? [{ month: rollingStartMonth(lastRun) }]
      : ((await this.uow.reader.query('SELECT MIN(window_start_month) AS month FROM member_rfm WHERE brand_id = ?', [brandId])) as { month: string | null }[]);
    let rows = 0;
    for (let month = oldest?.month ?? target; month < target; month = nextMonth(month)) {
      const from = staged?.month === month ? staged.upto : '';
      if (from !== null) rows += await this.stage(brandId, month, from, null);
    }
    return rows;
  }

  /**
   * Stages part of the month that leaves the window at the next 1st (this night's oldest month),
   * going on from where the last night stopped: the members left divided by the nights left in
   * the month, so the last night of the month stages the rest and the 1st finds it all staged.
   */
  private async stageAhead(brandId: string, today: string, staged?: Staged): Promise<Staged & { rows: number }> {
    const month = rollingStartMonth(today);
    const from = staged?.month === month ? staged.upto : '';
    if (from === null) return { month, upto: null, rows: 0 };
    const [count] = (await this.uow.reader.query('SELECT COUNT(*) AS n FROM member_months WHERE brand_id = ? AND month = ? AND member_id > ?', [brandId, month, from])) as {
      n: unknown;
    }[];
    const left = toInt(count?.n);
    const tonight = Math.ceil(left / nightsLeftInMonth(today));
    if (tonight >= left) return { month, upto: null, rows: await this.stage(brandId, month, from, null) };
    const [edge] = (await this.uow.reader.query(
      `SELECT member_id FROM member_months WHERE brand_id = ? AND month = ? AND member_id > ? ORDER BY member_id LIMIT 1 OFFSET ${tonight - 1}`,
      [brandId, month, from],
    )) as { member_id: string }[];
    return { month, upto: edge.member_id, rows: await this.stage(brandId, month, from, edge.member_id) };
  }

  /**
   * Stages `month` for the members who bought in it with ids in (after, upTo] (upTo null: to the
   * end): their member_months sums added to the row's pending ones and pending_month set to the
   * month, in batches, one conditional UPDATE each — only rows whose window still holds the month
   * and that have not staged it yet (pending_month compared and set together: staged twice, added
   * once). A member who bought nothing that month is not touched: the window sums the same without it.
   */
  private async stage(brandId: string, month: string, from: string, end: string | null): Promise<number> {
    let staged = 0;
    for (let after: string | null = from; after !== null && (end === null || after < end); ) {
      const [edge] = (await this.uow.reader.query(
        `SELECT member_id FROM member_months WHERE brand_id = ? AND month = ? AND member_id > ? ORDER BY member_id LIMIT 1 OFFSET ${BATCH - 1}`,
        [brandId, month, after],
      )) as { member_id: string }[];
      const upTo: string | null = edge && (end === null || edge.member_id < end) ? edge.member_id : end;
      const range = `mm.brand_id = ? AND mm.month = ? AND mm.member_id > ?${upTo === null ? '' : ' AND mm.member_id <= ?'}`;
      const rangeParams = upTo === null ? [brandId, month, after] : [brandId, month, after, upTo];
      staged += await this.uow.transaction(async (m) => {
        // The month's aggregates locked first (a refund of an order of that month moves them
        // before the row): a refund either committed before and is read here, or waits and then
        // finds the month staged and takes its share out of the pending sums too.
        if (isMysql(m)) {
          await m.query(`SELECT mm.member_id FROM member_months mm WHERE ${range}${forUpdate(m)}`, rangeParams);
          return execute(
            m,
            `UPDATE member_rfm r JOIN member_months mm ON mm.member_id = r.member_id
             SET r.pending_purchases = r.pending_purchases + mm.purchases, r.pending_spend_fen = r.pending_spend_fen + mm.spend_fen, r.pending_month = ?
             WHERE ${range} AND r.window_start_month <= ? AND (r.pending_month IS NULL OR r.pending_month < ?)`,
            [month, ...rangeParams, month, month],
          );
        }
        // SQLite has no UPDATE … JOIN before 3.33: the month is read with a sub-select per column.
        const sub = (column: string) => `(SELECT mm.${column} FROM member_months mm WHERE mm.member_id = member_rfm.member_id AND mm.month = ?)`;
        return execute(
          m,
          `UPDATE member_rfm SET pending_purchases = pending_purchases + ${sub('purchases')}, pending_spend_fen = pending_spend_fen + ${sub('spend_fen')}, pending_month = ?
           WHERE window_start_month <= ? AND (pending_month IS NULL OR pending_month < ?) AND member_id IN (SELECT mm.member_id FROM member_months mm WHERE ${range})`,
          [month, month, month, month, month, ...rangeParams],
        );
      });
      after = upTo;
    }
    return staged;
  }

  /**
   * Members who joined but never bought have no row yet: they get an empty one (their window starts
   * now). Only members who joined since two days before the last finished night are looked at
   * (members' (brand_id, joined_at) index), so a night does not read every card; the first night reads all.
   */
  private async addMissingRows(brandId: string, today: string, lastRun?: string): Promise<void> {
    const since = lastRun ? dbTime(chinaDayStart(addDays(lastRun, -2))) : null;
    await this.uow.transaction(async (m) => {
      await m.query(
        `${isMysql(m) ? 'INSERT IGNORE' : 'INSERT OR IGNORE'} INTO member_rfm (member_id, brand_id, joined_at, window_start_month, purchases_12m, spend_12m_fen)
         SELECT mb.id, mb.brand_id, mb.joined_at, ?, 0, 0 FROM members mb
         WHERE mb.brand_id = ?${since ? ' AND mb.joined_at >= ?' : ''} AND mb.status <> 'closed' AND NOT EXISTS (SELECT 1 FROM member_rfm r WHERE r.member_id = mb.id)`,
        [rollingStartMonth(today), brandId, ...(since ? [since] : [])],
      );
    });
  }

  /**
   * The four cut points of each dimension among the brand's members who ever bought, on `today`:
   * F and M net of the staged months that have left the window (the scoring subtracts them in the
   * same pass).
   */
  async boundaries(brandId: string, today: string): Promise<{ buyers: number; cuts: Boundaries }> {
    const reader = this.uow.reader;
    const { f, m } = netOfLeaving(rollingStartMonth(today));
    // R's dates and F's counts have few distinct values: one GROUP BY of the pairs gives both
    // histograms, and the cut points are read from them (portable, no sort of every member); their
    // counts add up to the buyers.
    // Net values read the pending columns, which no input index holds: MariaDB, offered
    // (brand, last_purchase_on), would look every row up from it at random (85 s at 1M members
    // with the default buffer pool, against a few seconds for one pass over the table).
    const table = new Sql(isMysql(reader) ? `member_rfm IGNORE INDEX (${INPUT_INDEXES.join(', ')})` : 'member_rfm', []);
    const grouped = sql`SELECT last_purchase_on AS r, ${f} AS f, COUNT(*) AS n FROM ${table} WHERE brand_id = ${brandId} AND last_purchase_on IS NOT NULL GROUP BY r, f`;
    const pairs = (await reader.query(grouped.text, grouped.params)) as { r: string; f: unknown; n: unknown }[];
    const buyers = pairs.reduce((sum, pair) => sum + toInt(pair.n), 0);
    const cuts = { r_score: [], f_score: [], m_score: [] } as Boundaries;
    if (buyers === 0) return { buyers, cuts };
    const positions = boundaryPositions(buyers);
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
      const ranked = sql`SELECT v, pos FROM (SELECT ${m} AS v, ROW_NUMBER() OVER (ORDER BY ${m}) AS pos FROM ${table} WHERE brand_id = ${brandId} AND last_purchase_on IS NOT NULL) ranked
         WHERE pos IN (${positions[0]}, ${positions[1]}, ${positions[2]}, ${positions[3]})`;
      const rows = (await reader.query(ranked.text, ranked.params)) as { v: unknown; pos: unknown }[];
      cuts.m_score = positions.map((p) => rows.find((r) => toInt(r.pos) === p)!.v as number);
    } else {
      for (const p of positions) {
        const nth = sql`SELECT ${m} AS v FROM member_rfm WHERE brand_id = ${brandId} AND last_purchase_on IS NOT NULL ORDER BY v LIMIT 1 OFFSET ${p - 1}`;
        const [row] = (await reader.query(nth.text, nth.params)) as { v: number }[];
        cuts.m_score.push(row.v);
      }
    }
    // mysql2 reads BIGINT as text: compare numbers as numbers.
    cuts.f_score = cuts.f_score.map((v) => toInt(v));
    cuts.m_score = cuts.m_score.map((v) => toInt(v));
    return { buyers, cuts };
  }

  /**
   * The night to compare tonight with, when the rows can be scored in part: the last finished
   * night, if it recorded its basis and no night began after it (one that did may have scored rows
   * with cut points no night recorded). Records that tonight begins. Undefined: score every row.
   */
  private async lastNightToCompare(brandId: string, today: string, last?: { run_on: string; basis: string | null }): Promise<{ runOn: string; basis: Basis } | undefined> {
    const [started] = (await this.uow.reader.query('SELECT run_on FROM rfm_started WHERE brand_id = ?', [brandId])) as { run_on: string }[];
    await this.uow.transaction(async (m) => {
      if (!started) await insertOnce(m, 'rfm_started', { brand_id: brandId, run_on: today });
      await execute(m, 'UPDATE rfm_started SET run_on = ? WHERE brand_id = ? AND run_on < ?', [today, brandId, today]);
    });
    if (!last?.basis || (started && started.run_on > last.run_on)) return undefined;
    return { runOn: last.run_on, basis: JSON.parse(last.basis) as Basis };
  }

  /**
   * The cut points from the indexes on the inputs alone, when no staged month leaves tonight (the
   * stored F and M are tonight's): R's and F's from their histograms (one GROUP BY each, read in
   * index order), M's by position: a histogram by the yuan, then a short walk inside the yuan.
   */
  private async boundariesFromIndexes(brandId: string): Promise<{ buyers: number; cuts: Boundaries }> {
    const reader = this.uow.reader;
    const cuts: Boundaries = { r_score: [], f_score: [], m_score: [] };
    const histogram = async (column: string) =>
      ((await reader.query(`SELECT ${column} AS v, COUNT(*) AS n FROM member_rfm WHERE brand_id = ? AND last_purchase_on IS NOT NULL GROUP BY ${column} ORDER BY ${column}`, [brandId])) as {
        v: string;
        n: unknown;
      }[]).map((row) => [row.v, toInt(row.n)] as const);
    // M: one walk of its index for a histogram by the yuan, then each cut point by a short walk
    // inside its yuan (an index walk to each offset read up to the whole index four times). The
    // three walks at once, each on its own connection: MariaDB gives each a core.
    const yuan = isMysql(reader) ? 'spend_12m_fen DIV 100' : 'spend_12m_fen / 100';
    const [r, f, buckets] = await Promise.all([
      histogram('last_purchase_on'),
      histogram('purchases_12m'),
      reader.query(`SELECT ${yuan} AS v, COUNT(*) AS n FROM member_rfm WHERE brand_id = ? AND last_purchase_on IS NOT NULL GROUP BY ${yuan} ORDER BY ${yuan}`, [brandId]) as Promise<
        { v: unknown; n: unknown }[]
      >,
    ]);
    const buyers = r.reduce((sum, [, n]) => sum + n, 0);
    if (buyers === 0) return { buyers, cuts };
    const positions = boundaryPositions(buyers);
    cuts.r_score = valuesAtPositions(r, positions);
    cuts.f_score = valuesAtPositions(f, positions).map((v) => toInt(v));
    for (const p of positions) {
      let before = 0;
      const bucket = buckets.find((b) => (before += toInt(b.n)) >= p)!;
      const from = toInt(bucket.v) * 100;
      const offset = p - (before - toInt(bucket.n)) - 1;
      const [row] = (await reader.query(
        `SELECT spend_12m_fen AS v FROM member_rfm WHERE brand_id = ? AND last_purchase_on IS NOT NULL AND spend_12m_fen >= ? AND spend_12m_fen < ? ORDER BY spend_12m_fen LIMIT 1 OFFSET ${offset}`,
        [brandId, from, from + 100],
      )) as { v: unknown }[];
      cuts.m_score.push(toInt(row.v));
    }
    return { buyers, cuts };
  }

  /**
   * Scores the brand's rows against tonight's boundaries and records the stages that changed; the
   * staged months that have left are subtracted and the window moved in the same write. Compared
   * with `since` (the last night), only the rows whose result can have changed are written
   * (rowsToScore); without it, every row.
   */
  private async score(
    brandId: string,
    today: string,
    lastRun: string | undefined,
    since: { runOn: string; basis: Basis } | undefined,
    lap: (step: 'cutPoints' | 'selecting') => void,
  ): Promise<{ scored: number; stageChanges: number; basis: Basis }> {
    const settings = await this.settings(brandId);
    const leaving = leavingMonths(today, lastRun);
    const { buyers, cuts } = leaving === null || leaving.length > 0 ? await this.boundaries(brandId, today) : await this.boundariesFromIndexes(brandId);
    lap('cutPoints');
    const basis: Basis = { cuts, settings };
    const assignments = this.assignments(settings, today, cuts);
    const comparable = since && JSON.stringify(since.basis.settings) === JSON.stringify(settings) && since.basis.cuts.r_score.length === 4 && cuts.r_score.length === 4;
    let scored = 0;
    let stageChanges = 0;
    const write = async (where: string, params: unknown[]) => {
      const batch = await this.uow.transaction(async (manager) => {
        const rows = await execute(manager, `UPDATE member_rfm SET ${assignments.text} WHERE brand_id = ? AND ${where}`, [...assignments.params, brandId, ...params]);
        // The stages that changed tonight, written from the rows as just updated (found among them,
        // by the same ids or id range), in the same transaction: the history says what the row
        // says. A second change the same day (a run repeated after a purchase) keeps the day's
        // first from-stage.
        const changed = await execute(
          manager,
          `INSERT INTO member_stage_changes (member_id, changed_on, brand_id, from_stage, to_stage)
           SELECT member_id, stage_since, brand_id, previous_stage, stage FROM member_rfm
           WHERE brand_id = ? AND stage_since = ? AND ${where} AND previous_stage IS NOT NULL AND previous_stage <> stage
           ${isMysql(manager) ? 'ON DUPLICATE KEY UPDATE to_stage = VALUES(to_stage)' : 'ON CONFLICT (member_id, changed_on) DO UPDATE SET to_stage = excluded.to_stage'}`,
          [brandId, today, ...params],
        );
        return { rows, changed };
      });
      scored += batch.rows;
      stageChanges += batch.changed;
    };
    // WRITE_LANES batches at once: their rows are disjoint, and each takes only its own rows' locks.
    const inLanes = async (batches: number, writeBatch: (i: number) => Promise<void>) => {
      let next = 0;
      await Promise.all(Array.from({ length: WRITE_LANES }, async () => {
        while (next < batches) await writeBatch(next++);
      }));
    };
    const ids = comparable ? [...(await this.rowsToScore(brandId, today, since, leaving ?? [], cuts, settings))].sort() : null;
    lap('selecting');
    // By their ids while they are few: past a third of the buyers of a large brand (the 1st, when a
    // month's buyers leave), one pass over every row in id ranges is cheaper than looking each one up.
    if (ids && ids.length <= Math.max(buyers / 3, ONE_PASS_FROM)) {
      await inLanes(Math.ceil(ids.length / ID_BATCH), (i) => {
        const slice = ids.slice(i * ID_BATCH, (i + 1) * ID_BATCH);
        return write(`member_id IN (${slice.map(() => '?').join(', ')})`, slice);
      });
      return { scored, stageChanges, basis };
    }
    // Every row, in id ranges of BATCH, each range's last id read from the index alone.
    const edges: string[] = [];
    for (let after = ''; ; ) {
      const [edge] = (await this.uow.reader.query(`SELECT member_id FROM member_rfm WHERE brand_id = ? AND member_id > ? ORDER BY member_id LIMIT 1 OFFSET ${BATCH - 1}`, [
        brandId,
        after,
      ])) as { member_id: string }[];
      if (!edge) break;
      edges.push((after = edge.member_id));
    }
    await inLanes(edges.length + 1, (i) => {
      const after = i === 0 ? '' : edges[i - 1];
      return i < edges.length ? write('member_id > ? AND member_id <= ?', [after, edges[i]]) : write('member_id > ?', [after]);
    });
    return { scored, stageChanges, basis };
  }

  /**
   * The rows whose scores, class or stage can differ from what the last night wrote, each found
   * through an index: the rows the till moved since (purchases by their date, refunds through
   * order_refunds, rows added since by their missing stage), the rows whose staged month leaves
   * tonight (through member_months of the `leaving` months, as the staging found them), the rows
   * between a cut point's place last night and tonight (the only values whose side of it
   * changed), the rows whose last purchase date is between a stage's cutoff date last
   * night and tonight, and the members whose join date left the "new" window since. Every other
   * row would be written as it is.
   */
  private async rowsToScore(
    brandId: string,
    today: string,
    since: { runOn: string; basis: Basis },
    leaving: string[],
    cuts: Boundaries,
    settings: RfmSettings,
  ): Promise<Set<string>> {
    const ids = new Set<string>();
    const add = async (query: string, params: unknown[]) => {
      for (const row of (await this.uow.reader.query(query, [brandId, ...params])) as { member_id: string }[]) ids.add(row.member_id);
    };
    const rows = (where: string, params: unknown[]) => add(`SELECT member_id FROM member_rfm WHERE brand_id = ? AND ${where}`, params);
    // What the till moved since: a purchase leaves its business date as the last purchase date, and
    // a purchase after the last night's look at the rows is on its date or later; a refund's order
    // is found through order_refunds (the brand's stores, since the day before that night, to be
    // sure); a row added since has no stage yet.
    await rows('last_purchase_on >= ?', [since.runOn]);
    await add('SELECT o.member_id FROM order_refunds f JOIN orders o ON o.id = f.order_id WHERE f.store_id IN (SELECT id FROM stores WHERE brand_id = ?) AND f.created_at >= ?', [
      dbTime(chinaDayStart(addDays(since.runOn, -1))),
    ]);
    await rows('stage IS NULL', []);
    for (const month of leaving) {
      await add('SELECT r.member_id FROM member_months mm JOIN member_rfm r ON r.member_id = mm.member_id WHERE mm.brand_id = ? AND mm.month = ? AND r.pending_month < ?', [
        month,
        rollingStartMonth(today),
      ]);
    }
    const columns = { r_score: 'last_purchase_on', f_score: 'purchases_12m', m_score: 'spend_12m_fen' } as const;
    for (const [score, column] of Object.entries(columns) as [keyof Boundaries, string][]) {
      for (const [i, now] of cuts[score].entries()) {
        const before = since.basis.cuts[score][i];
        if (before === now) continue;
        const [low, high] = before < now ? [before, now] : [now, before];
        await rows(`${column} > ? AND ${column} <= ?`, [low, high]);
      }
    }
    const then = stageCutoffs(settings, since.runOn);
    const now = stageCutoffs(settings, today);
    for (const cutoff of ['activeSince', 'recentlyLapsedSince', 'lapsedSince'] as const) {
      if (then[cutoff] < now[cutoff]) await rows('last_purchase_on >= ? AND last_purchase_on < ?', [then[cutoff], now[cutoff]]);
    }
    if (then.newSince < now.newSince) {
      await add('SELECT id AS member_id FROM members WHERE brand_id = ? AND joined_at >= ? AND joined_at < ?', [
        dbTime(chinaDayStart(then.newSince)),
        dbTime(chinaDayStart(now.newSince)),
      ]);
    }
    return ids;
  }

  /**
   * The scoring's SET list against `cuts`. MySQL assigns left to right with the new values, SQLite
   * with the old: previous_stage and stage_since read the old stage first, scores, class and stage
   * read F and M (net of what leaves) before they are written, and pending_month, which every net
   * value reads, comes last.
   */
  private assignments(settings: RfmSettings, today: string, cuts: Boundaries): Sql {
    const cut = stageCutoffs(settings, today);
    const target = rollingStartMonth(today);
    const { f, m, leaves } = netOfLeaving(target);
    const lastOn = sql`last_purchase_on`;
    // The stage (lifecycleStage in shared, as SQL), from F net of what leaves.
    const stage = sql`CASE WHEN joined_at >= ${dbTime(chinaDayStart(cut.newSince))} AND ${f} <= 1 THEN 'new' WHEN last_purchase_on IS NULL THEN 'dormant'
      WHEN last_purchase_on >= ${cut.activeSince} THEN 'active' WHEN last_purchase_on >= ${cut.recentlyLapsedSince} THEN 'recently_lapsed'
      WHEN last_purchase_on >= ${cut.lapsedSince} THEN 'lapsed' ELSE 'dormant' END`;
    const hasBuyers = cuts.r_score.length === 4;
    const cutsOf = (score: keyof Boundaries) => (hasBuyers ? cuts[score] : ['', '', '', '']);
    // A score: NULL without a purchase, else 1 + the boundaries the value is above.
    const scoreSql = (value: Sql, c: (string | number)[]) =>
      sql`CASE WHEN last_purchase_on IS NULL THEN NULL ELSE 1 + (CASE WHEN ${value} > ${c[0]} THEN 1 ELSE 0 END) + (CASE WHEN ${value} > ${c[1]} THEN 1 ELSE 0 END)
        + (CASE WHEN ${value} > ${c[2]} THEN 1 ELSE 0 END) + (CASE WHEN ${value} > ${c[3]} THEN 1 ELSE 0 END) END`;
    // 4 or 5 means above the third boundary; the class counts those (rfmClass in shared).
    const high = (value: Sql, c: (string | number)[]) => sql`(CASE WHEN ${value} > ${c[2]} THEN 1 ELSE 0 END)`;
    const classSql = sql`CASE WHEN last_purchase_on IS NULL THEN 'D' ELSE (CASE ${high(lastOn, cutsOf('r_score'))} + ${high(f, cutsOf('f_score'))} + ${high(m, cutsOf('m_score'))}
      WHEN 3 THEN 'A' WHEN 2 THEN 'B' WHEN 1 THEN 'C' ELSE 'D' END) END`;
    return sql`previous_stage = CASE WHEN stage <> ${stage} THEN stage ELSE previous_stage END,
      stage_since = CASE WHEN stage IS NULL OR stage <> ${stage} THEN ${today} ELSE stage_since END,
      r_score = ${scoreSql(lastOn, cutsOf('r_score'))}, f_score = ${scoreSql(f, cutsOf('f_score'))}, m_score = ${scoreSql(m, cutsOf('m_score'))},
      rfm_class = ${classSql}, stage = ${stage},
      purchases_12m = ${f}, spend_12m_fen = ${m},
      window_start_month = CASE WHEN ${leaves} THEN ${target} ELSE window_start_month END,
      pending_purchases = CASE WHEN ${leaves} THEN 0 ELSE pending_purchases END,
      pending_spend_fen = CASE WHEN ${leaves} THEN 0 ELSE pending_spend_fen END,
      pending_month = CASE WHEN ${leaves} THEN NULL ELSE pending_month END`;
  }
}
