import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ForgeError, suggestion } from '../../engine/errors.js';

// `forge validate` settings: how many resamples each guard draws and where each guard's line sits.
// Defaults are the brief's thresholds (004: MC p < 0.05, bootstrap CI lower > 1.0, sensitivity
// < 10 %, top-10 trades < 40 %, stressed Sharpe > 1.0, WFE >= 0.6; 000: BH at 0.05). A YAML/JSON
// file (--config) overrides the defaults and flags override the file.

export interface ValidateConfig {
  /** Hall-of-fame plays to validate, best first. */
  readonly top: number;
  readonly seed: string;
  readonly permutation: { readonly n: number; readonly maxP: number };
  /** Trade-level percentile bootstrap of the annualised Sharpe; alpha 0.05 = the 95 % interval. */
  readonly bootstrap: { readonly n: number; readonly alpha: number; readonly blockSize: number; readonly minLower: number };
  /** Relative sd of fitness over the ±1-step neighbourhood, percent; continuous genes move 1 % of their range. */
  readonly sensitivity: { readonly maxDispersionPct: number; readonly continuousStepPct: number };
  /** Cost multipliers tried (fee and slippage together); the guard reads the Sharpe at `at`. */
  readonly stress: { readonly multipliers: readonly number[]; readonly at: number; readonly minSharpe: number };
  readonly concentration: { readonly topK: number; readonly maxPct: number };
  /** Pass when the share of regimes with a positive total return exceeds this (0.5 = a strict majority). */
  readonly regime: { readonly minProfitableShare: number };
  readonly walkforward: { readonly minEfficiency: number };
  /** BH false discovery rate over every evaluated play, and the DSR a survivor must exceed. */
  readonly multipleTesting: { readonly alpha: number; readonly minDsr: number };
}

export const DEFAULTS: ValidateConfig = Object.freeze({
  top: 5,
  seed: '42',
  permutation: { n: 1000, maxP: 0.05 },
  bootstrap: { n: 2000, alpha: 0.05, blockSize: 1, minLower: 1.0 },
  sensitivity: { maxDispersionPct: 10, continuousStepPct: 1 },
  stress: { multipliers: [2, 3], at: 2, minSharpe: 1.0 },
  concentration: { topK: 10, maxPct: 40 },
  regime: { minProfitableShare: 0.5 },
  walkforward: { minEfficiency: 0.6 },
  multipleTesting: { alpha: 0.05, minDsr: 0.95 },
}) as ValidateConfig;

type Section = Exclude<keyof ValidateConfig, 'top' | 'seed'>;
const SECTIONS = Object.keys(DEFAULTS).filter((k) => k !== 'top' && k !== 'seed') as Section[];

/** Partial settings as a file or the flags give them (nested like ValidateConfig). */
export type ValidateInput = { top?: number; seed?: string | number } & { [S in Section]?: Partial<Record<keyof ValidateConfig[S], unknown>> };

