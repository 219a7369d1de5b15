import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { parsePlay, playFeatures, randomGenome, resolvePlay } from '../../../src/engine/play/index.js';
import { planFromWire } from '../../../src/forge/eval/feature-stage.js';
import { EvalRuntime, type IdentifyTaskResult } from '../../../src/forge/eval/runtime.js';
import { EvaluatedSet } from '../../../src/forge/ga/evaluated.js';
import { playIdentity } from '../../../src/forge/ga/play-identity.js';
import { shareFeeds } from '../../../src/forge/shared/columns.js';
import { defaultPlayJob, defaultPlayText as playText } from '../../helpers/eval-job.js';

// Identify tasks: workers compute the strategy identities the GA's breeding asks for (and the features
// the same resolve lists), so the coordinator does not resolve every child itself. They must be exactly
// the identities the coordinator's own function gives, or the search would change with the worker count.

const { exec, job } = defaultPlayJob('eval-identify', 2000, 1500, 16 << 20);
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
