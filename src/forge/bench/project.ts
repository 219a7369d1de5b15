// Projections from measured figures. Labelled as projections wherever they are shown: they assume the
// per-worker throughput measured here and the parallel efficiency measured at the largest worker
// count tried, held constant as cores grow (memory bandwidth and turbo clocks make that optimistic
// on big machines; more cores per worker's cache make it pessimistic for cache-heavy levels).

export const PROJECTION_CORES = [4, 8, 14, 16, 32, 64, 96, 128] as const;

export interface Projection {
  readonly cores: number;
  /** Seconds for 10,000 evaluations at `cores` workers. */
  readonly tenKSeconds: number;
}

/** Speedup over one worker and efficiency (speedup / workers). */
export function scaling(
  ratePerSec: number,
  oneWorkerRate: number,
  workers: number,
): { speedup: number; efficiency: number } {
  const speedup = oneWorkerRate > 0 ? ratePerSec / oneWorkerRate : NaN;
  return { speedup, efficiency: speedup / workers };
}

/** 10k evaluations at each core count from the one-worker rate and an efficiency (capped at 1). */
export function project(
  oneWorkerRate: number,
  efficiency: number,
  cores: readonly number[] = PROJECTION_CORES,
): Projection[] {
  const eff = Math.min(1, efficiency > 0 ? efficiency : 1);
  return cores.map((c) => ({ cores: c, tenKSeconds: 10_000 / (oneWorkerRate * c * eff) }));
}
