import seedrandom from 'seedrandom';
import { ForgeError, suggestion } from './errors.js';

// A regime-switching price generator: the stand-in for real candles on a machine that has none, and
// the core test suite's data. The price follows geometric Brownian motion whose drift and volatility
// change with the regime of the current segment; volatility clusters (a slow AR(1) on log-volatility)
// and volume rises with the size of the move, so indicators and strategies see something that looks
// like a market rather than white noise. Pure: no I/O, deterministic by seed.

export type RegimeShape = 'mixed' | 'bull' | 'bear' | 'range' | 'volatile' | 'cycle';
export const REGIME_SHAPES: readonly RegimeShape[] = ['mixed', 'bull', 'bear', 'range', 'volatile', 'cycle'];

/** Regime codes stored in `SyntheticCandles.regime`: the index into this list. */
export const REGIME_NAMES = ['bull', 'bear', 'range', 'volatile'] as const;
export type RegimeName = (typeof REGIME_NAMES)[number];
const BULL = 0;
const BEAR = 1;
const RANGE = 2;
const VOLATILE = 3;

export interface SyntheticOptions {
  seed: string | number;
  /** First bar's open time, epoch ms. Bars are at from, from + tfMs, ... while < to. */
  from: number;
  to: number;
  tfMs: number;
  startPrice?: number;
  shape?: RegimeShape;
}

export interface SyntheticCandles {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  /** Regime code per bar, see REGIME_NAMES. */
  regime: Uint8Array;
  length: number;
}

const DAY_MS = 86_400_000;
const YEAR_MS = 365.25 * DAY_MS;

// Annualised log drift and volatility per regime, roughly what crypto majors showed in 2021-2024.
const DRIFT = [1.2, -1.1, 0, 0];
const VOL = [0.55, 0.65, 0.3, 1.1];
// Volume level per regime relative to a calm market: sell-offs and whipsaws trade more.
const VOLUME_LEVEL = [1.0, 1.3, 0.7, 1.6];
/** Pull of the range regime back to the price where the segment began, per year (half-life ~17 days). */
const RANGE_REVERSION = 15;
/** Segment lengths, in days, drawn uniformly. */
const SEGMENT_MIN_DAYS = 20;
const SEGMENT_MAX_DAYS = 120;
/** Volatility clustering: log-volatility decays with this time constant and has this stationary spread. */
const VOL_CLUSTER_DAYS = 3;
const VOL_CLUSTER_SD = 0.3;
/** Volume of one 1h bar at a calm price level, scaled linearly with bar length. */
const VOLUME_PER_HOUR = 1000;

type Weights = readonly [number, number, number, number];

// Regime draw weights [bull, bear, range, volatile] per shape; 'cycle' uses its own phases below.
const SHAPE_WEIGHTS: Record<Exclude<RegimeShape, 'cycle'>, Weights> = {
  mixed: [0.3, 0.25, 0.25, 0.2],
  bull: [0.6, 0.1, 0.2, 0.1],
  bear: [0.1, 0.6, 0.2, 0.1],
  range: [0.1, 0.1, 0.7, 0.1],
  volatile: [0.15, 0.15, 0.1, 0.6],
};
// 'cycle': bull run, then a bear market, then a recovery, each phase a share of the window.
const CYCLE_PHASES: readonly { until: number; weights: Weights }[] = [
  { until: 0.4, weights: [0.7, 0, 0.15, 0.15] },
  { until: 0.75, weights: [0, 0.7, 0.15, 0.15] },
  { until: 1, weights: [0.5, 0, 0.4, 0.1] },
];

/** Standard normal draws by Box-Muller over a seeded uniform source, keeping the spare value. */
class Gauss {
  private spare = 0;
  private hasSpare = false;
  constructor(private readonly uniform: () => number) {}
  next(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = this.uniform();
    while (u <= 0) u = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(a);
    this.hasSpare = true;
    return r * Math.cos(a);
  }
}

function pick(weights: Weights, u: number, exclude: number): number {
  let total = 0;
  for (let k = 0; k < 4; k++) if (k !== exclude) total += weights[k];
  let x = u * total;
  for (let k = 0; k < 4; k++) {
    if (k === exclude || weights[k] === 0) continue;
    x -= weights[k];
    if (x < 0) return k;
  }
  for (let k = 3; k >= 0; k--) if (k !== exclude && weights[k] > 0) return k;
  return 0;
}

