import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/engine/errors.js';
import { readWalkforwardFile, resolveWalkforwardConfig } from '../../../src/forge/walkforward/config.js';

function tmpFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-wfcfg-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const D = 86_400_000;

describe('walkforward config', () => {
  const play = tmpFile('play.yaml', 'name: x\n');

  it("defaults: rolling 180d / 30d, step = test, pop 40 x 10 generations, the brief's four criteria", () => {
    const { config, workers } = resolveWalkforwardConfig({}, {}, play);
    expect(config.mode).toBe('rolling');
    expect(config.train).toEqual({ unit: 'ms', value: 180 * D, text: '180d' });
    expect(config.test.value).toBe(30 * D);
    expect(config.step).toEqual(config.test);
    expect(config.ga.population).toBe(40);
    expect(config.ga.generations).toBe(10);
    expect(config.criteria).toEqual({
      minOosReturn: 0,
      maxDegradation: 0.5,
      minConsistency: 40,
      minProfitableShare: 0.5,
      minWfe: null,
    });
    expect(workers).toBeUndefined();
  });

  it('--method and --budget reach the search; a budget without --generations is not cut at the 10 default generations', () => {
    const { config } = resolveWalkforwardConfig({}, { ga: { method: 'random', budget: 500 } }, play);
    expect(config.ga.method).toBe('random');
    expect(config.ga.budget).toBe(500);
    expect(config.ga.generations).toBe(10 * Math.ceil(500 / 40));
    expect(resolveWalkforwardConfig({}, { ga: { budget: 500, generations: 4 } }, play).config.ga.generations).toBe(4);
    expect(() => resolveWalkforwardConfig({}, { ga: { method: 'hill' as never } }, play)).toThrow(
      /ga\.method.*ga \| grid \| random/,
    );
  });

  it('flags override the file, the file overrides the defaults', () => {
    const file = tmpFile(
      'wf.yaml',
      'dataset: X\nmode: anchored\ntrain: 4000bars\ntest: 500bars\nseed: 9\nga:\n  population: 30\n  tournament_size: 4\nfitness:\n  min_trades: 3\nverdict:\n  min_wfe: 0.6\n  max_degradation: null\nworkers: 3\n',
    );
    const { config, workers } = resolveWalkforwardConfig(
      readWalkforwardFile(file),
      { test: '600bars', ga: { population: 20 }, workers: 1 },
      play,
    );
    expect(config.dataset).toBe('X');
    expect(config.mode).toBe('anchored');
    expect(config.train).toEqual({ unit: 'bars', value: 4000, text: '4000bars' });
    expect(config.test.value).toBe(600); // flag
    expect(config.step.value).toBe(600); // follows the resolved test
    expect(config.seed).toBe('9');
    expect(config.ga.population).toBe(20);
    expect(config.ga.generations).toBe(10);
    expect(config.ga.tournamentSize).toBe(4);
    expect(config.fitness.minTrades).toBe(3);
    expect(config.criteria.minWfe).toBe(0.6);
    expect(config.criteria.maxDegradation).toBeNull(); // switched off
    expect(workers).toBe(1);
  });

  it('errors name the setting and say how to fix it', () => {
    const expectError = (fn: () => unknown, message: RegExp, fix: RegExp) => {
      try {
        fn();
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ForgeError);
        expect((err as ForgeError).message).toMatch(message);
        expect((err as ForgeError).fix).toMatch(fix);
      }
    };
    expectError(
      () => resolveWalkforwardConfig({}, { mode: 'rollin' }, play),
      /mode: 'rollin' is not a window mode.*did you mean/,
      /--mode rolling/,
    );
    expectError(() => resolveWalkforwardConfig({}, { train: '0d' }, play), /train: '0d'/, /--train/);
    expectError(
      () => resolveWalkforwardConfig({}, { test: '30d', step: '10d' }, play),
      /step 10d is shorter than test 30d/,
      /--step >= --test/,
    );
    expectError(
      () => resolveWalkforwardConfig({}, { train: '100bars' }, play),
      /mix bars and durations/,
      /all in bars/,
    );
    expectError(
      () => readWalkforwardFile(tmpFile('bad.yaml', 'trian: 10d\n')),
      /bad\.yaml: trian: unknown setting.*did you mean 'train'/,
      /known settings/,
    );
    expectError(
      () => readWalkforwardFile(tmpFile('bad2.yaml', 'verdict:\n  min_wef: 1\n')),
      /verdict\.min_wef: unknown setting/,
      /min_wfe/,
    );
    expectError(
      () => resolveWalkforwardConfig({ criteria: { minWfe: 'high' as never } }, {}, play),
      /verdict\.min_wfe: got "high"/,
      /min_wfe/,
    );
  });
});
