import fs from 'node:fs';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { parsePlay, playFeatures, randomGenome, resolvePlay } from '../../../src/engine/play/index.js';
import type { EvalJob } from '../../../src/forge/eval/evaluator.js';
import { planFromWire } from '../../../src/forge/eval/feature-stage.js';
import { EvalRuntime, type IdentifyTaskResult } from '../../../src/forge/eval/runtime.js';
import { EvaluatedSet } from '../../../src/forge/ga/evaluated.js';
import { playIdentity } from '../../../src/forge/ga/play-identity.js';
import { resolveFitness } from '../../../src/forge/fitness.js';
import { shareFeeds } from '../../../src/forge/shared/columns.js';
import { randomFeed } from '../../helpers/random-feed.js';

// Identify tasks: workers compute the strategy identities the GA's breeding asks for (and the features
// the same resolve lists), so the coordinator does not resolve every child itself. They must be exactly
// the identities the coordinator's own function gives, or the search would change with the worker count.

const ROOT = path.resolve(import.meta.dirname, '../../..');
const playText = fs.readFileSync(path.join(ROOT, 'configs/plays/default.yaml'), 'utf8');
const exec = randomFeed(2000, 'eval-identify', '15m', 900_000, Date.UTC(2021, 0, 1));
const cut = exec.time[1500];
const job: EvalJob = {
  playText,
  playFile: 'default.yaml',
  cash: 10_000,
  inSample: [exec.time[0], cut],
  outOfSample: [cut, exec.time[1999] + exec.tfMs],
  fitness: resolveFitness({ minTrades: 1 }),
  cacheBytes: 16 << 20,
};
const space = parsePlay(playText, 'default.yaml');
const genomes = Array.from({ length: 16 }, (_, i) => randomGenome(space.genes, seedrandom(`identify-${i}`)));

describe('identify tasks', () => {
  const runtime = new EvalRuntime({ job, datasets: [shareFeeds('test', 'hash', { '15m': exec })], slabs: [null] });
  const wire = structuredClone(
    runtime.run({ kind: 'identify', genomes: [...genomes, [1, 2, 3]] }) as IdentifyTaskResult,
  );

  it("give playIdentity's identity and playFeatures' list for each genome, null for one that does not resolve", () => {
    const identity = playIdentity(space);
    expect(wire.identities).toEqual([...genomes.map((g) => identity(g)), null]);
    const listed = planFromWire(wire.features);
    expect(listed[16]).toBeNull();
    genomes.forEach((g, i) => {
      expect(listed[i]?.map((r) => r.key)).toEqual(playFeatures(resolvePlay(space, g)).map((r) => r.key));
    });
  });

  it('primed into an EvaluatedSet, they answer as the set computing them itself', () => {
    const own = new EvaluatedSet(playIdentity(space));
    const primed = new EvaluatedSet(() => {
      throw new Error('a primed genome must not be resolved again');
    });
    expect(primed.unknown([...genomes, genomes[0]])).toHaveLength(16);
    primed.prime(genomes, wire.identities);
    expect(primed.unknown(genomes)).toEqual([]);
    expect(genomes.map((g) => primed.identity(g))).toEqual(genomes.map((g) => own.identity(g)));
  });
});
