import seedrandom from 'seedrandom';
import type { SimConfig, SimResult, Signals } from '../../../src/engine/sim/types.js';
import type { Feed } from '../../../src/engine/types.js';

// Random simulator inputs for the equivalence tests (fast paths against the general loop): random
// walks with gaps, spikes and, now and then, NaN, zero, negative and infinite prices; signals of
// random density; configs across sizing modes, costs, sides and end-of-data fills.

export type Rng = () => number;

export function rngOf(seed: string): Rng {
  return seedrandom(seed);
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

/** A 1h feed of n bars; `wild` is the chance of a bar with a NaN/0/negative/infinite price somewhere. */
export function randomFeed(rng: Rng, n: number, wild: number): Feed {
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  let p = 50 + rng() * 100;
  for (let i = 0; i < n; i++) {
    const jump = rng() < 0.02 ? (rng() < 0.5 ? 0.2 : 5) : 1; // crashes and squeezes (bust a short)
    p = Math.max(0.01, p * jump * Math.exp((rng() - 0.5) * 0.08));
    const o = p * Math.exp((rng() - 0.5) * 0.02);
    const c = p;
    open[i] = o;
    close[i] = c;
    high[i] = Math.max(o, c) * (1 + rng() * 0.01);
    low[i] = Math.min(o, c) * (1 - rng() * 0.01);
    if (rng() < wild) {
      const col = pick(rng, [open, high, low, close]);
      col[i] = pick(rng, [NaN, 0, -1, Infinity, -Infinity, 1e-300, 1e300]);
    }
  }
  return hourlyFeed(open, high, low, close);
}

/** A 1h feed from 2024-01-01 over the given prices, volume 1. */
export function hourlyFeed(open: Float64Array, high: Float64Array, low: Float64Array, close: Float64Array): Feed {
  const n = close.length;
  return {
    tf: '1h',
    tfMs: 3_600_000,
    time: Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * 3_600_000),
    open,
    high,
    low,
    close,
    volume: new Float64Array(n).fill(1),
    length: n,
  };
}

function bytes(rng: Rng, n: number, density: number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = rng() < density ? 1 : 0;
  return a;
}

export function randomSignals(rng: Rng, n: number): Signals {
  const d = pick(rng, [0.005, 0.05, 0.3, 0.7]);
  const exits = rng() < 0.4;
  return {
    longEntry: bytes(rng, n, d),
    shortEntry: bytes(rng, n, d),
    longExit: exits && rng() < 0.8 ? bytes(rng, n, d) : undefined,
    shortExit: exits && rng() < 0.8 ? bytes(rng, n, d) : undefined,
  };
}

/** A config without stops or time stop (the plain loop's domain). */
export function randomPlainConfig(rng: Rng): SimConfig {
  const wholeUnits = rng() < 0.5;
  const sides = pick(rng, [
    [true, true],
    [true, true],
    [true, false],
    [false, true],
  ]);
  return {
    cash: pick(rng, [10_000, 1_000, 1, 1e6]),
    feeBps: pick(rng, [0, 0, 10, 500]),
    slippageBps: pick(rng, [0, 0, 5, 200]),
    sizing:
      rng() < 0.6
        ? { mode: 'all-in', wholeUnits }
        : { mode: 'fraction', fraction: pick(rng, [0.1, 0.5, 1]), wholeUnits },
    exits: { onOpposite: rng() < 0.8 },
    allowLong: sides[0],
    allowShort: sides[1],
    endOfDataFill: pick(rng, ['close', 'open', undefined] as const),
  };
}

/** First difference between two number sequences, bit for bit (Object.is: NaN equals NaN, 0 differs from -0). */
export function firstDiff(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  count = Math.max(a.length, b.length),
): string | null {
  if (a.length < count || b.length < count) return `lengths ${a.length} / ${b.length}, need ${count}`;
  for (let i = 0; i < count; i++) if (!Object.is(a[i], b[i])) return `at ${i}: ${a[i]} vs ${b[i]}`;
  return null;
}

/** Every number of two simulator results, bit for bit; null when equal. */
export function resultDiff(a: SimResult, b: SimResult, compareEquity = true): string | null {
  if (a.trades.count !== b.trades.count) return `trades ${a.trades.count} vs ${b.trades.count}`;
  const c = a.trades.count;
  for (const k of [
    'direction',
    'entryBar',
    'exitBar',
    'entryPrice',
    'exitPrice',
    'size',
    'pnl',
    'returnPct',
    'fees',
    'exitReason',
  ] as const) {
    const d = firstDiff(a.trades[k], b.trades[k], c);
    if (d !== null) return `trades.${k} ${d}`;
  }
  if (a.rejectedCount !== b.rejectedCount) return `rejects ${a.rejectedCount} vs ${b.rejectedCount}`;
  const r =
    firstDiff(a.rejectedBar, b.rejectedBar, a.rejectedCount) ??
    firstDiff(a.rejectedStatus, b.rejectedStatus, a.rejectedCount);
  if (r !== null) return `rejects ${r}`;
  if (compareEquity) {
    if (a.equity.length !== b.equity.length) return `equity length ${a.equity.length} vs ${b.equity.length}`;
    const e = firstDiff(a.equity, b.equity);
    if (e !== null) return `equity ${e}`;
  }
  return null;
}
