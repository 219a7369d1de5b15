import { describe, expect, it } from 'vitest';
import { simulate } from '../../../src/engine/sim/simulate.js';
import {
  ExitReason,
  OrderStatus,
  type ExitConfig,
  type SimConfig,
  type Sizing,
} from '../../../src/engine/sim/types.js';
import { ForgeError } from '../../../src/engine/errors.js';
import type { Feed } from '../../../src/engine/types.js';

// Every expected number below is worked out by hand in the comments; the feeds are written out bar by bar.

const H = 3_600_000;

/** Bars as [open, high, low, close]. */
function feedOf(bars: number[][]): Feed {
  const n = bars.length;
  const col = (k: number) => Float64Array.from(bars, (b) => b[k]);
  return {
    tf: '1h',
    tfMs: H,
    time: Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * H),
    open: col(0),
    high: col(1),
    low: col(2),
    close: col(3),
    volume: new Float64Array(n).fill(1),
    length: n,
  };
}

/** Signal array of length n with ones at the given bars. */
function at(n: number, ...bars: number[]): Uint8Array {
  const a = new Uint8Array(n);
  for (const b of bars) a[b] = 1;
  return a;
}

function cfg(over: Partial<Omit<SimConfig, 'exits'>> & { exits?: Partial<ExitConfig> } = {}): SimConfig {
  const sizing: Sizing = over.sizing ?? { mode: 'all-in', wholeUnits: true };
  return {
    cash: 1000,
    feeBps: 0,
    slippageBps: 0,
    allowLong: true,
    allowShort: true,
    ...over,
    sizing,
    exits: { onOpposite: true, ...over.exits },
  };
}

const none = (n: number) => new Uint8Array(n);

describe('fills', () => {
  // Rising feed; the long signal is at bar 0's close.
  const rising = feedOf([
    [100, 101, 99, 100],
    [102, 103, 101, 102],
    [104, 105, 103, 104],
    [106, 107, 105, 106],
  ]);

  it('fills at the next open plus adverse slippage, and marks equity at each close', () => {
    // Slippage 50 bp: buy at 102 * 1.005 = 102.51; units floor(1000 / 102.51) = 9; cash 1000 - 922.59 = 77.41.
    // Equity: bar0 1000; bar1 77.41 + 9*102 = 995.41; bar2 77.41 + 9*104 = 1013.41.
    // End of data: sell at close 106 * 0.995 = 105.47; cash 77.41 + 949.23 = 1026.64; pnl 9 * 2.96 = 26.64.
    const r = simulate(rising, { longEntry: at(4, 0), shortEntry: none(4) }, cfg({ slippageBps: 50 }));
    expect(r.trades.count).toBe(1);
    expect(r.trades.entryBar[0]).toBe(1);
    expect(r.trades.entryPrice[0]).toBeCloseTo(102.51, 10);
    expect(r.trades.size[0]).toBe(9);
    expect(r.trades.exitPrice[0]).toBeCloseTo(105.47, 10);
    expect(r.trades.pnl[0]).toBeCloseTo(26.64, 9);
    expect(r.trades.exitReason[0]).toBe(ExitReason.EndOfData);
    expect(Array.from(r.equity).map((x) => +x.toFixed(6))).toEqual([1000, 995.41, 1013.41, 1026.64]);
  });

  it('charges the fee on each fill notional', () => {
    // Fee 10 bp: units floor(1000 / (102 * 1.001)) = floor(9.794) = 9. Entry fee 9 * 102 * 0.001 = 0.918;
    // cash 1000 - 918 - 0.918 = 81.082. Exit at close 106: fee 9 * 106 * 0.001 = 0.954;
    // cash 81.082 + 954 - 0.954 = 1034.128. pnl 36 - 1.872 = 34.128; return 34.128 / 918.
    const r = simulate(rising, { longEntry: at(4, 0), shortEntry: none(4) }, cfg({ feeBps: 10 }));
    expect(r.trades.size[0]).toBe(9);
    expect(r.trades.fees[0]).toBeCloseTo(1.872, 10);
    expect(r.trades.pnl[0]).toBeCloseTo(34.128, 10);
    expect(r.trades.returnPct[0]).toBeCloseTo(34.128 / 918, 12);
    expect(r.equity[1]).toBeCloseTo(81.082 + 9 * 102, 10);
    expect(r.equity[3]).toBeCloseTo(1034.128, 10);
  });

  it('all-in whole units buys floor(cash / (price * (1 + fee)))', () => {
    // Open 100, fee 100 bp: 1000 / 101 = 9.90 -> 9 units (10 without the fee would overdraw by 10).
    const f = feedOf([
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [100, 100, 100, 100],
    ]);
    const r = simulate(f, { longEntry: at(3, 0), shortEntry: none(3) }, cfg({ feeBps: 100 }));
    expect(r.trades.size[0]).toBe(9);
    expect(r.equity[1]).toBeCloseTo(991, 10); // cash 1000 - 900 - fee 9 = 91, plus 9 units at 100
  });

  it('fraction sizing with fractional units', () => {
    // 50 % of 1000 at 102: 500 / 102 = 4.90196... units; end at 106: pnl 4 * 4.90196 = 19.6078.
    const r = simulate(
      rising,
      { longEntry: at(4, 0), shortEntry: none(4) },
      cfg({ sizing: { mode: 'fraction', fraction: 0.5, wholeUnits: false } }),
    );
    expect(r.trades.size[0]).toBeCloseTo(500 / 102, 12);
    expect(r.trades.pnl[0]).toBeCloseTo((4 * 500) / 102, 10);
  });

  it('closes a position still open at the last close, or the last open when asked', () => {
    // Long 10 at bar 1 open 100; last bar open 103 close 107.
    const f = feedOf([
      [100, 100, 100, 100],
      [100, 102, 99, 101],
      [103, 108, 102, 107],
    ]);
    const s = { longEntry: at(3, 0), shortEntry: none(3) };
    const r = simulate(f, s, cfg());
    expect(r.trades.exitBar[0]).toBe(2);
    expect(r.trades.exitPrice[0]).toBe(107);
    expect(r.trades.exitReason[0]).toBe(ExitReason.EndOfData);
    expect(r.equity[2]).toBe(1070);
    const o = simulate(f, s, cfg({ endOfDataFill: 'open' }));
    expect(o.trades.exitPrice[0]).toBe(103);
    expect(o.equity[2]).toBe(1030);
  });
});

