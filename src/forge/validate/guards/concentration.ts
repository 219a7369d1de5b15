import { topTradeShare } from '../../stats/concentration.js';
import type { ValidateConfig } from '../config.js';
import { errorText, runInSample } from '../backtest.js';
import { errored, judged, type GuardResult, type PlayContext } from '../types.js';

// Trade concentration guard (brief 004 `pct_return_top_10` < 40 %): the share of in-sample net
// profit (money, after fees) made by the top-K trades, in percent. A losing play has no profit to be
// concentrated: the share is undefined and the guard FAILS (not an error).

export function concentrationFromPnl(pnl: ArrayLike<number>, cfg: ValidateConfig['concentration']): GuardResult {
  let total = 0;
  for (let i = 0; i < pnl.length; i++) total += pnl[i];
  const share = topTradeShare(pnl, cfg.topK);
  const detail: Record<string, unknown> = {
    data: 'in-sample net trade pnl',
    trades: pnl.length,
    topK: cfg.topK,
    netProfit: total,
  };
  if (pnl.length === 0)
    return errored('concentration', cfg.maxPct, '<', '% of net profit', 'the play makes no trades in sample', detail);
  if (Number.isNaN(share)) detail.note = 'net profit <= 0: no profit to attribute, so the guard fails';
  else if (pnl.length <= cfg.topK)
    detail.note = `${pnl.length} trades <= ${cfg.topK}: the top trades are all the trades`;
  else if (share > 1)
    detail.note =
      `the other ${pnl.length - cfg.topK} trades lost money in total: ` +
      `the top ${cfg.topK} made more than all the profit`;
  return judged('concentration', share * 100, cfg.maxPct, '<', '% of net profit', detail);
}

export function concentrationGuard(ctx: PlayContext, cfg: ValidateConfig['concentration']): GuardResult {
  try {
    const run = runInSample(ctx);
    return concentrationFromPnl(run.result.trades.pnl.subarray(0, run.result.trades.count), cfg);
  } catch (err) {
    return errored('concentration', cfg.maxPct, '<', '% of net profit', errorText(err));
  }
}
