// A concrete play as people read it: what it computes, when it enters, how it exits. Used to show a
// GA winner without the genes that did not matter (params of an indicator that was not chosen, rules
// that are switched off).

import { playFeatures } from './signals.js';
import type { Expr, FeatureRequest, Operand, Play, PlayStop } from './types.js';

function feature(req: FeatureRequest): string {
  const params = Object.entries(req.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const source =
    req.source && req.def.defaultSource && req.source !== req.def.defaultSource ? `, source=${req.source}` : '';
  return `${req.def.name}(${params}${source})${req.tf ? ` on ${req.tf}` : ''}`;
}

function operand(op: Operand): string {
  if (op.kind === 'const') return String(op.value);
  if (op.kind === 'price') return op.source;
  return op.label;
}

export function describeExpr(e: Expr): string {
  switch (e.kind) {
    case 'all':
      return e.items.map((x) => (x.kind === 'any' ? `(${describeExpr(x)})` : describeExpr(x))).join(' and ');
    case 'any':
      return e.items.map((x) => (x.kind === 'all' ? `(${describeExpr(x)})` : describeExpr(x))).join(' or ');
    case 'not':
      return `not (${describeExpr(e.item)})`;
    case 'compare':
      return `${operand(e.left)} ${e.op} ${operand(e.right)}`;
    case 'cross':
      return `${operand(e.a)} crosses ${e.dir} ${operand(e.b)}${e.strict ? ' (strict)' : ''}`;
  }
}

function stop(s: PlayStop): string {
  return s.kind === 'pct' ? `${s.value}%` : `${s.value} x ATR(${s.period})`;
}

/** One line per part of the play; only what the play actually uses. */
export function describePlay(play: Play): string[] {
  const used = new Set(playFeatures(play).map((f) => f.key));
  const lines: string[] = [`market: ${play.market.symbol ?? '(any symbol)'} ${play.market.tf}`];
  for (const [name, req] of Object.entries(play.features))
    if (used.has(req.key)) lines.push(`feature ${name} = ${feature(req)}`);
  if (play.entry.long) lines.push(`enter long when ${describeExpr(play.entry.long)}`);
  if (play.entry.short) lines.push(`enter short when ${describeExpr(play.entry.short)}`);
  const x = play.exit;
  const exits = [
    x.onOpposite ? 'on the opposite signal' : undefined,
    x.stopLoss ? `stop-loss ${stop(x.stopLoss)}` : undefined,
    x.takeProfit ? `take-profit ${stop(x.takeProfit)}` : undefined,
    x.trailingStop ? `trailing stop ${stop(x.trailingStop)}` : undefined,
    x.timeStopBars !== undefined ? `after ${x.timeStopBars} bars` : undefined,
  ].filter((v) => v !== undefined);
  if (exits.length) lines.push(`exit ${exits.join(', ')}`);
  if (x.long) lines.push(`exit long when ${describeExpr(x.long)}`);
  if (x.short) lines.push(`exit short when ${describeExpr(x.short)}`);
  const s = play.sizing;
  const size =
    s.mode === 'all-in'
      ? 'all-in'
      : s.mode === 'fraction'
        ? `${(s.fraction! * 100).toFixed(0)}% of equity`
        : `risking ${(s.risk! * 100).toFixed(2)}% of equity at the stop`;
  lines.push(
    `size ${size}${s.wholeUnits ? ', whole units' : ''}; ` +
      `costs ${play.costs.feeBps} bps fee + ${play.costs.slippageBps} bps slippage per fill`,
  );
  return lines;
}
