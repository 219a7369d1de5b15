import { primeFeed } from '../indicators/prime.js';
import type { Feed } from '../types.js';
import { packSignals } from './bits.js';
import { SimScratch } from './trades.js';
import type { ExitConfig, SimConfig, SimResult } from './types.js';

// Why the simulator runs on a tiny feed when its module loads: the reason indicators/prime.ts gives for
// the feature kernels holds for walk(), walkGuarded(), hold()'s scans and the two bar loops too. Their
// first real call walks 10^5 bars, so V8 compiles them on stack from inside that loop, and a later
// dependency deopt could leave a function with only that on-stack code: every call then starts in the
// interpreter and boxes each double of its loop. Measured with bench/pool-threads.mjs (1 worker, L5):
// runs that compiled walk() or walkGuarded() on stack ran at 400-640 evaluations/s against ~800-840,
// in 6 of 10 runs at worst, and the sampling heap profiler showed walk() allocating 0.4-8 GB in them.
// A few short calls first give every path complete feedback (plain and stopped loops, long and short,
// stop with and without target, trailing, time stop, curve kept and not), so the first long call tiers
// up normally. Only its own arrays are used: no state is kept and no output changes.

type Simulate = (
  feed: Feed,
  signals: ReturnType<typeof packSignals>,
  config: SimConfig,
  atr?: Float64Array,
  scratch?: SimScratch,
) => SimResult;

export function primeSimulator(simulate: Simulate): void {
  const feed = primeFeed();
  const BARS = feed.length;
  const bits = (every: number, phase: number) => Uint8Array.from({ length: BARS }, (_, i) => +(i % every === phase));
  const signals = packSignals({ longEntry: bits(11, 3), shortEntry: bits(11, 8) });
  const withExits = packSignals({
    longEntry: bits(13, 2),
    shortEntry: bits(13, 9),
    longExit: bits(17, 5),
    shortExit: bits(17, 12),
  });
  const atr = new Float64Array(BARS).fill(0.8);
  const pct = (value: number) => ({ kind: 'pct' as const, value });
  const exits: ExitConfig[] = [
    { onOpposite: true },
    { onOpposite: true, stopLoss: pct(0.01) },
    { onOpposite: true, stopLoss: { kind: 'atr', value: 2 } },
    { onOpposite: true, stopLoss: pct(0.01), takeProfit: pct(0.02) },
    { onOpposite: false, trailingStop: pct(0.01) },
    { onOpposite: true, stopLoss: pct(0.02), timeStopBars: 5 },
  ];
  const lean = new SimScratch();
  lean.keepEquity = false;
  const kept = new SimScratch();
  for (let r = 0; r < 3; r++)
    for (const ex of exits)
      for (const s of [signals, withExits]) {
        const config: SimConfig = {
          cash: 10_000,
          feeBps: 10,
          slippageBps: 2,
          sizing: { mode: 'fraction', fraction: 0.95, wholeUnits: false },
          exits: ex,
          allowLong: true,
          allowShort: true,
        };
        simulate(feed, s, config, atr, lean);
        simulate(feed, s, config, atr, kept);
        simulate(feed, s, config, atr);
      }
}
