import fs from 'node:fs';
import { ForgeError } from '../../engine/errors.js';
import { parsePlay } from '../../engine/play/index.js';
import { loadDataset } from '../datasets/load.js';
import { holdoutRanges } from '../eval/ranges.js';
import type { ForgeHome } from '../home.js';
import {
  readGenerationStats,
  readHallOfFame,
  readRunName,
  readStoredConfig,
  readValidation,
  readWalkforwardReport,
  runFiles,
  runKind,
  type StoredAnyConfig,
} from '../runs/read.js';
import type { HallOfFameEntry } from '../runs/types.js';
import { downsampleIndices, geneBins, heatmaps, sampleIndices } from './aggregate.js';
import { readEvaluations } from './evaluations.js';
import { geneLabel, labelGenes } from './labels.js';
import { replayCurve } from './replay.js';
import type { EvolveSection, ReportData, StatRow, ValidationSection, WalkforwardSection } from './types.js';

// The data of a report, from a run folder (the source of truth) and the run's dataset. Everything the
// page draws is here, already cut to report size (aggregate.ts); the page only lays it out.

/** Hall-of-fame entries whose curves are replayed (the page offers a choice among them). */
export const REPORT_RANKS = 5;

const STATS: readonly { key: string; label: string; unit: '%' | 'ratio' | 'count' | 'cash' | 'years' }[] = [
  { key: 'totalReturn', label: 'total return', unit: '%' },
  { key: 'cagr', label: 'CAGR', unit: '%' },
  { key: 'sharpe', label: 'Sharpe (annualised)', unit: 'ratio' },
  { key: 'sortino', label: 'Sortino (annualised)', unit: 'ratio' },
  { key: 'calmar', label: 'Calmar', unit: 'ratio' },
  { key: 'maxDrawdown', label: 'max drawdown', unit: '%' },
  { key: 'winRate', label: 'win rate', unit: '%' },
  { key: 'profitFactor', label: 'profit factor', unit: 'ratio' },
  { key: 'trades', label: 'trades', unit: 'count' },
  { key: 'exposure', label: 'exposure', unit: '%' },
  { key: 'buyHoldReturn', label: 'buy & hold return', unit: '%' },
  { key: 'finalEquity', label: 'final equity', unit: 'cash' },
  { key: 'years', label: 'length', unit: 'years' },
];

const fin = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function statRows(e: HallOfFameEntry): StatRow[] {
  const is = e.inSample as Record<string, unknown> | null;
  const oos = e.outOfSample as Record<string, unknown> | null;
  return STATS.map((s) => ({
    label: s.label,
    unit: s.unit,
    inSample: fin(is?.[s.key]),
    outOfSample: fin(oos?.[s.key]),
  }));
}

export function forgeVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The report of a run (evolve, with its validation when there is one; or walk-forward). */
export async function buildReport(home: ForgeHome, id: string, now = new Date()): Promise<ReportData> {
  const stored = readStoredConfig(home.runsDir, id);
  if (stored === null)
    throw new ForgeError(`no run '${id}' under ${home.runsDir}`, 'list the runs with: forge runs ls', 'E_NO_RUN');
  const kind = runKind(home.runsDir, id, stored);
  const validation = kind === 'evolve' ? readValidation(home.runsDir, id) : null;
  const space = parsePlay(stored.playText, stored.config.play);
  const header = {
    runId: id,
    name: readRunName(home.runsDir, id),
    kind: kind === 'evolve' && validation ? 'evolve + validate' : kind,
    dataset: stored.dataset.name,
    synthetic: stored.dataset.source === 'synthetic',
    play: stored.config.play,
    playName: space.fileName,
    seed: stored.config.seed,
    version: forgeVersion(),
    created: now.toISOString(),
    objective: stored.config.fitness.objective,
  };
  if (kind === 'walkforward') return { header, walkforward: walkforwardSection(home, id) };
  return {
    header,
    evolve: await evolveSection(home, id, stored),
    validation: validation ? validationSection(validation) : undefined,
  };
}

