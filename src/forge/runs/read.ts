import fs from 'node:fs';
import path from 'node:path';
import { ForgeError, suggestion } from '../../engine/errors.js';
import type { GenerationStats } from '../ga/optimizer.js';
import type { ValidationDoc } from '../validate/types.js';
import type { WalkforwardReport } from '../walkforward/types.js';
import { writeFileAtomic } from '../atomic.js';
import { isLockHeld } from '../lock.js';
import { isRunId, runPaths } from './run-folder.js';
import type { HallOfFameEntry, StoredRunConfig } from './types.js';
import { parseStatsText } from './stats-file.js';

// The read side of a run folder, one small function per file, for `forge runs` and `forge report`.
// Writers (evolve, walkforward, validate) own these files; readers only look, so a run that is live
// can be listed, shown and reported while it goes on. The one file written here is the run's name.

export type RunKind = 'evolve' | 'walkforward';

/** A run folder's config.json as both kinds write it (walkforward's config has a `mode`). */
export interface StoredAnyConfig extends Omit<StoredRunConfig, 'config'> {
  readonly config: StoredRunConfig['config'] & { readonly mode?: string };
}

/**
 * The parsed JSON file, null when it does not exist, a clear error when it is damaged. `parse` reads
 * the text (generations.json's: stats-file.ts parseStatsText, which takes a file cut mid-append).
 */
export function readJsonFile<T>(file: string, what: string, parse: (text: string) => unknown = JSON.parse): T | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return parse(text) as T;
  } catch (err) {
    throw new ForgeError(
      `${file}: the run's ${what} is not readable JSON (${(err as Error).message})`,
      'the run folder is damaged; resume or re-run it',
      'E_RUN_FILE',
    );
  }
}

export const runFiles = (runsDir: string, id: string) => {
  const p = runPaths(runsDir, id);
  return {
    ...p,
    namePath: path.join(p.dir, 'name.txt'),
    walkforwardPath: path.join(p.dir, 'walkforward.json'),
    equityPath: path.join(p.dir, 'equity.csv'),
    validationPath: path.join(p.dir, 'validation.json'),
  };
};

export const readStoredConfig = (runsDir: string, id: string) =>
  readJsonFile<StoredAnyConfig>(runFiles(runsDir, id).configPath, 'config.json');
export const readHallOfFame = (runsDir: string, id: string) =>
  readJsonFile<HallOfFameEntry[]>(runFiles(runsDir, id).hallOfFamePath, 'hall_of_fame.json') ?? [];
export const readGenerationStats = (runsDir: string, id: string) =>
  readJsonFile<GenerationStats[]>(runFiles(runsDir, id).statsPath, 'generations.json', parseStatsText) ?? [];
export const readWalkforwardReport = (runsDir: string, id: string) =>
  readJsonFile<WalkforwardReport>(runFiles(runsDir, id).walkforwardPath, 'walkforward.json');
export const readValidation = (runsDir: string, id: string) =>
  readJsonFile<ValidationDoc>(runFiles(runsDir, id).validationPath, 'validation.json');

export function runKind(
  runsDir: string,
  id: string,
  stored: StoredAnyConfig | null = readStoredConfig(runsDir, id),
): RunKind {
  if (fs.existsSync(runFiles(runsDir, id).walkforwardPath) || stored?.config.mode !== undefined) return 'walkforward';
  return 'evolve';
}

/** The name given with --name, or null. */
export function readRunName(runsDir: string, id: string): string | null {
  try {
    const text = fs.readFileSync(runFiles(runsDir, id).namePath, 'utf8').trim();
    return text === '' ? null : text;
  } catch {
    return null;
  }
}

const NAME_MAX = 80;

/** A --name as given, checked: one line of at most 80 characters that is not a run id. */
export function checkRunName(name: string): string {
  const n = name.trim();
  const fail = (problem: string) => {
    throw new ForgeError(
      `--name ${JSON.stringify(name)}: ${problem}`,
      'give a short label, e.g. --name "btc sma baseline"',
      'E_ARG',
    );
  };
  if (n === '') fail('is empty');
  if (n.length > NAME_MAX) fail(`is ${n.length} characters long (at most ${NAME_MAX})`);
  if (/[\r\n\t]/.test(n)) fail('holds a line break or tab');
  if (isRunId(n)) fail('looks like a run id, so it could not be told from one');
  return n;
}

export function writeRunName(runsDir: string, id: string, name: string): void {
  const file = runFiles(runsDir, id).namePath;
  if (fs.existsSync(path.dirname(file))) writeFileAtomic(file, checkRunName(name) + '\n');
}

/** Every folder under runs/ that holds a run (a config.json), in name order. */
export function listRunIds(runsDir: string): string[] {
  if (!fs.existsSync(runsDir)) return [];
  return fs
    .readdirSync(runsDir)
    .filter((d) => isRunId(d) && fs.existsSync(runPaths(runsDir, d).configPath))
    .sort();
}

/**
 * The run an argument names: its id, its folder, a unique prefix of its id (at least 4 characters)
 * or its --name. Anything else is a clear error with a "did you mean".
 */
export function resolveRunRef(runsDir: string, ref: string, where: string): string {
  const ids = listRunIds(runsDir);
  const base = path.basename(ref.replace(/[\\/]+$/, ''));
  if (ids.includes(base)) return base;
  const named = ids.filter((id) => readRunName(runsDir, id) === ref);
  const prefixed = /^[0-9a-f]{4,15}$/.test(base) ? ids.filter((id) => id.startsWith(base)) : [];
  const hits = [...new Set([...named, ...prefixed])];
  if (hits.length === 1) return hits[0];
  if (hits.length > 1) {
    throw new ForgeError(
      `${where}: '${ref}' matches ${hits.length} runs (${hits.join(', ')})`,
      'give the full run id',
      'E_RUN_AMBIGUOUS',
    );
  }
  const names = ids.map((id) => readRunName(runsDir, id)).filter((n): n is string => n !== null);
  throw new ForgeError(
    `${where}: no run '${ref}' under ${runsDir}${suggestion(ref, [...ids, ...names])}`,
    ids.length
      ? 'list the runs with: forge runs ls'
      : 'make one with forge evolve or forge walkforward, or pass --home to the folder that holds its runs/',
    'E_NO_RUN',
  );
}

/** Whether another process holds the run's lock now (it is running); looks without taking the lock. */
export async function isRunLive(runsDir: string, id: string): Promise<boolean> {
  return isLockHeld(runPaths(runsDir, id).lockPath);
}
