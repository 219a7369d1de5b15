import path from 'node:path';
import { freshHome } from '../../helpers/cli.js';

// What the walk-forward CLI tests share: the built CLI and a home whose catalog has six months of
// synthetic 1h bars (TEST_1H).

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const CLI = path.join(ROOT, 'bin/forge.js');

const CATALOG = `datasets:
  - name: TEST_1H
    symbol: TESTUSDT
    base: 1h
    derived: [4h, 1d]
    from: 2021-01-01
    to: 2021-07-01
    regime: cycle
    description: six months of synthetic 1h bars for the walk-forward tests
`;

/** A fresh home with the TEST_1H catalog. */
export function wfHome(prefix = 'forge-wf-'): string {
  return freshHome(prefix, CATALOG);
}
