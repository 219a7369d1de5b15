import type { GuardResult, Verdict } from './types.js';

// A play's verdict in words a person can act on: ROBUST only when it survives multiple testing (BH
// significant and a deflated Sharpe above the bar) and every guard that ran passed; otherwise NOT
// ROBUST with each reason. Guards that did not run (no data for them) are named, never counted.

export interface VerdictInput {
  readonly guards: readonly GuardResult[];
  /** null: the play is not among the run's recorded evaluations (not part of the BH family). */
  readonly bhAdjusted: number | null;
  readonly bhSignificant: boolean;
  readonly dsr: number | null;
  readonly alpha: number;
  readonly minDsr: number;
}

const num = (x: number) => (Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(3));
const names = (gs: readonly GuardResult[]) => gs.map((g) => g.name).join(', ');

export function verdictOf(v: VerdictInput): Verdict {
  const reasons: string[] = [];
  if (v.bhAdjusted === null) reasons.push("not among the run's recorded evaluations, so not tested against them (BH)");
  else if (!v.bhSignificant)
    reasons.push(`not significant after Benjamini-Hochberg (adjusted p ${num(v.bhAdjusted)} >= ${v.alpha})`);
  if (v.dsr === null) reasons.push('no deflated Sharpe (the in-sample Sharpe is undefined)');
  else if (!(v.dsr > v.minDsr)) reasons.push(`deflated Sharpe ${num(v.dsr)} <= ${v.minDsr}`);
  const failed = v.guards.filter((g) => g.status === 'FAIL');
  const errored = v.guards.filter((g) => g.status === 'ERROR');
  const notRun = v.guards.filter((g) => g.status === 'NOT RUN');
  if (failed.length) reasons.push(`failed ${names(failed)}`);
  if (errored.length) reasons.push(`could not compute ${names(errored)}`);
  const skipped = notRun.length ? `; not run: ${names(notRun)}` : '';
  if (reasons.length) return { verdict: 'NOT ROBUST', why: reasons.join('; ') + skipped };
  const ran = v.guards.length - notRun.length;
  return { verdict: 'ROBUST', why: `survives BH and the deflated Sharpe; passed all ${ran} guards that ran${skipped}` };
}
