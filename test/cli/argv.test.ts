import { describe, expect, it } from 'vitest';
import { joinNegativeValues } from '../../src/cli/argv.js';
import { forgeCli } from '../helpers/cli.js';

describe('negative values after a flag', () => {
  it('are glued to their flag; flags, positionals and --x=v stay as they are', () => {
    expect(joinNegativeValues(['evolve', '--holdout', '-10%', '--cash', '-5', '--seed', '7', '--quiet', '-h'])).toEqual(
      ['evolve', '--holdout=-10%', '--cash=-5', '--seed', '7', '--quiet', '-h'],
    );
    expect(joinNegativeValues(['--holdout=-0.1', '--json', '--from', '-.5'])).toEqual([
      '--holdout=-0.1',
      '--json',
      '--from=-.5',
    ]);
  });

  it('`forge evolve --holdout -10%` names the holdout and the allowed range, exit 1 (was "Unknown arguments: 0, 1, %")', () => {
    const r = forgeCli(['evolve', '--holdout', '-10%', '--home', '/nonexistent-forge-home-for-argv-test']);
    expect(r.stderr).not.toMatch(/Unknown arguments/);
    expect(r.stderr).toMatch(/holdout/);
    expect(r.stderr).toMatch(/-10%/);
    expect(r.code).toBe(1);
  });
});
