import { ForgeError } from '../../engine/errors.js';
import { loadCatalog } from '../datasets/catalog.js';
import { loadDataset } from '../datasets/load.js';
import type { Manifest } from '../datasets/manifest.js';
import type { ForgeHome } from '../home.js';
import type { RegimeData, RegimeSkip } from './types.js';

// The regime guard's datasets: every catalog entry with the run dataset's symbol, other than the run's
// own dataset. One already built is used as built (rebuilt if its catalog entry changed); one not
// built is built from the store's candles when it has them. validate never generates a synthetic
// stand-in for a regime (that would test the play on made-up data); one that cannot be built is
// listed as skipped with the reason. A regime dataset built earlier as a synthetic stand-in (by an
// evolve without candles) is skipped for a run on real candles: made-up bars would pass for evidence.

/** A regime dataset as loaded, with its content hash (how `forge worker` processes find or verify it). */
export type LoadedRegime = Omit<RegimeData, 'cache'> & { readonly hash: string };

export async function loadRegimes(
  home: ForgeHome,
  run: Manifest,
  warn: (m: string) => void,
): Promise<{ used: LoadedRegime[]; skipped: RegimeSkip[] }> {
  const used: LoadedRegime[] = [];
  const skipped: RegimeSkip[] = [];
  const defs = [...loadCatalog(home).values()]
    .filter((d) => d.symbol === run.symbol && d.name !== run.name)
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const def of defs) {
    try {
      const loaded = await loadDataset(home, def.name, { ensure: { allowSynthetic: false, warn } });
      const m = loaded.manifest;
      if (run.source === 'real' && m.source === 'synthetic') {
        const reason =
          'a SYNTHETIC stand-in (made-up bars): a run on real candles is checked on real regimes only; ' +
          `rebuild it from real candles (forge data import, then forge datasets build ${m.name})`;
        skipped.push({ name: m.name, reason });
        continue;
      }
      used.push({
        name: m.name,
        regime: m.regime,
        source: m.source,
        window: { ...m.window },
        feeds: loaded.feeds,
        hash: m.hash,
      });
    } catch (err) {
      if (!(err instanceof ForgeError)) throw err;
      skipped.push({ name: def.name, reason: err.message });
    }
  }
  return { used, skipped };
}
