import { ForgeError } from '../../engine/errors.js';
import { checkLayer } from '../config/issues.js';
import { defined, mergeLayers } from '../config/merge.js';
import { readSettingsFile } from '../config/read.js';
import * as z from 'zod';
import { int, num, section, seed } from '../config/schema.js';

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
  readonly bootstrap: {
    readonly n: number;
    readonly alpha: number;
    readonly blockSize: number;
    readonly minLower: number;
  };
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

/** Partial settings as a file or the flags give them (nested like ValidateConfig). */
export type ValidateInput = { top?: number; seed?: string | number } & {
  [S in Section]?: Partial<Record<keyof ValidateConfig[S], unknown>>;
};

const pct = (o: { gt?: number; max?: number } = {}) =>
  num({ gt: 0, ...o, want: o.max !== undefined ? `a percentage in (0, ${o.max}]` : 'a percentage > 0' });

/** Validate settings as the file spells them (the code names: maxP, blockSize, ...). */
export const VALIDATE_SCHEMA = z.strictObject({
  top: int(1),
  seed: seed(),
  permutation: section({ n: int(1), maxP: num({ gt: 0, lt: 1 }) }),
  bootstrap: section({ n: int(10), alpha: num({ gt: 0, lt: 1 }), blockSize: num({ min: 1 }), minLower: num() }),
  sensitivity: section({ maxDispersionPct: pct(), continuousStepPct: pct({ max: 50 }) }),
  stress: section({
    multipliers: z.array(z.number().gt(0)).min(1).meta({ want: 'a list of positive numbers, e.g. [2, 3]' }).optional(),
    at: num({ want: 'one of stress.multipliers' }),
    minSharpe: num(),
  }),
  concentration: section({ topK: int(1), maxPct: pct() }),
  regime: section({ minProfitableShare: num({ min: 0, lt: 1 }) }),
  walkforward: section({ minEfficiency: num() }),
  multipleTesting: section({
    alpha: num({ gt: 0, lt: 1 }),
    minDsr: num({ min: 0, lt: 1, want: 'a probability in [0, 1)' }),
  }),
});

/** Reads --config FILE (YAML or JSON), naming the file and key on every error. */
export function readValidateFile(file: string): ValidateInput {
  const doc = readSettingsFile(file, {
    example: 'a YAML file like `permutation: {n: 500}`',
    allowEmpty: true,
    label: (f) => `--config: ${f}`,
  });
  return checkLayer(VALIDATE_SCHEMA, doc, { where: file, examples: DEFAULTS }) as ValidateInput;
}

/** Defaults < file < flags, then every value checked (the message names the setting). */
export function resolveValidateConfig(file: ValidateInput, flags: ValidateInput): ValidateConfig {
  for (const layer of [file, flags]) checkLayer(VALIDATE_SCHEMA, defined(layer), { examples: DEFAULTS });
  const c = mergeLayers(DEFAULTS, defined(file), defined(flags));
  if (!c.stress.multipliers.includes(c.stress.at)) {
    throw new ForgeError(
      `stress.at: got ${c.stress.at}, expected one of stress.multipliers (${c.stress.multipliers.join(', ')})`,
      `set stress.at to one of them, e.g. ${c.stress.multipliers[0]}`,
      'E_CONFIG',
    );
  }
  return { ...c, seed: String(c.seed) };
}