describe('stops and targets', () => {
  // Long signal at bar 0, filled at bar 1's open 100 with 10 units; stop 5 % = 95, target 5 % = 105.
  const run = (bar2: number[], exits: Partial<ExitConfig>, dir: 1 | -1 = 1) => {
    const f = feedOf([
      [100, 100, 100, 100],
      [100, 102, 97, 101], // fill bar: 97 > 95 and 102 < 105, nothing hit
      bar2,
      [100, 100, 100, 100],
    ]);
    const sig = dir === 1 ? { longEntry: at(4, 0), shortEntry: none(4) } : { longEntry: none(4), shortEntry: at(4, 0) };
    return simulate(f, sig, cfg({ exits }));
  };
  const stop5 = { kind: 'pct', value: 0.05 } as const;

  it('a stop hit inside the bar fills at the stop', () => {
    // Bar 2 opens 100 above the stop, low 94 touches it: sell 10 at 95, pnl -50.
    const r = run([100, 101, 94, 96], { stopLoss: stop5 });
    expect(r.trades.exitBar[0]).toBe(2);
    expect(r.trades.exitPrice[0]).toBe(95);
    expect(r.trades.pnl[0]).toBe(-50);
    expect(r.trades.exitReason[0]).toBe(ExitReason.StopLoss);
    expect(r.equity[3]).toBe(950);
  });

  it('a bar that gaps through the stop fills at the open', () => {
    // Bar 2 opens at 93, below the 95 stop: sell 10 at 93, pnl -70.
    const r = run([93, 94, 90, 92], { stopLoss: stop5 });
    expect(r.trades.exitPrice[0]).toBe(93);
    expect(r.trades.pnl[0]).toBe(-70);
  });

  it('stop and target inside one bar: the stop is assumed first', () => {
    // Bar 2: high 106 >= 105 target and low 94 <= 95 stop: exit at 95, not 105.
    const r = run([100, 106, 94, 100], { stopLoss: stop5, takeProfit: stop5 });
    expect(r.trades.exitPrice[0]).toBe(95);
    expect(r.trades.exitReason[0]).toBe(ExitReason.StopLoss);
  });

  it('a target alone fills at the target price; a gap through it at the open', () => {
    const r = run([100, 106, 99, 104], { stopLoss: stop5, takeProfit: stop5 });
    expect(r.trades.exitPrice[0]).toBe(105);
    expect(r.trades.exitReason[0]).toBe(ExitReason.TakeProfit);
    const g = run([108, 109, 107, 108], { takeProfit: stop5 });
    expect(g.trades.exitPrice[0]).toBe(108);
  });

  it('short stops sit above the entry', () => {
    // Short 10 at 100, stop 105: bar 2 high 106 -> buy back at 105, pnl -50.
    const r = run([100, 106, 99, 104], { stopLoss: stop5 }, -1);
    expect(r.trades.direction[0]).toBe(-1);
    expect(r.trades.exitPrice[0]).toBe(105);
    expect(r.trades.pnl[0]).toBe(-50);
  });

  it('a stop is checked on the fill bar itself', () => {
    // Fill at 100 on bar 1 whose low is 94: out at 95 on the same bar.
    const f = feedOf([
      [100, 100, 100, 100],
      [100, 101, 94, 99],
      [99, 99, 99, 99],
    ]);
    const r = simulate(f, { longEntry: at(3, 0), shortEntry: none(3) }, cfg({ exits: { stopLoss: stop5 } }));
    expect(r.trades.entryBar[0]).toBe(1);
    expect(r.trades.exitBar[0]).toBe(1);
    expect(r.trades.exitPrice[0]).toBe(95);
    expect(r.equity[1]).toBe(950);
  });

  it('trailing stop trails the best high of earlier bars', () => {
    // 10 % trail, long 10 at 100. Bar 1: level 100 * 0.9 = 90, low 95 safe; best high becomes 110.
    // Bar 2: level 110 * 0.9 = 99, low 100 safe (had bar 2's own high 120 counted first, the level
    // would be 108 and the low 100 would hit it); best 120. Bar 3: level 108, low 107 -> out at 108.
    const f = feedOf([
      [100, 100, 100, 100],
      [100, 110, 95, 108],
      [108, 120, 100, 118],
      [118, 119, 107, 110],
      [110, 110, 110, 110],
    ]);
    const r = simulate(
      f,
      { longEntry: at(5, 0), shortEntry: none(5) },
      cfg({ exits: { trailingStop: { kind: 'pct', value: 0.1 } } }),
    );
    expect(r.trades.exitBar[0]).toBe(3);
    expect(r.trades.exitPrice[0]).toBeCloseTo(108, 10);
    expect(r.trades.exitReason[0]).toBe(ExitReason.TrailingStop);
    expect(r.trades.pnl[0]).toBeCloseTo(80, 9);
  });

  it('time stop closes at the open of bar entryBar + timeStopBars', () => {
    // Entry at bar 1 open 100, 2 bars: out at bar 3's open 104, pnl 40.
    const f = feedOf([
      [100, 100, 100, 100],
      [100, 101, 99, 101],
      [102, 103, 101, 103],
      [104, 105, 103, 105],
      [106, 107, 105, 107],
    ]);
    const r = simulate(f, { longEntry: at(5, 0), shortEntry: none(5) }, cfg({ exits: { timeStopBars: 2 } }));
    expect(r.trades.exitBar[0]).toBe(3);
    expect(r.trades.exitPrice[0]).toBe(104);
    expect(r.trades.exitReason[0]).toBe(ExitReason.TimeStop);
    expect(r.equity[4]).toBe(1040);
  });
});

