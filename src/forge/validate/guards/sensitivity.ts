import { normalizeGene, type GeneDef } from '../../../engine/play/index.js';
import { fitnessOf } from '../../fitness.js';
import { sensitivityDispersion } from '../../stats/sensitivity.js';
import type { ValidateConfig } from '../config.js';
import { errorText, runInSample } from '../backtest.js';
import { errored, finiteOrNull, judged, type GuardResult, type PlayContext } from '../types.js';

// Parameter sensitivity guard (brief 004 `_guard_sensitivity`, radius 1): the run's fitness on the
// in-sample range at the play and at each neighbour that moves ONE numeric gene by ±1 step (int: its
// step; float with a step: that step; continuous float: continuousStepPct of its range), every other
// gene unchanged; choice and optional-rule (bool) genes never move. A move that would leave the
// bounds is dropped (the neighbour does not exist). Measure: stats/sensitivity's relative sd of
// fitness over centre + neighbours, percent; pass below maxDispersionPct.

export interface Neighbour {
  readonly gene: string;
  readonly index: number;
  readonly value: number;
  readonly genome: number[];
}

export function neighbours(
  genes: readonly GeneDef[],
  genome: readonly number[],
  continuousStepPct: number,
): Neighbour[] {
  const out: Neighbour[] = [];
  genes.forEach((g, i) => {
    if (g.kind !== 'int' && g.kind !== 'float') return;
    if (!(g.max > g.min)) return;
    const step = g.step > 0 ? g.step : ((g.max - g.min) * continuousStepPct) / 100;
    const centre = normalizeGene(g, genome[i]);
    for (const dir of [-1, 1]) {
      const raw = centre + dir * step;
      if (raw < g.min - 1e-12 || raw > g.max + 1e-12) continue;
      const v = normalizeGene(g, raw);
      if (v === centre) continue;
      const next = genome.slice();
      next[i] = v;
      out.push({ gene: g.path, index: i, value: v, genome: next });
    }
  });
  return out;
}

export function sensitivityGuard(ctx: PlayContext, cfg: ValidateConfig['sensitivity']): GuardResult {
  const fail = (msg: string, detail = {}) =>
    errored('sensitivity', cfg.maxDispersionPct, '<', '% relative sd of fitness', msg, detail);
  try {
    const centre = fitnessOf(runInSample(ctx).metrics, ctx.fitness);
    const around = neighbours(ctx.space.genes, ctx.genome, cfg.continuousStepPct);
    if (around.length === 0) return fail('the play has no numeric gene to move: sensitivity is undefined');
    const rows: { gene: string; value: number; fitness: number | null; error?: string }[] = [];
    const values = new Float64Array(around.length);
    around.forEach((nb, k) => {
      try {
        values[k] = fitnessOf(runInSample(ctx, { genome: nb.genome }).metrics, ctx.fitness);
        rows.push({ gene: nb.gene, value: nb.value, fitness: finiteOrNull(values[k]) });
      } catch (err) {
        values[k] = NaN;
        rows.push({ gene: nb.gene, value: nb.value, fitness: null, error: errorText(err) });
      }
    });
    const s = sensitivityDispersion(centre, values);
    const detail = {
      data: 'in-sample',
      metric: `fitness (${ctx.fitness.objective})`,
      centre: finiteOrNull(centre),
      points: s.points,
      meanAbsChangePct: finiteOrNull(s.meanAbsChangePct),
      worstDropPct: finiteOrNull(s.worstDropPct),
      neighbours: rows,
    };
    const failed = rows.filter((r) => r.error !== undefined);
    if (failed.length > 0)
      return fail(
        `${failed.length} neighbour(s) could not run, e.g. ${failed[0].gene} = ${failed[0].value}: ${failed[0].error}`,
        detail,
      );
    if (Number.isNaN(s.dispersionPct))
      return fail('mean fitness over the neighbourhood is 0: a relative spread is undefined', detail);
    return judged('sensitivity', s.dispersionPct, cfg.maxDispersionPct, '<', '% relative sd of fitness', detail);
  } catch (err) {
    return fail(errorText(err));
  }
}
