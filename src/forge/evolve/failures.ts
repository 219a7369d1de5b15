import { ForgeError } from '../../engine/errors.js';
import type { EvalRecord } from '../eval/evaluator.js';

// A generation where (nearly) every evaluation throws is not a search: every play gets the same
// failed fitness and the GA would "finish" on noise. The run stops instead, with the errors grouped
// so the one cause behind 150 failures is read once. The generation is not checkpointed, so after
// the fix `forge evolve --resume` carries on from the last good generation.

/** Default: stop only when every evaluation of a generation failed. */
export const MAX_FAILED_SHARE = 1;

/** Why an evaluation failed, or undefined when it ran (a regime dataset's failure counts, named). */
export function failureOf(r: EvalRecord): string | undefined {
  if (r.error !== undefined) return r.error;
  const regime = r.regimes?.find((x) => x.error !== undefined);
  return regime ? `on ${regime.dataset}: ${regime.error}` : undefined;
}

/** Throws when the failed share of `records` reaches `maxShare`, naming each distinct error with its count. */
export function checkFailures(
  generation: number,
  records: readonly EvalRecord[],
  maxShare = MAX_FAILED_SHARE,
  runId?: string,
): void {
  const counts = new Map<string, number>();
  for (const r of records) {
    const why = failureOf(r);
    if (why !== undefined) counts.set(why, (counts.get(why) ?? 0) + 1);
  }
  const failed = [...counts.values()].reduce((a, b) => a + b, 0);
  if (failed === 0 || failed < maxShare * records.length) return;
  const groups = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = groups.slice(0, 5).map(([m, n]) => `${n} x ${JSON.stringify(m)}`);
  if (groups.length > 5) shown.push(`and ${groups.length - 5} other errors`);
  const what =
    failed === records.length
      ? `all ${records.length} evaluations failed`
      : `${failed} of ${records.length} evaluations failed (max_failed_share ${maxShare})`;
  throw new ForgeError(
    `generation ${generation}: ${what}: ${shown.join('; ')}`,
    `fix the play or the config behind the error above, then ` +
      `${runId ? `forge evolve --resume ${runId}` : 'resume the run'} (this generation was not saved)`,
    'E_EVALUATIONS_FAILED',
  );
}
