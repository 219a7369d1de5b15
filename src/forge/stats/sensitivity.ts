// Parameter sensitivity: does the play's fitness survive small moves of its parameters? A real
// edge sits on a plateau; an overfit one on a spike that its grid neighbours do not share.
//
// The brief (004, `_guard_sensitivity`) evaluates the play on the grid of parameter values within
// `radius` steps of the chosen point and passes when `variance_pct < 10.0` (its example: 2.85 %),
// but never writes the formula down. We define it as the RELATIVE STANDARD DEVIATION (coefficient
// of variation) of fitness over the whole neighbourhood, centre included, in percent:
//
//   dispersionPct = 100 · sd(f) / |mean(f)|,  sd with the n denominator (numpy np.std, ddof = 0)
//
// The population sd is used because the grid is enumerated, not sampled. The scale-free ratio is
// what makes one 10 % threshold meaningful for Sharpe, Calmar or profit-factor fitness alike.
// A second measure, the mean absolute relative change against the centre, is returned for reports.

export interface SensitivityResult {
  /** 100 · sd / |mean| over centre + neighbours: the guard's value (pass when < 10). */
  readonly dispersionPct: number;
  /** 100 · mean(|f_i - f_centre|) / |f_centre| over the neighbours. */
  readonly meanAbsChangePct: number;
  /**
   * 100 · (f_centre - min(f_neighbours)) / |f_centre|: the worst
   * drop from the centre (negative if all neighbours are better).
   */
  readonly worstDropPct: number;
  /** Points used: neighbours + 1. */
  readonly points: number;
}

/**
 * NaN-honest: a NaN fitness anywhere (a neighbour that failed to run) makes every measure NaN, so
 * the guard fails rather than ignoring the failure; a zero mean or zero centre gives NaN for the
 * measure divided by it (a relative change of a zero fitness is undefined). With no neighbours the
 * measures are NaN: a point alone says nothing about its surroundings.
 */
export function sensitivityDispersion(centre: number, neighbours: ArrayLike<number>): SensitivityResult {
  const k = neighbours.length;
  const points = k + 1;
  let bad = Number.isNaN(centre) || k === 0;
  let sum = centre;
  let min = Infinity;
  let absChange = 0;
  for (let i = 0; i < k && !bad; i++) {
    const f = neighbours[i];
    if (Number.isNaN(f)) bad = true;
    sum += f;
    min = Math.min(min, f);
    absChange += Math.abs(f - centre);
  }
  if (bad) return { dispersionPct: NaN, meanAbsChangePct: NaN, worstDropPct: NaN, points };
  const mean = sum / points;
  let ss = (centre - mean) ** 2;
  for (let i = 0; i < k; i++) ss += (neighbours[i] - mean) ** 2;
  const sd = Math.sqrt(ss / points);
  const c = Math.abs(centre);
  return {
    dispersionPct: mean === 0 ? NaN : (100 * sd) / Math.abs(mean),
    meanAbsChangePct: c === 0 ? NaN : (100 * absChange) / k / c,
    worstDropPct: c === 0 ? NaN : (100 * (centre - min)) / c,
    points,
  };
}
