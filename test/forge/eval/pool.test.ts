import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { parsePlay, playFeatures, randomGenome, resolvePlay } from '../../../src/engine/play/index.js';
import { createEvaluator, type EvalRecord } from '../../../src/forge/eval/evaluator.js';
import { evaluationPool } from '../../../src/forge/eval/pool.js';
import { shareFeeds } from '../../../src/forge/shared/columns.js';
import { defaultPlayJob, defaultPlayText as playText } from '../../helpers/eval-job.js';

// The evaluation pool against the evaluator run alone in this thread with its own private caches
// (the path every feature is computed on demand): same records, whatever the worker count or the
// feature store's budget; each feature of a round computed once across the pool.

const { exec, feeds, job } = defaultPlayJob('eval-pool', 5000, 4000, 64 << 20);
const shared = shareFeeds('test', 'hash', feeds);
const space = parsePlay(playText, 'default.yaml');
const rng = seedrandom('pool-test');
const generations = [0, 1, 2].map(() => Array.from({ length: 24 }, () => randomGenome(space.genes, rng)));
const slotBytes = exec.length * 8;

const reference: EvalRecord[][] = (() => {
  const alone = createEvaluator(job, feeds);
  return generations.map((g) => g.map((genome) => alone.evaluate(genome)));
})();

async function runPool(workers: number, featureMemory?: number) {
  const pool = evaluationPool(job, shared, [], { workers, featureMemory });
  try {
    const records: EvalRecord[][] = [];
    const perRound = [];
    for (const g of generations) {
      const before = pool.stats();
      records.push((await pool.map(g)).flatMap((b) => b.records));
      const after = pool.stats();
      perRound.push({
        computed: after.features.computed - before.features.computed,
        local: after.localComputes - before.localComputes,
      });
    }
    return { records, stats: pool.stats(), perRound };
  } finally {
    await pool.close();
  }
}

/** The feature outputs the genomes' plays read, as `key#output`. */
const outputsRead = (genomes: number[][]) =>
  new Set(
    genomes.flatMap((g) => playFeatures(resolvePlay(space, g)).flatMap((r) => r.outputs.map((o) => `${r.key}#${o}`))),
  );
const featureOf = (outputKey: string) => outputKey.slice(0, outputKey.lastIndexOf('#'));

describe('evaluation pool with the shared feature stage', () => {
  it('on 2 worker threads: the same records as the evaluator alone, each feature computed once across the pool', async () => {
    const r = await runPool(2, 256 * 1024 ** 2);
    expect(r.records).toEqual(reference);
    // A large store: round 1 computes every distinct feature of generation 1 exactly once, later rounds
    // only those with an output no earlier round read (the store keeps the outputs plays read).
    const seen = new Set<string>();
    generations.forEach((g, i) => {
      const read = outputsRead(g);
      const fresh = [...read].filter((k) => !seen.has(k));
      for (const k of read) seen.add(k);
      expect(r.perRound[i].computed).toBe(new Set(fresh.map(featureOf)).size);
      expect(r.perRound[i].local).toBe(0); // no worker computed a feature outside the stage
    });
    expect(r.stats.features.evictions).toBe(0);
    // One slot per output read, fewer than the outputs the features have.
    const allOutputs = new Set(
      generations
        .flat()
        .flatMap((g) =>
          playFeatures(resolvePlay(space, g)).flatMap((f) => f.def.outputs.map((_, o) => `${f.key}#${o}`)),
        ),
    );
    expect(r.stats.features.peakBytes).toBe(seen.size * slotBytes);
    expect(seen.size).toBeLessThan(allOutputs.size);
  }, 60_000);

  it('a store of a few slots gives the same records, never holds more than its budget, and evicts', async () => {
    const maxColumns = Math.max(
      ...generations
        .flat()
        .map((g) => playFeatures(resolvePlay(space, g)).reduce((s, f) => s + f.def.outputs.length, 0)),
    );
    const budget = (maxColumns + 1) * slotBytes;
    for (const workers of [1, 2]) {
      const r = await runPool(workers, budget);
      expect(r.records).toEqual(reference);
      expect(r.stats.features.peakBytes).toBeLessThanOrEqual(budget);
      expect(r.stats.features.evictions).toBeGreaterThan(0);
      expect(r.stats.localComputes).toBe(0);
    }
  }, 60_000);

  it('refuses a budget that cannot hold one play, naming the flag', async () => {
    const pool = evaluationPool(job, shared, [], { workers: 1, featureMemory: slotBytes });
    try {
      await expect(pool.map(generations[0])).rejects.toThrow(/feature memory.*cannot hold/);
    } finally {
      await pool.close();
    }
  });
});
