import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, wfHome } from './fixtures.js';

// End to end through the built CLI on six months of synthetic 1h bars: real worker threads, a real
// DuckDB file. The play's entries need a 32..40-day daily SMA, so the first window (30 days of
// training from the first bar) has no trade at all and must fail while the others go on.

const run = promisify(execFile);

const PLAY = `name: wf_test
market: {symbol: TESTUSDT, tf: 1h}
features:
  fast: {indicator: ema, params: {period: {int: [5, 20]}}}
  slow: {indicator: ema, params: {period: {int: [30, 80], step: 5}}}
  daily: {indicator: sma, tf: 1d, params: {period: {int: [32, 40]}}}
entry:
  long:
    - {cross_above: [fast, slow]}
    - {left: close, op: '>', right: daily}
  short:
    - {cross_below: [fast, slow]}
    - {left: close, op: '<', right: daily}
sizing: {mode: fraction, fraction: 0.9}
costs: {fee_bps: 10, slippage_bps: 2}
`;

// One play file for every home: walkforward.json records the play's path.
const PLAY_FILE = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'forge-wf-play-')), 'play.yaml');
fs.writeFileSync(PLAY_FILE, PLAY);

const home = (): string => wfHome();

const ARGS = [
  'walkforward',
  '--dataset',
  'TEST_1H',
  '--play',
  PLAY_FILE,
  '--train',
  '30d',
  '--test',
  '15d',
  '--pop',
  '8',
  '--generations',
  '3',
  '--seed',
  '5',
  '--min-trades',
  '1',
  '--synthetic',
];

interface WindowMetrics {
  trades: number;
  years: number;
  cagr: number;
  totalReturn: number;
}
interface WindowJson {
  index: number;
  status: 'ok' | 'failed';
  error: string | null;
  train: { fromMs: number; toMs: number };
  test: { fromMs: number; toMs: number; from: string };
  params: Record<string, number>;
  genome: number[];
  inSample: WindowMetrics;
  outOfSample: WindowMetrics | null;
  drop: number;
}
/** The fields of `forge walkforward --json` these tests read. */
interface WalkforwardJson {
  ok: boolean;
  runId: string;
  runDir: string;
  dataset: { source: string };
  windows: WindowJson[];
  aggregate: { failedWindows: number; okWindows: number; avgOutOfSampleReturn: number; profitableWindows: number };
  verdict: { label: string; criteria: { name: string }[] };
  stitched: { finalEquity: number; totalReturn: number };
}

async function walkforward(dir: string, extra: string[]): Promise<WalkforwardJson> {
  const { stdout } = await run(process.execPath, [CLI, ...ARGS, ...extra, '--home', dir, '--json'], {
    cwd: dir,
    maxBuffer: 32 << 20,
  });
  return JSON.parse(stdout);
}

interface EquityRow {
  time: number;
  window: number;
  equity: number;
}
function readEquity(file: string): EquityRow[] {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  expect(header).toBe('time,time_ms,window,equity');
  return lines.map((l) => {
    const [iso, ms, w, e] = l.split(',');
    expect(new Date(iso).getTime()).toBe(Number(ms));
    return { time: Number(ms), window: Number(w), equity: Number(e) };
  });
}

