import { stringify } from 'yaml';
import { ForgeError, suggestion } from '../../engine/errors.js';

// The complexity levels of the design notes (../shared/brief/002_*.txt) as generated play files: level
// N has the table's count of indicators, structures and timeframes, every one of them used by a rule
// (a feature no rule reads is never computed, so it would cost nothing). The shape is the default
// play's: a fast/slow moving-average cross gated by filters, here `any` of them so the play trades.
// Generation is pure: the same level gives the same text.

export interface LevelSpec {
  /** 'L1'..'L10', 'MTF-light'..'MTF-full'. */
  readonly id: string;
  readonly name: string;
  readonly indicators: number;
  readonly structures: number;
  readonly timeframes: number;
  /** What the design notes estimated per run (seconds), for the comparison column. */
  readonly briefCpuS: number;
  readonly briefMemMb: number;
}

export const LEVELS: readonly LevelSpec[] = [
  { id: 'L1', name: 'Trivial', indicators: 2, structures: 0, timeframes: 1, briefCpuS: 0.5, briefMemMb: 20 },
  { id: 'L2', name: 'Minimal', indicators: 4, structures: 0, timeframes: 1, briefCpuS: 0.8, briefMemMb: 25 },
  { id: 'L3', name: 'Basic', indicators: 6, structures: 1, timeframes: 1, briefCpuS: 1.2, briefMemMb: 35 },
  { id: 'L4', name: 'Light', indicators: 8, structures: 1, timeframes: 2, briefCpuS: 2.0, briefMemMb: 50 },
  { id: 'L5', name: 'Standard', indicators: 12, structures: 2, timeframes: 2, briefCpuS: 3.5, briefMemMb: 70 },
  { id: 'L6', name: 'Moderate', indicators: 15, structures: 2, timeframes: 3, briefCpuS: 5.0, briefMemMb: 100 },
  { id: 'L7', name: 'Advanced', indicators: 20, structures: 3, timeframes: 3, briefCpuS: 8.0, briefMemMb: 140 },
  { id: 'L8', name: 'Heavy', indicators: 25, structures: 4, timeframes: 3, briefCpuS: 12, briefMemMb: 200 },
  { id: 'L9', name: 'Complex', indicators: 30, structures: 5, timeframes: 3, briefCpuS: 18, briefMemMb: 280 },
  { id: 'L10', name: 'Maximum', indicators: 40, structures: 6, timeframes: 4, briefCpuS: 30, briefMemMb: 400 },
];

export const MTF_LEVELS: readonly LevelSpec[] = [
  { id: 'MTF-light', name: 'MTF Light', indicators: 18, structures: 1, timeframes: 3, briefCpuS: 4, briefMemMb: 120 },
  {
    id: 'MTF-standard',
    name: 'MTF Standard',
    indicators: 30,
    structures: 2,
    timeframes: 3,
    briefCpuS: 7,
    briefMemMb: 200,
  },
  {
    id: 'MTF-advanced',
    name: 'MTF Advanced',
    indicators: 45,
    structures: 3,
    timeframes: 3,
    briefCpuS: 12,
    briefMemMb: 350,
  },
  { id: 'MTF-heavy', name: 'MTF Heavy', indicators: 60, structures: 4, timeframes: 3, briefCpuS: 20, briefMemMb: 500 },
  { id: 'MTF-full', name: 'MTF Full', indicators: 60, structures: 4, timeframes: 4, briefCpuS: 30, briefMemMb: 700 },
];

/** The execution timeframe first, then the higher ones a level adds in this order. */
export const BENCH_TIMEFRAMES = ['15m', '1h', '4h', '1d'] as const;

