import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { shellQuote } from '../../shell-quote.js';
import type { ValidateConfig } from '../config.js';
import { errored, judged, notRun, type GuardResult } from '../types.js';

// Walk-forward efficiency guard (brief 004: WFE >= 0.6). validate does not run a walk-forward (it
// is a search per window, `forge walkforward`); it reads the result of one made on the SAME dataset
// (name and content hash) with the SAME play file content, from <home>/runs/<id>/walkforward.json
// with kind 'walkforward'. Walk-forward efficiency belongs to the play's search space, not to one
// genome, so every validated play of the run gets the same figure. Without such a result: NOT RUN.

const UNIT = 'walk-forward efficiency';

export interface WalkForwardMatch {
  readonly runId: string;
  /** null when the walk-forward could not compute one (its mean in-sample CAGR was not positive). */
  readonly efficiency: number | null;
  readonly file: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Reads the fields this guard needs, tolerating the layouts a walkforward.json may use. */
function describe(doc: Json): {
  dataset?: string;
  hash?: string;
  playText?: string;
  playSha?: string;
  efficiency?: number | null;
} {
  const ds = doc.dataset;
  const config = obj(doc.config);
  const agg = obj(doc.aggregate) ?? obj(doc.summary) ?? doc;
  const keys = ['wfe', 'walkForwardEfficiency', 'efficiency'].filter((k) => k in agg);
  const eff = keys.length ? (typeof agg[keys[0]] === 'number' ? agg[keys[0]] : null) : undefined;
  return {
    dataset:
      typeof ds === 'string' ? ds : ((obj(ds)?.name as string | undefined) ?? (config?.dataset as string | undefined)),
    hash: (obj(ds)?.hash as string | undefined) ?? (doc.datasetHash as string | undefined),
    playText: (doc.playText as string | undefined) ?? (config?.playText as string | undefined),
    playSha: (doc.playSha as string | undefined) ?? (config?.playSha as string | undefined),
    efficiency: eff as number | null | undefined,
  };
}

/** The most recent matching walk-forward result under runsDir, or null. */
export function findWalkForward(
  runsDir: string,
  dataset: { name: string; hash: string },
  playText: string,
): WalkForwardMatch | null {
  if (!fs.existsSync(runsDir)) return null;
  const playSha = sha(playText);
  let best: (WalkForwardMatch & { mtime: number }) | null = null;
  for (const id of fs.readdirSync(runsDir).sort()) {
    const file = path.join(runsDir, id, 'walkforward.json');
    if (!fs.existsSync(file)) continue;
    let doc: Json | undefined;
    try {
      doc = obj(JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch {
      continue; // half-written or foreign file: not a result we can use
    }
    if (doc === undefined || doc.kind !== 'walkforward') continue;
    const d = describe(doc);
    if (d.dataset !== dataset.name || (d.hash !== undefined && d.hash !== dataset.hash)) continue;
    if (!(d.playText === playText || d.playSha === playSha)) continue;
    if (d.efficiency === undefined) continue;
    const mtime = fs.statSync(file).mtimeMs;
    if (best === null || mtime > best.mtime) best = { runId: id, efficiency: d.efficiency, file, mtime };
  }
  return best === null ? null : { runId: best.runId, efficiency: best.efficiency, file: best.file };
}

/** The walk-forward that would give this guard its figure: the run's dataset and play file. */
export function walkForwardCommand(run: { dataset: string; play: string }): string {
  return `forge walkforward --dataset ${shellQuote(run.dataset)} --play ${shellQuote(run.play)}`;
}

export function walkForwardGuard(
  match: WalkForwardMatch | null,
  cfg: ValidateConfig['walkforward'],
  run: { dataset: string; play: string },
): GuardResult {
  if (match === null) {
    const command = walkForwardCommand(run);
    const note =
      `no walk-forward result for this dataset and play: run \`${command}\` ` +
      "(the play file must still hold the run's play), then validate again";
    return notRun('walkforward', cfg.minEfficiency, '>=', UNIT, note, { command });
  }
  const detail = {
    data: 'forge walkforward result (out-of-sample windows)',
    walkforwardRun: match.runId,
    note: 'efficiency of the play search space, the same for every play of this run',
  };
  if (match.efficiency === null) {
    return errored(
      'walkforward',
      cfg.minEfficiency,
      '>=',
      UNIT,
      `walk-forward run ${match.runId} has no efficiency (its mean in-sample CAGR was not positive)`,
      detail,
    );
  }
  return judged('walkforward', match.efficiency, cfg.minEfficiency, '>=', UNIT, detail);
}
