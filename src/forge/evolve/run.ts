import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { ForgeError } from '../../engine/errors.js';
import { parsePlay } from '../../engine/play/index.js';
import { loadSharedDataset, type SharedLoad } from '../datasets/load-shared.js';
import type { ForgeHome } from '../home.js';
import { assertStoredRunId, runId as computeRunId, runIdArgument, runPaths } from '../runs/run-folder.js';
import type { DatasetRef, HallOfFameEntry, StoredRunConfig } from '../runs/types.js';
import type { EvolveConfig, EvolveOperational } from './config.js';
import { cpuNow } from './cpu.js';
import { execute } from './execute.js';
import type { EvolveControl, EvolveEvents, EvolveOutcome, RunData } from './types.js';

export type { DatasetRef, HallOfFameEntry, StoredRunConfig };
export type {
  EvolveControl,
  EvolveEvents,
  EvolveOutcome,
  EvolvePhases,
  GenerationProgress,
  StartInfo,
} from './types.js';

// `forge evolve` without the printing: a fresh run from a config, or a stored run resumed. Both load
// their datasets once into shared memory, then execute.ts runs the search; its parts: the hall of fame
// (hall-of-fame.ts), the store's sync (store-flush.ts), progress and outcome (progress.ts, outcome.ts).

/** The run id: a hash of the resolved config with the play's content in place of its path. */
function idFor(config: EvolveConfig, playText: string, datasetHash: string): string {
  const playSha = createHash('sha256').update(playText).digest('hex');
  return computeRunId({ ...config, play: playSha }, datasetHash, config.seed);
}

/** A fresh run from a resolved config (or the resumption of the run with the same id). */
export async function startEvolve(
  home: ForgeHome,
  config: EvolveConfig,
  op: EvolveOperational,
  events: EvolveEvents,
  control: EvolveControl,
): Promise<EvolveOutcome> {
  const playText = fs.readFileSync(config.play, 'utf8');
  parsePlay(playText, config.play); // a bad play fails here, before any dataset work
  const loadStart = Date.now();
  const loadCpu = cpuNow();
  const ensure = { allowSynthetic: true, warn: events.warn, data: op.data };
  const loads: SharedLoad[] = [];
  for (const name of [config.dataset, ...config.regimes]) loads.push(await loadSharedDataset(home, name, { ensure }));
  const [dataset, ...regimes] = loads.map(
    ({ manifest: m }): DatasetRef => ({ name: m.name, hash: m.hash, source: m.source }),
  );
  const id = idFor(config, playText, [dataset, ...regimes].map((r) => r.hash).join('+'));
  const stored: StoredRunConfig = { runId: id, config, playText, dataset, regimes };
  return execute(home, stored, timedLoads(loads, loadStart, loadCpu), op, events, control);
}

/** The datasets a run loaded, with the wall and CPU time the loading took (evolve --json's phases). */
function timedLoads(loads: SharedLoad[], loadStart: number, loadCpu: number): RunData {
  return { loads, loadMs: Date.now() - loadStart, loadCpuMs: cpuNow() - loadCpu };
}

/** `forge evolve --resume <run>`: the stored config, the stored play text, the current dataset (hash-checked). */
export async function resumeEvolve(
  home: ForgeHome,
  runIdOrDir: string,
  op: EvolveOperational,
  events: EvolveEvents,
  control: EvolveControl,
): Promise<EvolveOutcome> {
  const id = runIdArgument(runIdOrDir, '--resume');
  const p = runPaths(home.runsDir, id);
  if (!fs.existsSync(p.configPath)) {
    const known = fs.existsSync(home.runsDir) ? fs.readdirSync(home.runsDir).slice(0, 10).join(', ') : '';
    throw new ForgeError(
      `no run '${id}' under ${home.runsDir}`,
      known ? `runs here: ${known}` : 'start one with forge evolve',
      'E_NO_RUN',
    );
  }
  const stored = JSON.parse(fs.readFileSync(p.configPath, 'utf8')) as StoredRunConfig;
  assertStoredRunId(stored.runId, p.configPath, id);
  const loadStart = Date.now();
  const loadCpu = cpuNow();
  const ensure = { allowSynthetic: true, warn: events.warn, data: op.data, keepBuilt: true };
  const fix = 'start a new run (same flags) instead of resuming';
  const loads: SharedLoad[] = [];
  for (const ref of [stored.dataset, ...(stored.regimes ?? [])])
    loads.push(await loadSharedDataset(home, ref.name, { ensure, pin: { hash: ref.hash, runId: stored.runId, fix } }));
  return execute(home, stored, timedLoads(loads, loadStart, loadCpu), op, events, control);
}
