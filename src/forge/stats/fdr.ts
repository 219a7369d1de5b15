// Multiple-testing adjustments of p-values: Benjamini–Hochberg (false discovery rate), and the
// family-wise Bonferroni and Holm for comparison. Each returns adjusted p-values in the caller's
// order (equivalent to R's p.adjust(p, method = "BH" | "bonferroni" | "holm")) and the rejection
// set at alpha (adjusted <= alpha, which for BH is exactly the step-up rule of BH 1995).
//
// NaN policy: a NaN or out-of-range p-value throws a RangeError naming its index. Silently dropping
// it would shrink m and make every other play look more significant; the caller must say what a
// missing p-value means (usually p = 1: the play counts as a trial that proved nothing).

export interface Adjustment {
  readonly adjusted: number[];
  readonly rejected: boolean[];
}

function check(pValues: readonly number[], alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value at index ${i} must be in [0, 1], got ${p}`);
  });
}

/** Indices of p sorted ascending (stable, so ties keep their input order). */
function ascending(p: readonly number[]): number[] {
  return p.map((_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
}

function result(adjusted: number[], alpha: number): Adjustment {
  return { adjusted, rejected: adjusted.map((q) => q <= alpha) };
}

/**
 * Benjamini & Hochberg (1995) step-up: with p(1) <= ... <= p(m), adjusted p(i) =
 * min over j >= i of min(1, m · p(j) / j) — monotone in rank. Rejects every hypothesis with
 * adjusted <= alpha, i.e. all p(i) with i <= k where k is the largest i with p(i) <= i·alpha/m.
 * Controls the FDR at alpha for independent or positively dependent tests.
 */
export function benjaminiHochberg(pValues: readonly number[], alpha: number): Adjustment {
  check(pValues, alpha);
  const m = pValues.length;
  const order = ascending(pValues);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r];
    running = Math.min(running, (m * pValues[i]) / (r + 1));
    adjusted[i] = running;
  }
  return result(adjusted, alpha);
}

/** Bonferroni: min(1, m · p). Controls the family-wise error rate under any dependence. */
export function bonferroni(pValues: readonly number[], alpha: number): Adjustment {
  check(pValues, alpha);
  const m = pValues.length;
  return result(
    pValues.map((p) => Math.min(1, m * p)),
    alpha,
  );
}

/** Holm (1979) step-down: adjusted p(i) = max over j <= i of min(1, (m - j + 1) · p(j)). */
export function holm(pValues: readonly number[], alpha: number): Adjustment {
  check(pValues, alpha);
  const m = pValues.length;
  const order = ascending(pValues);
  const adjusted = new Array<number>(m);
  let running = 0;
  for (let r = 0; r < m; r++) {
    const i = order[r];
    running = Math.max(running, Math.min(1, (m - r) * pValues[i]));
    adjusted[i] = running;
  }
  return result(adjusted, alpha);
}
