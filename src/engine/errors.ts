/**
 * An error the user can act on: the message names the file, line, field or argument, and `fix` says
 * what to do. The CLI prints both and exits non-zero; anything else is treated as a bug.
 */
export class ForgeError extends Error {
  override readonly name = 'ForgeError';
  constructor(
    message: string,
    readonly fix?: string,
    /** Stable machine-readable code for --json output and tests, e.g. 'E_CSV_LINE'. */
    readonly code: string = 'E_FORGE',
  ) {
    super(message);
  }
}

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest known name to `name`, or undefined when nothing is close enough to be a typo. */
export function didYouMean(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of known) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** ", did you mean 'x'?" or "" — appended to unknown-name messages. */
export function suggestion(name: string, known: Iterable<string>): string {
  const hit = didYouMean(name, known);
  return hit === undefined ? '' : `, did you mean '${hit}'?`;
}