/** '1-10', '5', '1,3,5', 'mtf' (all MTF variants), 'MTF-light', or a mix separated by commas. */
export function selectLevels(text: string): LevelSpec[] {
  const all = [...LEVELS, ...MTF_LEVELS];
  const out: LevelSpec[] = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (a < 1 || b > 10 || a > b)
        throw new ForgeError(
          `--levels: '${part}' is not a range within 1-10`,
          'write e.g. --levels 1-10 or --levels 3-5',
          'E_ARG',
        );
      for (let k = a; k <= b; k++) out.push(LEVELS[k - 1]);
    } else if (/^\d+$/.test(part)) {
      const k = Number(part);
      if (k < 1 || k > 10)
        throw new ForgeError(`--levels: level ${k} does not exist`, 'levels are 1-10 (and mtf)', 'E_ARG');
      out.push(LEVELS[k - 1]);
    } else if (part.toLowerCase() === 'mtf') out.push(...MTF_LEVELS);
    else {
      const hit = all.find(
        (l) => l.id.toLowerCase() === part.toLowerCase() || `l${l.id}`.toLowerCase() === part.toLowerCase(),
      );
      if (!hit)
        throw new ForgeError(
          `--levels: unknown level '${part}'${suggestion(
            part,
            all.map((l) => l.id),
          )}`,
          `use 1-10, mtf, or one of ${all.map((l) => l.id).join(', ')}`,
          'E_ARG',
        );
      out.push(hit);
    }
  }
  return out.filter((l, i) => out.indexOf(l) === i);
}

type Node = Record<string, unknown>;
interface Filter {
  readonly long: Node;
  readonly short: Node;
}

// Indicators in the order levels take them (the common ones first). `rule` turns a feature name into a
// long filter and its mirror for shorts; thresholds sit where the indicator is neither idle nor extreme.
interface IndicatorTemplate {
  readonly name: string;
  params(variant: number): Node;
  filter(f: string): Filter;
}

const above = (x: string): Filter => ({
  long: { left: 'close', op: '>', right: x },
  short: { left: 'close', op: '<', right: x },
});
const band = (x: string, lo: number, hi: number): Filter => ({
  long: { left: x, op: '<', right: hi },
  short: { left: x, op: '>', right: lo },
});
const period =
  (base: number, step: number) =>
  (v: number): Node => ({ period: base + step * v });

const INDICATOR_ORDER: readonly IndicatorTemplate[] = [
  { name: 'rsi', params: period(14, 3), filter: (f) => band(f, 30, 70) },
  {
    name: 'atr',
    params: period(14, 5),
    filter: (f) => ({ long: { left: f, op: '>', right: 0 }, short: { left: f, op: '>', right: 0 } }),
  },
  { name: 'bbands', params: (v) => ({ period: 20 + 5 * v, stddev: 2 }), filter: (f) => above(`${f}.middle`) },
  {
    name: 'macd',
    params: (v) => ({ fast: 12 + v, slow: 26 + 2 * v, signal: 9 }),
    filter: (f) => ({
      long: { left: `${f}.hist`, op: '>', right: 0 },
      short: { left: `${f}.hist`, op: '<', right: 0 },
    }),
  },
  {
    name: 'adx',
    params: period(14, 4),
    filter: (f) => ({ long: { left: f, op: '>', right: 20 }, short: { left: f, op: '>', right: 20 } }),
  },
  { name: 'stoch', params: period(14, 3), filter: (f) => band(f, 20, 80) },
  { name: 'wma', params: period(30, 10), filter: above },
  { name: 'keltner', params: (v) => ({ period: 20 + 5 * v, multiplier: 2 }), filter: (f) => above(`${f}.middle`) },
  { name: 'cci', params: period(20, 5), filter: (f) => band(f, -100, 100) },
  { name: 'supertrend', params: (v) => ({ period: 10 + 3 * v, multiplier: 3 }), filter: above },
  { name: 'donchian', params: period(20, 10), filter: (f) => above(`${f}.middle`) },
  { name: 'hma', params: period(30, 10), filter: above },
  {
    name: 'roc',
    params: period(12, 4),
    filter: (f) => ({ long: { left: f, op: '>', right: 0 }, short: { left: f, op: '<', right: 0 } }),
  },
  { name: 'mfi', params: period(14, 3), filter: (f) => band(f, 20, 80) },
  { name: 'dema', params: period(30, 10), filter: above },
  {
    name: 'obv',
    params: () => ({}),
    filter: (f) => ({ long: { left: f, op: '>', right: 0 }, short: { left: f, op: '<', right: 0 } }),
  },
  { name: 'willr', params: period(14, 3), filter: (f) => band(f, -80, -20) },
  { name: 'tema', params: period(30, 10), filter: above },
  { name: 'vwap', params: (v) => ({ window: 96 + 48 * v }), filter: above },
  { name: 'ema', params: period(100, 25), filter: above },
  { name: 'sma', params: period(100, 25), filter: above },
];

