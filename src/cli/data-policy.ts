import type { DataPolicy } from '../forge/datasets/sync.js';
import { DEFAULT_ARCHIVE } from '../forge/fetch/layout.js';

// The flags and environment that decide where a command may get candles it lacks. Read here, in
// the CLI, when a command runs: library code gets the result as an argument.

export const OFFLINE_OPTION = {
  type: 'boolean',
  default: false,
  describe:
    'Never fetch missing candles from the archive (also env FORGE_OFFLINE=1); ' +
    "otherwise a catalog dataset's missing window is fetched",
} as const;

export const SYNTHETIC_OPTION = {
  type: 'boolean',
  default: false,
  describe:
    'Allow a labelled synthetic stand-in for a user-catalog symbol that ' +
    'neither the store nor the shipped catalog knows (a typo otherwise)',
} as const;

export function dataPolicy(argv: { offline?: boolean; synthetic?: boolean }): DataPolicy {
  const offline = Boolean(argv.offline) || process.env.FORGE_OFFLINE === '1';
  return {
    synthetic: Boolean(argv.synthetic),
    ...(offline ? {} : { sync: { baseUrl: process.env.FORGE_ARCHIVE_URL || DEFAULT_ARCHIVE } }),
  };
}