/** Reads --config FILE (YAML or JSON), naming the file and key on every error. */
export function readValidateFile(file: string): ValidateInput {
  if (!fs.existsSync(file)) throw new ForgeError(`--config: ${file} does not exist`, 'give the path of a YAML or JSON file with validate settings', 'E_CONFIG');
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ForgeError(`${file}: not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`, 'fix the syntax', 'E_CONFIG');
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ForgeError(`${file}: expected a mapping of settings`, `keys: top, seed, ${SECTIONS.join(', ')}`, 'E_CONFIG');
  const d = doc as Record<string, unknown>;
  for (const [k, v] of Object.entries(d)) {
    if (k === 'top' || k === 'seed') continue;
    if (!SECTIONS.includes(k as Section)) {
      throw new ForgeError(`${file}: unknown key '${k}'${suggestion(k, ['top', 'seed', ...SECTIONS])}`, `keys: top, seed, ${SECTIONS.join(', ')}`, 'E_CONFIG');
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ForgeError(`${file}: ${k}: expected a mapping`, `e.g. ${k}: ${JSON.stringify(DEFAULTS[k as Section])}`, 'E_CONFIG');
    const known = Object.keys(DEFAULTS[k as Section]);
    for (const key of Object.keys(v)) {
      if (!known.includes(key)) throw new ForgeError(`${file}: ${k}.${key}: unknown setting${suggestion(key, known)}`, `${k} takes ${known.join(', ')}`, 'E_CONFIG');
    }
  }
  return d as ValidateInput;
}

function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Defaults < file < flags, then every value checked (the message names the setting). */
export function resolveValidateConfig(file: ValidateInput, flags: ValidateInput): ValidateConfig {
  const merged: Record<string, unknown> = { top: flags.top ?? file.top ?? DEFAULTS.top, seed: String(flags.seed ?? file.seed ?? DEFAULTS.seed) };
  for (const s of SECTIONS) merged[s] = { ...DEFAULTS[s], ...defined(file[s]), ...defined(flags[s]) };
  const c = merged as unknown as ValidateConfig;
  const bad = (key: string, got: unknown, want: string): never => {
    throw new ForgeError(`validate setting ${key}: got ${JSON.stringify(got)}, expected ${want}`, `fix it in --config or its flag (default ${JSON.stringify(lookup(DEFAULTS, key))})`, 'E_CONFIG');
  };
  const int = (key: string, v: unknown, min: number) => (Number.isInteger(v) && (v as number) >= min ? v : bad(key, v, `an integer >= ${min}`));
  const num = (key: string, v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : bad(key, v, 'a number'));
  const frac = (key: string, v: unknown) => (typeof v === 'number' && v > 0 && v < 1 ? v : bad(key, v, 'a number in (0, 1)'));
  int('top', c.top, 1);
  int('permutation.n', c.permutation.n, 1);
  frac('permutation.maxP', c.permutation.maxP);
  int('bootstrap.n', c.bootstrap.n, 10);
  frac('bootstrap.alpha', c.bootstrap.alpha);
  if (!(typeof c.bootstrap.blockSize === 'number' && c.bootstrap.blockSize >= 1)) bad('bootstrap.blockSize', c.bootstrap.blockSize, 'a number >= 1');
  num('bootstrap.minLower', c.bootstrap.minLower);
  if (!(typeof c.sensitivity.maxDispersionPct === 'number' && c.sensitivity.maxDispersionPct > 0)) bad('sensitivity.maxDispersionPct', c.sensitivity.maxDispersionPct, 'a percentage > 0');
  if (!(typeof c.sensitivity.continuousStepPct === 'number' && c.sensitivity.continuousStepPct > 0 && c.sensitivity.continuousStepPct <= 50)) bad('sensitivity.continuousStepPct', c.sensitivity.continuousStepPct, 'a percentage in (0, 50]');
  const m = c.stress.multipliers;
  if (!Array.isArray(m) || m.length === 0 || !m.every((x) => typeof x === 'number' && x > 0)) bad('stress.multipliers', m, 'a list of positive numbers, e.g. [2, 3]');
  if (!m.includes(c.stress.at)) bad('stress.at', c.stress.at, `one of stress.multipliers (${m.join(', ')})`);
  num('stress.minSharpe', c.stress.minSharpe);
  int('concentration.topK', c.concentration.topK, 1);
  if (!(typeof c.concentration.maxPct === 'number' && c.concentration.maxPct > 0)) bad('concentration.maxPct', c.concentration.maxPct, 'a percentage > 0');
  if (!(typeof c.regime.minProfitableShare === 'number' && c.regime.minProfitableShare >= 0 && c.regime.minProfitableShare < 1)) bad('regime.minProfitableShare', c.regime.minProfitableShare, 'a number in [0, 1)');
  num('walkforward.minEfficiency', c.walkforward.minEfficiency);
  frac('multipleTesting.alpha', c.multipleTesting.alpha);
  if (!(typeof c.multipleTesting.minDsr === 'number' && c.multipleTesting.minDsr >= 0 && c.multipleTesting.minDsr < 1)) bad('multipleTesting.minDsr', c.multipleTesting.minDsr, 'a probability in [0, 1)');
  return c;
}

function lookup(o: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o);
}