describe('signals', () => {
  // Long at bar 1's open 100 (10 units); short signal at bar 2, filled at bar 3's open 110; last close 100.
  const f = feedOf([
    [100, 100, 100, 100],
    [100, 101, 99, 100],
    [105, 106, 104, 105],
    [110, 111, 109, 110],
    [105, 105, 99, 100],
  ]);
  const sig = { longEntry: at(5, 0), shortEntry: at(5, 2) };

  it('an opposite signal closes and reverses in one fill', () => {
    // Bar 3 open 110: close long, +100 -> cash 1100; short floor(1100 / 110) = 10 at 110.
    // End: buy back at 100, +100 -> 1200. Equity bar 3: 1100 (short marked at 110).
    const r = simulate(f, sig, cfg());
    expect(r.trades.count).toBe(2);
    expect(r.trades.exitBar[0]).toBe(3);
    expect(r.trades.exitReason[0]).toBe(ExitReason.Opposite);
    expect(r.trades.pnl[0]).toBe(100);
    expect(r.trades.entryBar[1]).toBe(3);
    expect(r.trades.direction[1]).toBe(-1);
    expect(r.trades.size[1]).toBe(10);
    expect(r.trades.pnl[1]).toBe(100);
    expect(Array.from(r.equity)).toEqual([1000, 1000, 1050, 1100, 1200]);
  });

  it('without onOpposite the opposite entry is ignored; without allowShort it only closes', () => {
    const keep = simulate(f, sig, cfg({ exits: { onOpposite: false } }));
    expect(keep.trades.count).toBe(1);
    expect(keep.trades.exitReason[0]).toBe(ExitReason.EndOfData);
    expect(keep.equity[4]).toBe(1000);
    const flat = simulate(f, sig, cfg({ allowShort: false }));
    expect(flat.trades.count).toBe(1);
    expect(flat.trades.exitReason[0]).toBe(ExitReason.Opposite);
    expect(flat.equity[4]).toBe(1100);
  });

  it('an explicit exit closes without reversing', () => {
    const r = simulate(f, { ...sig, shortEntry: none(5), longExit: at(5, 2) }, cfg());
    expect(r.trades.count).toBe(1);
    expect(r.trades.exitReason[0]).toBe(ExitReason.Signal);
    expect(r.trades.exitPrice[0]).toBe(110);
  });
});

