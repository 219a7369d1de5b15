import cliProgress from 'cli-progress';
import type { GenerationProgress, StartInfo } from '../forge/evolve/run.js';

// Progress for long searches: a live bar on a terminal, one plain line per generation otherwise
// (logs, CI, `| tee`), nothing with --quiet or --json (stdout stays a single JSON document).

export interface ProgressView {
  start(info: StartInfo): void;
  generation(p: GenerationProgress): void;
  stop(): void;
}

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MB`;

/** The shared feature store in one phrase: hit rate, computed, held of budget, evictions. */
export function featureLine(f: GenerationProgress['features']): string {
  const rate = f.requests > 0 ? `${((f.hits / f.requests) * 100).toFixed(0)}% hits` : 'no uses';
  return (
    `${rate}, ${f.computed.toLocaleString('en-US')} computed once each, ${mb(f.bytesHeld)} held of ` +
    `${mb(f.budgetBytes)} (peak ${mb(f.peakBytes)}), ${f.evictions.toLocaleString('en-US')} evicted`
  );
}

export function progressView(mode: 'bar' | 'lines' | 'none', write: (line: string) => void): ProgressView {
  if (mode === 'none') return { start: () => {}, generation: () => {}, stop: () => {} };
  if (mode === 'lines') {
    return {
      start: () => {},
      generation: (p) =>
        write(
          `gen ${p.stats.generation + 1}${p.budget > 0 ? '' : `/${p.generations}`}  ` +
            `best ${fmt(p.stats.best)}  mean ${fmt(p.stats.mean)}  ` +
            `distinct ${p.distinct}${p.budget > 0 ? `/${p.budget}` : ''} (+${p.stats.evaluated})  ` +
            `cache hits ${p.reused}  ${p.evalsPerSec.toFixed(0)} eval/s  ` +
            `features ${(p.cacheHitRate * 100).toFixed(0)}% hit ${mb(p.features.bytesHeld)} ` +
            `${p.features.evictions} evicted  ` +
            `elapsed ${duration(p.elapsedMs)}  eta ${duration(p.etaMs)}`,
        ),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format:
        '{unit} {bar} {value}/{total} | gen {gen} | cache hits {reused} | best {best} mean {mean} ' +
        '| {rate} eval/s | features {cache} hit {held} {evicted} evicted | eta {eta_h}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    // With a budget the bar counts distinct evaluations (what the budget spends), else generations.
    start: (info) =>
      bar.start(info.budget > 0 ? info.budget : info.generations, 0, {
        unit: info.budget > 0 ? 'evals' : 'gen',
        gen: info.resumedAt ?? 0,
        reused: 0,
        best: 'n/a',
        mean: 'n/a',
        rate: '0',
        cache: '0%',
        held: '0 MB',
        evicted: 0,
        eta_h: '?',
      }),
    generation: (p) =>
      bar.update(p.budget > 0 ? p.distinct : p.stats.generation + 1, {
        gen: p.stats.generation + 1,
        reused: p.reused,
        best: fmt(p.stats.best),
        mean: fmt(p.stats.mean),
        rate: p.evalsPerSec.toFixed(0),
        cache: `${(p.cacheHitRate * 100).toFixed(0)}%`,
        held: mb(p.features.bytesHeld),
        evicted: p.features.evictions,
        eta_h: duration(p.etaMs),
      }),
    stop: () => bar.stop(),
  };
}
