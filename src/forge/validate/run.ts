import fs from 'node:fs';
import path from 'node:path';
import { ForgeError, suggestion } from '../../engine/errors.js';
import { iso } from '../datasets/catalog.js';
import { loadSharedDataset } from '../datasets/load-shared.js';
import { holdoutRanges } from '../eval/ranges.js';
import type { HallOfFameEntry, StoredRunConfig } from '../runs/types.js';
import { genomeKey } from '../ga/genome.js';
import type { ForgeHome } from '../home.js';
import { defaultWorkers, inlinePool, threadPool, type BatchPool } from '../pool/pool.js';
import { acquireRunFolder, assertStoredRunId, isRunId, runIdArgument, runPaths } from '../runs/run-folder.js';
import { shareFeeds, sharedFeeds, type SharedDataset } from '../shared/columns.js';
import { writeFileAtomic } from '../atomic.js';
import type { ValidateConfig } from './config.js';
import type { PlayValidation, ValidationDoc } from './types.js';
import { findWalkForward, walkForwardGuard } from './guards/walkforward.js';
import { APPROXIMATION, deflated, familyTest, sharpePValue } from './multiple-testing.js';
import { loadRegimes, type LoadedRegime } from './regimes.js';
import { parseRedisUrl } from '../distributed/redis-url.js';
import { remoteValidatePool } from '../distributed/remote-validate.js';
import { NO_CHECKPOINT_GIVE_UP_MS } from '../distributed/reachability.js';
import { verdictOf } from './verdict.js';
import { readTrials, recordValidation } from './record.js';
import { crashedItem, createTaskEnv, itemSeed, runItem } from './tasks.js';
import {
  WORKER_GUARDS,
  type GuardResult,
  type ItemResult,
  type PlayProfile,
  type ValidateItem,
  type ValidateJob,
} from './types.js';
import type { ValidateWorkerData } from './worker.js';

// `forge validate` without the printing: the top plays of an evolve run through every guard (in
// parallel on the pool, each (play, guard) an independent seeded item, so --workers 1 and N give
// the same bytes), multiple-testing control over every play the run evaluated, then ONE write:
// validation.json (atomic) and the DuckDB tables (one transaction).
//
// Data: every guard on the run's dataset uses its IN-SAMPLE range only (the range the GA selected
// on). The holdout is never read by a guard; regime datasets are separate named windows that are
// only reported. The document holds no timing and no worker count: it is a function of the run,
// the settings and the seed.

export interface ValidateOutcome {
  readonly doc: ValidationDoc;
  readonly validationPath: string;
  readonly workers: number;
  readonly wallMs: number;
}

export interface ValidateEvents {
  warn(message: string): void;
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new ForgeError(
      `${file}: the run's ${what} is not readable JSON (${(err as Error).message})`,
      'the run folder is damaged; resume or re-run the evolve',
      'E_RUN_FILE',
    );
  }
}

/** The run's stored config and hall of fame, with a clear error when the id names no run. */
export function openRun(
  home: ForgeHome,
  runIdOrDir: string,
): { stored: StoredRunConfig; hof: HallOfFameEntry[]; paths: ReturnType<typeof runPaths> } {
  const id = runIdArgument(runIdOrDir, 'validate <run>');
  const p = runPaths(home.runsDir, id);
  if (!fs.existsSync(p.configPath)) {
    const known = fs.existsSync(home.runsDir)
      ? fs.readdirSync(home.runsDir).filter((d) => isRunId(d) && fs.existsSync(runPaths(home.runsDir, d).configPath))
      : [];
    throw new ForgeError(
      `no run '${id}' under ${home.runsDir}${suggestion(id, known)}`,
      known.length
        ? `runs here: ${known.slice(0, 10).join(', ')}`
        : 'make one with forge evolve, or pass --home to the folder that holds its runs/',
      'E_NO_RUN',
    );
  }
  const stored = readJson<StoredRunConfig>(p.configPath, 'config.json');
  assertStoredRunId(stored.runId, p.configPath, id);
  if (
    (stored.config as { kind?: string } | undefined)?.kind === 'walkforward' ||
    fs.existsSync(path.join(p.dir, 'walkforward.json'))
  ) {
    throw new ForgeError(
      `run ${id} is a walk-forward run: validate takes an evolve run`,
      'pass the id of a forge evolve run; its walk-forward result is picked up by the walkforward guard',
      'E_RUN_KIND',
    );
  }
  const hof = fs.existsSync(p.hallOfFamePath) ? readJson<HallOfFameEntry[]>(p.hallOfFamePath, 'hall_of_fame.json') : [];
  if (hof.length === 0)
    throw new ForgeError(
      `run ${id} has no hall of fame yet (no generation finished)`,
      `resume it: forge evolve --resume ${id}`,
      'E_RUN_EMPTY',
    );
  return { stored, hof, paths: p };
}

