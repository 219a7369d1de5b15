// The play file's top level: market, features, entry, exit, sizing, costs, cash.

import { ForgeError } from '../errors.js';
import { timeframeMs } from '../timeframe.js';
import { GeneSlot } from './genes.js';
import {
  bool,
  checkKeys,
  expectMap,
  isMap,
  num,
  oneOf,
  playError,
  rejectOptional,
  stripOptional,
  type ParseContext,
} from './context.js';
import { parseExpr } from './parse-expr.js';
import { parseFeature } from './parse-feature.js';
import type { Path } from './path.js';
import type { Crossover, FeatureRequest, Play, PlayExit, PlaySizing } from './types.js';

const TOP_KEYS = ['name', 'description', 'market', 'crossover', 'features', 'entry', 'exit', 'sizing', 'costs', 'cash'];
const CROSSOVERS: readonly Crossover[] = ['through-ties', 'strict'];
const EXIT_KEYS = [
  'on_opposite',
  'stop_loss',
  'take_profit',
  'trailing_stop',
  'time_stop',
  'long',
  'short',
  'end_of_data',
];
const STOPS = [
  ['stop_loss', 'stopLoss', 100],
  ['take_profit', 'takeProfit', 10_000],
  ['trailing_stop', 'trailingStop', 100],
] as const;
export const DEFAULT_ATR_PERIOD = 14;
export const DEFAULT_CASH = 10_000;

export function parseTree(ctx: ParseContext, tree: unknown): Play {
  const top = expectMap(ctx, tree, [], 'a play', 'market: {symbol: BTCUSDT, tf: 1h}');
  rejectOptional(ctx, top, []);
  checkKeys(ctx, top, [], TOP_KEYS, 'a play');
  for (const k of ['market', 'entry'])
    if (!(k in top))
      throw playError(
        ctx,
        [k],
        `a play needs ${k}:`,
        k === 'market' ? 'add market: {symbol: BTCUSDT, tf: 1h}' : 'add entry: {long: ...} and/or {short: ...}',
      );

  const market = parseMarket(ctx, top.market);
  if (top.crossover instanceof GeneSlot) {
    throw playError(ctx, ['crossover'], 'crossover cannot be a gene', `write one of ${CROSSOVERS.join(', ')}`);
  }
  if (top.crossover !== undefined) ctx.crossover = oneOf(ctx, top.crossover, ['crossover'], 'crossover', CROSSOVERS)[0];
  const features: Record<string, FeatureRequest> = {};
  if (top.features !== undefined) {
    const fs = expectMap(
      ctx,
      top.features,
      ['features'],
      'features',
      'features: {fast: {indicator: ema, params: {period: 20}}}',
    );
    for (const [name, node] of Object.entries(fs)) {
      const alternatives = parseFeature(ctx, name, node, ['features', name]);
      ctx.features.set(name, alternatives);
      features[name] = alternatives[0];
    }
  }

  const entryNode = expectMap(ctx, top.entry, ['entry'], 'entry', '{long: {cross_above: [fast, slow]}}');
  rejectOptional(ctx, entryNode, ['entry']);
  checkKeys(ctx, entryNode, ['entry'], ['long', 'short'], 'entry');
  if (ctx.mode === 'space' && !('long' in entryNode) && !('short' in entryNode))
    throw playError(ctx, ['entry'], 'entry needs long: or short:', 'add a rule under entry.long or entry.short');
  const entry = {
    long: entryNode.long === undefined ? undefined : parseExpr(ctx, entryNode.long, ['entry', 'long']),
    short: entryNode.short === undefined ? undefined : parseExpr(ctx, entryNode.short, ['entry', 'short']),
  };

  const { exit, stopLossSure } = parseExit(ctx, top.exit ?? {});
  const sizing = parseSizing(ctx, top.sizing ?? {}, exit, stopLossSure);
  const costs = parseCosts(ctx, top.costs ?? {});
  const cash =
    top.cash === undefined ? DEFAULT_CASH : num(ctx, top.cash, ['cash'], 'cash', { min: 0, max: 1e15, above: true });
  return {
    name: text(ctx, top.name, ['name']),
    description: text(ctx, top.description, ['description']),
    market,
    features,
    entry,
    exit,
    sizing,
    costs,
    cash,
  };
}

