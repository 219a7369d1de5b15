import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHoldout, readEvolveFile, resolveEvolveConfig } from '../../../src/forge/evolve/config.js';
import { parseDuration } from '../../../src/forge/units.js';

function tmpFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-cfg-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('evolve config', () => {
  const play = tmpFile('play.yaml', 'name: x\n');

  it('flags override the file, the file overrides the defaults', () => {
    const file = tmpFile(
      'c.yaml',
      `dataset: BTCUSDT_BEAR_2022\nseed: 7\nholdout: 25%\nga:\n  population: 40\n  generations: 9\n  tournament_size: 5\nfitness:\n  objective: sortino\n  min_trades: 3\n`,
    );
    const { config, operational } = resolveEvolveConfig(
      readEvolveFile(file),
      { ga: { population: 60 }, workers: 2 },
      play,
    );
    expect(config.dataset).toBe('BTCUSDT_BEAR_2022');
    expect(config.seed).toBe('7');
    expect(config.holdout).toBe(0.25);
    expect(config.ga.population).toBe(60); // flag wins
    expect(config.ga.generations).toBe(9); // file
    expect(config.ga.tournamentSize).toBe(5); // snake_case mapped
    expect(config.ga.elitism).toBe(2); // default
    expect(config.fitness).toEqual({ objective: 'sortino', minTrades: 3, maxDrawdown: 0.6 });
    expect(operational.workers).toBe(2);
  });

  it('names the file and key of an unknown setting, with a suggestion', () => {
    const file = tmpFile('bad.yaml', 'ga:\n  populaton: 10\n');
    expect(() => readEvolveFile(file)).toThrow(
      /bad\.yaml: ga\.populaton: unknown setting, did you mean 'population'\?/,
    );
    const top = tmpFile('bad2.yaml', 'datset: X\n');
    expect(() => readEvolveFile(top)).toThrow(/bad2\.yaml: datset: unknown setting, did you mean 'dataset'\?/);
  });

  it('parses holdouts and durations, rejecting nonsense by name', () => {
    expect(parseHoldout('20%')).toBe(0.2);
    expect(parseHoldout(0.3)).toBe(0.3);
    expect(() => parseHoldout('120%')).toThrow(/holdout/);
    expect(parseDuration('8h')).toBe(8 * 3600_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration(30)).toBe(30_000);
    expect(() => parseDuration('soon')).toThrow(/max_wall: 'soon' is not a duration/);
  });

  it('refuses a missing play file', () => {
    expect(() => resolveEvolveConfig({}, { play: '/nope/play.yaml' }, play)).toThrow(
      /play: \/nope\/play\.yaml does not exist/,
    );
  });
});

describe('memory sizes', () => {
  it('reads sizes as users write them, 1024-based', async () => {
    const { parseBytes } = await import('../../../src/forge/units.js');
    expect(parseBytes('512MB', 'f')).toBe(512 * 1024 ** 2);
    expect(parseBytes('2GB', 'f')).toBe(2 * 1024 ** 3);
    expect(parseBytes('1.5 GiB', 'f')).toBe(1.5 * 1024 ** 3);
    expect(parseBytes(64 * 1024 ** 2, 'f')).toBe(64 * 1024 ** 2);
    expect(() => parseBytes('lots', 'feature_memory')).toThrow(/feature_memory: 'lots' is not a memory size/);
    expect(() => parseBytes('10k', 'feature_memory')).toThrow(/at least 1 MB/);
  });
});
