// Rules: a list means all; {all: [...]}, {any: [...]}, {not: rule}; {left, op, right};
// {cross_above: [a, b]}, {cross_below: [a, b]}. Operands: a feature (`fast`, `macd.signal`), a price
// (open high low close volume hl2 hlc3 ohlc4), a number, or an inline indicator (`ema(20)`,
// `rsi(period=14)`, `bb(20, 2).upper`, `ema(20, source=hl2)`), each possibly a gene.

import { suggestion } from '../errors.js';
import { PRICE_SOURCES } from '../indicators/source.js';
import type { FeatureDef, PriceSource } from '../types.js';
import { checkKeys, isMap, num, oneOf, playError, slot, stripOptional, type ParseContext } from './context.js';
import { allFeatureDefs } from './features.js';
import { makeRequest } from './parse-feature.js';
import type { Path } from './path.js';
import type { CompareOp, Expr, FeatureRequest, Operand } from './types.js';

const OPS: readonly CompareOp[] = ['>', '<', '>=', '<=', '==', '!='];
const RULE_KEYS = ['all', 'any', 'not', 'left', 'op', 'right', 'cross_above', 'cross_below', 'optional'];
const RULE_FIX =
  'a rule is a list (all of), {all: [...]}, {any: [...]}, {not: ' +
  'rule}, {left: a, op: ">", right: b} or {cross_above: [a, b]}';
const INLINE = /^([A-Za-z_][A-Za-z0-9_]*)\(([^()]*)\)(?:\.([A-Za-z_][A-Za-z0-9_]*))?$/;
const REF = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?$/;

/** A rule, or undefined when it is absent (an empty group left by optional rules that are off). */
export function parseExpr(ctx: ParseContext, node: unknown, path: Path): Expr | undefined {
  if (Array.isArray(node)) return group(ctx, 'all', node, path);
  if (!isMap(node)) throw playError(ctx, path, `expected a rule, got ${JSON.stringify(node)}`, RULE_FIX);
  const rule = stripOptional(node);
  checkKeys(ctx, rule, path, RULE_KEYS, 'a rule');
  const kinds = ['all', 'any', 'not', 'cross_above', 'cross_below', 'left'].filter((k) => k in rule);
  if (kinds.length !== 1) {
    throw playError(
      ctx,
      path,
      kinds.length === 0 ? 'empty rule' : `a rule has one form, found ${kinds.join(' and ')}`,
      RULE_FIX,
    );
  }
  const kind = kinds[0];
  if (kind !== 'left') checkKeys(ctx, rule, path, [kind], `a ${kind} rule`);
  switch (kind) {
    case 'all':
    case 'any': {
      const items = rule[kind];
      if (!Array.isArray(items)) throw playError(ctx, [...path, kind], `${kind} takes a list of rules`, RULE_FIX);
      return group(ctx, kind, items, [...path, kind]);
    }
    case 'not': {
      const item = parseExpr(ctx, rule.not, [...path, 'not']);
      return item === undefined ? undefined : { kind: 'not', item };
    }
    case 'cross_above':
    case 'cross_below': {
      const pair = rule[kind];
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw playError(
          ctx,
          [...path, kind],
          `${kind} takes exactly two operands, got ${Array.isArray(pair) ? pair.length : JSON.stringify(pair)}`,
          `write {${kind}: [fast, slow]}`,
        );
      }
      const a = parseOperand(ctx, pair[0], [...path, kind, 0]);
      const b = parseOperand(ctx, pair[1], [...path, kind, 1]);
      const dir = kind === 'cross_above' ? 'above' : 'below';
      return ctx.crossover === 'strict' ? { kind: 'cross', dir, a, b, strict: true } : { kind: 'cross', dir, a, b };
    }
    default: {
      checkKeys(ctx, rule, path, ['left', 'op', 'right'], 'a comparison');
      for (const k of ['op', 'right'])
        if (!(k in rule))
          throw playError(ctx, [...path, k], `a comparison needs ${k}`, 'write {left: close, op: ">", right: slow}');
      const left = parseOperand(ctx, rule.left, [...path, 'left']);
      const op = oneOf(ctx, rule.op, [...path, 'op'], 'operator', OPS)[0];
      const right = parseOperand(ctx, rule.right, [...path, 'right']);
      return { kind: 'compare', op, left, right };
    }
  }
}