const OBV_REPEAT: IndicatorTemplate = {
  name: 'roc',
  params: period(60, 20),
  filter: (f) => ({ long: { left: f, op: '>', right: 0 }, short: { left: f, op: '<', right: 0 } }),
};

// Structures: the default play's two first (market structure, a 10-day volatility regime), then swing
// and zones; a level with more than four repeats them with other parameters.
interface StructureTemplate {
  readonly name: string;
  params(variant: number): Node;
  filter(f: string): Filter;
}

const STRUCTURE_ORDER: readonly StructureTemplate[] = [
  {
    name: 'market_structure',
    params: (v) => ({ left: 5 + 2 * v, right: 5 + 2 * v }),
    filter: (f) => ({
      long: { left: `${f}.trend`, op: '>', right: 0 },
      short: { left: `${f}.trend`, op: '<', right: 0 },
    }),
  },
  {
    name: 'vol_regime',
    params: (v) => ({ window: 96 + 24 * v, lookback: 960 }),
    filter: (f) => ({
      long: { left: `${f}.regime`, op: '<', right: 2 },
      short: { left: `${f}.regime`, op: '<', right: 2 },
    }),
  },
  {
    name: 'swing',
    params: (v) => ({ left: 3 + 2 * v, right: 3 + 2 * v }),
    filter: (f) => ({
      long: { left: 'close', op: '>', right: `${f}.last_low` },
      short: { left: 'close', op: '<', right: `${f}.last_high` },
    }),
  },
  {
    name: 'zones',
    params: (v) => ({ left: 5 + 2 * v, right: 5 + 2 * v }),
    filter: (f) => ({
      long: { left: 'close', op: '>', right: `${f}.support` },
      short: { left: 'close', op: '<', right: `${f}.resistance` },
    }),
  },
];

/**
 * The play file of one level. Genes: the cross's two periods and an optional ATR stop, so a GA (and the
 * bench's pool run) varies part of the play while most features repeat across individuals, as in a
 * real search. Indicators beyond the cross pair go round-robin over the level's timeframes.
 */
export function levelPlayText(level: LevelSpec): string {
  const tfs = BENCH_TIMEFRAMES.slice(0, level.timeframes);
  const features: Record<string, Node> = {
    fast: { indicator: 'ema', params: { period: { int: [5, 40] } } },
    slow: { indicator: 'sma', params: { period: { int: [50, 200], step: 5 } } },
  };
  const filters: Filter[] = [];
  for (let k = 2; k < level.indicators; k++) {
    const i = k - 2;
    const variant = Math.floor(i / INDICATOR_ORDER.length);
    const listed = INDICATOR_ORDER[i % INDICATOR_ORDER.length];
    const t = listed.name === 'obv' && variant > 0 ? OBV_REPEAT : listed; // obv has no parameter to vary
    const tf = tfs[k % tfs.length];
    const name = `i${k}_${t.name}`;
    features[name] = { indicator: t.name, ...(tf === tfs[0] ? {} : { tf }), params: t.params(variant) };
    filters.push(t.filter(name));
  }
  for (let s = 0; s < level.structures; s++) {
    const t = STRUCTURE_ORDER[s % STRUCTURE_ORDER.length];
    const name = `s${s}_${t.name}`;
    features[name] = { structure: t.name, params: t.params(Math.floor(s / STRUCTURE_ORDER.length)) };
    filters.push(t.filter(name));
  }
  const side = (cross: Node, pick: (f: Filter) => Node): Node =>
    filters.length === 0 ? cross : { all: [cross, { any: filters.map(pick) }] };
  const play = {
    name: `bench_${level.id}`,
    description:
      `forge bench ${level.id} (${level.name}): ${level.indicators} ` +
      `indicators, ${level.structures} structures, ${level.timeframes} timeframes`,
    market: { symbol: 'SYNTH', tf: tfs[0] },
    features,
    entry: {
      long: side({ cross_above: ['fast', 'slow'] }, (f) => f.long),
      short: side({ cross_below: ['fast', 'slow'] }, (f) => f.short),
    },
    exit: { on_opposite: true, stop_loss: { atr: { float: [1.0, 5.0], step: 0.25 }, period: 14, optional: true } },
    sizing: { mode: 'fraction', fraction: 0.95 },
    costs: { fee_bps: 10, slippage_bps: 2 },
    cash: 10000,
  };
  return stringify(play, { lineWidth: 0 });
}
