import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { parsePlay, playFeatures, randomGenome, resolvePlay } from '../../../src/engine/play/index.js';
import { planFromWire } from '../../../src/forge/eval/feature-stage.js';
import { EvalRuntime, type PlanTaskResult } from '../../../src/forge/eval/runtime.js';
import { shareFeeds } from '../../../src/forge/shared/columns.js';
import { defaultPlayJob, defaultPlayText as playText } from '../../helpers/eval-job.js';

// Plan tasks: a worker lists the features of genomes' plays for the coordinator. The lists must be the
// ones the coordinator would have built itself (the feature stage's "computed once" depends on them).

const { exec, job } = defaultPlayJob('eval-plan', 2000, 1500, 16 << 20);

describe('plan tasks', () => {
  it("list each genome's features as resolvePlay + playFeatures do, null for a genome that does not resolve", () => {
    const space = parsePlay(playText, 'default.yaml');
    const rng = seedrandom('plan-test');
    const genomes = Array.from({ length: 12 }, () => randomGenome(space.genes, rng));
    const runtime = new EvalRuntime({ job, datasets: [shareFeeds('test', 'hash', { '15m': exec })], slabs: [null] });
    const wire = runtime.run({ kind: 'plan', genomes: [...genomes, [1, 2, 3]] }) as PlanTaskResult;
    // Through structuredClone, as a worker's reply travels.
    const listed = planFromWire(structuredClone(wire.features));
    expect(listed).toHaveLength(13);
    expect(listed[12]).toBeNull();
    genomes.forEach((g, i) => {
      const expected = playFeatures(resolvePlay(space, g));
      const got = listed[i];
      expect(got?.map((r) => [r.key, r.def.name, r.def.outputs.length, r.outputs, r.tf, r.source, r.params])).toEqual(
        expected.map((r) => [r.key, r.def.name, r.def.outputs.length, r.outputs, r.tf, r.source, r.params]),
      );
    });
  });
});
