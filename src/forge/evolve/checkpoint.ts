import { ForgeError } from '../../engine/errors.js';
import type { Evaluated, GAState, GenerationStats } from '../ga/optimizer.js';
import { readJsonFile } from '../runs/read.js';
import { parseStatsText } from '../runs/stats-file.js';

// checkpoint.json's state, read back. Version 1 (before issue 11) also held every evaluation; they now
// come from the run's Parquet files (runs/evaluated-files.ts), so a version 1 state is read by
// dropping them and filling the counters the newer loop keeps.

interface StateV1<E> {
  readonly version: 1;
  generation: number;
  population: number[][];
  rng: GAState<E & Evaluated>['rng'];
  bestFitness: number | null;
  stale: number;
  hallOfFame: { key: string; genome: number[]; generation: number; evaluation: E }[];
  stats: GenerationStats[];
  evaluations: Record<string, E>;
  stopped: null | 'generations' | 'patience';
}

/** The checkpoint's state, its statistics read back from `statsPath` (generations.json) when it left them there. */
export function upgradeState<E extends Evaluated>(state: GAState<E> | StateV1<E>, statsPath: string): GAState<E> {
  if (state.version === 2) {
    if (state.stats.length === state.generation) return state;
    const stats = readJsonFile<GenerationStats[]>(statsPath, 'generations.json', parseStatsText) ?? [];
    if (stats.length < state.generation) {
      throw new ForgeError(
        `${statsPath} holds ${stats.length} generations, but the checkpoint is at generation ${state.generation}`,
        'restore the file, or start the run again in a new home (the same flags find the same result)',
        'E_RUN_FILES',
      );
    }
    return { ...state, stats: stats.slice(0, state.generation) };
  }
  const { evaluations, hallOfFame, ...rest } = state;
  return {
    ...rest,
    version: 2,
    evaluated: Object.keys(evaluations).length,
    reused: state.stats.reduce((n, s) => n + s.reused, 0),
    idle: 0,
    cursor: 0,
    hallOfFame: hallOfFame.map((h) => ({ ...h, equivalents: 0 })),
  };
}