function text(ctx: ParseContext, v: unknown, path: Path): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw playError(ctx, path, `must be text, got ${JSON.stringify(v)}`, 'quote it');
  return v;
}

function parseMarket(ctx: ParseContext, node: unknown): Play['market'] {
  const m = expectMap(ctx, node, ['market'], 'market', '{symbol: BTCUSDT, tf: 1h}');
  rejectOptional(ctx, m, ['market']);
  checkKeys(ctx, m, ['market'], ['symbol', 'tf'], 'market');
  if (m.tf instanceof GeneSlot || (m.symbol as unknown) instanceof GeneSlot)
    throw playError(ctx, ['market'], 'the market cannot be a gene', 'fix symbol and tf');
  if (typeof m.tf !== 'string')
    throw playError(ctx, ['market', 'tf'], 'market needs tf: the execution timeframe', 'write tf: 1h');
  try {
    ctx.execMs = timeframeMs(m.tf, 'market.tf');
  } catch (e) {
    if (!(e instanceof ForgeError)) throw e;
    throw playError(ctx, ['market', 'tf'], e.message.replace(/^market\.tf: /, ''), e.fix ?? 'write tf: 1h');
  }
  ctx.execTf = m.tf;
  const symbol = text(ctx, m.symbol, ['market', 'symbol']);
  return symbol === undefined ? { tf: m.tf } : { symbol, tf: m.tf };
}

interface RawStop {
  kind: 'pct' | 'atr';
  value: number;
  period?: unknown;
}

function parseStop(ctx: ParseContext, node: unknown, path: Path, max: number): RawStop {
  const m = stripOptional(
    expectMap(ctx, node, path, path[path.length - 1] as string, '{pct: 2} or {atr: 2.5, period: 14}'),
  );
  checkKeys(ctx, m, path, ['pct', 'atr', 'period', 'optional'], 'a stop');
  const kinds = ['pct', 'atr'].filter((k) => k in m);
  if (kinds.length !== 1)
    throw playError(
      ctx,
      path,
      'a stop is {pct: N} (percent of the entry price) or {atr: N, period: P} (ATR multiples)',
      'write {pct: 2} or {atr: 2.5, period: 14}',
    );
  if (kinds[0] === 'pct') {
    if ('period' in m)
      throw playError(ctx, [...path, 'period'], 'period applies to ATR stops only', 'remove period or use {atr: N}');
    return { kind: 'pct', value: num(ctx, m.pct, [...path, 'pct'], 'percent', { min: 0, max, above: true }) };
  }
  const value = num(ctx, m.atr, [...path, 'atr'], 'ATR multiple', { min: 0, max: 100, above: true });
  if ('period' in m) num(ctx, m.period, [...path, 'period'], 'ATR period', { min: 1, max: 1000, int: true });
  return { kind: 'atr', value, period: m.period };
}

