import fs from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../../engine/errors.js';
import { CandleStore } from '../store/store.js';
import {
  isRunLive,
  listRunIds,
  readGenerationStats,
  readHallOfFame,
  readRunName,
  readStoredConfig,
  readValidation,
  readWalkforwardReport,
  runFiles,
  runKind,
  type RunKind,
} from './read.js';

// `forge runs ls`: one row per run, from the store's `runs` table (created, status) joined with the
// run folders (name, hall of fame, statistics), which are the source of truth and complete even when
// the store has not caught up with a run or another command holds it. A validated evolve run also
// gives a `validate` row.

export type ListKind = RunKind | 'validate';
export const LIST_KINDS: readonly ListKind[] = ['evolve', 'walkforward', 'validate'];

export interface RunSummary {
  readonly id: string;
  readonly name: string | null;
  readonly kind: ListKind;
  readonly created: string | null;
  readonly dataset: string;
  readonly synthetic: boolean;
  readonly play: string;
  readonly seed: string;
  readonly status: string;
  readonly live: boolean;
  readonly generations: number;
  readonly evaluations: number;
  /** What the in-sample and out-of-sample figures are (the fitness objective, or a return). */
  readonly figure: string;
  readonly bestInSample: number | null;
  readonly bestOutOfSample: number | null;
}

interface StoreRow {
  run_id: string;
  created_at: string;
  status: string;
}

export interface ListOptions {
  readonly kind?: ListKind;
  readonly dataset?: string;
  readonly sort?: 'created' | 'best';
}

const fin = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** The store's rows by run id; empty (and a note) when the store is missing or held by another command. */
async function storeRows(storePath: string): Promise<{ rows: Map<string, StoreRow>; note: string | null }> {
  if (!fs.existsSync(storePath)) return { rows: new Map(), note: null };
  let store: CandleStore;
  try {
    store = await CandleStore.open(storePath, { readOnly: true });
  } catch (err) {
    if (err instanceof ForgeError)
      return {
        rows: new Map(),
        note: `the store is busy (${err.message}); dates and statuses come from the run folders`,
      };
    throw err;
  }
  try {
    const has = await store.all<{ n: number }>(
      `SELECT CAST(count(*) AS INTEGER) AS n FROM information_schema.tables WHERE table_name = 'runs'`,
    );
    if (has[0].n === 0) return { rows: new Map(), note: null };
    const rows = await store.all<StoreRow>(
      `SELECT run_id, CAST(created_at AS VARCHAR) AS created_at, status FROM runs`,
    );
    return { rows: new Map(rows.map((r) => [r.run_id, r])), note: null };
  } finally {
    store.close();
  }
}

const iso = (s: string) => (s.includes('T') ? s : s.replace(' ', 'T') + 'Z').replace(/\.\d+Z$/, 'Z');

/** The runs of a home, filtered and sorted (newest first, or best in-sample figure first). */
export async function listRuns(
  runsDir: string,
  storePath: string,
  opts: ListOptions = {},
): Promise<{ runs: RunSummary[]; note: string | null }> {
  const { rows, note } = await storeRows(storePath);
  const out: RunSummary[] = [];
  for (const id of listRunIds(runsDir)) {
    for (const s of await summarise(runsDir, id, rows.get(id))) out.push(s);
  }
  const kept = out.filter(
    (r) =>
      (opts.kind === undefined || r.kind === opts.kind) && (opts.dataset === undefined || r.dataset === opts.dataset),
  );
  const created = (r: RunSummary) => r.created ?? '';
  kept.sort(
    opts.sort === 'best'
      ? (a, b) => (b.bestInSample ?? -Infinity) - (a.bestInSample ?? -Infinity) || a.id.localeCompare(b.id)
      : (a, b) => created(b).localeCompare(created(a)) || a.id.localeCompare(b.id),
  );
  return { runs: kept, note };
}

/** One run's rows (an evolve run with a validation gives two). */
export async function summarise(runsDir: string, id: string, row?: StoreRow): Promise<RunSummary[]> {
  const stored = readStoredConfig(runsDir, id);
  if (stored === null) return [];
  const files = runFiles(runsDir, id);
  const live = await isRunLive(runsDir, id);
  const base = {
    id,
    name: readRunName(runsDir, id),
    created: row ? iso(row.created_at) : fs.statSync(files.configPath).mtime.toISOString(),
    dataset: stored.dataset.name,
    synthetic: stored.dataset.source === 'synthetic',
    play: path.basename(stored.config.play),
    seed: stored.config.seed,
    live,
  };
  const objective = stored.config.fitness.objective;
  if (runKind(runsDir, id, stored) === 'walkforward') {
    const wf = readWalkforwardReport(runsDir, id);
    return [
      {
        ...base,
        kind: 'walkforward',
        status: live ? 'running' : wf ? wf.verdict.label : 'incomplete',
        generations: wf ? Math.max(0, ...wf.windows.map((w) => w.generations)) : 0,
        evaluations: wf ? wf.windows.reduce((s, w) => s + w.evaluations, 0) : 0,
        figure: 'mean return',
        bestInSample: fin(wf?.aggregate.avgInSampleReturn),
        bestOutOfSample: fin(wf?.aggregate.avgOutOfSampleReturn),
      },
    ];
  }
  const stats = readGenerationStats(runsDir, id);
  const best = readHallOfFame(runsDir, id)[0];
  const oos = best?.outOfSample as Record<string, unknown> | null | undefined;
  const evolveStatus = live
    ? 'running'
    : row?.status === 'running' || row === undefined
      ? stats.length >= stored.config.ga.generations
        ? 'finished'
        : 'stopped'
      : row.status;
  const evolve: RunSummary = {
    ...base,
    kind: 'evolve',
    status: evolveStatus,
    generations: stats.length,
    evaluations: stats.reduce((s, g) => s + g.evaluated, 0),
    figure: objective,
    bestInSample: fin(best?.fitness),
    bestOutOfSample: fin(oos?.[objective]),
  };
  const validation = readValidation(runsDir, id);
  if (validation === null) return [evolve];
  const robust = validation.plays.filter((p) => p.robust).length;
  return [
    evolve,
    {
      ...evolve,
      kind: 'validate',
      created: fs.statSync(files.validationPath).mtime.toISOString(),
      status: `${robust}/${validation.plays.length} robust`,
    },
  ];
}
