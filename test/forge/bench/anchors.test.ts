import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/engine/errors.js';
import {
  anchorRatios,
  numbaUnavailable,
  parseNumbaOutput,
  parseTsOutput,
  PYTHON,
  runAnchors,
  runNumbaAnchor,
  runTsAnchor,
  type NumbaFigures,
  type TsFigures,
} from '../../../src/forge/bench/anchors.js';
import { csvFeed } from '../../../src/forge/csv-feed.js';
import { peerGrid } from '../../../src/forge/bench/peer.js';

// The speed anchors of ../shared/anchors: the parser against their output format, and the real
// scripts run where they exist (the numba one only where /usr/bin/python3 imports numba: not in CI).

const ROOT = path.resolve(import.meta.dirname, '../../..');
const ANCHORS = path.join(ROOT, '../shared/anchors');
const CSV = path.join(ROOT, '../shared/data/BTCUSD_1h.csv');
const haveAnchors = fs.existsSync(path.join(ANCHORS, 'ts_smacross.mjs')) && fs.existsSync(CSV);
const haveNumba = haveAnchors && spawnSync(PYTHON, ['-c', 'import numba, pandas']).status === 0;

// What the scripts print (numbers from one run on the 2-core machine).
const NUMBA_OUT = `check H2-like 20/50 rev c0.001: trades 876 equity 198,357.53
smas per backtest: 342 backtests on 36577 bars in 122.0 ms = 2,803 backtests/s on one core (0.357 ms each)
smas cached per window: 342 backtests on 36577 bars in 48.3 ms = 7,075 backtests/s on one core (0.141 ms each)
smas cached + equity metrics: 342 backtests on 36577 bars in 80.3 ms = 4,258 backtests/s on one core (0.235 ms each)
`;
const TS_OUT = `check [ 198357.5269999994, 876 ]
per backtest 342 in 207.2 ms = 1651 backtests/s/core
cached 342 in 130.1 ms = 2630 backtests/s/core
`;

function formatError(f: () => unknown): ForgeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ForgeError);
    return e as ForgeError;
  }
  throw new Error('expected a format error');
}