function group(ctx: ParseContext, kind: 'all' | 'any', nodes: unknown[], path: Path): Expr | undefined {
  if (nodes.length === 0 && ctx.mode === 'space')
    throw playError(
      ctx,
      path,
      `empty ${kind === 'all' ? 'list of rules' : 'any'}`,
      'give at least one rule, or remove the key',
    );
  const items: Expr[] = [];
  nodes.forEach((n, i) => {
    const e = parseExpr(ctx, n, [...path, i]);
    if (e !== undefined) items.push(e);
  });
  if (items.length === 0) return undefined;
  return items.length === 1 ? items[0] : { kind, items };
}

export function parseOperand(ctx: ParseContext, node: unknown, path: Path): Operand {
  return slot(ctx, node, path, (v, p) => operandValue(ctx, v, p))[0];
}

function operandValue(ctx: ParseContext, v: unknown, path: Path): Operand {
  if (typeof v === 'number')
    return { kind: 'const', value: num(ctx, v, path, 'constant', { min: -Infinity, max: Infinity }) };
  if (typeof v !== 'string') {
    throw playError(
      ctx,
      path,
      `expected an operand, got ${JSON.stringify(v)}`,
      'an operand is a feature name, a price (close, ...), a number or an inline indicator like ema(20)',
    );
  }
  const s = v.trim();
  if ((PRICE_SOURCES as readonly string[]).includes(s)) return { kind: 'price', source: s as PriceSource };
  const inline = INLINE.exec(s);
  if (inline) return inlineFeature(ctx, inline[1], inline[2], inline[3], path, s);
  const ref = REF.exec(s);
  if (!ref)
    throw playError(
      ctx,
      path,
      `cannot read operand '${s}'`,
      'write a feature name (fast, macd.signal), a price, a number or ema(20)',
    );
  const alternatives = ctx.features.get(ref[1]);
  if (alternatives === undefined) {
    const known = [...ctx.features.keys(), ...PRICE_SOURCES];
    const isDef = ref[1] in allFeatureDefs();
    throw playError(
      ctx,
      path,
      `unknown feature '${ref[1]}'${suggestion(ref[1], known)}`,
      isDef
        ? `define it under features:, or write it inline with parameters: ${ref[1]}(...)`
        : `define it under features: (known: ${known.join(', ')})`,
    );
  }
  return {
    kind: 'feature',
    feature: alternatives[0],
    output: outputIndex(ctx, alternatives, ref[2], path, ref[1]),
    label: s,
  };
}

/** Index of `output` (default: the first); with a choice of indicator every choice must have it at the same place. */
function outputIndex(
  ctx: ParseContext,
  alternatives: readonly FeatureRequest[],
  output: string | undefined,
  path: Path,
  label: string,
): number {
  if (output === undefined) return 0;
  let index = -1;
  for (const req of alternatives) {
    const i = req.def.outputs.indexOf(output);
    if (i < 0) {
      throw playError(
        ctx,
        path,
        `'${label}' (${req.def.name}) has no output '${output}'${suggestion(output, req.def.outputs)}`,
        `outputs of ${req.def.name}: ${req.def.outputs.join(', ')}`,
      );
    }
    if (index >= 0 && i !== index) {
      throw playError(
        ctx,
        path,
        `output '${output}' sits at different places in the choices of '${label}'`,
        'choose between indicators with the same outputs',
      );
    }
    index = i;
  }
  return index;
}

function inlineFeature(
  ctx: ParseContext,
  name: string,
  argText: string,
  output: string | undefined,
  path: Path,
  label: string,
): Operand {
  const defs = allFeatureDefs();
  const def: FeatureDef | undefined = defs[name];
  if (def === undefined) {
    throw playError(
      ctx,
      path,
      `unknown indicator '${name}'${suggestion(name, Object.keys(defs))}`,
      `known: ${Object.keys(defs).sort().join(', ')}`,
    );
  }
  const params: Record<string, unknown> = {};
  let source: unknown;
  const args = argText.trim() === '' ? [] : argText.split(',').map((a) => a.trim());
  let positional = 0;
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const key = eq < 0 ? undefined : arg.slice(0, eq).trim();
    const value = eq < 0 ? arg : arg.slice(eq + 1).trim();
    if (key === 'source') {
      source = value;
      continue;
    }
    const pname = key ?? def.params[positional++]?.name;
    if (pname === undefined)
      throw playError(
        ctx,
        path,
        `${name} takes at most ${def.params.length} parameters (${def.params.map((p) => p.name).join(', ')})`,
        `write ${name}(${def.params.map((p) => p.default).join(', ')})`,
      );
    const n = Number(value);
    params[pname] = value === '' || !Number.isFinite(n) ? value : n;
  }
  const req = makeRequest(ctx, def, params, source, undefined, path);
  return { kind: 'feature', feature: req, output: outputIndex(ctx, [req], output, path, label), label };
}