function parseExit(ctx: ParseContext, node: unknown): { exit: PlayExit; stopLossSure: boolean } {
  const m = expectMap(ctx, node, ['exit'], 'exit', '{stop_loss: {pct: 2}}');
  rejectOptional(ctx, m, ['exit']);
  checkKeys(ctx, m, ['exit'], EXIT_KEYS, 'exit');
  const out: { -readonly [K in keyof PlayExit]: PlayExit[K] } = {
    onOpposite: m.on_opposite === undefined ? true : bool(ctx, m.on_opposite, ['exit', 'on_opposite'], 'on_opposite'),
  };
  // ATR stops share one ATR series (the simulator takes one): give `period` on one stop, or equal ones.
  const periods: { value: unknown; path: Path }[] = [];
  const raws: [(typeof STOPS)[number][1], RawStop][] = [];
  for (const [key, field, max] of STOPS) {
    if (m[key] === undefined) continue;
    const raw = parseStop(ctx, m[key], ['exit', key], max);
    raws.push([field, raw]);
    if (raw.period !== undefined) periods.push({ value: raw.period, path: ['exit', key, 'period'] });
  }
  if (periods.length > 1) {
    const bad = periods.find((p) => p.value instanceof GeneSlot || p.value !== periods[0].value);
    if (bad)
      throw playError(
        ctx,
        bad.path,
        "ATR stops share one ATR period; this one differs from (or is a gene beside) another stop's",
        'give period on one ATR stop only',
      );
  }
  const period =
    periods.length === 0
      ? DEFAULT_ATR_PERIOD
      : num(ctx, periods[0].value, periods[0].path, 'ATR period', { min: 1, max: 1000, int: true });
  for (const [field, raw] of raws)
    out[field] = raw.kind === 'pct' ? { kind: 'pct', value: raw.value } : { kind: 'atr', value: raw.value, period };
  if (m.time_stop !== undefined) {
    const ts = isMap(m.time_stop) ? stripOptional(m.time_stop) : { bars: m.time_stop };
    if (isMap(m.time_stop)) checkKeys(ctx, ts, ['exit', 'time_stop'], ['bars'], 'time_stop');
    out.timeStopBars = num(
      ctx,
      ts.bars,
      isMap(m.time_stop) ? ['exit', 'time_stop', 'bars'] : ['exit', 'time_stop'],
      'time_stop bars',
      { min: 1, max: 1e7, int: true },
    );
  }
  if (m.end_of_data !== undefined)
    out.endOfData = oneOf(ctx, m.end_of_data, ['exit', 'end_of_data'], 'end_of_data', ['close', 'open'] as const)[0];
  if (m.long !== undefined) out.long = parseExpr(ctx, m.long, ['exit', 'long']);
  if (m.short !== undefined) out.short = parseExpr(ctx, m.short, ['exit', 'short']);
  const sl = m.stop_loss;
  return { exit: out, stopLossSure: sl !== undefined && !(isMap(sl) && 'optional' in sl) };
}

function parseSizing(ctx: ParseContext, node: unknown, exit: PlayExit, stopLossSure: boolean): PlaySizing {
  const m = expectMap(ctx, node, ['sizing'], 'sizing', '{mode: fraction, fraction: 0.5}');
  rejectOptional(ctx, m, ['sizing']);
  checkKeys(ctx, m, ['sizing'], ['mode', 'fraction', 'risk', 'whole_units'], 'sizing');
  const modes: PlaySizing['mode'][] =
    m.mode === undefined
      ? ['all-in']
      : oneOf(ctx, m.mode, ['sizing', 'mode'], 'sizing mode', ['all-in', 'fraction', 'risk'] as const);
  const wholeUnits =
    m.whole_units === undefined ? false : bool(ctx, m.whole_units, ['sizing', 'whole_units'], 'whole_units');
  const fraction =
    m.fraction === undefined
      ? undefined
      : num(ctx, m.fraction, ['sizing', 'fraction'], 'fraction of equity', { min: 0, max: 1, above: true });
  const risk =
    m.risk === undefined
      ? undefined
      : num(ctx, m.risk, ['sizing', 'risk'], 'risk fraction', { min: 0, max: 1, above: true });
  if (modes.includes('fraction') && fraction === undefined)
    throw playError(
      ctx,
      ['sizing', 'fraction'],
      'mode fraction needs fraction: (of equity, 0..1)',
      'add fraction: 0.5',
    );
  if (modes.includes('risk')) {
    if (risk === undefined)
      throw playError(
        ctx,
        ['sizing', 'risk'],
        'mode risk needs risk: the fraction of equity lost at the stop',
        'add risk: 0.01 (1 % of equity)',
      );
    if (exit.stopLoss === undefined || (ctx.mode === 'space' && !stopLossSure)) {
      throw playError(
        ctx,
        ['sizing', 'mode'],
        'risk sizing needs a stop_loss that is always present',
        'add exit.stop_loss (not optional) or use mode fraction',
      );
    }
  }
  return { mode: modes[0], fraction, risk, wholeUnits };
}

function parseCosts(ctx: ParseContext, node: unknown): Play['costs'] {
  const m = expectMap(ctx, node, ['costs'], 'costs', '{fee_bps: 10, slippage_bps: 2}');
  rejectOptional(ctx, m, ['costs']);
  checkKeys(ctx, m, ['costs'], ['fee_bps', 'slippage_bps'], 'costs');
  const bps = (k: string) => (m[k] === undefined ? 0 : num(ctx, m[k], ['costs', k], k, { min: 0, max: 10_000 }));
  return { feeBps: bps('fee_bps'), slippageBps: bps('slippage_bps') };
}
