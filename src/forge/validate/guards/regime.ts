import { type Play, resolvePlay, runPlay } from '../../../engine/play/index.js';
import type { ValidateConfig } from '../config.js';
import { errorText } from '../backtest.js';
import {
  errored,
  finiteOrNull,
  judged,
  notRun,
  type GuardResult,
  type PlayContext,
  type RegimeData,
  type RegimeSkip,
} from '../types.js';

// Regime split guard: the play run on every named regime dataset of the catalog that has the run's
// symbol (other than the run's own dataset), each over its whole window. The brief's regime guard
// (004, a reconciliation mismatch) has no equivalent here, so the rule is ours: the play must be
// profitable (total return > 0 after costs) in more than minProfitableShare (default: a strict
// majority) of the regimes it could run on. Each regime row says whether its window lies inside,
// partly inside or outside the run's in-sample range (inside: a sub-period the GA already saw;
// outside: fresh data, possibly the holdout, which is only reported here, never used to select or
// tune). Synthetic regime datasets are flagged in the detail.

const UNIT = 'share of regimes profitable';

/**
 * How a regime window sits against the run's in-sample range: said in the report, so a reader knows
 * which regimes are fresh data.
 */
function overlap(
  w: { fromMs: number; toMs: number },
  [from, to]: readonly [number, number],
): 'inside' | 'partly' | 'outside' {
  if (w.toMs <= from || w.fromMs >= to) return 'outside';
  return w.fromMs >= from && w.toMs <= to ? 'inside' : 'partly';
}

export function regimeGuard(
  ctx: PlayContext,
  regimes: readonly RegimeData[],
  skips: readonly RegimeSkip[],
  cfg: ValidateConfig['regime'],
): GuardResult {
  const threshold = cfg.minProfitableShare;
  if (regimes.length === 0) {
    return notRun('regime', threshold, '>', UNIT, 'no regime dataset of this symbol is built or could be built', {
      skipped: skips,
    });
  }
  let play: Play;
  try {
    play = resolvePlay(ctx.space, ctx.genome);
  } catch (err) {
    return errored('regime', threshold, '>', UNIT, errorText(err));
  }
  const rows = regimes.map((r) => {
    const head = {
      dataset: r.name,
      regime: r.regime,
      source: r.source,
      from: r.window.from,
      to: r.window.to,
      inSample: overlap(r.window, ctx.inSample),
    };
    try {
      const m = runPlay(play, r.feeds, { cache: r.cache, cash: ctx.cash }).metrics;
      return {
        ...head,
        totalReturn: finiteOrNull(m.totalReturn),
        sharpe: finiteOrNull(m.sharpe),
        maxDrawdown: finiteOrNull(m.maxDrawdown),
        trades: m.trades,
        profitable: m.totalReturn > 0,
      };
    } catch (err) {
      return { ...head, error: errorText(err) };
    }
  });
  const ran = rows.filter((r) => !('error' in r));
  const detail = { data: 'named regime datasets (whole window each)', regimes: rows, skipped: skips };
  if (ran.length === 0)
    return errored(
      'regime',
      threshold,
      '>',
      UNIT,
      `the play could not run on any regime dataset, e.g. ${rows[0].dataset}: ${(rows[0] as { error: string }).error}`,
      detail,
    );
  const profitable = ran.filter((r) => (r as { profitable: boolean }).profitable).length;
  return judged('regime', profitable / ran.length, threshold, '>', UNIT, { ...detail, profitable, ran: ran.length });
}