describe('forge walkforward (CLI, end to end)', () => {
  let out: WalkforwardJson;
  let dir: string;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js')))
      throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
    dir = home();
    out = await walkforward(dir, ['--workers', '1']);
  }, 60_000);

  it('lists ten rolling windows of 30 + 15 days, stepping 15 days', () => {
    expect(out.ok).toBe(true);
    expect(out.dataset.source).toBe('synthetic');
    // (181 days - 30 - 15) / 15 + 1 = 10 windows
    expect(out.windows.length).toBe(10);
    const day = 86_400_000;
    const t0 = Date.UTC(2021, 0, 1);
    out.windows.forEach((w, k) => {
      expect(w.index).toBe(k);
      expect(w.train.fromMs).toBe(t0 + 15 * k * day);
      expect(w.train.toMs).toBe(t0 + (15 * k + 30) * day);
      expect(w.test).toMatchObject({
        fromMs: w.train.toMs,
        toMs: w.train.toMs + 15 * day,
        from: new Date(w.train.toMs).toISOString(),
      });
    });
  });

  it('records each window: genes, in- and out-of-sample metrics, the drop, the status', () => {
    const okWindows = out.windows.filter((w) => w.status === 'ok');
    expect(okWindows.length).toBeGreaterThanOrEqual(3);
    for (const w of okWindows) {
      expect(w.error).toBeNull();
      expect(Object.keys(w.params).sort()).toEqual([
        'features.daily.params.period',
        'features.fast.params.period',
        'features.slow.params.period',
      ]);
      expect(w.genome.length).toBe(3);
      expect(w.inSample.trades).toBeGreaterThanOrEqual(1); // min-trades 1: feasible in sample
      expect(w.outOfSample).not.toBeNull();
      // The test range is 15 days of 1h bars: years from the first to the last bar open.
      expect(w.outOfSample!.years).toBeCloseTo((15 * 24 - 1) / (365.25 * 24), 9);
      expect(w.drop).toBeCloseTo((w.inSample.cagr - w.outOfSample!.cagr) / Math.abs(w.inSample.cagr), 12);
    }
  });

  it('a window without a feasible play records its error and the others go on', () => {
    const first = out.windows[0];
    expect(first.status).toBe('failed');
    expect(first.error).toMatch(/no feasible play on the training range: the best made 0 trades \(min-trades 1\)/);
    expect(first.outOfSample).toBeNull(); // a failed window chose no play, so nothing is tested
    expect(out.aggregate.failedWindows).toBe(out.windows.filter((w) => w.status === 'failed').length);
    expect(out.aggregate.okWindows + out.aggregate.failedWindows).toBe(10);
  });

  it('the aggregate matches the window records', () => {
    const ok = out.windows.filter((w) => w.status === 'ok');
    const oos = ok.map((w) => w.outOfSample!.totalReturn);
    const mean = oos.reduce((s, x) => s + x, 0) / oos.length;
    expect(out.aggregate.avgOutOfSampleReturn).toBeCloseTo(mean, 12);
    expect(out.aggregate.profitableWindows).toBe(oos.filter((x) => x > 0).length);
    expect(out.verdict.criteria.map((c) => c.name)).toEqual([
      'minOosReturn',
      'maxDegradation',
      'minConsistency',
      'minProfitableShare',
    ]);
  });

  it('stitched equity starts at the cash, holds flat over a failed window and chains the windows multiplicatively', () => {
    const rows = readEquity(path.join(out.runDir, 'equity.csv'));
    expect(rows[0].equity).toBe(10_000);
    const windows = [...new Set(rows.map((r) => r.window))];
    expect(windows).toEqual(out.windows.map((w) => w.index));
    let level = 10_000;
    let product = 1;
    for (const w of out.windows) {
      const seg = rows.filter((r) => r.window === w.index);
      expect(seg[0].time).toBe(w.test.fromMs);
      expect(seg.length).toBe(15 * 24);
      expect(seg[0].equity).toBeCloseTo(level, 6); // starts where the previous window ended
      const last = seg[seg.length - 1].equity;
      if (w.status === 'failed') {
        expect(seg.every((r) => r.equity === seg[0].equity)).toBe(true);
      } else {
        // The re-run of the winner on its test range gives the evaluator's out-of-sample return.
        expect(last / seg[0].equity - 1).toBeCloseTo(w.outOfSample!.totalReturn, 10);
        product *= 1 + w.outOfSample!.totalReturn;
      }
      level = last;
    }
    expect(rows[rows.length - 1].equity / 10_000).toBeCloseTo(product, 9);
    expect(out.stitched.finalEquity).toBeCloseTo(rows[rows.length - 1].equity, 6);
    expect(out.stitched.totalReturn).toBeCloseTo(product - 1, 9);
  });

  it('gives byte-identical walkforward.json and equity.csv with 2 workers', async () => {
    const two = await walkforward(home(), ['--workers', '2']);
    expect(two.runId).toBe(out.runId);
    for (const f of ['walkforward.json', 'equity.csv']) {
      expect(fs.readFileSync(path.join(two.runDir, f), 'utf8')).toBe(fs.readFileSync(path.join(out.runDir, f), 'utf8'));
    }
  }, 60_000);

  it('writes the DuckDB rows: the run (kind walkforward), one row per window, the summary', async () => {
    const db = await DuckDBInstance.create(path.join(dir, 'data', 'forge.duckdb'), { access_mode: 'READ_ONLY' });
    const c = await db.connect();
    try {
      const rows = async (sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJS();
      expect(await rows(`SELECT kind, status FROM runs WHERE run_id = '${out.runId}'`)).toEqual([
        { kind: 'walkforward', status: 'finished' },
      ]);
      const w = await rows(
        `SELECT window_index, status, oos_total_return FROM walkforward_windows WHERE run_id = '${out.runId}' ORDER BY window_index`,
      );
      expect(w.length).toBe(10);
      expect(w[0].status).toBe('failed');
      w.forEach((r, i) => {
        expect(r.oos_total_return ?? null).toBe(out.windows[i].outOfSample?.totalReturn ?? null);
      });
      const s = await rows(`SELECT verdict, ok_windows FROM walkforward_summary WHERE run_id = '${out.runId}'`);
      expect(s).toEqual([{ verdict: out.verdict.label, ok_windows: out.aggregate.okWindows }]);
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });

  it('prints the per-window table and the verdict, and refuses impossible windows naming the flag', async () => {
    const { stdout } = await run(process.execPath, [CLI, ...ARGS, '--workers', '1', '--home', dir], { cwd: dir });
    expect(stdout).toMatch(/already run/); // same config and seed: the stored result
    expect(stdout).toMatch(/#\s+train\s+test\s+status\s+IS return/);
    expect(stdout).toMatch(/window 1 failed: no feasible play/);
    expect(stdout).toMatch(/verdict: (ROBUST|MARGINAL|NOT ROBUST) \(\d\/4 criteria pass\)/);
    const bad = await run(process.execPath, [CLI, ...ARGS.map((a) => (a === '30d' ? '200d' : a)), '--home', dir], {
      cwd: dir,
    }).catch((e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /no walk-forward window fits: the data holds 181\.0 days, train 200d \+ test 15d need more/,
    );
  }, 60_000);
});
