import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/forge/report/build.js';
import { renderReport } from '../../../src/forge/report/html.js';
import { forgeHome } from '../../../src/forge/home.js';
import { CHROMIUM, NO_CHROMIUM, chartMarks, inPage, launch, openReport } from '../../helpers/browser.js';
import { EVOLVE_ARGS, forgeCli, freshHome } from '../../helpers/cli.js';

// Each report kind written by the real CLI from real runs, opened from disk in a real headless
// Chromium: no console error, no request but the file itself, every chart drew its series (counted
// in ECharts' data and in the SVG marks of the DOM), the heatmap redraws when its genes change, and a
// screenshot per kind lands in this test's temp folder.

if (CHROMIUM === undefined) console.warn(NO_CHROMIUM);

const EVOLVE_CHARTS = ['equity', 'convergence', 'heatmap', 'genes'];
const WF_CHARTS = ['wf-windows', 'wf-equity'];

/** Throws naming the chart and series when a chart is empty: what every check below relies on. */
function assertDrawn(
  id: string,
  m: { series: Record<string, number>; paths: number },
  needed: readonly string[],
): void {
  if (Object.keys(m.series).length === 0) throw new Error(`chart ${id}: no series`);
  for (const name of needed)
    if (!(m.series[name] > 0))
      throw new Error(`chart ${id}: series '${name}' has no points (${JSON.stringify(m.series)})`);
  if (m.paths <= needed.length) throw new Error(`chart ${id}: only ${m.paths} SVG marks drawn`);
}

const SERIES: Record<string, string[]> = {
  equity: ['equity', 'buy & hold', 'drawdown', 'entries', 'exits'],
  convergence: ['best', 'median', 'worst', 'diversity', 'evaluations'],
  heatmap: ['best fitness'],
  'wf-windows': ['in-sample', 'out-of-sample'],
  'wf-equity': ['stitched OOS equity'],
};

