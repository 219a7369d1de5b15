import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/engine/errors.js';
import { DEFAULTS, readValidateFile, resolveValidateConfig } from '../../../src/forge/validate/config.js';
import { itemSeed } from '../../../src/forge/validate/tasks.js';

describe('validate settings', () => {
  it('defaults are the brief thresholds; a file overrides them and flags override the file', () => {
    expect(resolveValidateConfig({}, {})).toEqual(DEFAULTS);
    expect(DEFAULTS.permutation.maxP).toBe(0.05);
    expect(DEFAULTS.bootstrap.minLower).toBe(1.0);
    expect(DEFAULTS.sensitivity.maxDispersionPct).toBe(10);
    expect(DEFAULTS.concentration.maxPct).toBe(40);
    expect(DEFAULTS.walkforward.minEfficiency).toBe(0.6);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-validate-config-'));
    const file = path.join(dir, 'v.yaml');
    fs.writeFileSync(file, 'top: 2\npermutation: {n: 99, maxP: 0.01}\nstress: {multipliers: [1.5, 4], at: 4}\n');
    const c = resolveValidateConfig(readValidateFile(file), { permutation: { maxP: 0.02, n: undefined } });
    expect(c.top).toBe(2);
    expect(c.permutation).toEqual({ n: 99, maxP: 0.02 });
    expect(c.stress).toEqual({ multipliers: [1.5, 4], at: 4, minSharpe: 1 });
  });

  it('names the setting on a bad value and suggests a known key', () => {
    expect(() => resolveValidateConfig({}, { permutation: { maxP: 2 } })).toThrow(/permutation\.maxP/);
    expect(() => resolveValidateConfig({}, { stress: { at: 5 } })).toThrow(/stress\.at/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-validate-config-'));
    const file = path.join(dir, 'v.yaml');
    fs.writeFileSync(file, 'bootstrp: {n: 10}\n');
    expect(() => readValidateFile(file)).toThrow(ForgeError);
    expect(() => readValidateFile(file)).toThrow(/did you mean 'bootstrap'/);
  });

  it('per-item seeds depend on seed, guard and play only', () => {
    expect(itemSeed('42', 'bootstrap', '1,2')).toBe(itemSeed('42', 'bootstrap', '1,2'));
    expect(
      new Set([
        itemSeed('42', 'bootstrap', '1,2'),
        itemSeed('43', 'bootstrap', '1,2'),
        itemSeed('42', 'permutation', '1,2'),
        itemSeed('42', 'bootstrap', '1,3'),
      ]).size,
    ).toBe(4);
  });
});