describe('anchor output parsers', () => {
  it('read the three numba figures and the check line', () => {
    const n = parseNumbaOutput(NUMBA_OUT);
    expect(n.check).toEqual({ trades: 876, equity: 198357.53 });
    expect(n.smasPerBacktest).toEqual({ backtests: 342, bars: 36577, ms: 122, perSec: 2803 });
    expect(n.smasCached).toEqual({ backtests: 342, bars: 36577, ms: 48.3, perSec: 7075 });
    expect(n.equityMetrics).toEqual({ backtests: 342, bars: 36577, ms: 80.3, perSec: 4258 });
  });

  it('read the ts anchor figures and the check line', () => {
    const t = parseTsOutput(TS_OUT);
    expect(t.check).toEqual({ equity: 198357.5269999994, trades: 876 });
    expect(t.perBacktest).toEqual({ backtests: 342, ms: 207.2, perSec: 1651 });
    expect(t.cached).toEqual({ backtests: 342, ms: 130.1, perSec: 2630 });
  });

  it('say which line is missing and show the output when the format is not understood', () => {
    const noMetrics = formatError(() => parseNumbaOutput(NUMBA_OUT.split('\n').slice(0, 3).join('\n')));
    expect(noMetrics.code).toBe('E_ANCHOR_FORMAT');
    expect(noMetrics.message).toMatch(
      /numba_smacross\.py: output not understood \(no 'smas cached \+ equity metrics: /,
    );
    expect(noMetrics.message).toContain('smas per backtest: 342 backtests');
    expect(formatError(() => parseNumbaOutput(NUMBA_OUT.replace('backtests/s on one core', 'bt/s'))).message).toMatch(
      /no 'smas per backtest/,
    );
    expect(formatError(() => parseNumbaOutput('')).message).toMatch(/no 'check .*\(nothing\)/s);
    expect(formatError(() => parseTsOutput(TS_OUT.replace('cached 342', 'cached: 342'))).message).toMatch(
      /ts_smacross\.mjs: .*no 'cached N in X ms/,
    );
    expect(formatError(() => parseTsOutput(TS_OUT.replace('= 1651', '= 0'))).message).toMatch(
      /'per backtest' has a zero/,
    );
    expect(formatError(() => parseTsOutput(TS_OUT.replace('check [', 'check: ['))).message).toMatch(
      /no 'check \[ equity, trades \]'/,
    );
  });

  it('ratios: forge per worker over numba with equity metrics and over ts cached', () => {
    const numba = { status: 'ok' as const, command: 'x', ...parseNumbaOutput(NUMBA_OUT) };
    const ts = { status: 'ok' as const, command: 'y', ...parseTsOutput(TS_OUT) };
    const r = anchorRatios(
      [
        { workers: 1, perWorkerPerSec: 4258 },
        { workers: 2, perWorkerPerSec: 1315 },
      ],
      numba,
      ts,
    );
    expect(r[0]).toEqual({ workers: 1, perWorkerPerSec: 4258, vsNumba: 1, vsTs: 4258 / 2630 });
    expect(r[1].vsTs).toBeCloseTo(0.5);
    const skipped = anchorRatios(
      [{ workers: 1, perWorkerPerSec: 100 }],
      { status: 'skipped', reason: 'no python' },
      ts,
    );
    expect(skipped[0].vsNumba).toBeUndefined();
  });
});

describe('numba availability', () => {
  it('a missing interpreter is a skip with the install hint, not an error', async () => {
    const why = await numbaUnavailable('/nonexistent/python3');
    expect(why).toBe('/nonexistent/python3 not found (apt-get install python3-numba python3-pandas)');
    expect(await runNumbaAnchor(ANCHORS, CSV, '/nonexistent/python3')).toEqual({ status: 'skipped', reason: why });
  });

  it('an interpreter without the modules names the one it cannot import', async () => {
    // A stand-in for a python3 without pandas: it fails the import the way CPython reports it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-python-'));
    const py = path.join(dir, 'python3');
    fs.writeFileSync(py, `#!/bin/sh\necho "ModuleNotFoundError: No module named 'pandas'" >&2\nexit 1\n`, {
      mode: 0o755,
    });
    try {
      expect(await numbaUnavailable(py)).toBe(
        `${py} cannot import pandas (apt-get install python3-numba python3-pandas)`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an anchor whose output changed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-anchors-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is reported as failed with the parser's message; a crashing one with its exit code", async () => {
    fs.writeFileSync(
      path.join(dir, 'ts_smacross.mjs'),
      "console.log('check [ 1, 2 ]'); console.log('cached 342 took 5 ms');\n",
    );
    const bad = await runTsAnchor(dir, CSV);
    expect(bad.status).toBe('failed');
    expect(bad.status === 'failed' && bad.error).toMatch(/output not understood \(no 'per backtest N in X ms/);
    fs.writeFileSync(path.join(dir, 'ts_smacross.mjs'), "process.stderr.write('no such file\\n'); process.exit(3);\n");
    const crash = await runTsAnchor(dir, CSV);
    expect(crash.status === 'failed' && crash.error).toBe('exit code 3: no such file');
  });
});

describe.skipIf(!haveAnchors)(
  'the real ts_smacross.mjs anchor (skipped: ../shared/anchors or ../shared/data/BTCUSD_1h.csv is absent)',
  () => {
    it("runs on the peer CSV over the same 342-backtest grid as forge's peer workload", async () => {
      const t = await runTsAnchor(ANCHORS, CSV);
      if (t.status !== 'ok') throw new Error(`ts anchor: ${JSON.stringify(t)}`);
      expect(t.cached.backtests).toBe(peerGrid().length);
      expect(t.perBacktest.backtests).toBe(peerGrid().length);
      expect(t.cached.perSec).toBeGreaterThan(0);
      expect(t.check.trades).toBeGreaterThan(50);
    }, 120_000);
  },
);

describe.skipIf(!haveNumba)(
  `the real numba_smacross.py anchor (skipped: ${PYTHON} cannot import numba and pandas, or the anchors are absent)`,
  () => {
    it('runs the peer CSV, every bar, the same grid, and agrees with the ts anchor on the check backtest', async () => {
      const r = await runAnchors(ANCHORS, CSV, [{ workers: 1, perWorkerPerSec: 1000 }]);
      if (r.numba.status !== 'ok') throw new Error(`numba anchor: ${JSON.stringify(r.numba)}`);
      if (r.ts.status !== 'ok') throw new Error(`ts anchor: ${JSON.stringify(r.ts)}`);
      const n: NumbaFigures = r.numba;
      const t: TsFigures = r.ts;
      expect(n.equityMetrics.bars).toBe(csvFeed(CSV, '1h', '--peer-csv').length);
      expect(n.equityMetrics.backtests).toBe(peerGrid().length);
      expect(n.check.trades).toBe(t.check.trades);
      expect(n.check.equity).toBeCloseTo(t.check.equity, 1);
      expect(r.ratios[0].vsNumba).toBeCloseTo(1000 / n.equityMetrics.perSec, 9);
    }, 600_000);
  },
);