describe('rejections', () => {
  const f = feedOf([
    [100, 100, 100, 100],
    [100, 101, 99, 100],
    [100, 101, 99, 100],
  ]);

  it('records insufficient cash and signals on the last bar, without throwing', () => {
    // Cash 50 cannot buy one unit at 100; the signal at bar 2 has no next open.
    const r = simulate(f, { longEntry: at(3, 0, 2), shortEntry: none(3) }, cfg({ cash: 50 }));
    expect(r.trades.count).toBe(0);
    expect(r.rejectedCount).toBe(2);
    expect(Array.from(r.rejectedBar.subarray(0, 2))).toEqual([1, 2]);
    expect(Array.from(r.rejectedStatus.subarray(0, 2))).toEqual([
      OrderStatus.RejectedInsufficientCash,
      OrderStatus.RejectedNoNextBar,
    ]);
    expect(Array.from(r.equity)).toEqual([50, 50, 50]);
  });

  it('records an ATR stop without a usable ATR value', () => {
    const atr = Float64Array.from([NaN, 2, 2]);
    const r = simulate(
      f,
      { longEntry: at(3, 0), shortEntry: none(3) },
      cfg({ exits: { stopLoss: { kind: 'atr', value: 2 } } }),
      atr,
    );
    expect(r.trades.count).toBe(0);
    expect(r.rejectedStatus[0]).toBe(OrderStatus.RejectedNoStopDistance);
  });

  it('throws a ForgeError naming the field for a bad config, before the loop', () => {
    const s = { longEntry: none(3), shortEntry: none(3) };
    expect(() => simulate(f, s, cfg({ exits: { stopLoss: { kind: 'atr', value: 2 } } }))).toThrow(ForgeError);
    expect(() => simulate(f, s, cfg({ sizing: { mode: 'fraction', fraction: 2, wholeUnits: true } }))).toThrow(
      /sizing.fraction/,
    );
    expect(() => simulate(f, { longEntry: none(2), shortEntry: none(3) }, cfg())).toThrow(/signals.longEntry/);
  });
});

describe('out of money', () => {
  it('liquidates at the close where equity reaches zero and stops trading', () => {
    // Short 10 at bar 1's open 100: cash 1000 + 1000 = 2000. Bar 2 closes at 210: equity 2000 - 2100 = -100
    // -> bought back at 210, pnl -1100, equity stays -100; the long signal at bar 2 is not acted on.
    const f = feedOf([
      [100, 100, 100, 100],
      [100, 101, 99, 100],
      [150, 215, 150, 210],
      [200, 200, 200, 200],
    ]);
    const r = simulate(f, { longEntry: at(4, 2), shortEntry: at(4, 0) }, cfg());
    expect(r.trades.count).toBe(1);
    expect(r.trades.exitReason[0]).toBe(ExitReason.Liquidation);
    expect(r.trades.pnl[0]).toBe(-1100);
    expect(Array.from(r.equity)).toEqual([1000, 1000, -100, -100]);
  });
});

describe('risk sizing', () => {
  const f = feedOf([
    [100, 100, 100, 100],
    [100, 101, 99, 100],
    [100, 101, 97, 98],
  ]);
  const risk = (riskFraction: number, stop: { kind: 'pct' | 'atr'; value: number }, atr?: Float64Array) =>
    simulate(
      f,
      { longEntry: at(3, 0), shortEntry: none(3) },
      cfg({ cash: 10_000, sizing: { mode: 'risk', riskFraction, wholeUnits: true }, exits: { stopLoss: stop } }),
      atr,
    );

  it('loses riskFraction of equity at the stop', () => {
    // 1 % of 10,000 = 100 at risk; stop 2 % below 100 = 98, distance 2 -> 50 units; bar 2 low 97 hits 98: -100.
    const r = risk(0.01, { kind: 'pct', value: 0.02 });
    expect(r.trades.size[0]).toBe(50);
    expect(r.trades.exitPrice[0]).toBe(98);
    expect(r.trades.pnl[0]).toBe(-100);
  });

  it('is capped at what equity buys (no leverage)', () => {
    // 10 % risk / distance 2 = 500 units, but 10,000 buys only 100.
    expect(risk(0.1, { kind: 'pct', value: 0.02 }).trades.size[0]).toBe(100);
  });

  it('uses the signal bar ATR for the distance', () => {
    // ATR 4 at bar 0, 1.5 ATR = 6: 100 / 6 = 16.67 -> 16 units, stop at 94 (not hit by low 97).
    const r = risk(0.01, { kind: 'atr', value: 1.5 }, Float64Array.from([4, 99, 99]));
    expect(r.trades.size[0]).toBe(16);
    expect(r.trades.exitReason[0]).toBe(ExitReason.EndOfData);
  });
});
