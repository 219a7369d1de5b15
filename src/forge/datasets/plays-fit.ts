import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultGenome, parsePlay, resolvePlay } from '../../engine/play/index.js';

// Which shipped plays a dataset can run: a play trades on its market.tf, which must be one of the
// dataset's timeframes. Named in the error when the chosen play does not fit, so that the next
// command is one copy-paste away.

/** configs/plays in the package (src/forge/datasets and dist/forge/datasets are three levels down). */
export const SHIPPED_PLAYS = fileURLToPath(new URL('../../../configs/plays/', import.meta.url));

export function shippedPlaysFitting(tfs: readonly string[], dir: string = SHIPPED_PLAYS): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const file = path.join(dir, name);
    try {
      const space = parsePlay(fs.readFileSync(file, 'utf8'), file);
      if (tfs.includes(resolvePlay(space, defaultGenome(space.genes)).market.tf))
        out.push(path.join('configs', 'plays', name));
    } catch {
      // A shipped play that does not parse is a test failure elsewhere, not a reason to hide the others.
    }
  }
  return out;
}

/** The fix of a "play timeframe not in dataset" error. */
export function playFitFix(dataset: string, playTf: string, tfs: readonly string[]): string {
  const fit = shippedPlaysFitting(tfs);
  const plays =
    fit.length > 0
      ? `shipped plays that fit ${dataset} (${tfs.join(', ')}): ${fit.map((p) => `--play ${p}`).join(', ')}`
      : `no shipped play trades ${tfs.join(' or ')}`;
  return `${plays}; or use a dataset with ${playTf} bars`;
}
