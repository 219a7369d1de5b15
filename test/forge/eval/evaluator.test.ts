import { describe, expect, it } from 'vitest';
import { resampleFeed, sliceFeed } from '../../../src/engine/feeds.js';
import { defaultGenome, parsePlay, resolvePlay, runPlay } from '../../../src/engine/play/index.js';
import { LruFeatureCache } from '../../../src/forge/eval/cache.js';
import { createEvaluator } from '../../../src/forge/eval/evaluator.js';
import { FAILED_FITNESS, fitnessOf } from '../../../src/forge/fitness.js';
import { defaultPlayJob, defaultPlayText as playText } from '../../helpers/eval-job.js';
import { randomFeed } from '../../helpers/random-feed.js';

const split = Math.floor(6000 * 0.75);
const { exec, feeds, job } = defaultPlayJob('evaluator', 6000, split, 64 << 20);
const cut = exec.time[split];

describe('GA evaluator', () => {
  it('in-sample figures equal a separate backtest on the truncated data (signals never look ahead)', () => {
    const evaluator = createEvaluator(job, feeds);
    const genome = defaultGenome(evaluator.space.genes);
    const rec = evaluator.evaluate(genome);
    expect(rec.error).toBeUndefined();

    // Independent path: cut every feed at the split time and run the play from scratch on that.
    const truncated = Object.fromEntries(
      Object.entries(feeds).map(([tf, f]) => {
        let n = 0;
        while (n < f.length && f.time[n] + f.tfMs <= cut) n++;
        return [tf, sliceFeed(f, 0, n)];
      }),
    );
    const play = resolvePlay(parsePlay(playText, 'default.yaml'), genome);
    const alone = runPlay(play, truncated, { cash: 10_000 });
    expect(rec.inSample!.trades).toBe(alone.metrics.trades);
    expect(rec.inSample!.finalEquity).toBeCloseTo(alone.metrics.finalEquity, 6);
    expect(rec.inSample!.sharpe).toBeCloseTo(alone.metrics.sharpe, 9);
    expect(rec.fitness).toBe(fitnessOf(rec.inSample!, job.fitness));
    expect(rec.outOfSample).not.toBeNull();
    expect(rec.outOfSample!.buyHoldReturn).toBeCloseTo(exec.close[exec.length - 1] / exec.close[split] - 1, 12);
  });

  it('a play that throws gets the worst fitness and its error, and the next one still runs', () => {
    const evaluator = createEvaluator(job, feeds);
    const bad = evaluator.evaluate([1, 2, 3]); // wrong genome length: resolvePlay throws
    expect(bad.fitness).toBe(FAILED_FITNESS);
    expect(bad.error).toMatch(/gene/i);
    expect(evaluator.evaluate(defaultGenome(evaluator.space.genes)).error).toBeUndefined();
  });

  it('shares computed features between individuals through the cache', () => {
    const evaluator = createEvaluator(job, feeds);
    const g = defaultGenome(evaluator.space.genes);
    evaluator.evaluate(g);
    const misses = evaluator.cache.misses;
    evaluator.evaluate(g);
    expect(evaluator.cache.misses).toBe(misses); // every feature of the second run was a hit
    expect(evaluator.cache.hits).toBeGreaterThan(0);
  });
});

describe('LRU feature cache', () => {
  it('evicts the least recently used arrays beyond its byte budget', () => {
    const cache = new LruFeatureCache(3 * 800);
    const arr = () => [new Float64Array(100)]; // 800 bytes
    cache.set('a', arr());
    cache.set('b', arr());
    cache.set('c', arr());
    cache.get('a'); // a is now the most recent
    cache.set('d', arr());
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.byteSize).toBe(2400);
  });
});

describe('fitness across regime datasets', () => {
  it('is the min (or mean) of each dataset’s own in-sample fitness', () => {
    const other = randomFeed(5000, 'regime-b', '15m', 900_000, Date.UTC(2023, 0, 1));
    const otherFeeds = {
      '15m': other,
      '1h': resampleFeed(other, '1h'),
      '4h': resampleFeed(other, '4h'),
      '1d': resampleFeed(other, '1d'),
    };
    const otherEnd = other.time[other.length - 1] + other.tfMs;
    const otherCut = other.time[4000];
    const regimes = [
      { name: 'B', inSample: [other.time[0], otherCut] as const, outOfSample: [otherCut, otherEnd] as const },
    ];
    const genome = defaultGenome(parsePlay(playText, 'default.yaml').genes);

    const alone = createEvaluator(job, feeds).evaluate(genome);
    const onlyB = createEvaluator(
      { ...job, inSample: regimes[0].inSample, outOfSample: regimes[0].outOfSample },
      otherFeeds,
    ).evaluate(genome);
    const min = createEvaluator({ ...job, regimes, across: 'min' }, feeds, [otherFeeds]).evaluate(genome);
    const mean = createEvaluator({ ...job, regimes, across: 'mean' }, feeds, [otherFeeds]).evaluate(genome);

    expect(min.fitness).toBe(Math.min(alone.fitness, onlyB.fitness));
    expect(mean.fitness).toBeCloseTo((alone.fitness + onlyB.fitness) / 2, 12);
    expect(min.inSample).toEqual(alone.inSample); // the main dataset's figures stay the headline
    expect(min.regimes![0].inSample).toEqual(onlyB.inSample);
    expect(alone.fitness).not.toBe(onlyB.fitness); // the datasets really differ
  });
});