export async function validateRun(
  home: ForgeHome,
  runIdOrDir: string,
  config: ValidateConfig,
  op: {
    workers?: number;
    redis?: string;
    /** The command that runs this validation again (password hidden), said when Redis is lost. */
    rerun?: string;
  },
  events: ValidateEvents,
): Promise<ValidateOutcome> {
  const t0 = Date.now();
  const { stored, hof, paths } = openRun(home, runIdOrDir);
  const folder = await acquireRunFolder(home.runsDir, stored.runId);
  let pool: BatchPool<ValidateItem, ItemResult[]> | undefined;
  try {
    // Hash-checked and decoded on a short-lived thread, straight into the shared memory the workers read.
    const loaded = await loadSharedDataset(home, stored.dataset.name, {
      ensure: { allowSynthetic: stored.dataset.source === 'synthetic', warn: events.warn },
      pin: { hash: stored.dataset.hash, runId: stored.runId, fix: 'validate a run made on the current dataset' },
    });
    const inSample = holdoutRanges(loaded.manifest.window, stored.config.holdout).inSample;
    const regimes = await loadRegimes(home, loaded.manifest, events.warn);
    const job: ValidateJob = {
      playText: stored.playText,
      playFile: stored.config.play,
      cash: stored.config.cash,
      fitness: stored.config.fitness,
      inSample,
      config,
      regimeSkips: regimes.skipped,
    };

    const top = hof.slice(0, config.top);
    const items: ValidateItem[] = [];
    for (const task of [...WORKER_GUARDS, 'profile'] as const) {
      for (const e of top) {
        const key = genomeKey(e.genome);
        items.push({ rank: e.rank, key, genome: e.genome, task, seed: itemSeed(config.seed, task, key) });
      }
    }
    const workers = Math.min(op.workers ?? defaultWorkers(), items.length);
    pool = await guardPool(job, loaded.shared, regimes.used, workers, items.length, {
      redis: op.redis,
      rerun: op.rerun,
      runId: stored.runId,
      log: events.warn,
    });
    const results = (await pool.map(items)).flat();

    const wf = findWalkForward(home.runsDir, stored.dataset, stored.playText);
    const wfGuard = walkForwardGuard(wf, config.walkforward, {
      dataset: stored.dataset.name,
      play: stored.config.play,
    });

    const trials = await readTrials(home.storePath, stored.runId, paths.evaluationsDir);
    const ref = hof.find((e) => e.inSample !== null)?.inSample;
    if (!ref)
      throw new ForgeError(
        `run ${stored.runId}: no play of its hall of fame has in-sample metrics (all failed)`,
        'fix the play so it runs, then evolve again',
        'E_RUN_EMPTY',
      );
    const family = familyTest(trials.rows, ref.barsPerYear, ref.years * ref.barsPerYear, config.multipleTesting.alpha);
    const notes: string[] = [];
    if (trials.rows.length === 0)
      notes.push(
        'no evaluated plays found for this run in the store or its Parquet files: multiple testing covers nothing',
      );
    if (top.length < config.top)
      notes.push(`the hall of fame holds ${top.length} plays; --top ${config.top} asked for more`);
    if (stored.dataset.source === 'synthetic')
      notes.push(
        `dataset ${stored.dataset.name} is a SYNTHETIC stand-in: these verdicts say nothing about a real market`,
      );

    const plays = top.map((e): PlayValidation => {
      const key = genomeKey(e.genome);
      const mine = results.filter((_, k) => items[k].key === key);
      const guards = [
        ...WORKER_GUARDS.map(
          (g) => (mine.find((r) => r.kind === 'guard' && r.guard.name === g) as { guard: GuardResult }).guard,
        ),
        wfGuard,
      ];
      const profile = (mine.find((r) => r.kind === 'profile') as { profile: PlayProfile }).profile;
      const sharpe = e.inSample?.sharpe ?? null;
      const idx = family.rows.findIndex((r) => r.key === key);
      const row = idx >= 0 ? family.rows[idx] : undefined;
      const pOwn = sharpePValue(sharpe, family.barsPerYear, family.observations).p;
      const d = deflated(sharpe, family, profile);
      const survives = (row?.bhSignificant ?? false) && d.dsr !== null && d.dsr > config.multipleTesting.minDsr;
      const ran = guards.filter((g) => g.status !== 'NOT RUN');
      const passed = ran.filter((g) => g.status === 'PASS').length;
      const { alpha, minDsr } = config.multipleTesting;
      const bhAdjusted = row?.bhAdjusted ?? null;
      const verdict = verdictOf({
        guards,
        bhAdjusted,
        bhSignificant: row?.bhSignificant ?? false,
        dsr: d.dsr,
        alpha,
        minDsr,
      });
      return {
        rank: e.rank,
        key,
        genome: e.genome,
        params: e.params,
        fitness: e.fitness,
        inSampleSharpe: sharpe,
        inSample: e.inSample,
        guards,
        multipleTesting: {
          pValue: row?.pValue ?? pOwn,
          bhAdjusted: row?.bhAdjusted ?? null,
          bhSignificant: row?.bhSignificant ?? false,
          dsr: d.dsr,
          sr0: d.sr0,
          skew: d.skew,
          kurt: d.kurt,
          ...(row === undefined
            ? { note: "this play is not among the run's recorded evaluations: not part of the BH family" }
            : d.note
              ? { note: d.note }
              : {}),
        },
        guardsRun: ran.length,
        guardsPassed: passed,
        survivesMultipleTesting: survives,
        robust: survives && passed === ran.length,
        ...verdict,
      };
    });

    const { rows: _omitted, ...summary } = family;
    const doc: ValidationDoc = {
      kind: 'validation',
      runId: stored.runId,
      dataset: stored.dataset,
      inSample: { from: iso(inSample[0]), to: iso(inSample[1]) },
      seed: config.seed,
      config,
      plays,
      multipleTesting: {
        ...summary,
        minDsr: config.multipleTesting.minDsr,
        source: trials.source,
        approximation: APPROXIMATION,
      },
      regimes: {
        used: regimes.used.map((r) => ({ name: r.name, regime: r.regime, source: r.source })),
        skipped: regimes.skipped,
      },
      walkforward: wf === null ? null : { runId: wf.runId },
      notes,
    };
    const validationPath = path.join(paths.dir, 'validation.json');
    writeFileAtomic(validationPath, JSON.stringify(doc, null, 2) + '\n');
    await recordValidation(home.storePath, doc, family);
    return { doc, validationPath, workers, wallMs: Date.now() - t0 };
  } finally {
    await pool?.close();
    folder.release();
  }
}