async function evolveSection(home: ForgeHome, id: string, stored: StoredAnyConfig): Promise<EvolveSection> {
  const hof = readHallOfFame(home.runsDir, id);
  if (hof.length === 0)
    throw new ForgeError(
      `run ${id} has no hall of fame yet (no generation finished)`,
      `resume it: forge evolve --resume ${id}`,
      'E_RUN_EMPTY',
    );
  const space = parsePlay(stored.playText, stored.config.play);
  const fix = 'its equity curves cannot be replayed; report a run made on the current dataset';
  const { manifest, feeds } = await loadDataset(home, stored.dataset.name, {
    pin: { hash: stored.dataset.hash, runId: id, fix },
  });
  const ranges = holdoutRanges(manifest.window, stored.config.holdout);
  const stats = readGenerationStats(home.runsDir, id);
  const evals = await readEvaluations(runFiles(home.runsDir, id).evaluationsDir);
  const numeric = space.genes
    .map((g, i) => ({ g, i }))
    .filter(({ g }) => (g.kind === 'int' || g.kind === 'float') && g.max > g.min);
  const bins = numeric.map(({ g, i }) => geneBins(g, i));
  const sample = sampleIndices(evals.fitness);
  let evaluated = 0;
  return {
    holdout: stored.config.holdout,
    window: { fromMs: manifest.window.fromMs, toMs: manifest.window.toMs },
    boundaryMs: ranges.outOfSample === null ? null : ranges.outOfSample[0],
    cash: stored.config.cash,
    ranks: hof.slice(0, REPORT_RANKS).map((e) => ({
      rank: e.rank,
      fitness: e.fitness,
      generation: e.generation,
      params: labelGenes(e.params),
      play: e.play,
      stats: statRows(e),
      noOosTrades: e.outOfSample !== null && e.outOfSample.trades === 0,
      curve: replayCurve(e.rank, space, e.genome, feeds, stored.config.cash),
    })),
    convergence: stats.map((s) => {
      evaluated += s.evaluated;
      return {
        generation: s.generation,
        best: fin(s.best),
        median: fin(s.median),
        worst: fin(s.worst),
        diversity: fin(s.diversity),
        evaluated: s.evaluated,
        evaluations: evaluated,
      };
    }),
    genes: bins.map((b) => ({ path: b.path, label: geneLabel(b.path), labels: b.labels })),
    heatmaps: heatmaps(bins, evals),
    sample: {
      fitness: sample.map((k) => evals.fitness[k]),
      values: bins.map((b) => sample.map((k) => evals.genomes[k][b.gene])),
    },
    evaluations: evals.fitness.length,
    failed: evals.failed,
  };
}

function walkforwardSection(home: ForgeHome, id: string): WalkforwardSection {
  const wf = readWalkforwardReport(home.runsDir, id);
  if (wf === null)
    throw new ForgeError(
      `walk-forward run ${id} has not finished (no walkforward.json)`,
      'run the same forge walkforward command again to complete it',
      'E_RUN_EMPTY',
    );
  const text = fs.existsSync(runFiles(home.runsDir, id).equityPath)
    ? fs.readFileSync(runFiles(home.runsDir, id).equityPath, 'utf8')
    : '';
  const rows = text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const time = rows.map((r) => Number(r[1]));
  const equity = rows.map((r) => Number(r[3]));
  const keep = downsampleIndices(equity);
  return {
    windows: wf.windows.map((w) => ({
      index: w.index,
      train: [w.train.fromMs, w.train.toMs],
      test: [w.test.fromMs, w.test.toMs],
      status: w.status,
      error: w.error,
      params: w.params === null ? null : labelGenes(w.params),
      inSampleReturn: fin(w.inSample?.totalReturn),
      outOfSampleReturn: fin(w.outOfSample?.totalReturn),
      inSampleSharpe: fin(w.inSample?.sharpe),
      outOfSampleSharpe: fin(w.outOfSample?.sharpe),
      outOfSampleTrades: w.outOfSample?.trades ?? null,
    })),
    stitched: { time: keep.map((i) => time[i]), equity: keep.map((i) => equity[i]), summary: wf.stitched },
    aggregate: wf.aggregate,
    verdict: wf.verdict,
  };
}

function validationSection(doc: NonNullable<ReturnType<typeof readValidation>>): ValidationSection {
  return {
    seed: doc.seed,
    inSample: doc.inSample,
    notes: doc.notes,
    trials: doc.multipleTesting.trials,
    alpha: doc.multipleTesting.alpha,
    minDsr: doc.multipleTesting.minDsr,
    plays: doc.plays.map((p) => ({
      rank: p.rank,
      guards: p.guards.map((g) => ({
        name: g.name,
        value: g.value,
        unit: g.unit,
        rule: g.rule,
        threshold: g.threshold,
        status: g.status,
      })),
      pValue: fin(p.multipleTesting.pValue),
      bhAdjusted: fin(p.multipleTesting.bhAdjusted),
      bhSignificant: p.multipleTesting.bhSignificant,
      dsr: fin(p.multipleTesting.dsr),
      guardsPassed: p.guardsPassed,
      guardsRun: p.guardsRun,
      robust: p.robust,
    })),
  };
}
