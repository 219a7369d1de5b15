import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDatasets } from '../../../src/forge/datasets/build.js';
import type { Manifest } from '../../../src/forge/datasets/manifest.js';
import { forgeHome } from '../../../src/forge/home.js';
import { walkForwardGuard } from '../../../src/forge/validate/guards/walkforward.js';
import { loadRegimes } from '../../../src/forge/validate/regimes.js';
import type { GuardResult, GuardStatus } from '../../../src/forge/validate/types.js';
import { verdictOf } from '../../../src/forge/validate/verdict.js';

// The verdict a person reads (issue 11 point 8): always ROBUST or NOT ROBUST with the reasons, guards
// that did not run named and not counted; a NOT RUN walk-forward guard carries the exact command; a
// run on real candles never has a synthetic regime dataset in its regime check.

const guard = (name: GuardResult['name'], status: GuardStatus): GuardResult => ({
  name,
  value: status === 'PASS' || status === 'FAIL' ? 1 : null,
  threshold: 0,
  rule: '>',
  unit: 'x',
  pass: status === 'PASS' ? true : status === 'FAIL' ? false : null,
  status,
  detail: {},
});

const ALL_PASS = [
  guard('permutation', 'PASS'),
  guard('bootstrap', 'PASS'),
  guard('regime', 'NOT RUN'),
  guard('walkforward', 'NOT RUN'),
];
const base = { guards: ALL_PASS, bhAdjusted: 0.01, bhSignificant: true, dsr: 0.99, alpha: 0.05, minDsr: 0.95 };

describe('validate verdict', () => {
  it('ROBUST: survives BH and DSR, every guard that ran passed; the ones not run are named, not counted', () => {
    expect(verdictOf(base)).toEqual({
      verdict: 'ROBUST',
      why: 'survives BH and the deflated Sharpe; passed all 2 guards that ran; not run: regime, walkforward',
    });
  });

  it('NOT ROBUST names every reason: BH, DSR, failed and errored guards', () => {
    const guards = [
      guard('permutation', 'FAIL'),
      guard('bootstrap', 'ERROR'),
      guard('stress', 'FAIL'),
      guard('walkforward', 'NOT RUN'),
    ];
    expect(verdictOf({ ...base, guards, bhAdjusted: 0.451, bhSignificant: false, dsr: 0.307 })).toEqual({
      verdict: 'NOT ROBUST',
      why: 'not significant after Benjamini-Hochberg (adjusted p 0.451 >= 0.05); deflated Sharpe 0.307 <= 0.95; failed permutation, stress; could not compute bootstrap; not run: walkforward',
    });
    expect(verdictOf({ ...base, dsr: 0.95 }).why).toBe('deflated Sharpe 0.950 <= 0.95; not run: regime, walkforward');
    expect(verdictOf({ ...base, dsr: null }).verdict).toBe('NOT ROBUST');
    expect(verdictOf({ ...base, bhAdjusted: null, bhSignificant: false }).why).toMatch(
      /^not among the run's recorded evaluations/,
    );
  });

  it('a NOT RUN walk-forward guard gives the exact command (quoted for the shell)', () => {
    const g = walkForwardGuard(
      null,
      { minEfficiency: 0.6 },
      { dataset: 'BTCUSDT_BEAR_2022', play: "/tmp/my plays/it's.yaml" },
    );
    expect(g.status).toBe('NOT RUN');
    expect(g.detail.command).toBe(`forge walkforward --dataset BTCUSDT_BEAR_2022 --play '/tmp/my plays/it'\\''s.yaml'`);
    expect(String(g.detail.note)).toContain(String(g.detail.command));
  });

  it('a run on real candles skips a regime dataset that was built as a synthetic stand-in, and says why', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-verdict-'));
    fs.mkdirSync(path.join(dir, 'datasets'));
    const entry = (name: string, from: string, to: string) =>
      `  - name: ${name}\n    symbol: VERUSDT\n    base: 1h\n    derived: [4h]\n    from: ${from}\n    to: ${to}\n    regime: bull\n`;
    fs.writeFileSync(
      path.join(dir, 'datasets', 'catalog.yaml'),
      `datasets:\n${entry('VER_RUN', '2021-01-01', '2021-02-01')}${entry('VER_BULL', '2021-02-01', '2021-03-01')}`,
    );
    const home = forgeHome(dir);
    await buildDatasets(home, ['VER_BULL'], { allowSynthetic: true, syntheticRequested: true, warn: () => {} });
    const run = { name: 'VER_RUN', symbol: 'VERUSDT' } as Manifest;
    const real = await loadRegimes(home, { ...run, source: 'real' }, () => {});
    expect(real.used).toEqual([]);
    expect(real.skipped).toHaveLength(1);
    expect(real.skipped[0].name).toBe('VER_BULL');
    expect(real.skipped[0].reason).toMatch(/SYNTHETIC stand-in .* real regimes only; rebuild it from real candles/);
    // A synthetic run (made-up data anyway) may use it; the report flags it as synthetic.
    const synthetic = await loadRegimes(home, { ...run, source: 'synthetic' }, () => {});
    expect(synthetic.used.map((r) => [r.name, r.source])).toEqual([['VER_BULL', 'synthetic']]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