/**
 * Where the (play, guard) items run: in this thread (--workers 1), on local threads, or as jobs for
 * `forge worker` processes through Redis. Each item is seeded on its own, so all three give the same bytes.
 */
async function guardPool(
  job: ValidateJob,
  dataset: SharedDataset,
  regimes: readonly LoadedRegime[],
  workers: number,
  items: number,
  remote: { redis?: string; rerun?: string; runId: string; log: (m: string) => void },
): Promise<BatchPool<ValidateItem, ItemResult[]>> {
  if (remote.redis !== undefined) {
    const target = parseRedisUrl(remote.redis);
    return remoteValidatePool({
      target,
      runId: remote.runId,
      job,
      regimes: regimes.map(({ feeds: _feeds, hash: _hash, ...meta }) => meta),
      datasets: [dataset, ...regimes.map((r) => shareFeeds(r.name, r.hash, r.feeds))],
      resumeHint: remote.rerun ?? `forge validate ${remote.runId} --redis ${target.display} (with the same settings)`,
      log: remote.log,
      // No checkpoint: a Redis that stays away ends the validation within seconds; it starts over.
      giveUpAfterMs: NO_CHECKPOINT_GIVE_UP_MS,
    });
  }
  if (workers === 1) {
    const env = createTaskEnv(job, sharedFeeds(dataset), regimes);
    return inlinePool((batch: ValidateItem[]) => batch.map((it) => runItem(env, it)));
  }
  const workerData: ValidateWorkerData = {
    job,
    dataset,
    regimes: regimes.map(({ feeds, hash, ...r }) => ({ ...r, dataset: shareFeeds(r.name, hash, feeds) })),
  };
  // One item per batch: items differ a lot in cost (a permutation test against a ratio), so the
  // pool hands them out one at a time.
  return threadPool<ValidateItem, ItemResult[]>(
    new URL('./worker.ts', import.meta.url),
    { workers, workerData, batchesPerWorker: Math.ceil(items / workers) },
    (batch, err) => batch.map((it) => crashedItem(it, job, `worker failed twice: ${err.message}`)),
  );
}

export type { PlayValidation, ValidationDoc };