/** The regime of every bar: segments of random length, drawn with the shape's weights. */
function schedule(n: number, tfMs: number, shape: RegimeShape, uniform: () => number): Uint8Array {
  const regime = new Uint8Array(n);
  const minBars = Math.max(1, Math.round((SEGMENT_MIN_DAYS * DAY_MS) / tfMs));
  const maxBars = Math.max(minBars, Math.round((SEGMENT_MAX_DAYS * DAY_MS) / tfMs));
  let prev = -1;
  let i = 0;
  while (i < n) {
    let len = minBars + Math.floor(uniform() * (maxBars - minBars + 1));
    let code: number;
    if (shape === 'cycle') {
      const phase = CYCLE_PHASES.find((p) => i < p.until * n) ?? CYCLE_PHASES[CYCLE_PHASES.length - 1];
      code = pick(phase.weights, uniform(), -1);
      // A segment never crosses a phase boundary, so the phases stay in order.
      len = Math.min(len, Math.ceil(phase.until * n) - i);
    } else {
      // 'mixed' alternates: the same regime twice in a row would just be one longer segment.
      code = pick(SHAPE_WEIGHTS[shape], uniform(), shape === 'mixed' ? prev : -1);
    }
    const end = Math.min(n, i + Math.max(1, len));
    regime.fill(code, i, end);
    prev = code;
    i = end;
  }
  return regime;
}

export function generateCandles(o: SyntheticOptions): SyntheticCandles {
  const shape = o.shape ?? 'mixed';
  if (!REGIME_SHAPES.includes(shape)) {
    throw new ForgeError(
      `shape: '${shape}' is not a regime shape${suggestion(shape, REGIME_SHAPES)}`,
      `use one of ${REGIME_SHAPES.join(', ')}`,
      'E_SYNTH_SHAPE',
    );
  }
  if (!(o.tfMs > 0) || !Number.isFinite(o.tfMs))
    throw new ForgeError(
      `tfMs: ${o.tfMs} is not a bar length`,
      'pass a positive number of milliseconds',
      'E_SYNTH_RANGE',
    );
  if (!Number.isFinite(o.from) || !Number.isFinite(o.to) || !(o.from < o.to)) {
    throw new ForgeError(
      `from/to: the window [${o.from}, ${o.to}) is empty or not finite`,
      'give a from that is before to',
      'E_SYNTH_RANGE',
    );
  }
  const startPrice = o.startPrice ?? 100;
  if (!(startPrice > 0) || !Number.isFinite(startPrice))
    throw new ForgeError(`startPrice: ${startPrice} is not a positive price`, 'give a price above 0', 'E_SYNTH_RANGE');

  const n = Math.ceil((o.to - o.from) / o.tfMs);
  const seed = String(o.seed);
  // Separate streams, so the regime schedule does not shift when the per-bar draws change.
  const regime = schedule(n, o.tfMs, shape, seedrandom.alea(`${seed}:schedule`));
  const gauss = new Gauss(seedrandom.alea(`${seed}:bars`));

  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);

  const dt = o.tfMs / YEAR_MS;
  const sqrtDt = Math.sqrt(dt);
  const phi = Math.exp(-o.tfMs / (VOL_CLUSTER_DAYS * DAY_MS));
  const clusterShock = VOL_CLUSTER_SD * Math.sqrt(1 - phi * phi);
  const baseVolume = (VOLUME_PER_HOUR * o.tfMs) / 3_600_000;

  let logPrice = Math.log(startPrice);
  let anchor = logPrice;
  let logVol = 0;
  let prevRegime = -1;
  for (let i = 0; i < n; i++) {
    const r = regime[i];
    if (r !== prevRegime) {
      anchor = logPrice;
      prevRegime = r;
    }
    logVol = phi * logVol + clusterShock * gauss.next();
    const sigma = VOL[r] * Math.exp(logVol - 0.5 * VOL_CLUSTER_SD * VOL_CLUSTER_SD) * sqrtDt;
    let drift = (DRIFT[r] - 0.5 * VOL[r] * VOL[r]) * dt;
    if (r === RANGE) drift -= RANGE_REVERSION * dt * (logPrice - anchor);
    const z = gauss.next();
    const ret = drift + sigma * z;

    const o1 = Math.exp(logPrice);
    logPrice += ret;
    const c1 = Math.exp(logPrice);
    time[i] = o.from + i * o.tfMs;
    open[i] = o1;
    close[i] = c1;
    // Wicks beyond the body, on the scale of the bar's volatility.
    high[i] = Math.max(o1, c1) * Math.exp(0.6 * sigma * Math.abs(gauss.next()));
    low[i] = Math.min(o1, c1) * Math.exp(-0.6 * sigma * Math.abs(gauss.next()));
    const surprise = Math.abs(z);
    volume[i] = baseVolume * VOLUME_LEVEL[r] * Math.exp(logVol + 0.5 * surprise + 0.35 * gauss.next() - 0.5);
  }
  return { time, open, high, low, close, volume, regime, length: n };
}

export { BULL as REGIME_BULL, BEAR as REGIME_BEAR, RANGE as REGIME_RANGE, VOLATILE as REGIME_VOLATILE };
