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

const BARS = 120;

function primeFeed(): Feed {
  const col = () => new Float64Array(BARS);
  const [time, open, high, low, close, volume] = [col(), col(), col(), col(), col(), col()];
  for (let i = 0; i < BARS; i++) {
    const mid = 100 + 6.1 * Math.sin(i / 7.3) + 2.3 * Math.sin(i / 2.1) + 0.011 * i;
    time[i] = 1_600_000_000_000 + i * 900_000;
    open[i] = mid - 0.31 * Math.sin(i / 1.3);
    close[i] = mid + 0.43 * Math.sin(i / 1.9);
    high[i] = Math.max(open[i], close[i]) + 0.4 + 0.3 * Math.sin(i / 3.1);
    low[i] = Math.min(open[i], close[i]) - 0.4 - 0.3 * Math.cos(i / 2.3);
    volume[i] = 1000.5;
  }
  return { tf: '15m', tfMs: 900_000, time, open, high, low, close, volume, length: BARS };
}

type Simulate = (
  feed: Feed,
  signals: ReturnType<typeof packSignals>,
  config: SimConfig,
  atr?: Float64Array,
  scratch?: SimScratch,
) => SimResult;

export function primeSimulator(simulate: Simulate): void {
  const feed = primeFeed();
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