describe.skipIf(CHROMIUM === undefined)('report pages in a real browser', () => {
  let home: string;
  let shots: string;
  let browser: Browser;
  let evolveId: string;
  const reports: Record<string, string> = {};

  beforeAll(async () => {
    home = freshHome('forge-report-browser-');
    shots = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-report-shots-'));
    const evolve = forgeCli([
      ...EVOLVE_ARGS,
      '--home',
      home,
      '--name',
      'browser test',
      '--report',
      path.join(home, 'evolve.html'),
      '--json',
    ]);
    expect(evolve.code, evolve.stderr).toBe(0);
    evolveId = JSON.parse(evolve.stdout).runId;
    reports.evolve = path.join(home, 'evolve.html');
    const wf = forgeCli([
      'walkforward',
      '--home',
      home,
      '--dataset',
      'TEST_SMALL',
      '--train',
      '10d',
      '--test',
      '5d',
      '--pop',
      '8',
      '--generations',
      '2',
      '--seed',
      '3',
      '--min-trades',
      '1',
      '--workers',
      '1',
      '--report',
      path.join(home, 'walkforward.html'),
      '--quiet',
    ]);
    expect(wf.code, wf.stderr).toBe(0);
    reports.walkforward = path.join(home, 'walkforward.html');
    const v = forgeCli([
      'validate',
      evolveId,
      '--home',
      home,
      '--top',
      '1',
      '--permutations',
      '30',
      '--bootstrap',
      '50',
      '--workers',
      '1',
      '--report',
      path.join(home, 'validate.html'),
      '--quiet',
    ]);
    expect(v.code, v.stderr).toBe(0);
    reports.validate = path.join(home, 'validate.html');
    browser = await launch();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    console.log(`report screenshots: ${shots}`);
    fs.rmSync(home, { recursive: true, force: true });
  });

  for (const kind of ['evolve', 'validate', 'walkforward'] as const) {
    it(`${kind}: loads from file:// with no console error and no network request, every chart drawn`, async () => {
      const file = reports[kind];
      const { page, requests, errors } = await openReport(browser, file);
      try {
        expect(errors).toEqual([]);
        expect(requests).toEqual(['file://' + file]);
        expect(await inPage(page, 'window.forgeReport.ready')).toBe(true);
        const charts = kind === 'walkforward' ? WF_CHARTS : EVOLVE_CHARTS;
        for (const id of charts) {
          const m = await chartMarks(page, id);
          assertDrawn(id, m, SERIES[id] ?? Object.keys(m.series));
        }
        if (kind === 'validate') {
          const guards = await page.locator('#guards tbody tr').count();
          expect(guards).toBeGreaterThanOrEqual(7); // every guard of the one validated play
          expect(await page.locator('#multiple tbody tr').count()).toBe(1);
        }
        if (kind === 'walkforward')
          expect(await page.locator('#verdict').textContent()).toMatch(
            /^verdict: (ROBUST|MARGINAL|NOT ROBUST|NO RESULT)/,
          );
        // The header: the synthetic banner in large letters (TEST_SMALL is synthetic), the run and its name.
        expect(await page.locator('#synthetic').isVisible()).toBe(true);
        const size = await inPage<number>(
          page,
          `parseFloat(getComputedStyle(document.getElementById('synthetic')).fontSize)`,
        );
        expect(size).toBeGreaterThanOrEqual(32);
        if (kind !== 'walkforward')
          expect(await page.locator('#facts').textContent()).toContain(`${evolveId} "browser test"`);
        const shot = path.join(shots, `${kind}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
      } finally {
        await page.close();
      }
    });
  }

  it('switching the heatmap genes redraws it, and choosing another rank redraws the equity curve', async () => {
    const { page, errors } = await openReport(browser, reports.evolve);
    try {
      const cells = () =>
        inPage<{ data: string; x: string; rects: number }>(
          page,
          `(() => {
        const o = echarts.getInstanceByDom(document.getElementById('heatmap')).getOption();
        return { data: JSON.stringify(o.series[0].data), x: o.xAxis[0].name, rects: document.querySelectorAll('#heatmap svg path').length };
      })()`,
        );
      const before = await cells();
      const options = await page.locator('#gene-x option').count();
      expect(options).toBeGreaterThanOrEqual(3);
      await page.selectOption('#gene-x', '2');
      const after = await cells();
      expect(after.x).not.toBe(before.x);
      expect(after.data).not.toBe(before.data);
      expect(JSON.parse(after.data).length).toBeGreaterThan(0);
      expect(after.rects).toBeGreaterThan(0);

      const curve = () => page.locator('#winner-note').textContent();
      const first = await curve();
      await page.selectOption('#rank', '1');
      expect(await curve()).not.toBe(first);
      assertDrawn('equity', await chartMarks(page, 'equity'), ['equity', 'buy & hold', 'drawdown']);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('an empty chart fails the check', async () => {
    const data = await buildReport(forgeHome(home), evolveId);
    const r = data.evolve!.ranks[0];
    const empty = {
      ...data,
      evolve: {
        ...data.evolve!,
        convergence: [],
        ranks: [
          { ...r, curve: { ...r.curve, time: [], equity: [], drawdown: [], buyHold: [], entries: [], exits: [] } },
        ],
      },
    };
    const file = path.join(home, 'empty.html');
    fs.writeFileSync(file, renderReport(empty));
    const { page } = await openReport(browser, file);
    try {
      expect(() => assertDrawn('convergence', { series: { best: 0 }, paths: 0 }, ['best'])).toThrow(/no points/);
      const conv = await chartMarks(page, 'convergence');
      expect(() => assertDrawn('convergence', conv, SERIES.convergence)).toThrow(/convergence/);
      const eq = await chartMarks(page, 'equity');
      expect(() => assertDrawn('equity', eq, SERIES.equity)).toThrow(/equity/);
    } finally {
      await page.close();
    }
  });
});
