import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomFeed } from '../helpers/random-feed.js';

// The built CLI end to end (dist/ is made by `npm ci` / `npm run build`).
const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'bin', 'forge.js');
const PLAYS = path.join(REPO, 'configs', 'plays');
const GOOG = path.resolve(REPO, '../shared/data/GOOG_1d.csv');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-cli-backtest-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function forge(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args, '--home', root], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TFS: Record<string, number> = { '15m': 900_000, '1h': 3_600_000, '4h': 14_400_000, '1d': 86_400_000 };

/** A random-walk candle CSV at `tf` (datetime,open,high,low,close,volume). */
function writeCsv(file: string, tf: string, bars: number): void {
  const f = randomFeed(bars, `csv-${tf}`, tf, TFS[tf], Date.UTC(2024, 0, 1));
  const lines = ['datetime,open,high,low,close,volume'];
  for (let i = 0; i < f.length; i++)
    lines.push(
      `${new Date(f.time[i]).toISOString()},${f.open[i]},${f.high[i]},${f.low[i]},${f.close[i]},${f.volume[i]}`,
    );
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

const playFiles = fs
  .readdirSync(PLAYS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const tfOf = (file: string) => /tf:\s*([0-9]+[mhdw])/.exec(fs.readFileSync(path.join(PLAYS, file), 'utf8'))![1];

describe('forge backtest (built CLI)', () => {
  it('dist is built', () => {
    expect(fs.existsSync(path.join(REPO, 'dist', 'cli', 'commands', 'backtest.js')), 'run `npm run build` first').toBe(
      true,
    );
  });

  describe.skipIf(!fs.existsSync(GOOG))(`GOOG reference through the CLI (skipped: ${GOOG} absent)`, () => {
    it('--json: 66 trades, final equity 51,422.99; the trade and equity CSVs are written', () => {
      const trades = path.join(root, 'out', 'trades.csv');
      const equity = path.join(root, 'out', 'equity.csv');
      const r = forge(
        'backtest',
        '--play',
        path.join(PLAYS, 'sma_cross_reversal.yaml'),
        '--csv',
        GOOG,
        '--trades-csv',
        trades,
        '--equity-csv',
        equity,
        '--json',
      );
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.ok).toBe(true);
      expect(doc.tradeCount).toBe(66);
      expect(doc.metrics.trades).toBe(66);
      expect(doc.metrics.finalEquity.toFixed(2)).toBe('51422.99');
      expect(doc.metrics.winRate * 100).toBeCloseTo(46.9697, 4);
      expect(doc.window).toEqual({ from: '2004-08-19T00:00:00Z', to: '2013-03-01T00:00:00Z', bars: 2148, tf: '1d' });
      const tradeLines = fs.readFileSync(trades, 'utf8').trim().split('\n');
      expect(tradeLines).toHaveLength(67);
      expect(tradeLines[0]).toBe(
        'direction,entry_time,exit_time,entry_bar,exit_bar,entry_price,exit_price,size,pnl,return_pct,fees,exit_reason',
      );
      const eqLines = fs.readFileSync(equity, 'utf8').trim().split('\n');
      expect(eqLines).toHaveLength(2149);
      expect(Number(eqLines[2148].split(',')[1]).toFixed(2)).toBe('51422.99');
      expect(fs.readdirSync(path.join(root, 'out')).sort()).toEqual(['equity.csv', 'trades.csv']); // no temp files left
    });

    it('prints a metrics table; --from/--to restrict the window', () => {
      const r = forge(
        'backtest',
        '--play',
        path.join(PLAYS, 'sma_cross_reversal.yaml'),
        '--csv',
        GOOG,
        '--from',
        '2010-01-01',
        '--to',
        '2011-01-01',
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/2010-01-04T00:00:00Z \.\. 2010-12-31T00:00:00Z/);
      expect(r.stdout).toMatch(/^metric\s+value$/m);
      expect(r.stdout).toMatch(/^sharpe\s+/m);
      expect(r.stdout).toMatch(/^totalReturn %\s+/m);
    });
  });

  describe('every example play runs on a CSV and on a built dataset', () => {
    beforeAll(() => {
      fs.mkdirSync(path.join(root, 'datasets'), { recursive: true });
      fs.writeFileSync(
        path.join(root, 'datasets', 'catalog.yaml'),
        'datasets:\n  - {name: TEST_MIX, symbol: TESTUSDT, base: 15m, derived: [1h, 4h, 1d], from: 2024-01-01, to: 2024-04-01, regime: cycle}\n',
      );
      const b = forge('datasets', 'build', 'TEST_MIX', '--synthetic', '--quiet');
      expect(b.code, b.stderr).toBe(0);
    });

    for (const file of playFiles) {
      it(file, () => {
        const tf = tfOf(file);
        const csv = path.join(root, `${tf}.csv`);
        if (!fs.existsSync(csv)) writeCsv(csv, tf, tf === '1d' ? 400 : 3000);
        for (const src of [
          ['--csv', csv],
          ['--dataset', 'TEST_MIX'],
        ]) {
          const r = forge('backtest', '--play', path.join(PLAYS, file), ...src, '--json');
          expect(r.code, r.stderr).toBe(0);
          const doc = JSON.parse(r.stdout);
          expect(doc.window.tf).toBe(tf);
          expect(Number.isFinite(doc.metrics.finalEquity)).toBe(true);
          expect(doc.tradeCount).toBe(doc.metrics.trades);
        }
      });
    }
  });

  it('a play with genes runs at midpoints with a note, or with --genes', () => {
    const csv = path.join(root, '15m.csv');
    if (!fs.existsSync(csv)) writeCsv(csv, '15m', 3000);
    const a = forge('backtest', '--play', path.join(PLAYS, 'default.yaml'), '--csv', csv, '--json');
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/has \d+ genes and no --genes was given; using midpoints/);
    expect(JSON.parse(a.stdout).genes['features.fast.indicator']).toBe('ema');
    const b = forge(
      'backtest',
      '--play',
      path.join(PLAYS, 'default.yaml'),
      '--csv',
      csv,
      '--json',
      '--genes',
      '{"features.fast.indicator": "hma", "features.fast.params.period": 9}',
    );
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout).genes).toMatchObject({
      'features.fast.indicator': 'hma',
      'features.fast.params.period': 9,
    });
    const c = forge(
      'backtest',
      '--play',
      path.join(PLAYS, 'default.yaml'),
      '--csv',
      csv,
      '--genes',
      '{"features.fast.indicatr": "hma"}',
    );
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/no gene 'features\.fast\.indicatr', did you mean 'features\.fast\.indicator'\?/);
  });

  it('a malformed play exits 1 with the path-naming error, as JSON too', () => {
    const bad = path.join(root, 'bad.yaml');
    fs.writeFileSync(
      bad,
      "market: {tf: 1h}\nentry:\n  long:\n    - {left: close, op: '>', right: 1}\n    - {left: emma(20), op: '>', right: close}\n",
    );
    const csv = path.join(root, '1h.csv');
    if (!fs.existsSync(csv)) writeCsv(csv, '1h', 3000);
    const r = forge('backtest', '--play', bad, '--csv', csv);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: ${bad}:5: entry.long[1].left: unknown indicator 'emma', did you mean 'ema'?`);
    expect(r.stderr).toMatch(/fix: known: /);
    const j = forge('backtest', '--play', bad, '--csv', csv, '--json');
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, error: { code: 'E_PLAY' } });
  });

  it('needs --dataset or --csv; a missing play file is a clear error', () => {
    const none = forge('backtest', '--play', path.join(PLAYS, 'default.yaml'));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/backtest needs data: --dataset NAME or --csv FILE/);
    const r = forge('backtest', '--play', path.join(root, 'nope.yaml'), '--csv', path.join(root, '1h.csv'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read the play file \(ENOENT\)/);
  });
});
