import fs from 'node:fs';
import path from 'node:path';
import { resampleFeed } from '../../src/engine/feeds.js';
import type { Feed } from '../../src/engine/types.js';
import type { EvalJob } from '../../src/forge/eval/evaluator.js';
import { resolveFitness } from '../../src/forge/fitness.js';
import { randomFeed } from './random-feed.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The shipped default play, the one the evaluation tests search. */
export const defaultPlayText = fs.readFileSync(path.join(ROOT, 'configs/plays/default.yaml'), 'utf8');

/**
 * The evaluation tests' fixture: the default play on a seeded random 15m feed of `bars` bars from
 * 2021-01-01 (with its 1h/4h/1d resamples), in-sample up to bar `split`, out-of-sample the rest,
 * one trade enough to be feasible.
 */
export function defaultPlayJob(
  seed: string,
  bars: number,
  split: number,
  cacheBytes: number,
): { exec: Feed; feeds: Record<string, Feed>; job: EvalJob } {
  const exec = randomFeed(bars, seed, '15m', 900_000, Date.UTC(2021, 0, 1));
  const feeds = {
    '15m': exec,
    '1h': resampleFeed(exec, '1h'),
    '4h': resampleFeed(exec, '4h'),
    '1d': resampleFeed(exec, '1d'),
  };
  const cut = exec.time[split];
  const job: EvalJob = {
    playText: defaultPlayText,
    playFile: 'default.yaml',
    cash: 10_000,
    inSample: [exec.time[0], cut],
    outOfSample: [cut, exec.time[bars - 1] + exec.tfMs],
    fitness: resolveFitness({ minTrades: 1 }),
    cacheBytes,
  };
  return { exec, feeds, job };
}
