import { ForgeError } from '../../engine/errors.js';

// Walk-forward windows, all computed up front: each is a training range the GA may see and the test
// range right after it that only the winner is run on. Rolling windows slide the training range by
// `step`; anchored windows keep its start at the first bar and grow it by `step`. Spans are durations
// (days, hours, weeks) or counts of execution-timeframe bars; in bars, boundaries are bar open times.

export type SpanUnit = 'ms' | 'bars';

/** A length as the user wrote it ('180d', '4000bars') and what it means. */
export interface Span {
  readonly unit: SpanUnit;
  /** Milliseconds, or a whole number of bars. */
  readonly value: number;
  readonly text: string;
}

export type WindowMode = 'rolling' | 'anchored';

export interface WindowSpec {
  readonly mode: WindowMode;
  readonly train: Span;
  readonly test: Span;
  readonly step: Span;
}

/** [from, to) in epoch ms. */
export type Range = readonly [from: number, to: number];

export interface WalkWindow {
  readonly index: number;
  readonly train: Range;
  readonly test: Range;
}

/** A range as run files show it: ISO dates beside the epoch ms. */
export interface RangeInfo {
  readonly from: string;
  readonly to: string;
  readonly fromMs: number;
  readonly toMs: number;
}

export const rangeInfo = ([fromMs, toMs]: Range): RangeInfo => ({
  from: new Date(fromMs).toISOString(),
  to: new Date(toMs).toISOString(),
  fromMs,
  toMs,
});

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** '180d', '12h', '2w', '4000bars' (or '4000b', '4000 bars'); `flag` names the setting in errors. */
export function parseSpan(v: string | number, flag: string): Span {
  const s = String(v).trim().toLowerCase();
  const fix = `use e.g. --${flag} 180d (days), 36h (hours), 4w (weeks) or 4000bars (bars of the play's timeframe)`;
  const bars = /^(\d+)\s*(?:bars?|b)$/.exec(s);
  if (bars) {
    const n = Number(bars[1]);
    if (n <= 0) throw new ForgeError(`${flag}: '${v}' must be more than 0 bars`, fix, 'E_WF_SPAN');
    return { unit: 'bars', value: n, text: `${n}bars` };
  }
  const dur = /^(\d+(?:\.\d+)?)\s*(h|d|w)$/.exec(s);
  if (dur) {
    const ms = Math.round(Number(dur[1]) * UNIT_MS[dur[2]]);
    if (!(ms > 0)) throw new ForgeError(`${flag}: '${v}' must be longer than 0`, fix, 'E_WF_SPAN');
    return { unit: 'ms', value: ms, text: `${dur[1]}${dur[2]}` };
  }
  if (/^\d+(\.\d+)?$/.test(s)) throw new ForgeError(`${flag}: '${v}' has no unit`, fix, 'E_WF_SPAN');
  throw new ForgeError(`${flag}: '${v}' is not a length`, fix, 'E_WF_SPAN');
}

const describeSpan = (s: Span) => s.text;

/** Checks that the three spans can make non-overlapping windows; names the flag and the fix. */
export function checkSpec(spec: WindowSpec): void {
  const { train, test, step } = spec;
  if (train.unit !== test.unit || step.unit !== test.unit) {
    throw new ForgeError(
      `train ${describeSpan(train)}, test ${describeSpan(test)} and step ${describeSpan(step)} mix bars and durations`,
      'give --train, --test and --step all in bars (e.g. 4000bars) or all as durations (e.g. 180d)',
      'E_WF_SPAN',
    );
  }
  if (step.value < test.value) {
    throw new ForgeError(
      `step ${describeSpan(step)} is shorter than test ${describeSpan(test)}: test ranges would overlap ` +
        'and the stitched out-of-sample curve would count bars twice',
      `use --step >= --test (by default --step equals --test)`,
      'E_WF_SPAN',
    );
  }
}

/**
 * The windows over an execution feed's bar open times (sorted, gap-tolerant). Time spans start at the
 * first bar and the data ends one bar after the last open; a window is kept only when its test range
 * ends within the data.
 */
export function generateWindows(spec: WindowSpec, time: Float64Array, tfMs: number): WalkWindow[] {
  checkSpec(spec);
  const n = time.length;
  if (n === 0)
    throw new ForgeError(
      'the dataset has no bars on the play timeframe',
      'check the dataset with forge datasets ls',
      'E_WF_WINDOWS',
    );
  const out: WalkWindow[] = [];
  const { train, test, step } = spec;
  const anchored = spec.mode === 'anchored';
  if (train.unit === 'ms') {
    const start = time[0];
    const end = time[n - 1] + tfMs;
    for (let k = 0; ; k++) {
      const trainTo = start + k * step.value + train.value;
      const testTo = trainTo + test.value;
      if (testTo > end) break;
      out.push({ index: k, train: [anchored ? start : start + k * step.value, trainTo], test: [trainTo, testTo] });
    }
  } else {
    const at = (i: number) => (i < n ? time[i] : time[n - 1] + tfMs);
    for (let k = 0; ; k++) {
      const trainTo = k * step.value + train.value;
      const testTo = trainTo + test.value;
      if (testTo > n) break;
      out.push({ index: k, train: [at(anchored ? 0 : k * step.value), at(trainTo)], test: [at(trainTo), at(testTo)] });
    }
  }
  if (out.length === 0) {
    const have = train.unit === 'ms' ? `${((time[n - 1] + tfMs - time[0]) / 86_400_000).toFixed(1)} days` : `${n} bars`;
    throw new ForgeError(
      `no walk-forward window fits: the data holds ${have}, ` +
        `train ${describeSpan(train)} + test ${describeSpan(test)} need more`,
      'shorten --train or --test, or use a longer dataset',
      'E_WF_WINDOWS',
    );
  }
  return out;
}
